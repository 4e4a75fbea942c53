"""The README's learner command, word for word, in a fresh folder with only the files a clone
has: a new venv from requirements.txt, then `flask run --debug`, and the lesson's index in a
real client (an integration test); and the Python it names. (The other command, the whole
suite, is what .ci/run runs.)"""

import re
import shlex
import shutil
import subprocess
import sys
import urllib.request
from importlib.metadata import metadata

import pytest
from packaging.specifiers import SpecifierSet

import lessons
from servers import free_port, serve

README = (lessons.ROOT / "README.md").read_text(encoding="utf-8")


def learner_command() -> str:
    """The first bash block of the README: setup, then the run."""
    return re.search(r"```bash\n(python3 -m venv .*)\n```", README)[1]


@pytest.mark.integration
def test_the_learner_command_starts_lesson_01_from_a_fresh_folder(tmp_path):
    command = learner_command()
    setup, run = command.rsplit(" && ", 1)
    assert run == ".venv/bin/flask --app examples/01_routing run --debug", run
    for name in ("requirements.txt", "requirements", "examples"):
        source = lessons.ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    setup = setup.replace("python3 ", f"{sys.executable} ", 1)  # this Python, as python3
    env = {k: v for k, v in lessons.clean_env().items() if not k.startswith("COVERAGE_")}
    del env["PYTHONWARNINGS"]  # pip's own deprecations are not ours
    done = subprocess.run(
        ["bash", "-c", setup], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    port = free_port()
    server = serve([*shlex.split(run), "--port", str(port)], port, cwd=tmp_path)
    with server, urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
        assert page.status == 200
        assert page.headers.get_content_type() == "text/html"
        assert "/urls" in page.read().decode()  # the index links the lesson's pages


@pytest.mark.integration  # on the pinned stack (the 2.3 entry of the matrix has older pins)
def test_the_pins_need_the_python_the_readme_names():
    """ "Python 3.11 or newer", because the pinned Flask-Caching and cachelib say so: pip on 3.10
    stops at their Requires-Python, as the README warns."""
    assert "Python 3.11 or newer" in README
    assert "Python 3.11-3.13" in README
    for name in ("flask-caching", "cachelib"):
        needs = SpecifierSet(metadata(name)["Requires-Python"])
        assert "3.11" in needs, f"{name} {needs}"
        assert "3.10" not in needs, f"{name} {needs}"
        assert f'"Requires-Python {needs}"' in README, f"the README quotes another pin than {needs}"
