"""The SQLite connection: one per request, opened on first use, always closed."""

import sqlite3
import threading
from importlib.resources import files

import click
from flask import current_app, g
from flask.cli import with_appcontext

SCHEMA = files(__package__).joinpath("schema.sql").read_text(encoding="utf-8")


# --8<-- [start:get_db]
def get_db():
    """The connection of the current request, opened on first use."""
    if "db" not in g:
        # Another request may be writing: wait up to 10 s for the lock rather than
        # failing at once with "database is locked".
        g.db = sqlite3.connect(current_app.config["DATABASE"], timeout=10)
        g.db.row_factory = sqlite3.Row
        g.db.executescript(SCHEMA)  # WAL mode, and any table that is missing
        current_app.extensions["flaskr.db"].count(+1)
    return g.db


def close_db(error=None):
    """Teardown: runs after every request, even one that failed."""
    db = g.pop("db", None)
    if db is not None:
        db.close()
        current_app.extensions["flaskr.db"].count(-1)


# --8<-- [end:get_db]


# --8<-- [start:tally]
class Tally:
    """Connections opened and closed by one app (threads share it, hence the lock)."""

    def __init__(self):
        self.opened = self.closed = 0
        self._lock = threading.Lock()

    def count(self, step):
        with self._lock:
            if step > 0:
                self.opened += 1
            else:
                self.closed += 1


# --8<-- [end:tally]


# --8<-- [start:init_db]
def init_db():
    """Drop the tables and create them empty."""
    db = get_db()
    db.executescript("DROP TABLE IF EXISTS post; DROP TABLE IF EXISTS user;")
    db.executescript(SCHEMA)


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Clear the existing data and create new tables."""
    init_db()
    click.echo(f"Initialized the database: {current_app.config['DATABASE']}")


def init_app(app):
    app.extensions["flaskr.db"] = Tally()
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)

    # Connection counts, for tests and load checks only: off unless DB_STATS is set.
    if app.config["DB_STATS"]:

        @app.get("/debug/db-stats")
        def db_stats():
            tally = app.extensions["flaskr.db"]
            return {"opened": tally.opened, "closed": tally.closed}


# --8<-- [end:init_db]
