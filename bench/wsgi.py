"""The app a benchmark serves, for any WSGI server: ``wsgi:app``.

BENCH_APP names a lesson folder (``examples/14_packaging_and_deployment``) or ``hello``;
BENCH_CONFIG is a JSON object passed to its ``create_app``.
"""

import importlib
import json
import os

from flask import Flask
from flask.cli import prepare_import


def hello_app() -> Flask:
    """The smallest Flask app: the baseline every figure is compared with."""
    app = Flask(__name__)

    @app.route("/")
    def index():
        return "Hello, World!"

    return app


def load() -> Flask:
    target = os.environ.get("BENCH_APP", "hello")
    if target == "hello":
        return hello_app()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    module = importlib.import_module(prepare_import(os.path.join(root, target)))
    return module.create_app(json.loads(os.environ.get("BENCH_CONFIG", "{}")))


app = load()
