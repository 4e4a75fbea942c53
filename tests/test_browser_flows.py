"""What a learner does by hand, in Chromium, against the lessons under real ``flask run``.

Each lesson runs as its page's *Run it* says (``flask --app examples/NN_topic run``, on a
free port of 127.0.0.1, stopped by PID) and is used as a learner would: links, forms,
buttons, dialogs, downloads. Any answer of 500 or more, any console or page error, and any
request for another host fail the test. Chromium reports every 4xx answer in the console
as well ("Failed to load resource"): a test names the 4xx answers it provokes, and only
those are let through.
"""

from __future__ import annotations

import re
import secrets
import subprocess
from urllib.parse import urlsplit

import pytest

import lessons
from browser import local_only
from servers import flask_run

pytestmark = pytest.mark.browser

FLASKR = "14_packaging_and_deployment"
DOWNLOADS = "12_streaming_downloads"
LOAD_FAILED = re.compile(r"Failed to load resource: the server responded with a status of (\d+) .*")


class Watch:
    """One browser context, like one person's browser, and what went wrong in it."""

    def __init__(self, browser):
        self.context = browser.new_context()
        self.context.set_default_timeout(20_000)  # a busy, shared machine
        self.problems: list[str] = []
        self.refusals: set[tuple[int, str]] = set()  # 4xx answers the test provokes
        local_only(self.context, self.problems)
        self.context.on("console", self._console)
        self.context.on("weberror", lambda e: self.problems.append(f"page error: {e.error}"))
        self.context.on("response", self._response)
        self.page = self.context.new_page()

    def refused(self, status: int, path: str) -> None:
        """The test provokes this answer: Chromium's console line for it is no problem."""
        self.refusals.add((status, path))

    def _console(self, message):
        if message.type != "error":
            return
        path = urlsplit(message.location["url"]).path
        failed = LOAD_FAILED.fullmatch(message.text)
        if failed and (int(failed[1]), path) in self.refusals:
            return
        # Chromium asks every site for /favicon.ico by itself; the lessons have none.
        if failed and failed[1] == "404" and path == "/favicon.ico":
            return
        self.problems.append(f"console: {message.text} ({message.location['url']})")

    def _response(self, response):
        if response.status >= 500:
            self.problems.append(f"{response.status} {response.url}")


@pytest.fixture
def person(browser):
    """A new browser context for each call (``person()``); each must end with no problem."""
    watches: list[Watch] = []

    def person() -> Watch:
        watches.append(Watch(browser))
        return watches[-1]

    yield person
    for watch in watches:
        watch.context.close()
    assert [w.problems for w in watches] == [[] for _ in watches]


def flask_command(example: str, *args: str, **env: str) -> str:
    """``flask --app examples/<example> ARGS``, as typed from the repo root; its output."""
    done = subprocess.run(
        ["flask", "--app", f"examples/{example}", *args],
        cwd=lessons.ROOT,
        env=lessons.clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


# ---------------------------------------------------------------- lesson 14: flaskr


@pytest.fixture(scope="module")
def flaskr(tmp_path_factory):
    """Lesson 14 as *Run it* starts it: a key, init-db, then ``run --debug``."""
    folder = tmp_path_factory.mktemp("flaskr")
    env = {"FLASK_SECRET_KEY": secrets.token_hex(), "FLASK_DATABASE": str(folder / "f.sqlite")}
    assert "Initialized the database" in flask_command(FLASKR, "init-db", **env)
    log = folder / "server.log"
    with flask_run(FLASKR, "--debug", log=log, **env) as url:
        yield url
    assert "Traceback" not in log.read_text()


def fill(page, button: str, **fields: str) -> None:
    """Fill in the form's fields by their labels, then press its button."""
    for label, value in fields.items():
        page.get_by_label(label.capitalize()).fill(value)
    page.get_by_role("button", name=button).click()


def flashed(page) -> list[str]:
    return page.locator(".flash").all_text_contents()


def post_titled(page, title: str):
    heading = page.get_by_role("heading", name=title, exact=True)
    return page.locator("article.post").filter(has=heading)


def register_and_log_in(watch: Watch, base: str, name: str, password: str) -> None:
    page = watch.page
    page.goto(base + "/")
    page.get_by_role("link", name="Register").click()
    fill(page, "Register", username=name, password=password)
    assert urlsplit(page.url).path == "/auth/login"
    watch.refused(400, "/auth/login")
    fill(page, "Log In", username=name, password=password + " but wrong")
    assert flashed(page) == ["Incorrect username or password."]
    fill(page, "Log In", username=name, password=password)
    assert urlsplit(page.url).path == "/"
    assert page.locator("nav span").text_content() == name


def write(page, title: str, body: str) -> None:
    page.get_by_role("link", name="New", exact=True).click()
    fill(page, "Save", title=title, body=body)
    assert urlsplit(page.url).path == "/"


def test_flaskr_register_log_in_write_edit_delete(flaskr, person):
    ada = person()
    page = ada.page
    page.goto(flaskr + "/")
    assert page.get_by_role("link", name="/hello").get_attribute("href") == "/hello"
    register_and_log_in(ada, flaskr, "ada", "correct horse")

    # A title of spaces passes the browser's `required` check, not the server's.
    ada.refused(400, "/create")
    page.get_by_role("link", name="New", exact=True).click()
    fill(page, "Save", title="   ", body="no title")
    assert flashed(page) == ["Title is required."]
    fill(page, "Save", title="My first post", body="Hello from Chromium")
    assert urlsplit(page.url).path == "/"
    assert post_titled(page, "My first post").locator(".body").text_content() == (
        "Hello from Chromium"
    )

    # Edit: the form comes filled in; the index shows the change.
    post_titled(page, "My first post").get_by_role("link", name="Edit").click()
    assert page.get_by_label("Title").input_value() == "My first post"
    fill(page, "Save", title="My first post, edited")
    assert post_titled(page, "My first post, edited").count() == 1
    assert post_titled(page, "My first post").count() == 0

    # Delete asks first: "Cancel" keeps the post, "OK" deletes it.
    write(page, "Written by mistake", "")
    post_titled(page, "Written by mistake").get_by_role("link", name="Edit").click()
    edit_path = urlsplit(page.url).path
    questions: list[str] = []

    def answer(accept: bool):
        def handle(dialog):
            questions.append(dialog.message)
            if accept:
                dialog.accept()
            else:
                dialog.dismiss()

        return handle

    page.once("dialog", answer(accept=False))
    page.get_by_role("button", name="Delete").click()
    assert urlsplit(page.url).path == edit_path
    page.once("dialog", answer(accept=True))
    page.get_by_role("button", name="Delete").click()
    assert questions == ["Are you sure?", "Are you sure?"]
    assert urlsplit(page.url).path == "/"
    assert post_titled(page, "Written by mistake").count() == 0
    assert post_titled(page, "My first post, edited").count() == 1

    # The deleted post's edit page is gone: a 404 with the reason.
    ada.refused(404, edit_path)
    assert page.goto(flaskr + edit_path).status == 404
    assert re.fullmatch(r"Post id \d+ doesn't exist\.", page.locator("p").text_content())

    page.goto(flaskr + "/")
    page.get_by_role("button", name="Log Out").click()
    # From / back to /: no URL to wait for, so wait for the page to show the link.
    page.get_by_role("link", name="Log In").wait_for(timeout=10_000)
    assert page.get_by_role("link", name="Log In").count() == 1
    assert page.get_by_role("link", name="New", exact=True).count() == 0


def test_flaskr_refuses_someone_elses_post(flaskr, person):
    """Two people, two browser contexts: grace cannot edit or delete what hopper wrote."""
    hopper, grace = person(), person()
    register_and_log_in(hopper, flaskr, "hopper", "cobol forever")
    write(hopper.page, "Hopper's post", "Mine.")
    hopper.page.get_by_role("link", name="Edit").first.click()
    edit_path = urlsplit(hopper.page.url).path
    delete_path = edit_path.replace("/update", "/delete")

    register_and_log_in(grace, flaskr, "grace", "another horse")
    page = grace.page
    assert post_titled(page, "Hopper's post").get_by_role("link", name="Edit").count() == 0

    # Typing the URL of the edit page: 403.
    grace.refused(403, edit_path)
    assert page.goto(flaskr + edit_path).status == 403
    assert page.get_by_role("heading", name="Forbidden").count() == 1

    # Sending the delete form anyway (from her own page, with fetch): 403.
    grace.refused(403, delete_path)
    page.goto(flaskr + "/")
    status = page.evaluate("path => fetch(path, {method: 'POST'}).then(r => r.status)", delete_path)
    assert status == 403

    hopper.page.goto(flaskr + "/")
    assert post_titled(hopper.page, "Hopper's post").locator(".body").text_content() == "Mine."


# ---------------------------------------------------------------- lesson 12: downloads


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    """Lesson 12 as *Run it* starts it: ``init``, then ``run --debug``; yields the base URL
    and the download folder."""
    folder = tmp_path_factory.mktemp("downloads")
    env = {"FLASK_DOWNLOAD_FOLDER": str(folder)}
    assert "wrote" in flask_command(DOWNLOADS, "init", **env)
    log = folder.parent / f"{folder.name}.log"
    with flask_run(DOWNLOADS, "--debug", log=log, **env) as url:
        yield url, folder
    assert "Traceback" not in log.read_text()


def test_12_a_non_ascii_download_name_is_the_name_saved(downloads, person):
    base, folder = downloads
    page = person().page
    page.goto(base + "/")
    with page.expect_download() as saved:
        page.get_by_role("link", name="/report", exact=True).click()
    assert saved.value.suggested_filename == "年度报告 2024.csv"
    with open(saved.value.path(), "rb") as f:
        assert f.read() == (folder / "report.csv").read_bytes()


def test_12_a_download_resumes_where_it_stopped(downloads, person):
    """The rest of the file, asked for with Range and If-Range as a resuming browser does;
    once the file has changed (another ETag), the whole new file instead."""
    base, folder = downloads
    page = person().page
    page.goto(base + "/")
    seen = page.evaluate(
        """async () => {
        const get = (headers) => fetch("/files/report.csv", {headers, cache: "no-store"});
        const whole = await get({});
        const etag = whole.headers.get("ETag");
        const rest = await get({"Range": "bytes=10-", "If-Range": etag});
        const changed = await get({"Range": "bytes=10-", "If-Range": '"another-etag"'});
        const answer = async (r) => [r.status, r.headers.get("Content-Range"), await r.text()];
        return [await answer(whole), await answer(rest), await answer(changed)];
    }"""
    )
    text = (folder / "report.csv").read_text()
    assert seen == [
        [200, None, text],
        [206, f"bytes 10-{len(text) - 1}/{len(text)}", text[10:]],
        [200, None, text],
    ]


def test_12_chromium_saves_an_inline_csv_and_shows_an_inline_text_file(downloads, person):
    """`Content-Disposition: inline` leaves it to the browser: Chromium shows text/plain in
    the tab, and saves text/csv, a type it does not display, as a download."""
    base, folder = downloads
    page = person().page
    page.goto(base + "/")
    url = base + "/files/report.csv"
    with page.expect_response(url) as answer, page.expect_download() as saved:
        page.get_by_role("link", name="/files/report.csv").click()
    assert answer.value.headers["content-disposition"] == "inline; filename=report.csv"
    assert answer.value.headers["content-type"] == "text/csv; charset=utf-8"
    assert saved.value.suggested_filename == "report.csv"
    with open(saved.value.path(), "rb") as f:
        assert f.read() == (folder / "report.csv").read_bytes()
    assert urlsplit(page.url).path == "/"  # the tab stayed on the index

    page.get_by_role("link", name="/files/notes.txt").click()
    page.wait_for_url(base + "/files/notes.txt")
    assert page.text_content("pre") == (folder / "notes.txt").read_text()
