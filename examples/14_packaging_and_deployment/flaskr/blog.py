"""The blog: everyone reads the posts, logged-in users write them."""

from flask import Blueprint, g, redirect, render_template, request, url_for

from .auth import login_required
from .db import get_db

bp = Blueprint("blog", __name__)


# --8<-- [start:blog]
# The newest posts first; Jinja escapes every title and body it prints.
@bp.get("/")
def index():
    posts = get_db().execute(
        "SELECT p.id, title, body, created, username"
        " FROM post p JOIN user u ON p.author_id = u.id"
        " ORDER BY p.id DESC"
    )
    return render_template("blog/index.html", posts=posts.fetchall())


# Writing needs a user: login_required redirects anyone else to the login page.
@bp.route("/create", methods=("GET", "POST"))
@login_required
def create():
    if request.method == "GET":
        return render_template("blog/create.html")
    title = request.form.get("title", "").strip()
    body = request.form.get("body", "")
    if not title:
        return render_template("blog/create.html", error="Title is required."), 400
    db = get_db()
    with db:
        db.execute(
            "INSERT INTO post (title, body, author_id) VALUES (?, ?, ?)",
            (title, body, g.user["id"]),
        )
    return redirect(url_for("blog.index"), code=303)


# --8<-- [end:blog]
