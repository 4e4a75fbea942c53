"""Lesson 06 - the request lifecycle: before_request, the view, after_request, teardown,
in order, recorded; and what each of them receives when something goes wrong."""

import os

from flask import Flask, abort

from . import admin


# --8<-- [start:trace]
def trace(app, path):
    """GET path with a fresh test client; return the status and the calls it caused."""
    calls = app.extensions["calls"]
    calls.clear()
    status = app.test_client().get(path).status
    return status, calls[:]


# --8<-- [end:trace]


def create_app(test_config=None):
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(__file__), "instance"))
    app.config.from_mapping(MAINTENANCE=False)
    if test_config is not None:
        app.config.from_mapping(test_config)
    calls = app.extensions["calls"] = []  # what ran, in order, for the current request

    # --8<-- [start:hooks]
    # Before every request. Returning a response stops here: the view never runs.
    @app.before_request
    def before_request():
        calls.append("before_request")
        if app.config["MAINTENANCE"]:
            return "down for maintenance\n", 503, {"Retry-After": "120"}
        return None

    # After the view (or an error handler) made a response; must return a response.
    @app.after_request
    def after_request(response):
        calls.append(f"after_request {response.status_code}")
        return response

    # When the request context is popped, whatever happened: exc is what went unhandled.
    @app.teardown_request
    def teardown_request(exc):
        calls.append(f"teardown_request {type(exc).__name__ if exc else None}")

    # When the app context is popped, right after; the place to close a database.
    @app.teardown_appcontext
    def teardown_appcontext(exc):
        calls.append(f"teardown_appcontext {type(exc).__name__ if exc else None}")

    # --8<-- [end:hooks]

    # --8<-- [start:views]
    # The normal case.
    @app.get("/hello")
    def hello():
        calls.append("view")
        return "hello\n"

    # A bug: nobody handles RuntimeError.
    @app.get("/crash")
    def crash():
        calls.append("view")
        raise RuntimeError("bug")

    # An error that a handler turns into a response.
    @app.get("/handled")
    def handled():
        calls.append("view")
        raise ValueError("bad value")

    @app.errorhandler(ValueError)
    def bad_value(e):
        calls.append("errorhandler ValueError")
        return f"bad value: {e}\n", 400

    # abort(): an HTTPException, which Flask handles itself.
    @app.get("/missing")
    def missing():
        calls.append("view")
        abort(404)

    # --8<-- [end:views]

    app.register_blueprint(admin.bp)
    return app
