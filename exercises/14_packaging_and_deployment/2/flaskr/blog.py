"""The blog: everyone reads the posts, logged-in users write them, authors edit their own."""

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from .auth import form_error, login_required
from .db import get_db

bp = Blueprint("blog", __name__)


# --8<-- [start:blog]
# The newest posts first; Jinja escapes every title and body it prints.
@bp.get("/")
def index():
    posts = get_db().execute(
        "SELECT p.id, title, body, created, author_id, username"
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
        return form_error("blog/create.html", "Title is required.")
    db = get_db()
    with db:
        db.execute(
            "INSERT INTO post (title, body, author_id) VALUES (?, ?, ?)",
            (title, body, g.user["id"]),
        )
    return redirect(url_for("blog.index"), code=303)


# --8<-- [end:blog]


# --8<-- [start:get_post]
def get_post(id_):
    """The post and its author's name: 404 if there is no such post, 403 if the logged-in
    user did not write it. Every view that changes a post goes through here."""
    post = (
        get_db()
        .execute(
            "SELECT p.id, title, body, created, author_id, username"
            " FROM post p JOIN user u ON p.author_id = u.id"
            " WHERE p.id = ?",
            (id_,),
        )
        .fetchone()
    )
    if post is None:
        abort(404, f"Post id {id_} doesn't exist.")
    if post["author_id"] != g.user["id"]:
        abort(403)  # someone else's post: the Edit link is hidden, and the URL is refused too
    return post


# --8<-- [end:get_post]


# --8<-- [start:update]
# The author edits a post: the form comes filled in with what is stored.
@bp.route("/<int:id_>/update", methods=("GET", "POST"))
@login_required
def update(id_):
    post = get_post(id_)
    if request.method == "GET":
        return render_template("blog/update.html", post=post)
    title = request.form.get("title", "").strip()
    body = request.form.get("body", "")
    if not title:
        return form_error("blog/update.html", "Title is required.", post=post)
    db = get_db()
    with db:
        db.execute("UPDATE post SET title = ?, body = ? WHERE id = ?", (title, body, id_))
    return redirect(url_for("blog.index"), code=303)


# Deleting changes state, so it is a POST only, with the same author check.
@bp.post("/<int:id_>/delete")
@login_required
def delete(id_):
    get_post(id_)
    db = get_db()
    with db:
        db.execute("DELETE FROM post WHERE id = ?", (id_,))
    return redirect(url_for("blog.index"), code=303)


# --8<-- [end:update]


# --8<-- [start:solution]
# Exercise 14-2: one post, for everyone: no login, so no author check (not get_post).
@bp.get("/<int:id_>")
def post(id_):
    found = (
        get_db()
        .execute(
            "SELECT p.id, title, body, created, username"
            " FROM post p JOIN user u ON p.author_id = u.id WHERE p.id = ?",
            (id_,),
        )
        .fetchone()
    )
    if found is None:
        abort(404, f"Post id {id_} doesn't exist.")
    return render_template("blog/post.html", post=found)


# --8<-- [end:solution]
