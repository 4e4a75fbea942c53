"""Fixtures for flaskr's own tests: an app on a temp database, a client, a CLI runner."""

from pathlib import Path

import pytest
from flaskr import create_app
from flaskr.db import get_db

# The users "test" and "other" (each password the same as the name), hashed with few rounds
# so that tests stay fast, and one post by "test", as in the tutorial's tests.
DATA = (Path(__file__).parent / "data.sql").read_text()


@pytest.fixture
def app(tmp_path):
    """An app in testing mode on a fresh database in a temp folder, with the data above."""
    config = {"TESTING": True, "DATABASE": str(tmp_path / "test.sqlite")}
    app = create_app({**config, "SECRET_KEY": "a-key-for-the-tests-only"})  # noqa: S106
    with app.app_context():
        get_db().executescript(DATA)
    return app


@pytest.fixture
def client(app):
    """A test client: it keeps cookies between requests, like a browser."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Runs the app's CLI commands without a subprocess."""
    return app.test_cli_runner()


class AuthActions:
    """Log in through the real view, as a user would."""

    def __init__(self, client):
        self._client = client

    def login(self, username="test", password="test"):  # noqa: S107 - a test user
        return self._client.post("/auth/login", data={"username": username, "password": password})


@pytest.fixture
def auth(client):
    """Log in as the user ``test`` with ``auth.login()``."""
    return AuthActions(client)
