"""Lesson 11 - caching with Flask-Caching: init_app, cached, memoize, invalidation, backends."""

import os

from flask import Flask, render_template

from . import catalog, reports
from .extensions import cache
from .store import Store


# --8<-- [start:rendered_by]
@cache.cached(timeout=60, key_prefix="rendered_by")
def rendered_by():
    """The process that filled this cache entry."""
    return os.getpid()


# --8<-- [end:rendered_by]


def create_app(test_config=None):
    # --8<-- [start:factory]
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(__file__), "instance"))
    app.config.from_mapping(
        CACHE_TYPE="SimpleCache",  # in this process only; RedisCache to share between workers
        CACHE_DEFAULT_TIMEOUT=300,
        CACHE_REDIS_URL="redis://127.0.0.1:6379/0",  # read by RedisCache only
        REPORT_DELAY=0.05,  # seconds the slow report takes
        MAX_CONTENT_LENGTH=16 * 1024,  # a bigger body is a 413 (lesson 09)
        TRAPS=False,
    )
    if test_config is None:
        app.config.from_prefixed_env()  # FLASK_CACHE_TYPE=RedisCache, FLASK_CACHE_REDIS_URL=...
    else:
        app.config.from_mapping(test_config)  # a test reads nothing from the machine
    cache.init_app(app)  # one Cache object, a backend of its own for each app
    # --8<-- [end:factory]

    app.extensions["store"] = Store()  # stands in for a database (store.py)
    app.register_blueprint(catalog.bp)
    app.register_blueprint(reports.bp)
    if app.config["TRAPS"]:
        from . import traps

        app.register_blueprint(traps.bp)

    # The index: a link to every page and a form for every POST (templates/index.html).
    @app.get("/")
    def index():
        return render_template("index.html")

    # --8<-- [start:backend]
    # Which backend, which process filled the entry, which one answers. With SimpleCache
    # the two pids always match; with Redis, a worker answers from another one's entry.
    @app.get("/backend")
    def backend():
        return {
            "backend": type(cache.cache).__name__,
            "rendered_by": rendered_by(),
            "served_by": os.getpid(),
        }

    # --8<-- [end:backend]

    return app
