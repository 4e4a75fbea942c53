"""The admin blueprint: a package, so its folder holds its static files, templates and data."""

from flask import Blueprint, abort, render_template

# --8<-- [start:admin]
# The folder of this package is the blueprint's resource folder (bp.root_path).
bp = Blueprint("admin", __name__, static_folder="static", template_folder="templates")
USERS = {1: "ada", 2: "bob"}


# Templates are namespaced: admin/templates/admin/index.html, rendered as "admin/index.html".
@bp.get("/")
def index():
    return render_template("admin/index.html", users=USERS)


# The app's own templates/admin/help.html comes first in the search: it overrides this one.
@bp.get("/help")
def help_page():
    return render_template("admin/help.html")


# open_resource reads a file relative to the resource folder.
@bp.get("/motd")
def motd():
    with bp.open_resource("motd.txt", "r") as f:
        return {"motd": f.read().strip()}


# abort(404) in one of this blueprint's views: the blueprint's handler answers.
@bp.get("/users/<int:user_id>")
def user(user_id):
    if user_id not in USERS:
        abort(404)
    return render_template("admin/user.html", name=USERS[user_id])


# --8<-- [start:solution]
# Exercise 03-1: a page of its own, from this blueprint's templates/admin/ folder.
@bp.get("/stats")
def stats():
    return render_template("admin/stats.html", count=len(USERS))


# --8<-- [end:solution]
@bp.errorhandler(404)
def not_found(e):
    return render_template("admin/404.html"), 404


# --8<-- [end:admin]
