"""Lesson 05 - the application context: current_app, g, pushing it by hand, teardown + db."""

import os

from flask import Flask, abort, current_app, g, render_template, request
from flask.json.provider import DefaultJSONProvider

from . import db


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, but JSON nested too deep to parse is broken JSON (lesson 09's trap)."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:  # json.loads() gives up past about 1,000 levels
            raise ValueError("JSON nested too deeply") from None


# --8<-- [start:factory]
def create_app(test_config=None):
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(__file__), "instance"))
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=64 * 1024,  # a bigger body is a 413 (lesson 09)
        TITLE="Notes",
        DATABASE=os.path.join(app.instance_path, "app_context.sqlite"),
    )
    if test_config is None:
        app.config.from_prefixed_env()  # FLASK_DATABASE=... overrides the default
    else:
        app.config.from_mapping(test_config)  # a test reads nothing from the machine
    app.json = JSONProvider(app)  # JSON nested too deep: a 400, not a 500
    os.makedirs(app.instance_path, exist_ok=True)  # the default DATABASE lives there
    db.init_app(app)
    # --8<-- [end:factory]

    # --8<-- [start:current_app]
    # current_app is the app handling this request: the same code serves every app.
    @app.get("/app")
    def app_info():
        return {"app": current_app.name, "title": current_app.config["TITLE"]}

    # --8<-- [end:current_app]

    # --8<-- [start:g]
    # g lives as long as the app context, i.e. one request: it starts empty every time.
    @app.get("/g")
    def per_request():
        g.visits = g.get("visits", 0) + 1
        return {"visits": g.visits}

    # --8<-- [end:g]

    # --8<-- [start:notes]
    # Two get_db() calls, one connection: g caches it for the rest of the request.
    @app.get("/notes")
    def list_notes():
        rows = db.get_db().execute("SELECT id, text FROM note ORDER BY id").fetchall()
        return {"notes": [dict(row) for row in rows], "count": count_notes()}

    def count_notes():
        return db.get_db().execute("SELECT count(*) FROM note").fetchone()[0]

    # Data that must outlive the request goes in the database, never in g.
    @app.post("/notes")
    def add_note():
        data = request.get_json(silent=True)  # broken (or too deep) JSON is None: a 400
        text = data.get("text") if isinstance(data, dict) else None
        valid = isinstance(text, str) and text.isprintable() and 0 < len(text.strip()) <= 200
        if not valid:
            abort(400, description='send JSON like {"text": "..."}: one line, 1 to 200 characters')
        connection = db.get_db()
        with connection:  # commits, or rolls back if the block raises
            cursor = connection.execute("INSERT INTO note (text) VALUES (?)", (text,))
        return {"id": cursor.lastrowid, "text": text}, 201

    # --8<-- [end:notes]

    # --8<-- [start:failing]
    # A view with a bug: its SQL names a table that does not exist. With debug off the
    # visitor gets a plain 500, and the teardown still closes the connection.
    @app.get("/broken")
    def broken():
        return {"notes": db.get_db().execute("SELECT * FROM notes").fetchall()}

    # --8<-- [end:failing]

    # The index: a link to every page and a form for the POST (templates/index.html).
    @app.get("/")
    def index():
        return render_template("index.html")

    return app
