"""Lesson 04 - the request context: request and session, test_request_context, push and pop,
and why a thread does not see the request."""

import os
import threading

from flask import Flask, copy_current_request_context, g, render_template, request, session


# --8<-- [start:report]
def generate_report(year):
    """The notes' example: a helper that reads the request, called from a view or a test."""
    return {"year": year, "format": request.args.get("format", "long")}


# --8<-- [end:report]


# --8<-- [start:solution]
def client_language():
    """Exercise 04-1: the best of the languages we have, from the request's Accept-Language."""
    return request.accept_languages.best_match(["en", "fr", "de"], default="en")


# --8<-- [end:solution]


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


# --8<-- [start:check]
# Keys every attacker tries first: the usual placeholders, and the keys printed in Flask's
# tutorial and in the study notes. Any key that was ever published belongs here.
WELL_KNOWN_KEYS = {
    "dev",
    "development",
    "secret",
    "changeme",
    "change-me",
    "test",
    "192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf",  # the tutorial's
    "5b661f002d936d28e6b5be2dace79b9b76789dcd24f7783fd05ab1989f84975f",  # the notes' author's
}
KEY_HELP = """SECRET_KEY is missing, too short or well known: it signs the session cookie.
Generate one:  python -c 'import secrets; print(secrets.token_hex())'
and put it in {instance}/config.py as SECRET_KEY = '...', or set FLASK_SECRET_KEY."""


def check_secret_key(app):
    """Outside debug and testing, refuse to start without a real key."""
    key = app.config["SECRET_KEY"]
    weak = not key or len(key) < 32 or key in WELL_KNOWN_KEYS
    if weak and not (app.debug or app.testing):
        raise RuntimeError(KEY_HELP.format(instance=app.instance_path))


# --8<-- [end:check]


def create_app(test_config=None):
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(
        __name__,
        instance_path=os.path.join(os.path.dirname(__file__), "instance"),
        instance_relative_config=True,
    )
    # SECRET_KEY signs the session cookie. No default: it is read and checked as in lesson 02.
    app.config.from_mapping(SECRET_KEY=None, SESSION_COOKIE_SAMESITE="Lax")
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024  # a bigger body is a 413 (lesson 09)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)  # a test reads nothing from the machine
    check_secret_key(app)

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

    # --8<-- [start:language]
    # Exercise 04-1: the helper, called from a view.
    @app.get("/language")
    def language():
        return {"language": client_language()}

    # --8<-- [end:language]

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

    # The index: a link to every page and a form for the POST (templates/index.html).
    @app.get("/")
    def index():
        return render_template("index.html")

    return app
