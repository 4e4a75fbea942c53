"""Lesson 14 for real: the deployer's whole path, then the app's own tests under coverage.

The page's ``bash`` blocks titled "... run by the integration test" are run here command by
command, exactly as typed on the page, and their output is checked as a ``console`` block's
is. A command the page shows without output only has to exit 0: what pip prints depends on
the machine's configuration. The two server commands never return, so the page shows them
without prompts; they are read from the page and started here on free ports.

Needs the network: ``python -m build`` and ``pip`` fetch flit_core, Flask, waitress,
gunicorn, pytest and pytest-cov from the package index.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import lessons
from figures import CLIENTS, POSTS_EACH
from servers import assert_logins_take_alike, free_port, serve, waitress_command

pytestmark = pytest.mark.integration

EXAMPLE = "14_packaging_and_deployment"
PAGE = lessons.read_page(lessons.page_for(EXAMPLE))
WHEEL = "flaskr-1.0.0-py3-none-any.whl"


def learner_env() -> dict[str, str]:
    """clean_env() without the suite's own coverage run (``nox -s coverage``) leaking into
    the page's `coverage` commands through COVERAGE_FILE and COVERAGE_PROCESS_CONFIG."""
    return {k: v for k, v in lessons.clean_env().items() if not k.startswith("COVERAGE_")}


def run_steps(title_start: str, cwd: Path) -> None:
    steps = lessons.steps_run_by_test(PAGE, title_start)
    lessons.check_steps(steps, cwd, env=learner_env(), timeout=180, shown_only=True)


def server_command(program: str, default_address: str, port: int) -> list[str]:
    """The page's command line that starts ``program``, moved to 127.0.0.1:port."""
    lines = [line for line in PAGE.path.read_text().splitlines() if line.startswith(program)]
    assert len(lines) == 1, f"the page should show one {program} command, found {lines}"
    assert default_address in lines[0]
    return shlex.split(lines[0].replace(default_address, f"127.0.0.1:{port}"))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # show the redirect to the caller instead of following it


class Browser:
    """A real HTTP client with its own cookie jar, like one browser."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies, NoRedirect)

    def send(self, path: str, form: dict | None = None) -> tuple[int, str | None, str]:
        """GET (or POST ``form``) and return the status, the Location header and the body."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base_url + path, data=data, timeout=30) as response:
                return response.status, response.headers["Location"], response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers["Location"], error.read().decode()


def register_login_post(base_url: str, username: str, title: str) -> Browser:
    browser = Browser(base_url)
    form = {"username": username, "password": "correct horse"}
    assert browser.send("/auth/register", form)[:2] == (303, "/auth/login")
    assert browser.send("/auth/login", {**form, "password": "wrong"})[0] == 400
    assert browser.send("/auth/login", form)[:2] == (303, "/")
    assert browser.send("/create", {"title": title, "body": "via a real server"})[:2] == (303, "/")
    status, _, page = browser.send("/")
    assert status == 200
    assert f"<span>{username}</span>" in page
    assert f"<h2>{title}</h2>" in page
    return browser


# ---------------------------------------------------------------- the deployer's path

SOURCE_FILES: dict[str, set[str]] = {}


def source_files() -> set[str]:
    """The example's files (bytecode aside), relative to its folder."""
    folder = lessons.EXAMPLES / EXAMPLE
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> Path:
    """Build, install and configure as the page shows; return the work folder.

    The folder holds ``examples`` (a link to the repo's), ``dist/`` and ``venv/``.
    """
    work = tmp_path_factory.mktemp("deploy")
    (work / "examples").symlink_to(lessons.EXAMPLES, target_is_directory=True)
    SOURCE_FILES["before"] = source_files()
    run_steps("Build", work)
    SOURCE_FILES["after"] = source_files()
    run_steps("Install", work)
    run_steps("Configure", work)
    return work


def test_activating_the_venv_lasts_until_deactivate(deployed):
    run_steps("Activate", deployed)


def test_the_wheel_holds_the_package_and_nothing_else(deployed):
    names = zipfile.ZipFile(deployed / "dist" / WHEEL).namelist()
    package = sorted(n for n in names if not n.startswith("flaskr-1.0.0.dist-info/"))
    assert package == [
        "flaskr/__init__.py",
        "flaskr/auth.py",
        "flaskr/blog.py",
        "flaskr/db.py",
        "flaskr/schema.sql",
        "flaskr/static/style.css",
        "flaskr/templates/auth/login.html",
        "flaskr/templates/auth/register.html",
        "flaskr/templates/base.html",
        "flaskr/templates/blog/create.html",
        "flaskr/templates/blog/index.html",
        "flaskr/templates/blog/update.html",
    ]


def test_no_wheel_package_was_needed(deployed):
    """The notes' `pip install wheel` is not a step: the fresh venv never had it."""
    done = subprocess.run(
        [deployed / "venv/bin/python", "-c", "import wheel"], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "No module named 'wheel'" in done.stderr


def test_the_installed_instance_folder_holds_config_and_database(deployed):
    instance = deployed / "venv" / "var" / "flaskr-instance"
    assert sorted(p.name for p in instance.iterdir() if p.suffix in (".py", ".sqlite")) == [
        "config.py",
        "flaskr.sqlite",
    ]
    with sqlite3.connect(instance / "flaskr.sqlite") as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"user", "post"} <= tables
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_the_build_leaves_the_source_folder_as_it_was(deployed):
    """No build/, dist/ or *.egg-info next to the sources: all output went to --outdir."""
    assert SOURCE_FILES["after"] == SOURCE_FILES["before"]


def test_waitress_listens_on_every_interface_unless_told(deployed):
    """What the page quotes: the notes' bare `waitress-serve --call` is reachable from outside."""
    done = subprocess.run(
        [deployed / "venv/bin/waitress-serve", "--help"], capture_output=True, text=True
    )
    words = " ".join(done.stdout.split())
    assert """default is '0.0.0.0', which means "all IP addresses on this host".""" in words


@pytest.mark.parametrize(
    ("program", "address"),
    [("venv/bin/waitress-serve", "127.0.0.1:8080"), ("venv/bin/gunicorn", "127.0.0.1:8000")],
)
def test_servers_refuse_a_weak_key(deployed, program, address):
    """FLASK_SECRET_KEY overrides config.py; "dev" is refused, so the server never listens."""
    command = server_command(program, address, free_port())
    done = subprocess.run(
        command,
        cwd=deployed,
        env=lessons.clean_env(FLASK_SECRET_KEY="dev"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert (
        "RuntimeError: SECRET_KEY is missing, too short or well known" in done.stdout + done.stderr
    )


@pytest.fixture(scope="module")
def waitress_url(deployed, tmp_path_factory):
    """The page's waitress command (8 threads), its app counted by ``sqlite_watch``."""
    port = free_port()
    log = tmp_path_factory.mktemp("waitress") / "waitress.log"
    command = server_command("venv/bin/waitress-serve", "127.0.0.1:8080", port)
    assert "--threads" in command
    assert command[-2:] == ["--call", "flaskr:create_app"]
    command[-1] = "sqlite_watch:create_app"  # which loads flaskr:create_app, as --app does
    env = {"WATCHED_APP": "flaskr", "PYTHONPATH": str(Path(__file__).parent)}
    with serve(command, port, cwd=deployed, log=log, **env):
        yield f"http://127.0.0.1:{port}"
    assert "database is locked" not in log.read_text()
    assert "Traceback" not in log.read_text()


def test_waitress_register_login_post(waitress_url):
    register_login_post(waitress_url, "ada", "Hello from waitress")


def test_an_unknown_name_takes_as_long_as_a_wrong_password(waitress_url):
    """Known and unknown names, in turns through waitress: the median times are alike."""
    form = {"username": "timed", "password": "correct horse"}
    assert Browser(waitress_url).send("/auth/register", form)[0] == 303
    known = {**form, "password": "wrong"}
    unknown = {"username": "nobody-of-that-name", "password": "wrong"}
    assert_logins_take_alike(f"{waitress_url}/auth/login", known, unknown, refused=400)


def test_waitress_concurrent_writes_are_all_stored_and_every_connection_closed(
    waitress_url, deployed
):
    database = deployed / "venv/var/flaskr-instance/flaskr.sqlite"

    def count_posts() -> int:
        with sqlite3.connect(database) as db:
            n = db.execute("SELECT count(*) FROM post").fetchone()[0]
        db.close()
        return n

    def stats() -> dict:
        status, _, body = Browser(waitress_url).send("/__sqlite__")
        assert status == 200
        return json.loads(body)

    form = {"username": "writer", "password": "correct horse"}
    assert Browser(waitress_url).send("/auth/register", form)[0] == 303
    posts_before, stats_before = count_posts(), stats()

    def client(n: int) -> list[tuple[int, str | None]]:
        browser = Browser(waitress_url)
        assert browser.send("/auth/login", form)[:2] == (303, "/")
        return [
            browser.send("/create", {"title": f"client {n} post {i}", "body": "x"})[:2]
            for i in range(POSTS_EACH)
        ]

    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = [a for result in pool.map(client, range(CLIENTS)) for a in result]
    assert answers == [(303, "/")] * (CLIENTS * POSTS_EACH)
    assert count_posts() - posts_before == CLIENTS * POSTS_EACH

    # One connection per request that used the database (a login, a post), every one closed.
    after = stats()
    assert after["opened"] == after["closed"]
    assert after["opened"] - stats_before["opened"] == CLIENTS * (1 + POSTS_EACH)


def test_the_page_states_the_concurrency_figures():
    """The page's sentence names the figures the test above sends, and the threads of the
    waitress command it starts."""
    text = " ".join(PAGE.path.read_text(encoding="utf-8").split())
    threads = server_command("venv/bin/waitress-serve", "127.0.0.1:8080", 8080)
    threads = threads[threads.index("--threads") + 1]
    stated = f"waitress with {threads} threads, {CLIENTS} clients writing {POSTS_EACH} posts each"
    assert stated in text
    assert f"at the same time, {CLIENTS * POSTS_EACH:,} in all" in text


def test_gunicorn_register_login_post(deployed):
    port = free_port()
    command = server_command("venv/bin/gunicorn", "127.0.0.1:8000", port)
    with serve(command, port, cwd=deployed):
        register_login_post(f"http://127.0.0.1:{port}", "grace", "Hello from gunicorn")


def test_the_apps_own_tests_pass_against_the_installed_wheel(deployed, tmp_path):
    """The wheel, not the source tree: only tests/ is copied, so `import flaskr` finds the
    installed package (this catches a template or schema.sql missing from the wheel)."""
    shutil.copytree(lessons.EXAMPLES / EXAMPLE / "tests", tmp_path / "tests")
    pip = [deployed / "venv/bin/pip", "install", "--quiet", "pytest"]
    subprocess.run(pip, check=True, capture_output=True, timeout=180)
    done = subprocess.run(
        [deployed / "venv/bin/pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path,
        env=lessons.clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "/site-packages/flaskr/"
        in subprocess.run(
            [deployed / "venv/bin/python", "-c", "import flaskr; print(flaskr.__file__)"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


# ---------------------------------------------------------------- the developer's path


def test_coverage_of_the_apps_own_tests(tmp_path):
    """In a copy of the project, as a developer: editable install, coverage, pytest --cov."""
    project = tmp_path / "flaskr-project"
    shutil.copytree(
        lessons.EXAMPLES / EXAMPLE,
        project,
        ignore=shutil.ignore_patterns("__pycache__", "instance", ".venv"),
    )
    run_steps("In the project folder", project)


# ---------------------------------------------------------------- slow clients

# Two clients download a large file slowly while a third asks for a small one. Lesson 12's
# app has the large response; each server runs it with the page's flags and a short
# --timeout (the default 30 s behaves the same, only later).
SLOW_SIZE, SLOW_RATE, WORKER_TIMEOUT = 64 * 2**20, "8M", 2  # 8 s per download in full
SLOW_SERVERS = {
    "gunicorn sync": ["--workers", "2"],
    "gunicorn gthread": ["--workers", "2", "--worker-class", "gthread", "--threads", "4"],
    "waitress": [],
}


def slow_server_command(name: str, port: int) -> list[str]:
    if name == "waitress":
        return waitress_command("12_streaming_downloads", port, threads=8)
    return [
        *("gunicorn", *SLOW_SERVERS[name], "--timeout", str(WORKER_TIMEOUT)),
        *("--bind", f"127.0.0.1:{port}", "--pythonpath", "examples"),
        "12_streaming_downloads:create_app()",
    ]


def curl_process(url: str, *options: str) -> subprocess.Popen:
    """curl in the background, printing the status and the bytes it received."""
    command = ["curl", "-sS", "--max-time", "30", "-o", os.devnull, *options]
    return subprocess.Popen(
        [*command, "-w", "%{http_code} %{size_download}", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def under_slow_clients(name: str, folder: Path, log: Path) -> dict:
    """Start ``name``, run two slow downloads and one small request; what each client got."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/files"
    with serve(slow_server_command(name, port), port, log=log, FLASK_DOWNLOAD_FOLDER=folder):
        for warm_up in [curl_process(f"{url}/hello.txt") for _ in range(4)]:
            warm_up.communicate(timeout=40)  # gunicorn listens before its workers are ready
        slow = [curl_process(f"{url}/big.bin", "--limit-rate", SLOW_RATE) for _ in range(2)]
        time.sleep(0.5)  # both downloads have started
        start = time.monotonic()
        small = curl_process(f"{url}/hello.txt")
        small_status = small.communicate(timeout=40)[0].split()[0]
        small_seconds = time.monotonic() - start
        downloads = []
        for process in slow:
            out, _ = process.communicate(timeout=40)
            status, size = out.split()
            downloads.append((status, int(size), process.returncode))
    return {
        "small": (small_status, small_seconds),
        "downloads": downloads,
        "worker timeouts": log.read_text().count("WORKER TIMEOUT"),
    }


@pytest.fixture(scope="module")
def slow_clients(tmp_path_factory) -> dict[str, dict]:
    """Each server under the same load, one after the other."""
    folder = tmp_path_factory.mktemp("downloads")
    (folder / "hello.txt").write_text("hello\n")
    with open(folder / "big.bin", "wb") as big:
        big.truncate(SLOW_SIZE)  # a sparse file: SLOW_SIZE zero bytes, no disk needed
    seen = {name: under_slow_clients(name, folder, folder / f"{name}.log") for name in SLOW_SERVERS}
    print("\n".join(f"{name}: {result}" for name, result in seen.items()))
    return seen


def test_the_page_recommends_threaded_gunicorn_workers():
    gunicorn = " ".join(server_command("venv/bin/gunicorn", "127.0.0.1:8000", 8000))
    assert " ".join(SLOW_SERVERS["gunicorn gthread"]) in gunicorn


def test_sync_workers_block_everyone_then_cut_the_downloads_short(slow_clients):
    """Both sync workers are busy sending: the small page waits until gunicorn kills them
    ("WORKER TIMEOUT"), and the downloads stop short though curl saw a 200."""
    seen = slow_clients["gunicorn sync"]
    status, seconds = seen["small"]
    assert status == "200"
    assert seconds >= WORKER_TIMEOUT * 0.9, seen  # no worker was free before the kill
    assert seen["worker timeouts"] >= 1, seen
    assert any(size < SLOW_SIZE for _, size, _ in seen["downloads"]), seen
    assert all(http == "200" for http, _, _ in seen["downloads"]), seen
    assert all(code == 18 for _, size, code in seen["downloads"] if size < SLOW_SIZE), seen


@pytest.mark.parametrize("name", ["gunicorn gthread", "waitress"])
def test_threads_serve_the_small_page_at_once_and_every_download_in_full(slow_clients, name):
    seen = slow_clients[name]
    status, seconds = seen["small"]
    blocked = slow_clients["gunicorn sync"]["small"][1]
    assert status == "200"
    assert seconds < blocked / 3, (seconds, blocked)  # a ratio, with a wide margin
    assert seen["downloads"] == [("200", SLOW_SIZE, 0)] * 2, seen
    assert seen["worker timeouts"] == 0, seen
