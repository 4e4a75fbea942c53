"""Lesson 10 beyond its page: a factory run twice, real servers writing real log files."""

import logging
import os
import re
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest
from werkzeug.serving import make_server

import lessons
from figures import ROLLOVER_CLIENTS, ROLLOVER_REQUESTS_EACH
from servers import curl, flask_run, free_port, serve

EXAMPLE = "10_logging"


@pytest.fixture
def build(tmp_path):
    """Build lesson 10's app with its logs in tmp_path; close its file handlers afterwards."""
    module = lessons.import_example(EXAMPLE)
    built = []

    def make(log_dir, from_environ=False, **config):
        """``log_dir=None``: the app's default folder; ``from_environ``: no test config, so
        the app reads FLASK_* from the environment, as under `flask run`."""
        if from_environ:
            app = module.create_app()
        else:
            where = {} if log_dir is None else {"LOG_DIR": str(log_dir)}
            app = module.create_app({"TESTING": True, **where, **config})
        built.append(app)
        return app

    yield make
    for app in built:
        for handler in app.logger.handlers[:]:
            app.logger.removeHandler(handler)
            handler.close()


def test_a_second_factory_run_replaces_the_handlers(build, tmp_path):
    first = build(tmp_path / "first")
    second = build(tmp_path / "second")
    assert first.logger is second.logger  # one logger per process, named after the app
    assert [type(h).__name__ for h in second.logger.handlers] == [
        "StreamHandler",
        "TimedRotatingFileHandler",
    ]
    second.test_client().get("/", headers={"X-Request-ID": "once"})
    assert not (tmp_path / "first" / "app.log").exists()
    lines = (tmp_path / "second" / "app.log").read_text(encoding="utf-8").splitlines()
    assert [line.endswith("[once 127.0.0.1] - index visited") for line in lines] == [True]


def test_an_answer_before_the_id_is_assigned_is_no_500(build, tmp_path):
    """A before_request that answers before ``assign_request_id`` does (a login check added
    first, say) ends the request there: its answer goes out, without an id, not as a 500."""
    app = build(tmp_path)
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: ("sign in first", 401))
    response = app.test_client().get("/", headers={"X-Request-ID": "never-assigned"})
    assert (response.status_code, response.text) == (401, "sign in first")
    assert "X-Request-ID" not in response.headers


def test_where_the_log_goes_and_its_level(build, tmp_path, monkeypatch):
    """The page's "Run it": app.log in the instance folder, unless FLASK_LOG_DIR says where;
    FLASK_LOG_LEVEL sets the level."""

    def file_of(app):
        (path,) = [h.baseFilename for h in app.logger.handlers if hasattr(h, "baseFilename")]
        return path

    with monkeypatch.context() as patched:
        patched.setattr(os, "makedirs", lambda *args, **kwargs: None)  # no folder in the repo
        default = build(None)
    instance = lessons.EXAMPLES / EXAMPLE / "instance"
    assert file_of(default) == str(instance / "app.log")
    assert default.logger.level == logging.INFO
    for name in [name for name in os.environ if name.startswith("FLASK_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("FLASK_LOG_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("FLASK_LOG_LEVEL", "DEBUG")
    from_environ = build(None, from_environ=True)
    assert file_of(from_environ) == str(tmp_path / "elsewhere" / "app.log")
    assert from_environ.logger.level == logging.DEBUG


def test_log_files_stay_out_of_the_repo(build, tmp_path):
    app = build(tmp_path / "logs")
    app.test_client().get("/")
    files = [h.baseFilename for h in app.logger.handlers if hasattr(h, "baseFilename")]
    assert files == [str(tmp_path / "logs" / "app.log")]
    assert str(lessons.ROOT) not in files[0]


def test_with_testing_on_the_exception_reaches_the_test_unlogged(build, tmp_path):
    """The page's aside: TESTING=True re-raises instead of logging "Exception on ..."."""
    client = build(tmp_path / "logs").test_client()
    client.get("/")
    with pytest.raises(RuntimeError, match="on fire"):
        client.get("/boom")
    log = (tmp_path / "logs" / "app.log").read_text(encoding="utf-8")
    assert "index visited" in log
    assert "Exception on" not in log


@pytest.mark.integration
def test_flask_run_logs_the_traceback_not_the_response(tmp_path):
    """A crash under the real dev server: a bare 500 for curl, the traceback on stderr."""
    log = tmp_path / "server.log"
    with flask_run(EXAMPLE, log=log, FLASK_LOG_DIR=str(tmp_path / "logs")) as url:
        done = curl("-w", "|%{http_code}", "-H", "X-Request-ID: crash-1", f"{url}/boom")
    body, status = done.stdout.rsplit("|", 1)
    assert status == "500"
    assert "Traceback" not in body
    assert "on fire" not in body
    stderr = log.read_text()
    assert "ERROR 10_logging [crash-1 127.0.0.1] Exception on /boom [GET]" in stderr
    assert "RuntimeError: the database is on fire" in stderr
    in_file = (tmp_path / "logs" / "app.log").read_text(encoding="utf-8")
    assert "[ERROR][" in in_file
    assert "Traceback (most recent call last):" in in_file


@pytest.mark.integration
def test_two_gunicorn_workers_survive_an_outside_rotation(tmp_path):
    """LOG_ROTATE=False: WatchedFileHandler in two workers, logrotate-style rename mid-run."""
    port, logs = free_port(), tmp_path / "logs"
    command = ["gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}"]
    command += ["--pythonpath", "examples", f"{EXAMPLE}:create_app()"]
    env = {"FLASK_LOG_DIR": str(logs), "FLASK_LOG_ROTATE": "false"}
    base = f"http://127.0.0.1:{port}/"
    with serve(command, port, log=tmp_path / "gunicorn.log", **env) as proc:
        assert len(workers_of(proc)) == 2
        get_all(base, [f"before-{n}" for n in range(20)])
        (logs / "app.log").rename(logs / "app.log.1")  # what logrotate does
        get_all(base, [f"after-{n}" for n in range(20)])
    old = (logs / "app.log.1").read_text(encoding="utf-8")
    new = (logs / "app.log").read_text(encoding="utf-8")
    found_old = re.findall(r"\[([\w-]+) 127\.0\.0\.1\] - index visited", old)
    found_new = re.findall(r"\[([\w-]+) 127\.0\.0\.1\] - index visited", new)
    assert sorted(found_old) == sorted(f"before-{n}" for n in range(20))
    assert sorted(found_new) == sorted(f"after-{n}" for n in range(20))
    gunicorn_out = (tmp_path / "gunicorn.log").read_text()
    assert "INFO 10_logging [after-19 127.0.0.1] index visited" in gunicorn_out


def workers_of(proc, expected=2, timeout=10.0):
    """The server's child processes, once ``expected`` of them run (bounded wait)."""
    deadline = time.monotonic() + timeout
    children = psutil.Process(proc.pid).children()
    while len(children) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
        children = psutil.Process(proc.pid).children()
    return children


def get_all(url, request_ids):
    """GET url once per id, four at a time, so that both workers get requests."""
    args = ["--parallel", "--parallel-max", "4"]
    for n, rid in enumerate(request_ids):
        args += (["--next"] if n else []) + ["-H", f"X-Request-ID: {rid}", "-o", "/dev/null"]
        args += ["-w", "%{http_code}\n", url]
    assert curl(*args).stdout == "200\n" * len(request_ids)


# Issue 7's load figure, quoted on docs/robustness.md.


@pytest.mark.integration
def test_no_line_is_lost_across_a_rollover_under_concurrent_requests(build, tmp_path):
    """One process, a threaded real server, a forced rollover while requests run."""
    app = build(tmp_path / "logs", TESTING=False)
    (file_handler,) = [h for h in app.logger.handlers if hasattr(h, "doRollover")]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    serving.start()
    url = f"http://127.0.0.1:{server.server_port}/"
    total = ROLLOVER_CLIENTS * ROLLOVER_REQUESTS_EACH
    answered = []

    def client(n):
        for i in range(ROLLOVER_REQUESTS_EACH):
            request = urllib.request.Request(url, headers={"X-Request-ID": f"c{n}-r{i}"})
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
                answered.append(response.status)

    try:
        with ThreadPoolExecutor(ROLLOVER_CLIENTS) as pool:
            running = [pool.submit(client, n) for n in range(ROLLOVER_CLIENTS)]
            deadline = time.monotonic() + 30
            while len(answered) < total // 2 and time.monotonic() < deadline:
                time.sleep(0.001)
            # What emit() does at midnight: roll over while holding the handler's lock.
            file_handler.acquire()
            try:
                file_handler.doRollover()
            finally:
                file_handler.release()
            rolled_at = len(answered)
            for future in running:
                future.result(timeout=60)
    finally:
        server.shutdown()
        server.server_close()
        serving.join(timeout=10)
    assert answered == [200] * total
    assert total // 2 <= rolled_at < total, "the rollover did not happen mid-run"
    (rotated,) = (tmp_path / "logs").glob("app.log.*")
    ids = {}
    for path in (rotated, tmp_path / "logs" / "app.log"):
        text = path.read_text(encoding="utf-8")
        ids[path.name] = re.findall(r"\[(c\d+-r\d+) 127\.0\.0\.1\] - index visited", text)
    every_id = sorted(
        f"c{n}-r{i}" for n in range(ROLLOVER_CLIENTS) for i in range(ROLLOVER_REQUESTS_EACH)
    )
    assert sorted(ids[rotated.name] + ids["app.log"]) == every_id  # 0 lost, 0 doubled
    assert ids[rotated.name], "nothing was written before the rollover"
    assert ids["app.log"], "nothing was written after the rollover"
