"""Lesson 13 with real processes: the reloader, a plugin installed into a fresh venv, and
a production server that reads .env only through load_dotenv (and, in-process in the fast
suite, the same wsgi.py the server loads).

The commands and the lines they print are the page's ``bash`` blocks, so the page and the
test cannot drift apart.
"""

import importlib
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import lessons
from servers import free_port, serve

EXAMPLE = "13_cli_and_env"
PAGE = lessons.read_page(lessons.page_for(EXAMPLE))


def page_steps(title_start: str) -> list[tuple[str, str]]:
    return lessons.steps_run_by_test(PAGE, title_start)


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "examples").symlink_to(lessons.EXAMPLES, target_is_directory=True)
    return tmp_path


def wait_for_line(log: Path, text: str, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text():
            return True
        time.sleep(0.1)
    return False


def check_reloads(
    workdir: Path,
    title: str,
    unwatched: Path,
    watched: Path,
    on_path: tuple[Path, ...] = (),
    without: str = "",
) -> None:
    """Run the page's ``flask run`` block under the stat reloader (as on a machine without
    watchdog; the suite's docs tools bring it): a change to ``unwatched`` restarts nothing
    within 4 seconds, a change to ``watched`` restarts, and the log reads as the page says.

    ``on_path`` folders go on PYTHONPATH: the reloader watches the Python files under them.
    ``without``: a part of the page's command left out; the log then names ``watched``.
    """
    (command, expected), *_ = page_steps(title)
    if without:
        assert without in command
        command = command.replace(without, "")
        expected = f"...\n * Detected change in '...{watched.name}', reloading"
    shadow = workdir / "no-watchdog" / "watchdog"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('use the stat reloader')\n")
    port, log = free_port(), workdir / "server.log"
    command = command.replace("flask ", "exec flask ", 1) + f" --port {port}"
    pythonpath = os.pathsep.join(map(str, (shadow.parent, *on_path)))
    with serve(["bash", "-c", command], port, cwd=workdir, log=log, PYTHONPATH=pythonpath):
        assert wait_for_line(log, " * Restarting with stat"), log.read_text()
        time.sleep(1.5)  # the stat reloader compares mtimes once a second
        unwatched.touch()
        assert not wait_for_line(log, "Detected change", timeout=4), log.read_text()
        watched.touch()
        assert wait_for_line(log, "Detected change in"), log.read_text()
    # The page's output ends at the reload; what the restarted server prints next varies.
    up_to_reload = log.read_text().split(", reloading", 1)[0] + ", reloading"
    assert lessons.matches(expected, up_to_reload), log.read_text()


@pytest.mark.integration
def test_the_reloader_watches_extra_files_and_skips_excluded_ones(workdir):
    (workdir / "scratch").mkdir()
    (workdir / "scratch" / "tmp_notes.py").write_text("# a scratch file\n")
    (workdir / "settings.toml").write_text("x = 1\n")
    # The project folder on sys.path, as when FLASK_APP names a module in it: without the
    # exclude pattern, the scratch module would be watched.
    scratch, settings = workdir / "scratch" / "tmp_notes.py", workdir / "settings.toml"
    check_reloads(workdir, "The reloader", scratch, settings, on_path=(workdir,))


@pytest.mark.integration
def test_without_the_pattern_a_module_on_sys_path_is_watched(workdir):
    """The page's first sentence on the reloader: a .py file in a folder on sys.path is
    watched though nothing imports it, so the pattern above is what keeps it out."""
    (workdir / "scratch").mkdir()
    (workdir / "scratch" / "tmp_notes.py").write_text("# a scratch file\n")
    (workdir / "settings.toml").write_text("x = 1\n")
    (workdir / "notes.txt").write_text("not Python, not named\n")
    scratch = workdir / "scratch" / "tmp_notes.py"
    check_reloads(
        workdir,
        "The reloader",
        workdir / "notes.txt",
        scratch,
        on_path=(workdir,),
        without=" --exclude-patterns '*/scratch/*'",
    )


@pytest.mark.integration
def test_extra_files_folder_watches_only_python_files(workdir):
    """The notes' ``--extra-files dirB/``: a folder adds its .py files, not a .toml beside them."""
    (workdir / "conf").mkdir()
    (workdir / "conf" / "settings.toml").write_text("x = 1\n")
    (workdir / "conf" / "hooks.py").write_text("# watched because it is Python\n")
    check_reloads(
        workdir,
        "A folder in --extra-files",
        workdir / "conf" / "settings.toml",
        workdir / "conf" / "hooks.py",
    )


def test_wsgi_loads_env_from_the_current_folder_before_creating_the_app(tmp_path, monkeypatch):
    """In-process, what the gunicorn test below shows over the wire: ``wsgi.py`` reads the
    current folder's .env before create_app(), and the environment keeps what it read."""
    (tmp_path / ".env").write_text("FLASK_GREETING=from .env\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLASK_GREETING", "unset below, restored after the test")
    monkeypatch.delenv("FLASK_GREETING")
    name = f"{lessons.import_example(EXAMPLE).__name__}.wsgi"
    monkeypatch.setitem(sys.modules, name, None)  # imported afresh below, forgotten after
    monkeypatch.delitem(sys.modules, name)
    wsgi = importlib.import_module(name)
    assert wsgi.app.config["GREETING"] == os.environ["FLASK_GREETING"] == "from .env"


@pytest.mark.integration
def test_a_plugin_command_from_an_installed_package(workdir):
    venv = workdir / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    site = next(venv.glob("lib/python3*/site-packages"))
    # The new venv sees the suite's packages (Flask) without reinstalling them.
    suite_site = next(Path(sys.prefix).glob("lib/python3*/site-packages"))
    (site / "suite.pth").write_text(f"{suite_site}\n")
    lessons.check_steps(page_steps("A plugin"), workdir, timeout=300)


@pytest.mark.integration
def test_a_production_server_reads_env_only_through_load_dotenv(workdir):
    (workdir / ".env").write_text("FLASK_GREETING=from .env\n")
    answers = {}
    for target in (f"{EXAMPLE}:create_app()", f"{EXAMPLE}.wsgi:app"):
        port = free_port()
        command = [
            "gunicorn",
            "-b",
            f"127.0.0.1:{port}",
            "--pythonpath",
            str(lessons.EXAMPLES),
            target,
        ]
        url = f"http://127.0.0.1:{port}/greeting"
        with serve(command, port, cwd=workdir), urllib.request.urlopen(url, timeout=10) as page:
            answers[target] = page.read().decode()
    assert '"greeting":"Hello"' in answers[f"{EXAMPLE}:create_app()"]
    assert '"greeting":"from .env"' in answers[f"{EXAMPLE}.wsgi:app"]
