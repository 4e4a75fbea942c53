"""Count a served app's SQLite connections from outside the app, for integration tests.

A lesson keeps no counters of its own. The test serves it through this module instead:

    waitress-serve --listen 127.0.0.1:PORT --threads 8 --call sqlite_watch:create_app

with ``tests/`` on ``PYTHONPATH`` and ``WATCHED_APP`` set to what ``flask --app`` takes
(``examples/05_app_context``, ``flaskr``). Importing this module wraps ``sqlite3.connect``:
every connection the app opens is counted, and so is every ``close()`` (a connection that is
only garbage-collected is not). ``GET /__sqlite__`` answers the counts as JSON, with the
error the app's teardowns were last handed; every other request goes to the app.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading

from flask.cli import ScriptInfo

_connect = sqlite3.connect
_lock = threading.Lock()
counts = {"opened": 0, "closed": 0, "last_teardown_error": None}


class Watched(sqlite3.Connection):
    """A connection that counts its first ``close()``."""

    def close(self):
        with _lock:
            if not getattr(self, "_counted", False):
                self._counted = True
                counts["closed"] += 1
        super().close()


def connect(*args, **kwargs):
    connection = _connect(*args, factory=Watched, **kwargs)
    with _lock:
        counts["opened"] += 1
    return connection


sqlite3.connect = connect


def create_app():
    """The WATCHED_APP app, behind a route that reports the counts."""
    app = ScriptInfo(app_import_path=os.environ["WATCHED_APP"]).load_app()

    @app.teardown_appcontext
    def remember_error(error):
        counts["last_teardown_error"] = type(error).__name__ if error else None

    def wsgi(environ, start_response):
        if environ.get("PATH_INFO") != "/__sqlite__":
            return app(environ, start_response)
        with _lock:
            body = json.dumps(counts).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]

    return wsgi
