"""Fixtures shared by the whole suite."""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import flask
import psutil
import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

import lessons


@pytest.fixture(autouse=True)
def _no_flask_env(monkeypatch):
    """No FLASK_* variable from the caller's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("FLASK_"):
            monkeypatch.delenv(name)


def _repo_files_open() -> set[str]:
    root = str(lessons.ROOT) + os.sep
    return {f.path for f in psutil.Process().open_files() if f.path.startswith(root)}


SESSION_THREADS: set[threading.Thread] = set()  # started by session fixtures, on purpose


@pytest.fixture(autouse=True)
def _no_leaks():
    """Fail a test that leaves a context pushed, a thread running or a repo file open."""
    threads, files = set(threading.enumerate()), _repo_files_open()
    yield
    leaked = [
        f"{name} context"
        for name, pushed in (
            ("request", flask.has_request_context()),
            ("app", flask.has_app_context()),
        )
        if pushed
    ]
    deadline = time.monotonic() + 2
    new = {
        t
        for t in set(threading.enumerate()) - threads - SESSION_THREADS
        if not t.name.startswith("asyncio_")  # Playwright's loop keeps its idle workers
    }
    while any(t.is_alive() for t in new) and time.monotonic() < deadline:
        time.sleep(0.01)  # a thread the test stopped may take a moment to finish
    leaked += [f"thread {t.name}" for t in new if t.is_alive()]
    leaked += [f"open file {p}" for p in _repo_files_open() - files]
    assert not leaked, f"test left behind: {leaked}"


# scrypt gives the same key for the same password, salt and cost, and takes 0.1 s here. The
# robustness suites replay lessons 07's and 14's logins hundreds of times (forged hosts,
# crafted `next` targets): each key is worked out once per process, so every answer stays the
# same byte for byte. What hashing costs is measured in real servers (integration, bench).
hashlib.scrypt = functools.lru_cache(maxsize=1024)(hashlib.scrypt)

# Hypothesis keeps caches in ./.hypothesis by default: inside the repo. Outside it instead.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "flask-concepts-hypothesis")
# No deadline anywhere: a shared, busy machine must not fail a test for being slow.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.register_profile("fuzz", database=None, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


class Lesson:
    """A lesson's app as its page sees it: one app, client and namespace per config."""

    def __init__(self, example: str, config: dict, root: Path):
        self.module = lessons.import_example(example)
        self.page = lessons.read_page(lessons.page_for(example))
        self.tmp = root
        self.app = self.module.create_app(lessons.config_for(self.page, root, config))
        self.client = self.app.test_client()
        public = {k: v for k, v in vars(self.module).items() if not k.startswith("_")}
        self.globs = {**public, "app": self.app}


@pytest.fixture(scope="session")
def lesson_states(tmp_path_factory):
    """Return the Lesson for (example, block config), built once per session."""
    states: dict[tuple, Lesson] = {}

    def get(example: str, config: dict) -> Lesson:
        key = (example, tuple(sorted(config.items())))
        if key not in states:
            root = tmp_path_factory.mktemp(example)
            states[key] = Lesson(example, config, root)
        return states[key]

    return get


@pytest.fixture(scope="session")
def browser():
    """Chromium, for the whole session (tests/browser.py launches it). Playwright's thread
    runs as long as the session, not as the first test that asked for it."""
    import browser as chromium

    before = set(threading.enumerate())
    with chromium.launch() as launched:
        SESSION_THREADS.update(set(threading.enumerate()) - before)
        yield launched


@pytest.fixture(scope="session")
def console_dirs(tmp_path_factory):
    """Return a per-example working folder for console blocks.

    It is outside the repo (so no .env or .flaskenv of ours is found) and has
    an ``examples`` link, so ``flask --app examples/NN_topic`` works as typed.
    """
    dirs: dict[str, Path] = {}

    def get(example: str) -> Path:
        if example not in dirs:
            cwd = Path(tempfile.mkdtemp(prefix=f"{example}-", dir=tmp_path_factory.getbasetemp()))
            (cwd / "examples").symlink_to(lessons.EXAMPLES, target_is_directory=True)
            dirs[example] = cwd
        return dirs[example]

    return get


@pytest.fixture(scope="session")
def console_env(tmp_path_factory):
    """Return the environment for console blocks: tests/forkserver.py's ``flask`` first on
    the PATH (started on first use), so a worker imports Flask once, not once per command."""
    import forkserver

    started: list[tuple[subprocess.Popen, dict]] = []

    def get() -> dict[str, str]:
        if not started:
            folder = tmp_path_factory.mktemp("forkserver")
            started.append(forkserver.start(folder, lessons.clean_env()))
        return {**lessons.clean_env(), "PATH": started[0][1]["PATH"]}

    yield get
    for server, _ in started:
        server.terminate()
        server.wait(timeout=30)


def pytest_collection_finish(session):
    """The integration tests drive real curl: without it, stop at once with one clear line."""
    if not shutil.which("curl") and any(i.get_closest_marker("integration") for i in session.items):
        pytest.exit("curl is not on the PATH: install it (Debian: apt-get install curl)", 4)


def module_fixtures_needed(uses: dict[str, set[str]], shared: set[str], name: str) -> set[str]:
    """The module-scoped fixtures (``shared``) that function ``name`` needs, directly or
    through the fixtures it takes; ``uses`` maps each function to its argument names."""
    found, todo, seen = set(), [name], set()
    while todo:
        for arg in uses.get(todo.pop(), set()) - seen:
            seen.add(arg)
            found |= {arg} & shared
            todo.append(arg)
    return found


def shared_fixture_groups(folder: Path) -> dict[str, str]:
    """``file::test`` -> a group name, for the tests of a module that share a module-scoped
    fixture (lesson 14's built wheel, its slow-client servers): one worker then builds such
    a fixture once. Read from the source, since the process that hands out tests collects
    none (and xdist's own ``--dist loadgroup`` marks no longer reach it on pytest 9, which
    ignores the node id xdist rewrites)."""
    groups: dict[str, str] = {}
    for file in sorted(folder.glob("test_*.py")):
        uses, shared = {}, set()
        for node in ast.parse(file.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef):
                uses[node.name] = {a.arg for a in node.args.args}
                scopes = [k.value for d in node.decorator_list for k in getattr(d, "keywords", [])]
                if any(getattr(v, "value", None) == "module" for v in scopes):
                    shared.add(node.name)
        owner: dict[str, str] = {}  # fixture -> its group, one group when a test needs two
        for test in (n for n in uses if n.startswith("test_")):
            fixtures = sorted(module_fixtures_needed(uses, shared, test))
            if fixtures:
                name = next(
                    (owner[f] for f in fixtures if f in owner), f"{file.name}:{fixtures[0]}"
                )
                owner.update(dict.fromkeys(fixtures, name))
                groups[f"tests/{file.name}::{test}"] = name
    return groups


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With ``-n``: a page's http and pycon blocks share one app and run in page order, so
    they go to one worker as one unit; its console blocks share one folder, so they form a
    second unit (they never touch the app the others use); the tests that share a
    module-scoped fixture are one unit; every other test goes wherever a worker is free."""
    from xdist.scheduler import LoadScopeScheduling

    console = {
        f"{example}:{block.id}"
        for example in lessons.example_names()
        if lessons.page_for(example)
        for block in lessons.read_page(lessons.page_for(example)).executable
        if block.lang == "console"
    }

    class ByPage(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if "::test_block[" in nodeid:
                param = nodeid.split("[", 1)[1][:-1]  # 01_routing:lessons/01-routing.md:42
                example = param.split(":", 1)[0]
                return f"{example} console" if param in console else example
            return groups.get(nodeid.split("[", 1)[0], nodeid)

    groups = shared_fixture_groups(Path(__file__).parent)
    return ByPage(config, log)


# ---------------------------------------------------------------- the repo stays clean

# The runner's own, and the screenshots the browser tests rewrite on purpose (docs/screenshots).
RUNNERS_OWN = (
    ":(exclude).nox",
    ":(exclude).venv",
    ":(exclude).ruff_cache",
    ":(exclude)docs/screenshots",
)


def repo_state() -> set[str]:
    """What ``git status`` shows, ignored files included, apart from the runner's own.

    git shows files, not empty folders: a factory that keeps data in its instance folder may
    create that folder (as Flask's tutorial does), but nothing may be written in it.
    """
    status = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all", ".", *RUNNERS_OWN],
        cwd=lessons.ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return {
        line
        for line in status
        if "__pycache__" not in line and not Path(line[3:]).name.startswith(".coverage")
    }


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # once, in the process that reports
        session.config.stash[REPO_STATE] = repo_state()


def pytest_sessionfinish(session):
    before = session.config.stash.get(REPO_STATE, None)
    if before is None:
        return
    new = sorted(repo_state() - before)
    if new:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_sep("=", "the suite wrote inside the repo", red=True)
        for line in new:
            reporter.write_line(f"  {line}")
        reporter.write_line("Write to a temp folder instead (tmp_path, the page's {tmp}).")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


REPO_STATE = pytest.StashKey[set]()
