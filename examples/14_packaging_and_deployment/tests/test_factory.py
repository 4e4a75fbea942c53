import pytest
from flaskr import create_app


def test_testing_mode_takes_any_key_or_none(app, tmp_path):
    assert app.testing
    assert app.config["SECRET_KEY"] == "a-key-for-the-tests-only"  # noqa: S105
    bare = create_app({"TESTING": True, "DATABASE": str(tmp_path / "db.sqlite")})
    assert bare.config["SECRET_KEY"] is None


def test_refuses_to_start_without_a_real_key(tmp_path):
    for key in (
        None,
        "dev",
        "too short",
        "192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf",
    ):
        with pytest.raises(RuntimeError, match="SECRET_KEY is missing, too short or well known"):
            create_app({"DATABASE": str(tmp_path / "db.sqlite"), "SECRET_KEY": key})


def test_reads_config_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_SECRET_KEY", "a-real-key-from-the-environment-0123456789")
    monkeypatch.setenv("FLASK_DATABASE", str(tmp_path / "db.sqlite"))
    app = create_app()
    assert app.config["SECRET_KEY"] == "a-real-key-from-the-environment-0123456789"  # noqa: S105
    assert app.config["DATABASE"] == str(tmp_path / "db.sqlite")
    assert not app.testing


def test_hello(client):
    assert client.get("/hello").data == b"Hello, World!"
