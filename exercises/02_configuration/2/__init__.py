"""Lesson 02 - configuration: where values come from, in which order, and a real SECRET_KEY."""

import os

import click
from flask import Flask, abort, redirect, render_template, request, session, url_for

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
    # --8<-- [start:solution]
    "this-is-the-key-from-our-deployment-guide-2024",  # exercise 02-2: it was in our wiki
    # --8<-- [end:solution]
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
    # --8<-- [start:sources]
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(
        __name__,
        instance_path=os.path.join(os.path.dirname(__file__), "instance"),
        instance_relative_config=True,
    )
    # 1. Defaults, in the code. No secret here: code is read by everyone who has the repo.
    app.config.from_mapping(
        SECRET_KEY=None,
        GREETING="hello from the defaults",
        PAGE_SIZE=10,
        FEATURES={"search": False, "export": False},
        SESSION_COOKIE_SAMESITE="Lax",  # not sent along with other sites' POSTs
        MAX_CONTENT_LENGTH=16 * 1024,  # a bigger body is a 413 (lesson 09)
    )
    if test_config is None:
        # 2. The instance folder's config.py, if there is one: silent=True, a missing file is fine.
        app.config.from_pyfile("config.py", silent=True)
        # 3. FLASK_* environment variables: FLASK_PAGE_SIZE=20 (parsed as JSON: an int).
        app.config.from_prefixed_env()
    else:
        # Or a test's config, instead of 2 and 3: a test reads nothing from the machine.
        app.config.from_mapping(test_config)
    check_secret_key(app)
    # --8<-- [end:sources]

    # --8<-- [start:views]
    # The index: a link to every page and a form for the POST (templates/index.html).
    @app.get("/")
    def index():
        return render_template("index.html")

    # Non-secret settings only: never echo SECRET_KEY or a password from config.
    @app.get("/settings")
    def settings():
        return {"greeting": app.config["GREETING"], "page_size": app.config["PAGE_SIZE"]}

    # The session cookie is signed with SECRET_KEY: whoever knows the key can write it.
    @app.post("/login")
    def login():
        name = request.form.get("name", "").strip()
        if not name.isalnum():
            abort(400, description="name: letters and digits only")
        session["user"] = name
        return redirect(url_for("whoami"), code=303)

    # Who the session cookie says you are.
    @app.get("/whoami")
    def whoami():
        return {"user": session.get("user", "anonymous")}

    # `flask --app examples/02_configuration show-config`: which value won.
    @app.cli.command("show-config")
    @click.argument("names", nargs=-1)
    def show_config(names):
        """Print config values (never SECRET_KEY) and the instance folder."""
        for name in names or ("GREETING", "PAGE_SIZE", "FEATURES"):
            if name != "SECRET_KEY":
                click.echo(f"{name} = {app.config.get(name)!r}")
        click.echo(f"instance folder: {app.instance_path}")

    # --8<-- [end:views]
    return app
