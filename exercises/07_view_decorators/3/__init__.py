"""Lesson 07 - view decorators: login_required, a role check, a correct caching decorator."""

import os
import time
from collections import Counter

from flask import Flask, g, redirect, render_template, request, session, url_for
from markupsafe import escape
from werkzeug.security import check_password_hash

from .decorators import (
    TinyCache,
    api_login_required,
    cached,
    login_required,
    role_required,
    safe_next,
)
from .users import DUMMY_HASH, USERS

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
    # --8<-- [start:config]
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(
        __name__,
        instance_path=os.path.join(os.path.dirname(__file__), "instance"),
        instance_relative_config=True,
    )
    # No SECRET_KEY here: it comes from the instance folder's config.py or FLASK_SECRET_KEY.
    # SameSite=Lax: the browser does not send the session cookie on cross-site POSTs.
    app.config.from_mapping(
        SECRET_KEY=None,
        SESSION_COOKIE_SAMESITE="Lax",
        TRAPS=False,
        CACHE_CLOCK=time.monotonic,
        MAX_CONTENT_LENGTH=16 * 1024,  # a bigger body is a 413 (lesson 09)
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)  # a test reads nothing from the machine
    check_secret_key(app)
    # --8<-- [end:config]
    app.extensions["view_cache"] = TinyCache(clock=app.config["CACHE_CLOCK"])
    renders = Counter()  # how often each view really ran: a cache hit does not count

    # --8<-- [start:load_user]
    # Before every view: who is signed in? g.user is None for anonymous visitors.
    @app.before_request
    def load_user():
        name = session.get("user")
        g.user = {"name": name, "role": USERS[name]["role"]} if name in USERS else None

    # --8<-- [end:load_user]

    # A public page that knows who you are, and links every page (templates/index.html).
    @app.get("/")
    def index():
        return render_template("index.html")

    # --8<-- [start:login]
    # The form carries `next`; escape() keeps a hostile value from breaking out of it.
    @app.get("/login")
    def login_form():
        next_url = escape(request.args.get("next", ""))
        return (
            '<form method="post"><label>Name <input name="username" placeholder="bob" required'
            ' autocomplete="username"></label> <label>Password <input name="password" required'
            ' type="password" placeholder="builder" autocomplete="current-password"></label> '
            f'<input type="hidden" name="next" value="{next_url}">'
            " <button>Sign in</button></form>\n"
        )

    # Check the password hash, remember the user, go back to `next` only if it is ours.
    @app.post("/login")
    def login():
        username, password = request.form["username"], request.form["password"]  # 400 if absent
        if not username or not password:  # no user has either blank: refuse before hashing
            return "name and password are required\n", 400
        user = USERS.get(username)
        # An unknown name is checked against a dummy hash: it takes as long as a known one.
        stored = user["password_hash"] if user else DUMMY_HASH
        if not check_password_hash(stored, password) or user is None:
            return "wrong username or password\n", 401
        session.clear()
        session["user"] = username
        return redirect(safe_next(request.form.get("next")) or url_for("index"), code=303)

    # Security: logging out changes state, so it is a POST (a link or <img> cannot do it).
    # Clear only a session that was sent: another site's form arrives without the cookie
    # (SameSite=Lax), and clearing an empty session would still answer "delete the cookie".
    @app.post("/logout")
    def logout():
        if session:
            session.clear()
        return redirect(url_for("index"), code=303)

    # --8<-- [end:login]

    # --8<-- [start:views]
    # @app.route first (outermost), then the checks, then the cache: order matters.
    @app.get("/dashboard")
    @login_required
    @cached(timeout=60)
    def dashboard():
        renders["dashboard"] += 1
        return f"{g.user['name']}'s dashboard (rendered {renders['dashboard']}x)\n"

    # A decorator with an argument: only admins get in, everyone else signed in gets 403.
    @app.get("/admin")
    @role_required("admin")
    def admin():
        return f"admin area, welcome {g.user['name']}\n"

    # --8<-- [start:api]
    # Exercise 07-3: who you are, for scripts; anonymous is a 401, not a redirect.
    @app.get("/api/me")
    @api_login_required
    def api_me():
        return {"user": g.user["name"], "role": g.user["role"]}

    # --8<-- [end:api]

    # A public, expensive page: cached per full URL, so ?page=2 is its own entry.
    @app.get("/report")
    @cached(timeout=60)
    def report():
        page = request.args.get("page", 1, type=int)
        if not 1 <= page <= 3:
            return "no such page\n", 404  # not a 200: never cached
        renders["report"] += 1
        return f"report page {page} (rendered {renders['report']}x)\n"

    # --8<-- [end:views]

    if app.config["TRAPS"]:
        from .traps import register_traps

        register_traps(app)
    return app
