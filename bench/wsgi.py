"""The app a benchmark serves, for any WSGI server: ``wsgi:app``.

BENCH_APP names a lesson folder (``examples/14_packaging_and_deployment``) or ``hello``;
BENCH_CONFIG is a JSON object passed to its ``create_app``; BENCH_UNCACHED_REPORT=1 adds
lesson 11's uncached report route.
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


def with_uncached_report(app: Flask) -> Flask:
    """Lesson 11's app plus ``/reports/<year>/uncached``, its memoised report without the
    cache, added from outside: the caching benchmark compares the two."""
    reports = importlib.import_module(app.import_name + ".reports")

    @app.get("/reports/<int:year>/uncached")
    def report_uncached(year):
        return reports.sales_report.uncached(year)

    return app


def load() -> Flask:
    target = os.environ.get("BENCH_APP", "hello")
    if target == "hello":
        return hello_app()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    module = importlib.import_module(prepare_import(os.path.join(root, target)))
    app = module.create_app(json.loads(os.environ.get("BENCH_CONFIG", "{}")))
    return with_uncached_report(app) if os.environ.get("BENCH_UNCACHED_REPORT") else app


app = load()
