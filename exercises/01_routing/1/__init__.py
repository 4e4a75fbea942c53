"""Lesson 01 - routing: trailing slashes, converters, methods, url_for, redirects."""

import os

from flask import Flask, abort, jsonify, redirect, render_template, request, url_for
from werkzeug.routing import BaseConverter


# --8<-- [start:converter]
class ListConverter(BaseConverter):
    """``<list:tags>`` matches ``a+b+c`` and gives the view ``["a", "b", "c"]``."""

    regex = r"[^/+]+(?:\+[^/+]+)*"

    def to_python(self, value):
        return value.split("+")

    def to_url(self, value):
        quote = super().to_url
        return "+".join(quote(v) for v in value)


# --8<-- [end:converter]


def create_app(test_config=None):
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(__file__), "instance"))
    app.config.from_mapping(MAX_CONTENT_LENGTH=16 * 1024)  # a bigger body is a 413 (lesson 09)
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.url_map.converters["list"] = ListConverter

    # --8<-- [start:slashes]
    # A rule ending in "/" is like a folder: /projects redirects here (308).
    @app.route("/projects/", methods=["GET", "POST"])
    def projects():
        return f"projects ({request.method})\n"

    # A rule without "/" is like a file: /about/ is a 404.
    @app.route("/about")
    def about():
        return "about\n"

    # --8<-- [end:slashes]

    # --8<-- [start:solution]
    # Exercise 01-1: a second collection, a folder like /projects/ (/teams redirects here).
    @app.route("/teams/")
    def teams():
        return "teams\n"

    # --8<-- [end:solution]

    # --8<-- [start:converters]
    # The default converter is `string`: any text without a slash.
    @app.route("/user/<username>")
    def user(username):
        return f"user {username}\n"

    # `int` turns the segment into an int; "abc" and "-1" never reach the view.
    @app.route("/post/<int:post_id>")
    def post(post_id):
        return jsonify(post_id=post_id, type=type(post_id).__name__)

    # `signed=True` lets `int` accept negative numbers too.
    @app.route("/offset/<int(signed=True):delta>")
    def offset(delta):
        return jsonify(delta=delta)

    # `path` is like `string` but also accepts slashes.
    @app.route("/docs/<path:subpath>")
    def docs(subpath):
        return jsonify(subpath=subpath)

    # A custom converter, registered on app.url_map.converters.
    @app.route("/tags/<list:tags>")
    def tags(tags):
        return jsonify(tags=tags)

    # --8<-- [end:converters]

    # --8<-- [start:methods]
    # Two views, one URL: GET shows the form, POST handles it.
    @app.get("/login")
    def login_form():
        return (
            '<form method="post"><label>Name <input name="username" autocomplete="username">'
            "</label> <button>Sign in</button></form>\n"
        )

    @app.post("/login")
    def login():
        username = request.form.get("username", "").strip()
        if not username:
            abort(400, description="username is required")
        # After a POST, redirect (303) so a reload does not resend the form.
        return redirect(url_for("user", username=username), code=303)

    # --8<-- [end:methods]

    # --8<-- [start:url_for]
    # url_for builds URLs from endpoint names; unknown arguments become the query string.
    @app.route("/urls")
    def urls():
        return jsonify(
            about=url_for("about"),
            user=url_for("user", username="ada lovelace"),
            page2=url_for("projects", page=2),
            tags=url_for("tags", tags=["flask", "web"]),
            external=url_for("post", post_id=7, _external=True),
        )

    # --8<-- [end:url_for]

    # --8<-- [start:redirects]
    # An old URL that moved for good: 301 tells clients and search engines.
    @app.route("/about-us")
    def about_us():
        return redirect(url_for("about"), code=301)

    # A form that moved: 308 makes the browser repeat the POST at the new URL.
    @app.post("/signin")
    def signin():
        return redirect(url_for("login"), code=308)

    # --8<-- [end:redirects]

    # The index: a link to every page, a form for every POST (templates/index.html).
    @app.get("/")
    def index():
        return render_template("index.html")

    return app
