"""Lesson 01 with a real client: curl against `flask run` on 127.0.0.1."""

import pytest

from servers import curl, flask_run

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def base_url():
    """`flask --app examples/01_routing run` as a learner types it, on a free port."""
    with flask_run("01_routing") as url:
        yield url


def test_missing_slash_is_a_308_to_the_canonical_url(base_url):
    done = curl("-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", f"{base_url}/projects")
    assert done.stdout == f"308 {base_url}/projects/"


def test_curl_repeats_the_post_after_a_308(base_url):
    done = curl("-L", "-d", "x=1", f"{base_url}/projects")
    assert done.stdout == "projects (POST)\n"


def test_a_303_after_the_login_post_is_followed_with_get(base_url):
    done = curl("-L", "-d", "username=ada", "-w", "|%{num_redirects}", f"{base_url}/login")
    assert done.stdout == "user ada\n|1"


def test_a_real_server_names_its_own_host_in_the_location(base_url):
    """The page's blocks show ``Location: http://localhost/projects/``: the test client's
    host. A real server writes the host the request came to, here 127.0.0.1 and its port."""
    done = curl("-o", "/dev/null", "-D", "-", f"{base_url}/projects")
    headers = dict(line.split(": ", 1) for line in done.stdout.splitlines()[1:] if ": " in line)
    assert headers["Location"] == f"{base_url}/projects/"
    assert base_url.startswith("http://127.0.0.1:")
