"""Lesson 06 - the request lifecycle: before_request, the view, after_request, teardown,
in order, recorded; and what each of them receives when something goes wrong."""

import os

from flask import Flask, abort, appcontext_tearing_down, g, render_template

from . import admin


# --8<-- [start:record]
def record(step):
    """Note one step of this request in g, which lives exactly as long as the request."""
    g.setdefault("steps", []).append(step)


# --8<-- [end:record]


# --8<-- [start:trace]
def trace(app, path):
    """GET path with a fresh test client; return the status and the steps it recorded.

    g is gone once the request ends. Flask's appcontext_tearing_down signal is sent at the
    very end, after the teardown_appcontext functions, while g is still there to read.
    """
    steps = []

    def keep(sender, **extra):
        steps.extend(g.get("steps", []))

    with appcontext_tearing_down.connected_to(keep, app):
        try:
            status = app.test_client().get(path).status
        except Exception as e:  # noqa: BLE001 - TESTING on: the view's error reaches us
            status = f"raised {e!r}"
    return status, steps


# --8<-- [end:trace]


def create_app(test_config=None):
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(__file__), "instance"))
    app.config.from_mapping(MAINTENANCE=False)
    if test_config is not None:
        app.config.from_mapping(test_config)

    # --8<-- [start:hooks]
    # Before every request. Returning a response stops here: the view never runs.
    @app.before_request
    def before_request():
        record("before_request")
        if app.config["MAINTENANCE"]:
            return "down for maintenance\n", 503, {"Retry-After": "120"}
        return None

    # After the view (or an error handler) made a response; must return a response.
    @app.after_request
    def after_request(response):
        record(f"after_request {response.status_code}")
        return response

    # When the request context is popped, whatever happened: exc is what went unhandled.
    @app.teardown_request
    def teardown_request(exc):
        record(f"teardown_request {type(exc).__name__ if exc else None}")

    # When the app context is popped, right after; the place to close a database.
    @app.teardown_appcontext
    def teardown_appcontext(exc):
        record(f"teardown_appcontext {type(exc).__name__ if exc else None}")

    # --8<-- [end:hooks]

    # --8<-- [start:views]
    # The normal case.
    @app.get("/hello")
    def hello():
        record("view")
        return "hello\n"

    # A bug: nobody handles RuntimeError.
    @app.get("/crash")
    def crash():
        record("view")
        raise RuntimeError("bug")

    # An error that a handler turns into a response.
    @app.get("/handled")
    def handled():
        record("view")
        raise ValueError("bad value")

    @app.errorhandler(ValueError)
    def bad_value(e):
        record("errorhandler ValueError")
        return f"bad value: {e}\n", 400

    # abort(): an HTTPException, which Flask handles itself.
    @app.get("/missing")
    def missing():
        record("view")
        abort(404)

    # --8<-- [start:solution]
    # Exercise 06-2: abort(404) and unknown URLs get this page; after_request still runs.
    @app.errorhandler(404)
    def not_found(e):
        record("errorhandler 404")
        return "nothing here\n", 404

    # --8<-- [end:solution]
    # --8<-- [end:views]

    # The index: a link to every page (templates/index.html).
    @app.get("/")
    def index():
        return render_template("index.html")

    app.register_blueprint(admin.bp)
    return app
