import pytest
from flask import g, session
from flaskr.db import get_db


def test_register(client, app):
    assert client.get("/auth/register").status_code == 200
    response = client.post("/auth/register", data={"username": "a", "password": "a"})
    assert response.headers["Location"] == "/auth/login"
    with app.app_context():
        row = get_db().execute("SELECT password FROM user WHERE username = 'a'").fetchone()
    assert row["password"] != "a"  # noqa: S105 - stored hashed


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "", b"Username is required."),
        ("a", "", b"Password is required."),
        ("test", "test", b"already registered"),
    ],
)
def test_register_validates_input(client, username, password, message):
    response = client.post("/auth/register", data={"username": username, "password": password})
    assert response.status_code == 400
    assert message in response.data


def test_names_lose_the_spaces_around_them(client, auth):
    client.post("/auth/register", data={"username": " ada ", "password": "a"})
    assert auth.login("ada", "a").headers["Location"] == "/"
    assert auth.login(" ada", "a").headers["Location"] == "/"


def test_login(client, auth):
    assert client.get("/auth/login").status_code == 200
    response = auth.login()
    assert response.headers["Location"] == "/"
    with client:
        client.get("/")
        assert session["user_id"] == 1
        assert g.user["username"] == "test"


@pytest.mark.parametrize(("username", "password"), [("nobody", "test"), ("test", "wrong")])
def test_login_gives_one_message_for_any_mistake(client, auth, username, password):
    response = auth.login(username, password)
    assert response.status_code == 400
    assert b'<div class="flash">Incorrect username or password.</div>' in response.data
    assert b"Incorrect" not in client.get("/auth/login").data  # shown once, then gone


@pytest.mark.parametrize(("username", "password"), [("", "test"), ("test", ""), ("  ", "x")])
def test_a_blank_field_is_refused_before_hashing(client, auth, monkeypatch, username, password):
    def no_hashing(*args):
        raise AssertionError("a blank field was hashed")

    monkeypatch.setattr("flaskr.auth.check_password_hash", no_hashing)
    response = auth.login(username, password)
    assert response.status_code == 400
    assert b'<div class="flash">Username and password are required.</div>' in response.data


def test_logout(client, auth):
    auth.login()
    with client:
        client.post("/auth/logout")
        assert "user_id" not in session
