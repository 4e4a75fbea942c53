"""Lesson 09 - error handlers: HTML or JSON by URL prefix, blueprint scope, abort,
a custom API exception, and what a visitor sees when a view crashes."""

import json
import os

from flask import Flask, abort, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from . import shop

USERS = {1: {"id": 1, "name": "ada"}, 2: {"id": 2, "name": "bob"}}


# --8<-- [start:invalid_api_usage]
class InvalidAPIUsage(Exception):
    """An API error with a status code and extra fields for the JSON body."""

    status_code = 400

    def __init__(self, message, status_code=None, payload=None):
        super().__init__(message)  # str(e) is the message, as for any exception
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        self.payload = payload

    def to_dict(self):
        return {**(self.payload or {}), "message": self.message}


# --8<-- [end:invalid_api_usage]


# --8<-- [start:solution]
class NameTaken(InvalidAPIUsage):
    """Exercise 09-1: a 409. The InvalidAPIUsage handler answers for its subclasses too."""

    status_code = 409


# --8<-- [end:solution]


# --8<-- [start:json_provider]
class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, but JSON nested too deep to parse is broken JSON, like any other.

    json.loads() raises RecursionError for JSON nested deep enough (how deep depends on
    the Python), and get_json() turns only ValueError into a 400: without this, such a
    body is a 500. An errorhandler for RecursionError would hide our own bugs behind a 400.
    """

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


# --8<-- [end:json_provider]


def create_app(test_config=None):
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(__file__), "instance"))
    # --8<-- [start:limits]
    app.config.from_mapping(MAX_CONTENT_LENGTH=64 * 1024)  # a bigger body is a 413
    app.json = JSONProvider(app)  # get_json(): a 400 for JSON nested too deep, too
    # --8<-- [end:limits]
    if test_config is not None:
        app.config.from_mapping(test_config)

    # --8<-- [start:handlers]
    # Every HTTP error, whoever raised it (routing, abort(), Flask itself, an unhandled
    # exception turned into a 500): Flask's own response, with its status and headers
    # (Allow on a 405), and a body in JSON under /api/ or in HTML elsewhere.
    @app.errorhandler(HTTPException)
    def http_error(e):
        response = e.get_response()
        if request.path.startswith("/api/"):
            body = {"code": e.code, "name": e.name, "description": e.description}
            response.data = json.dumps(body)
            response.content_type = "application/json"
        else:
            response.data = render_template("error.html", error=e)
            response.content_type = "text/html; charset=utf-8"
        return response

    # Our own API exception: its status, its payload, always JSON.
    @app.errorhandler(InvalidAPIUsage)
    def invalid_api_usage(e):
        return jsonify(e.to_dict()), e.status_code

    # --8<-- [end:handlers]

    # --8<-- [start:views]
    # An HTML page, for contrast with the API below: it links every page (templates/index.html).
    @app.get("/")
    def index():
        return render_template("index.html")

    # abort() with a description: the handler above puts it in the JSON body.
    @app.get("/api/users/<int:user_id>")
    def get_user(user_id):
        if user_id not in USERS:
            abort(404, description=f"There is no user {user_id}.")
        return USERS[user_id]

    # The notes' /api/user?user_id=, fixed: request.args, and no view argument.
    @app.get("/api/user")
    def find_user():
        user_id = request.args.get("user_id", type=int)
        if user_id is None:
            raise InvalidAPIUsage("No user id provided!")
        if user_id not in USERS:
            raise InvalidAPIUsage("No such user!", status_code=404, payload={"user_id": user_id})
        return USERS[user_id]

    # A JSON body: broken JSON is a 400, another content type a 415, a missing name a 400.
    @app.post("/api/users")
    def create_user():
        data = request.get_json()  # broken JSON: 400; not application/json: 415
        name = data.get("name") if isinstance(data, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise InvalidAPIUsage("A user needs a name.", payload={"field": "name"})
        # --8<-- [start:raise]
        if any(user["name"] == name.strip() for user in USERS.values()):
            raise NameTaken(f"{name.strip()} is taken.", payload={"field": "name"})
        # --8<-- [end:raise]
        return {"id": len(USERS) + 1, "name": name.strip()}, 201

    # A bug in a view: a 500, the same generic page for every visitor.
    @app.get("/boom")
    @app.get("/api/boom")
    def boom():
        raise RuntimeError("the secret recipe is 42 parts sugar")

    # --8<-- [end:views]

    app.register_blueprint(shop.bp)
    return app
