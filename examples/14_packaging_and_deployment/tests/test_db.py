import sqlite3

import pytest
from flaskr.db import get_db


def test_one_connection_per_context_closed_at_teardown(app):
    tally = app.extensions["flaskr.db"]
    before = tally.opened, tally.closed
    with app.app_context():
        db = get_db()
        assert get_db() is db
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.execute("SELECT 1")
    assert (tally.opened - before[0], tally.closed - before[1]) == (1, 1)


def test_database_uses_wal(app):
    with app.app_context():
        assert get_db().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_init_db_command_empties_the_tables(app, auth, runner):
    result = runner.invoke(args=["init-db"])
    assert "Initialized the database" in result.output
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM user").fetchone()[0] == 0


def test_stats_route_only_with_db_stats(app, tmp_path):
    from flaskr import create_app

    assert "db_stats" not in app.view_functions
    stats_app = create_app({"TESTING": True, "DB_STATS": True, "DATABASE": str(tmp_path / "s.db")})
    stats_app.test_client().get("/")
    assert stats_app.test_client().get("/debug/db-stats").json == {"opened": 1, "closed": 1}
