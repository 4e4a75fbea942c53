"""Lesson 07 beyond its page: safe_next against generated targets, a real login with curl,
and login times that do not tell which names exist."""

import secrets
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lessons
from servers import assert_logins_take_alike, curl, flask_run

EXAMPLE = "07_view_decorators"
PREFIXES = [
    "",
    "/",
    "//",
    "///",
    "\\",
    "/\\",
    "http:",
    "https:",
    "https://",
    "javascript:",
    " ",
    "\t",
]
TAILS = ["evil.example", "localhost", "localhost@evil.example", "evil.example/dashboard", "%2F"]


@pytest.fixture(scope="module")
def app():
    """The lesson's app, as the page builds it."""
    return lessons.import_example(EXAMPLE).create_app({"TESTING": True})


def browser_host(location: str, page: str = "https://shop.example/login") -> str:
    """The host a browser on ``page`` would go to, reading "\\" as "/" like browsers do."""
    return urlsplit(urljoin(page, location.replace("\\", "/").strip())).netloc


@given(
    target=st.one_of(
        st.text(max_size=40),
        st.builds(
            "".join,
            st.tuples(st.sampled_from(PREFIXES), st.sampled_from(TAILS), st.text(max_size=10)),
        ),
    )
)
def test_safe_next_never_leaves_the_site(app, target):
    module = lessons.import_example(EXAMPLE)
    with app.test_request_context(headers={"Host": "evil.example"}):
        result = module.safe_next(target)
    assert result is None or browser_host(result) == "shop.example", (target, result)


def test_safe_next_keeps_a_path_and_query_on_this_site(app):
    module = lessons.import_example(EXAMPLE)
    for host in ("shop.example", "evil.example"):  # the Host header plays no part
        with app.test_request_context(base_url=f"https://{host}"):
            assert module.safe_next("/cart?item=7") == "/cart?item=7"
            assert module.safe_next("https://evil.example/cart") is None
            assert module.safe_next("https://shop.example/cart") is None


@pytest.mark.parametrize(
    "form", [{"username": "", "password": "x"}, {"username": "ada", "password": ""}]
)
def test_a_blank_field_is_refused_before_hashing(app, monkeypatch, form):
    def no_hashing(*args):
        raise AssertionError("a blank field was hashed")

    monkeypatch.setattr(lessons.import_example(EXAMPLE), "check_password_hash", no_hashing)
    answer = app.test_client().post("/login", data=form)
    assert (answer.status_code, answer.text) == (400, "name and password are required\n")


@pytest.fixture(scope="module")
def base_url():
    """*Run it* as the page says: a key in FLASK_SECRET_KEY, then `flask run --debug`."""
    with flask_run(EXAMPLE, "--debug", FLASK_SECRET_KEY=secrets.token_hex()) as url:
        yield url


@pytest.mark.integration
def test_without_a_key_the_debugger_shows_why_signing_in_fails():
    """What the page says of `run --debug` with no key: it starts, signing in cannot work."""
    with flask_run(EXAMPLE, "--debug") as url:
        done = curl(
            "-w",
            "\n%{http_code}",
            "-d",
            "username=ada",
            "-d",
            "password=lovelace",
            f"{url}/login",
        )
    page, status = done.stdout.rsplit("\n", 1)
    assert status == "500"
    assert "The session is unavailable because no secret key was set." in page
    assert "Werkzeug Debugger" in page


@pytest.mark.integration
def test_a_missing_password_is_a_400_and_under_debug_the_debugger(base_url):
    """The page's 400 for a form without a password, from `flask run`; under `run --debug`
    (``base_url``) the same request is the interactive debugger, a 500 naming the key."""
    with flask_run(EXAMPLE, FLASK_SECRET_KEY=secrets.token_hex()) as url:
        plain = curl("-w", "\n%{http_code}", "-d", "username=ada", f"{url}/login")
    debug = curl("-w", "\n%{http_code}", "-d", "username=ada", f"{base_url}/login")
    page, status = plain.stdout.rsplit("\n", 1)
    assert status == "400"
    assert "password" not in page
    page, status = debug.stdout.rsplit("\n", 1)
    assert status == "500"
    assert "Werkzeug Debugger" in page
    assert "BadRequestKeyError" in page
    assert "&#39;password&#39;" in page or "'password'" in page


@pytest.mark.integration
def test_login_round_trip_with_curl(base_url, tmp_path):
    jar = str(tmp_path / "cookies.txt")
    first = curl("-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", f"{base_url}/dashboard")
    assert first.stdout == f"302 {base_url}/login?next=/dashboard"
    login = ["-c", jar, "-b", jar, "-d", "username=ada", "-d", "password=lovelace"]
    done = curl(*login, "-d", "next=/dashboard", "-L", f"{base_url}/login")
    assert done.stdout == "ada's dashboard (rendered 1x)\n"
    again = curl("-b", jar, "-i", f"{base_url}/dashboard")
    assert "X-Cache: HIT" in again.stdout
    assert again.stdout.endswith("ada's dashboard (rendered 1x)\n")


@pytest.mark.integration
@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example"])
def test_a_hostile_next_lands_on_the_home_page(base_url, tmp_path, target):
    jar = str(tmp_path / "cookies.txt")
    done = curl(
        *["-c", jar, "-d", "username=bob", "-d", "password=builder"],
        *["--data-urlencode", f"next={target}", "-o", "/dev/null"],
        *["-w", "%{http_code} %{redirect_url}", f"{base_url}/login"],
    )
    assert done.stdout == f"303 {base_url}/"


@pytest.mark.integration
def test_the_session_cookie_is_httponly_and_samesite_over_the_wire(base_url):
    done = curl("-i", "-d", "username=bob", "-d", "password=builder", f"{base_url}/login")
    cookie = next(line for line in done.stdout.splitlines() if line.startswith("Set-Cookie:"))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.integration
def test_an_unknown_name_takes_as_long_as_a_wrong_password(base_url):
    """Known and unknown names, in turns on one server: the median times are alike."""
    known = {"username": "ada", "password": "not-her-password"}
    unknown = {"username": "nobody-of-that-name", "password": "not-her-password"}
    assert_logins_take_alike(f"{base_url}/login", known, unknown, refused=401)
