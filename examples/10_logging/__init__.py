"""Lesson 10 - logging: app.logger, dictConfig, a rotating file, blueprints, request details."""

import logging
import logging.config
import os
import re
import uuid

from flask import Flask, g, render_template, request
from flask.json.provider import DefaultJSONProvider

from . import shop
from .logconfig import logging_config

SAFE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, but JSON nested too deep to parse is broken JSON (lesson 09's trap)."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:  # json.loads() gives up past about 1,000 levels
            raise ValueError("JSON nested too deeply") from None


def create_app(test_config=None):
    # --8<-- [start:factory]
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(__file__), "instance"))
    app.config.from_mapping(LOG_DIR=app.instance_path, LOG_LEVEL="INFO", LOG_ROTATE=True)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # a bigger body is a 413 (lesson 09)
    if test_config is None:
        app.config.from_prefixed_env()  # FLASK_LOG_LEVEL=DEBUG, FLASK_LOG_DIR=/var/log/shop
    else:
        app.config.from_mapping(test_config)  # a test reads nothing from the machine
    app.json = JSONProvider(app)  # JSON nested too deep: a 400, not a 500
    os.makedirs(app.config["LOG_DIR"], exist_ok=True)
    # Configure logging before anything touches app.logger: Flask then adds no handler
    # of its own, and a second create_app() replaces these handlers instead of adding more.
    logging.config.dictConfig(logging_config(app))
    # --8<-- [end:factory]

    # --8<-- [start:request_id]
    # Every request gets an id: the caller's X-Request-ID if it is a short token, else a new one.
    @app.before_request
    def assign_request_id():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if SAFE_ID.fullmatch(given) else uuid.uuid4().hex

    # Send the id back, so a user's bug report can quote it and you can grep for it. (No id
    # when a before_request registered earlier answered first: `g` then has none.)
    @app.after_request
    def return_request_id(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response

    # --8<-- [end:request_id]

    # --8<-- [start:views]
    # app.logger: DEBUG is below the INFO level configured above, so only INFO is written.
    @app.get("/")
    def index():
        app.logger.debug("index: a debug record")
        app.logger.info("index visited")
        return render_template("index.html")  # links every page of the lesson

    # An unhandled exception: Flask logs it with its traceback; the client gets a bare 500.
    @app.get("/boom")
    def boom():
        raise RuntimeError("the database is on fire")

    # `flask --app examples/10_logging log-levels`: which levels get through?
    @app.cli.command("log-levels")
    def log_levels():
        """Send one record per level through app.logger."""
        for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR):
            app.logger.log(level, "this is %s", logging.getLevelName(level).lower())

    # --8<-- [end:views]

    app.register_blueprint(shop.bp)
    return app
