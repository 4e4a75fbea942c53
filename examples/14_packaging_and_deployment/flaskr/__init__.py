"""flaskr: the Flask tutorial's blog, as an installable package."""

import os

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_host

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


# --8<-- [start:factory]
def create_app(test_config=None):
    """Build the app: defaults, then instance config.py and FLASK_* variables (or test_config)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=None,  # never in the code: config.py or FLASK_SECRET_KEY gives it
        DATABASE=os.path.join(app.instance_path, "flaskr.sqlite"),
        SESSION_COOKIE_SAMESITE="Lax",
        TRUSTED_HOSTS=None,  # the site's names, e.g. ["blog.example.org"]: see hosts below
        PROXY_FIX=0,  # how many reverse proxies stand in front of the app
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)  # <instance folder>/config.py
        app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_DATABASE, ...
    else:
        app.config.from_mapping(test_config)  # tests read nothing from the machine they run on

    os.makedirs(app.instance_path, exist_ok=True)  # config.py and the database live there

    check_secret_key(app)  # no sessions signed with a missing or public key
    # --8<-- [end:factory]

    # --8<-- [start:hosts]
    # Security: believe X-Forwarded-For, -Proto and -Host from exactly the PROXY_FIX proxies
    # in front of the app (0: from nobody). Each proxy must set them; a client can too.
    proxies = app.config["PROXY_FIX"]
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    # Security: answer only to the names in TRUSTED_HOSTS, a 400 for any other Host.
    # Flask >= 3.1 checks TRUSTED_HOSTS itself; on 2.3 and 3.0 this hook does.
    @app.before_request
    def check_host():
        get_host(request.environ, app.config["TRUSTED_HOSTS"])  # raises SecurityError: 400

    # --8<-- [end:hosts]

    # --8<-- [start:parts]
    # The tutorial's first view: proof that the factory works, before any blueprint.
    @app.get("/hello")
    def hello():
        return "Hello, World!"

    from . import auth, blog, db

    db.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(blog.bp)
    # --8<-- [end:parts]
    return app
