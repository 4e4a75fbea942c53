"""Lesson 09 beyond its page: a JSON error says what Flask's own error would have said.

The lesson's app is compared with the same app stripped of its error handlers, which
answers with Flask's built-in HTML errors: same status, same headers (``Allow`` on a 405),
and the JSON ``description`` is the text of Flask's page.
"""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

import lessons
from servers import curl, flask_run

EXAMPLE = "09_errors"
CRAFTED = [
    ("GET", "/api/nowhere", {}),
    ("DELETE", "/api/users/1", {}),
    ("PUT", "/api/user", {}),
    ("GET", "/api/users/9", {}),
    ("GET", "/api/users/-1", {}),
    ("POST", "/api/users", {"data": "{", "content_type": "application/json"}),
    ("POST", "/api/users", {"data": "x", "content_type": "text/plain"}),
    ("GET", "/api/boom", {}),
]


@pytest.fixture(scope="module")
def clients():
    module = lessons.import_example(EXAMPLE)
    ours = module.create_app({"TESTING": False})
    flasks = module.create_app({"TESTING": False})
    flasks.error_handler_spec.clear()  # no handlers: Flask's own error responses
    logger = ours.logger  # both apps' (a logger is named after the app), and the page's
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # /api/boom's traceback is expected
    yield ours.test_client(), flasks.test_client()
    logger.setLevel(level)  # the page's blocks read this logger's records


def same_meaning(clients, method, path, **kwargs):
    ours, flasks = (c.open(path, method=method, **kwargs) for c in clients)
    assert ours.status == flasks.status
    assert ours.status_code >= 400
    assert ours.is_json
    body = ours.get_json()
    assert (body["code"], body["name"]) == (
        flasks.status_code,
        flasks.status.split(" ", 1)[1].title(),
    )
    assert f"<p>{escape(body['description'])}</p>" in flasks.get_data(as_text=True)
    ignored = {"Content-Type", "Content-Length"}
    assert [h for h in ours.headers if h[0] not in ignored] == [
        h for h in flasks.headers if h[0] not in ignored
    ]


@pytest.mark.parametrize(("method", "path", "kwargs"), CRAFTED)
def test_crafted_api_errors_mean_what_flasks_own_would(clients, method, path, kwargs):
    same_meaning(clients, method, path, **kwargs)


@settings(max_examples=100, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"]),
    tail=st.sampled_from(["users/1", "users/9", "user", "users", "boom", "x", "users/1/x"]),
)
def test_generated_api_errors_mean_what_flasks_own_would(clients, method, tail):
    ours = clients[0].open(f"/api/{tail}", method=method)
    if ours.status_code < 400:
        return
    assert ours.is_json
    if "code" in ours.get_json():  # an HTTP error, not the API's own InvalidAPIUsage
        same_meaning(clients, method, f"/api/{tail}")


# JSON 20,000 levels deep, as the page's ``nested``; and 1,000 levels, which some Pythons parse.
DEPTHS = """
import json, platform
for depth in (1_000, 20_000):
    try:
        json.loads("[" * depth + "]" * depth)
        print(platform.python_version(), depth, "parsed")
    except RecursionError:
        print(platform.python_version(), depth, "RecursionError")
"""
CLAIMED = [(3, minor) for minor in range(8, 14)]  # the page: "on Python 3.8 to 3.13"


def every_python() -> dict[tuple[int, int], dict[int, str]]:
    """(major, minor) -> {depth: outcome} for each claimed Python: this one, python3.N on the
    PATH and pyenv's versions (an older Python prints nothing: no ``1_000`` there)."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [sys.executable, *sorted(pyenv.glob("*/bin/python3"))]
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        candidates += sorted(Path(folder).glob("python3.[0-9]*[0-9]"))
    found = {}
    for exe in candidates:
        try:
            out = subprocess.run(
                [str(exe), "-c", DEPTHS], capture_output=True, text=True, timeout=60
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            continue
        for line in out.splitlines():  # "3.12.1 1000 parsed"
            version, depth, outcome = line.split()
            major, minor = (int(p) for p in version.split(".")[:2])
            found.setdefault((major, minor), {})[int(depth)] = outcome
    return {v: outcomes for v, outcomes in found.items() if v in CLAIMED}


@pytest.mark.integration
def test_json_20000_deep_is_a_recursion_error_on_every_python():
    """The page's Nested JSON trap: json.loads() raises RecursionError for its 20,000 levels
    on Python 3.8 to 3.13 (each one on this machine), and how deep it goes depends on the
    Python: 1,000 levels are a RecursionError up to 3.11 and parse from 3.12."""
    found = every_python()
    assert sys.version_info[:2] in found, "not even this Python answered"
    # As `nox -s history` does: a newcomer's machine may have one Python only, and checks the
    # ones it has; CI (CI=true), where pyenv has them all, fails on any it lacks.
    missing = [f"{major}.{minor}" for major, minor in CLAIMED if (major, minor) not in found]
    if os.environ.get("CI") == "true":
        assert not missing, f"the page claims Python {missing}, which this machine lacks"
    assert {v: outcomes[20_000] for v, outcomes in found.items()} == dict.fromkeys(
        found, "RecursionError"
    )
    assert {found[v][1_000] for v in found if v < (3, 12)} <= {"RecursionError"}
    assert {found[v][1_000] for v in found if v >= (3, 12)} <= {"parsed"}


@pytest.mark.integration
def test_flask_run_debug_shows_the_debugger_and_without_it_the_generic_page():
    """*Run it*: under `flask run --debug` a crash is the interactive debugger, with the
    exception's message; without --debug it is the generic 500 page, without it."""
    with flask_run(EXAMPLE, "--debug") as url:
        debug = curl("-w", "\n%{http_code}", f"{url}/boom")
    with flask_run(EXAMPLE) as url:
        plain = curl("-w", "\n%{http_code}", f"{url}/boom")
    page, status = debug.stdout.rsplit("\n", 1)
    assert status == "500"
    assert "Werkzeug Debugger" in page
    assert "the secret recipe is 42 parts sugar" in page
    page, status = plain.stdout.rsplit("\n", 1)
    assert status == "500"
    assert "<h1>500 Internal Server Error</h1>" in page
    assert "secret recipe" not in page
    assert "Traceback" not in page


def test_the_notes_handlers_are_the_notes_own():
    """Traps: "the notes' handlers, as written there". Each function of traps.py's two
    handler regions is lines of the study notes, in the notes' order (quotes aside)."""
    notes = sorted((lessons.ROOT.parent / "shared" / "seeds").glob("*.txt"))
    assert notes, "no study notes in ../shared/seeds/ beside the repository"
    lines = [norm(line) for seed in notes for line in seed.read_text("utf-8").splitlines()]
    source = (lessons.EXAMPLES / EXAMPLE / "traps.py").read_text("utf-8")
    for region in ("notes_handlers", "notes_prefix_handler"):
        body = source.split(f"[start:{region}]\n")[1].split(f"# --8<-- [end:{region}]")[0]
        for function in filter(str.strip, body.split("\n\n")):
            at = 0
            for line in filter(None, map(norm, function.splitlines())):
                assert line in lines[at:], f"{region}: {line!r} is not in the notes there"
                at = lines.index(line, at) + 1


def norm(line: str) -> str:
    """A line of code without its indent, with single quotes for double ones."""
    return line.strip().replace('"', "'")
