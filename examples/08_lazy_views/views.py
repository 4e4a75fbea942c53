"""Plain view functions: no decorators, no app. __init__.py maps URLs to them."""

from flask import render_template
from markupsafe import escape


# --8<-- [start:views]
def index():
    return render_template("index.html")  # links every page of the lesson


def user(username):
    if username is None:  # /user/ passes the rule's default
        return "all users\n"
    return f"profile of {escape(username)}\n"  # Security: escape what came from the URL


def users(page):
    return f"users, page {page}\n"


# --8<-- [end:views]
