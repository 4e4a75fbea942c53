import pytest
from flask import request
from flaskr import create_app


def test_answers_only_to_trusted_hosts(tmp_path):
    config = {"TESTING": True, "DATABASE": str(tmp_path / "db.sqlite")}
    app = create_app({**config, "TRUSTED_HOSTS": ["blog.example.org"]})
    client = app.test_client()
    assert client.get("/auth/login", headers={"Host": "blog.example.org"}).status_code == 200
    assert client.get("/auth/login", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(("proxies", "client_address"), [(0, "10.0.0.2"), (1, "203.0.113.7")])
def test_believes_as_many_proxies_as_configured(tmp_path, proxies, client_address):
    config = {"TESTING": True, "DATABASE": str(tmp_path / "db.sqlite")}
    app = create_app({**config, "PROXY_FIX": proxies})
    seen = []
    app.before_request(lambda: seen.append(request.remote_addr))
    app.test_client().get(
        "/auth/login",
        headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7"},  # the proxy at 10.0.0.2 added .7
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert seen == [client_address]
