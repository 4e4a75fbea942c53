import sqlite3

import pytest
from flaskr.db import get_db


def test_get_close_db(app):
    with app.app_context():
        db = get_db()
        assert db is get_db()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.execute("SELECT 1")


def test_database_uses_wal(app):
    with app.app_context():
        assert get_db().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_init_db_command_empties_the_tables(app, auth, runner):
    result = runner.invoke(args=["init-db"])
    assert "Initialized the database" in result.output
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM user").fetchone()[0] == 0
