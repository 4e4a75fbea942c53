from flaskr.db import get_db


def test_index(client, auth):
    assert b"No posts yet." in client.get("/").data
    auth.login()
    client.post("/create", data={"title": "<b>hi</b>", "body": "there"})
    page = client.get("/").data
    assert b"Log Out" in page
    assert b"&lt;b&gt;hi&lt;/b&gt;" in page  # escaped, never raw markup


def test_create_needs_a_login(client):
    assert client.get("/create").headers["Location"] == "/auth/login"
    assert client.post("/create").headers["Location"] == "/auth/login"


def test_create(client, auth, app):
    auth.login()
    assert client.get("/create").status_code == 200
    client.post("/create", data={"title": "created", "body": ""})
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM post").fetchone()[0] == 1


def test_create_validates_the_title(client, auth):
    auth.login()
    response = client.post("/create", data={"title": " ", "body": ""})
    assert response.status_code == 400
    assert b"Title is required." in response.data
