import pytest
from flaskr import create_app


def test_testing_mode_runs_with_the_dev_key(app):
    assert app.testing
    assert app.config["SECRET_KEY"] == "dev"  # noqa: S105


def test_refuses_to_start_with_the_dev_key(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY is missing or too short"):
        create_app({"DATABASE": str(tmp_path / "db.sqlite")})


def test_reads_config_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_SECRET_KEY", "a-real-key-from-the-environment")
    monkeypatch.setenv("FLASK_DATABASE", str(tmp_path / "db.sqlite"))
    app = create_app()
    assert app.config["SECRET_KEY"] == "a-real-key-from-the-environment"  # noqa: S105
    assert app.config["DATABASE"] == str(tmp_path / "db.sqlite")
    assert not app.testing
