"""The database connection's lifecycle, flaskr style: open on first use, close at teardown.

This module never imports the app: there is no app to import (the factory builds it), and
importing the package from here would be circular. It reaches the app through
``current_app`` and keeps the connection on ``g``, both set up by the app context.
"""

import sqlite3
from pathlib import Path

import click
from flask import current_app, g

SCHEMA = (Path(__file__).parent / "schema.sql").read_text()


# --8<-- [start:get_db]
def get_db():
    """The connection of the current app context: opened on first use, then reused."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
        g.db.executescript(SCHEMA)  # tables that are missing are created
    return g.db


def close_db(error):
    """Teardown: Flask calls it with the error that ended the context, or None."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


# --8<-- [end:get_db]


# --8<-- [start:cli]
def init_db():
    """Drop the notes and create the tables again."""
    db = get_db()
    db.execute("DROP TABLE IF EXISTS note")
    db.executescript(SCHEMA)


@click.command("init-db")
def init_db_command():
    """Start the database afresh (Flask pushes an app context for the command)."""
    init_db()
    click.echo("Initialized the database.")


# --8<-- [start:solution]
@click.command("count-notes")
def count_notes_command():
    """Exercise 05-2: print how many notes there are (the command runs in an app context)."""
    count = get_db().execute("SELECT count(*) FROM note").fetchone()[0]
    click.echo(f"{count} notes")


def init_app(app):
    """Register this module's teardown and commands on an app (called by the factory)."""
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
    app.cli.add_command(count_notes_command)


# --8<-- [end:solution]


# --8<-- [end:cli]
