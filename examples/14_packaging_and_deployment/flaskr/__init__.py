"""flaskr: the Flask tutorial's blog, as an installable package."""

import os

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_host

KEY_HELP = """SECRET_KEY is missing or too short: it signs the session cookie, so a known key
lets anyone log in as anyone. Generate one with
    python -c 'import secrets; print(secrets.token_hex())'
and put SECRET_KEY = '<that value>' in {config}
or set the FLASK_SECRET_KEY environment variable."""


# --8<-- [start:factory]
def create_app(test_config=None):
    """Build the app: defaults, then instance config.py and FLASK_* variables (or test_config)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="dev",  # noqa: S106 - only good enough for debug and tests: see below
        DATABASE=os.path.join(app.instance_path, "flaskr.sqlite"),
        SESSION_COOKIE_SAMESITE="Lax",
        DB_STATS=False,
        TRUSTED_HOSTS=None,  # the site's names, e.g. ["blog.example.org"]: see hosts below
        PROXY_FIX=0,  # how many reverse proxies stand in front of the app
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)  # <instance folder>/config.py
        app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_DATABASE, ...
    else:
        app.config.from_mapping(test_config)  # tests read nothing from the machine they run on

    os.makedirs(app.instance_path, exist_ok=True)  # config.py and the database live there

    # Security: refuse to serve real users with the public "dev" key.
    if not (app.debug or app.testing) and len(app.config["SECRET_KEY"] or "") < 16:
        config_py = os.path.join(app.instance_path, "config.py")
        raise RuntimeError(KEY_HELP.format(config=config_py))
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
    from . import auth, blog, db

    db.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(blog.bp)
    # --8<-- [end:parts]
    return app
