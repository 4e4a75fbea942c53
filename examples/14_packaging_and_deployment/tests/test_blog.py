import pytest
from flaskr.db import get_db


def test_index(client, auth):
    page = client.get("/").data
    assert b"Log In" in page
    assert b"Register" in page
    assert b'href="/hello"' in page
    assert b'<a class="action" href="/create">New</a>' not in page  # logged out: no New
    auth.login()
    page = client.get("/").data
    assert b"test title" in page
    assert b"by test on 2018-01-01 00:00:00" in page
    assert b"test\nbody" in page
    assert b'href="/1/update"' in page
    assert b'<a class="action" href="/create">New</a>' in page


def test_index_escapes_what_it_prints(client, auth):
    auth.login()
    client.post("/create", data={"title": "<b>hi</b>", "body": "there"})
    assert b"&lt;b&gt;hi&lt;/b&gt;" in client.get("/").data  # escaped, never raw markup


@pytest.mark.parametrize("path", ["/create", "/1/update", "/1/delete"])
def test_login_required(client, path):
    assert client.post(path).headers["Location"] == "/auth/login"


def test_author_required(app, client, auth):
    with app.app_context():
        db = get_db()
        with db:
            db.execute("UPDATE post SET author_id = 2 WHERE id = 1")  # now "other" wrote it
    auth.login()
    assert client.get("/1/update").status_code == 403
    assert client.post("/1/update", data={"title": "mine now"}).status_code == 403
    assert client.post("/1/delete").status_code == 403
    assert b'href="/1/update"' not in client.get("/").data  # and no Edit link for it
    with app.app_context():
        assert get_db().execute("SELECT title FROM post WHERE id = 1").fetchone()[0] == "test title"


@pytest.mark.parametrize("path", ["/2/update", "/2/delete"])
def test_exists_required(client, auth, path):
    auth.login()
    response = client.post(path)
    assert response.status_code == 404
    assert b"Post id 2 doesn&#39;t exist." in response.data


def test_create(client, auth, app):
    auth.login()
    assert client.get("/create").status_code == 200
    assert client.post("/create", data={"title": "created", "body": ""}).status_code == 303
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM post").fetchone()[0] == 2


def test_update(client, auth, app):
    auth.login()
    form = client.get("/1/update").data
    assert b'value="test title"' in form  # filled in with what is stored
    response = client.post("/1/update", data={"title": "updated", "body": ""})
    assert response.headers["Location"] == "/"
    with app.app_context():
        post = get_db().execute("SELECT * FROM post WHERE id = 1").fetchone()
    assert post["title"] == "updated"


@pytest.mark.parametrize("path", ["/create", "/1/update"])
def test_create_update_validate(client, auth, path):
    auth.login()
    response = client.post(path, data={"title": " ", "body": ""})
    assert response.status_code == 400
    assert b'<div class="flash">Title is required.</div>' in response.data


def test_delete(client, auth, app):
    auth.login()
    response = client.post("/1/delete")
    assert response.headers["Location"] == "/"
    with app.app_context():
        assert get_db().execute("SELECT * FROM post WHERE id = 1").fetchone() is None
    assert b"No posts yet." in client.get("/").data


def test_delete_is_a_post(client, auth):
    auth.login()
    assert client.get("/1/delete").status_code == 405
