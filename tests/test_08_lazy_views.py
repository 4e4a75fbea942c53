"""Lesson 08 beyond its page: laziness in a fresh process, and the app under a real server."""

import json
import subprocess
import sys

import pytest

import lessons
from servers import curl, flask_run

pytestmark = pytest.mark.integration

EXAMPLE = "08_lazy_views"

# Load the app the way `flask --app` does, in a new interpreter that has imported nothing yet.
FRESH_PROCESS = f"""
import sys
from flask.cli import locate_app, prepare_import
name = prepare_import("examples/{EXAMPLE}")
app = locate_app(name, None)
before = name + ".views" in sys.modules
body = app.test_client().get("/users/page/2").get_data(as_text=True)
print(before, repr(body), name + ".views" in sys.modules)
"""


def test_views_are_imported_by_the_first_request_in_a_fresh_process():
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS],
        cwd=lessons.ROOT,
        env=lessons.clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout == "False 'users, page 2\\n' True\n"


@pytest.fixture(scope="module")
def base_url():
    """`flask --app examples/08_lazy_views run --debug`, as the page says, on a free port."""
    with flask_run(EXAMPLE, "--debug") as url:
        yield url


def test_a_url_equal_to_the_defaults_redirects_over_the_wire(base_url):
    done = curl("-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", f"{base_url}/users/page/1")
    assert done.stdout == f"308 {base_url}/users/"


def test_lazy_and_class_based_views_answer_over_the_wire(base_url):
    assert curl(f"{base_url}/user/").stdout == "all users\n"
    assert curl(f"{base_url}/hola/ada").stdout == "Hola, ada!\n"
    posted = curl(
        "-H", "Content-Type: application/json", "-d", '{"text": "buy milk"}', f"{base_url}/notes/"
    )
    assert json.loads(posted.stdout) == {"id": 1, "text": "buy milk"}
    assert json.loads(curl(f"{base_url}/notes/").stdout) == {"notes": ["buy milk"]}
