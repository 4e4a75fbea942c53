"""Lesson 04 - the request context: request and session, test_request_context, push and pop,
and why a thread does not see the request."""

import os
import secrets
import threading

from flask import Flask, copy_current_request_context, g, request, session


# --8<-- [start:report]
def generate_report(year):
    """The notes' example: a helper that reads the request, called from a view or a test."""
    return {"year": year, "format": request.args.get("format", "long")}


# --8<-- [end:report]


# --8<-- [start:in_thread]
def in_thread(func):
    """Run func in a new thread and return what it returned, or the error it raised."""
    outcome = {}

    def run():
        try:
            outcome["result"] = func()
        except RuntimeError as error:
            outcome["result"] = f"RuntimeError: {str(error).splitlines()[0]}"

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=5)
    return outcome.get("result", "still running")


# --8<-- [end:in_thread]


def create_app(test_config=None):
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(__file__), "instance"))
    # A new random key each start: sessions work, and end when the server restarts.
    app.config.from_mapping(SECRET_KEY=secrets.token_hex(), SESSION_COOKIE_SAMESITE="Lax")
    if test_config is not None:
        app.config.from_mapping(test_config)

    # --8<-- [start:views]
    # Runs before every view, in the request context: reads a header into g.
    @app.before_request
    def load_user():
        g.user = request.headers.get("X-User", "anonymous")

    # What the request context holds for this request.
    @app.route("/inspect/<name>", methods=["GET", "POST"])
    def inspect(name):
        return {
            "endpoint": request.endpoint,
            "view_args": request.view_args,
            "args": request.args.to_dict(),
            "form": request.form.to_dict(),
            "user": g.user,
        }

    # The session: per client, kept in a signed cookie between requests.
    @app.get("/visits")
    def visits():
        session["visits"] = session.get("visits", 0) + 1
        return {"visits": session["visits"]}

    # The notes' report helper, called from a view: it reads ?format=.
    @app.get("/make_report/<int:year>")
    def make_report(year):
        return generate_report(year)

    # A thread has no request context, unless the function carries a copy of it.
    @app.get("/thread")
    def thread():
        def read_path():
            return request.path

        return {
            "without_copy": in_thread(read_path),
            "with_copy": in_thread(copy_current_request_context(read_path)),
        }

    # --8<-- [end:views]
    return app
