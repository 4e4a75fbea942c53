"""The SQLite connection: one per request, opened on first use, always closed."""

import sqlite3
from importlib.resources import files

import click
from flask import current_app, g
from flask.cli import with_appcontext

# Unlike the tutorial: read once, at import, because every new connection runs it.
SCHEMA = files(__package__).joinpath("schema.sql").read_text(encoding="utf-8")


# --8<-- [start:get_db]
def get_db():
    """Connect to the configured database. The connection is unique for each request
    and is reused if this is called again."""
    if "db" not in g:
        # Unlike the tutorial: wait up to 10 s for another writer, not "database is locked".
        g.db = sqlite3.connect(current_app.config["DATABASE"], timeout=10)
        g.db.row_factory = sqlite3.Row
        # Unlike the tutorial: WAL mode, and any table that is missing, on first use.
        g.db.executescript(SCHEMA)
    return g.db


def close_db(e=None):
    """If this request connected to the database, close the connection."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


# --8<-- [end:get_db]


# --8<-- [start:init_db]
def init_db():
    """Clear existing data and create new tables."""
    db = get_db()
    # Unlike the tutorial: schema.sql only creates what is missing, so drop first.
    db.executescript("DROP TABLE IF EXISTS post; DROP TABLE IF EXISTS user;")
    db.executescript(SCHEMA)


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Clear existing data and create new tables."""
    init_db()
    # Unlike the tutorial: say where, since installed it is not the current folder.
    click.echo(f"Initialized the database: {current_app.config['DATABASE']}")


def init_app(app):
    """Register database functions with the Flask app. This is called by the factory."""
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)


# --8<-- [end:init_db]
