"""The lessons in Chromium, as a learner meets them: `flask run` on 127.0.0.1, a browser at `/`.

For every lesson: open the index, run the commands it says to run, follow every link, submit
every form with its sample values and emptied; no 5xx (but on a rule the page's front matter
lists under ``fails_on_purpose``), no console error, no request to another host. The index
is then photographed into docs/screenshots/ for the lesson page. Then the flows and browser
claims of lesson 07: signing in by typing and pressing Enter, the `next` values browsers
read their own way, and what the session cookie's HttpOnly and SameSite change.
"""

from __future__ import annotations

import json
import subprocess
from urllib.parse import quote, urljoin, urlsplit

import pytest

import lessons
from browser import local_only
from servers import flask_run

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1024, "height": 640}
SCREENSHOTS = lessons.ROOT / "docs" / "screenshots"
FIELDS = "input:not([type=hidden]):not([type=submit]):not([type=button]), textarea, select"


def server_env(page: lessons.Page, tmp) -> dict[str, str]:
    """The page's ``env`` and its ``test_config`` as FLASK_* variables, files in ``tmp``:
    what a real server reads (from_prefixed_env parses each value as JSON, else a string)."""
    env = {k: str(v) for k, v in (page.meta.get("env") or {}).items()}
    for key, value in (page.meta.get("test_config") or {}).items():
        env[f"FLASK_{key}"] = value.format(tmp=tmp) if isinstance(value, str) else json.dumps(value)
    return env


class Watch:
    """What goes wrong while a browser context is open: 5xx answers, console errors, page
    errors, requests to another host."""

    def __init__(self, context, page: lessons.Page):
        self.problems: list[str] = []
        self.on_purpose = set(page.meta.get("fails_on_purpose") or [])
        local_only(context, self.problems)
        context.on("response", self.response)
        context.on("console", self.console)
        context.on("weberror", lambda error: self.problems.append(f"page error: {error.error}"))

    def response(self, response):
        if response.status >= 500 and urlsplit(response.url).path not in self.on_purpose:
            self.problems.append(f"{response.status} {response.request.method} {response.url}")

    def console(self, message):
        # Chromium logs every 4xx and 5xx as "Failed to load resource": the statuses are
        # checked above, where a deliberate 404 or 500 is told apart from a bug.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")


def visit(tab, url: str) -> None:
    """Open ``url``; an attachment (or a type Chromium does not show) is a download."""
    try:
        tab.goto(url)
    except Exception as error:  # Playwright's Error: goto() ends where a download starts
        if "Download is starting" not in str(error):
            raise


def submit(tab, form, emptied: bool):
    """Fill ``form`` with its sample values (a value, else the placeholder) or empty it, and
    submit it. Returns the answer to its POST, or None where the browser refused to send it
    (a ``required`` field left empty)."""
    for field in form.locator(FIELDS).all():
        sample = field.input_value() or field.get_attribute("placeholder") or ""
        field.fill("" if emptied else sample)
    if not form.evaluate("f => f.checkValidity()"):
        sent = []
        tab.on("request", lambda r: r.method == "POST" and sent.append(r.url))
        form.locator("button, input[type=submit]").first.click()
        tab.wait_for_timeout(300)
        assert not sent, f"the browser sent an invalid form: {sent}"
        return None
    with tab.expect_response(lambda r: r.request.method == "POST") as answer:
        form.locator("button, input[type=submit]").first.click()
    tab.wait_for_load_state()
    return answer.value


def has_samples(form) -> bool:
    """Every field has a sample value (or placeholder) to submit."""
    return all(
        f.input_value() or f.get_attribute("placeholder") for f in form.locator(FIELDS).all()
    )


@pytest.mark.parametrize("example", lessons.example_names())
def test_a_learner_clicks_through_the_lesson(example, browser, tmp_path):
    page = lessons.read_page(lessons.page_for(example))
    env = server_env(page, tmp_path)
    with flask_run(example, log=tmp_path / "server.log", **env) as base:
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        watch = Watch(context, page)
        tab = context.new_page()
        tab.goto(f"{base}/")
        # The commands the index says to run, as a learner would, from the repo's root.
        for command in tab.locator("code").all_text_contents():
            if command.startswith(f"flask --app examples/{example} "):
                done = subprocess.run(
                    command.split(),
                    cwd=lessons.ROOT,
                    env=lessons.clean_env(**env),
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
                assert done.returncode == 0, f"$ {command}\n{done.stdout}{done.stderr}"
        tab.reload()
        links = [urljoin(f"{base}/", a.get_attribute("href")) for a in tab.locator("a[href]").all()]
        pages = [f"{base}/"] + [url for url in links if url.startswith(f"{base}/")]
        for url in pages[1:]:
            visit(tab, url)
        # Every form of every page that shows one, with its samples and emptied.
        for url in dict.fromkeys(pages):
            visit(tab, url)
            if urlsplit(tab.url).path != urlsplit(url).path or not tab.locator("form").count():
                continue
            for n in range(tab.locator("form").count()):
                for emptied in (False, True):
                    visit(tab, url)
                    form = tab.locator("form").nth(n)
                    if not emptied and not has_samples(form):
                        continue  # nothing valid to send: the emptied form is still tried
                    answer = submit(tab, form, emptied)
                    if not emptied:
                        assert answer is not None, f"{url}: form {n} refused its samples"
                        assert answer.status < 400, f"{url}: form {n}: {answer.status}"
        tab.goto(f"{base}/")
        tab.screenshot(path=SCREENSHOTS / f"{page.path.stem}.png")
        context.close()
    assert watch.problems == []


# ---------------------------------------------------------------- lesson 07 in the browser

LESSON_07 = "07_view_decorators"


@pytest.fixture(scope="module")
def lesson_07(tmp_path_factory):
    """Lesson 07 under `flask run`, for this module's tests; yields its base URL."""
    page = lessons.read_page(lessons.page_for(LESSON_07))
    tmp = tmp_path_factory.mktemp(LESSON_07)
    with flask_run(LESSON_07, log=tmp / "server.log", **server_env(page, tmp)) as base:
        yield base


@pytest.fixture
def tab(browser, lesson_07):
    """A fresh browser context (no cookies) on lesson 07; its problems must stay empty."""
    context = browser.new_context(viewport=VIEWPORT)
    watch = Watch(context, lessons.read_page(lessons.page_for(LESSON_07)))
    tab = context.new_page()
    tab.watch = watch
    yield tab
    context.close()


def sign_in(tab, name: str, password: str) -> None:
    """Type into the sign-in form the browser is on and press Enter, as a person does."""
    tab.locator("input[name=username]").press_sequentially(name)
    tab.locator("input[name=password]").press_sequentially(password)
    with tab.expect_navigation():
        tab.locator("input[name=password]").press("Enter")


def test_07_sign_in_see_the_dashboard_be_refused_admin_log_out(tab, lesson_07):
    tab.goto(f"{lesson_07}/dashboard")
    assert tab.url == f"{lesson_07}/login?next=/dashboard"
    with tab.expect_response(f"{lesson_07}/dashboard") as dashboard:
        sign_in(tab, "bob", "builder")
    assert tab.url == f"{lesson_07}/dashboard"
    assert tab.text_content("body").startswith("bob's dashboard")
    assert "Cookie" in dashboard.value.headers["vary"]  # the advice to shared caches
    assert tab.goto(f"{lesson_07}/admin").status == 403  # a member, not an admin
    tab.goto(f"{lesson_07}/")
    assert "Hello, bob!" in tab.text_content("body")
    tab.get_by_role("button", name="Sign out").click()
    tab.wait_for_url(f"{lesson_07}/")
    assert "Hello, stranger!" in tab.text_content("body")
    tab.goto(f"{lesson_07}/dashboard")
    assert urlsplit(tab.url).path == "/login"
    sign_in(tab, "ada", "lovelace")  # another user, the same URL: her own page, not bob's
    assert tab.text_content("body").startswith("ada's dashboard")
    assert tab.watch.problems == []


@pytest.mark.parametrize("sneaky", ["/\\127.0.0.2:9/", "/\t/127.0.0.2:9/", "/\n/127.0.0.2:9/"])
def test_07_browsers_read_backslash_as_slash_and_drop_tabs_and_newlines(tab, lesson_07, sneaky):
    """The browser's own URL parser takes each value to another host; signing in with it
    as ``next`` still lands on this site, because ``safe_next`` refuses it."""
    tab.goto(f"{lesson_07}/")
    assert tab.evaluate("v => new URL(v, location.href).host", sneaky) == "127.0.0.2:9"
    tab.goto(f"{lesson_07}/login?next={quote(sneaky, safe='')}")
    sign_in(tab, "bob", "builder")
    assert tab.url == f"{lesson_07}/"
    assert tab.watch.problems == []


def test_07_the_session_cookie_is_httponly_and_not_sent_with_another_sites_post(tab, lesson_07):
    tab.goto(f"{lesson_07}/login")
    sign_in(tab, "bob", "builder")
    (cookie,) = tab.context.cookies()
    assert (cookie["name"], cookie["httpOnly"], cookie["sameSite"]) == ("session", True, "Lax")
    assert "session" not in tab.evaluate("document.cookie")  # HttpOnly: scripts cannot read it

    # A page of another site (127.0.0.2 is another site to the browser) posts to /logout.
    other = "http://127.0.0.2:9/"
    form = f'<form method="post" action="{lesson_07}/logout"><button>Win a prize</button></form>'
    page = {"content_type": "text/html", "body": form}
    tab.context.route(f"{other}**", lambda route: route.fulfill(**page))
    tab.goto(other)
    with tab.expect_request(f"{lesson_07}/logout") as cross_site:
        tab.get_by_role("button", name="Win a prize").click()
    tab.wait_for_load_state()
    assert "cookie" not in cross_site.value.all_headers()  # SameSite=Lax: not on its POST
    # And bob stays signed in: /logout clears only a session it was sent, so its answer
    # sets no cookie (a Set-Cookie that deletes it would be obeyed: SameSite limits what
    # is sent, not what an answer sets).
    assert [c["name"] for c in tab.context.cookies()] == ["session"]

    tab.goto(f"{lesson_07}/")
    # The site's own form sends it, and signs him out.
    with tab.expect_request(f"{lesson_07}/logout") as same_site:
        tab.get_by_role("button", name="Sign out").click()
    tab.wait_for_url(f"{lesson_07}/")
    assert "session=" in same_site.value.all_headers()["cookie"]
    assert "Hello, stranger!" in tab.text_content("body")
    assert tab.watch.problems == []
