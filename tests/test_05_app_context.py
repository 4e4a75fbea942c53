"""Lesson 05 under a real threaded server: every connection opened is closed.

waitress runs the app with several threads on 127.0.0.1; real curl sends concurrent requests,
failing ones included. The app keeps no count: it is served through ``sqlite_watch``, which
counts the connections it opens and closes from outside, and they must then be equal.
"""

import json
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

from figures import FAILURES, READS, WRITES
from servers import curl, free_port, serve

pytestmark = pytest.mark.integration

EXAMPLE = "05_app_context"
THREADS = 4


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    """The lesson's app under waitress with THREADS threads, its database in a temp folder."""
    assert shutil.which("curl"), "curl is needed: apt-get install curl"
    database = tmp_path_factory.mktemp(EXAMPLE) / "app.sqlite"
    port = free_port()
    waitress = [Path(sys.executable).parent / "waitress-serve", "--listen", f"127.0.0.1:{port}"]
    command = [*waitress, "--threads", str(THREADS), "--call", "sqlite_watch:create_app"]
    env = {"WATCHED_APP": f"examples/{EXAMPLE}", "PYTHONPATH": str(Path(__file__).parent)}
    with serve(command, port, FLASK_DATABASE=str(database), **env):
        yield f"http://127.0.0.1:{port}"


def stats(base_url: str) -> dict:
    return json.loads(curl(f"{base_url}/__sqlite__").stdout)


def test_concurrent_requests_close_every_connection(base_url):
    before = stats(base_url)
    assert before["opened"] == before["closed"]
    reads, writes, failures = READS, WRITES, FAILURES
    status_line = ["-w", "%{http_code}\\n"]
    args = ["--parallel", "--parallel-max", str(2 * THREADS), *status_line]
    for path in ["/notes"] * reads + ["/broken"] * failures:
        args += ["-o", "/dev/null", f"{base_url}{path}"]
    for n in range(writes):  # --next starts a request with options of its own: a POST
        args += ["--next", *status_line, "-o", "/dev/null", "-H", "Content-Type: application/json"]
        args += ["-d", json.dumps({"text": f"note {n}"}), f"{base_url}/notes"]
    done = curl(*args)
    codes = Counter(done.stdout.split())
    assert codes == {"200": reads, "500": failures, "201": writes}, done.stdout

    after = stats(base_url)
    sent = reads + writes + failures
    assert after["opened"] - before["opened"] == sent
    assert after["closed"] - before["closed"] == sent
    notes = json.loads(curl(f"{base_url}/notes").stdout)
    assert notes["count"] == writes


def test_a_failed_request_shows_no_traceback_and_its_teardown_saw_the_error(base_url):
    done = curl("-w", "\\n%{http_code}", f"{base_url}/broken")
    body, status = done.stdout.rsplit("\n", 1)
    assert status == "500"
    assert "Internal Server Error" in body
    assert "Traceback" not in body
    assert "notes" not in body  # the failing SQL stays in the log
    after = stats(base_url)
    assert after["opened"] == after["closed"]
    assert after["last_teardown_error"] == "OperationalError"
