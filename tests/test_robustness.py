"""Every lesson app in production mode (debug and testing off) under generated hostile input.

Parametrised over the examples on disk, like the contract. Properties that hold for every
request, whatever the lesson:

- no 5xx, except on a URL rule the page's front matter lists under ``fails_on_purpose``;
- no traceback, secret key, filesystem path or file from outside the app in any body;
- no redirect that leaves the site, whatever ``next``-like parameter was sent;
- in a lesson with an ``/api/`` URL space, every error under ``/api/`` is JSON and keeps
  the headers Flask's own error would carry (``Allow`` on a 405).

``nox -s fuzz`` runs the same properties with far more examples (HYPOTHESIS_PROFILE=fuzz).
"""

from __future__ import annotations

import fcntl
import pickle
import re
import secrets
import sqlite3
from urllib.parse import quote, unquote_to_bytes, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.security import check_password_hash

import figures
import lessons

EXAMPLES = lessons.example_names()
CANARY = "canary-5f1d2c: this file lies outside every folder a lesson may serve"
LEAKS = [
    ("a traceback", re.compile(r"Traceback \(most recent call last\)")),
    ("a source path", re.compile(re.escape(str(lessons.ROOT)) + r"|site-packages|/usr/lib/py")),
    ("/etc/passwd", re.compile(r"root:x?:0:0:")),
    ("the canary file", re.compile(re.escape(CANARY))),
]
# --8<-- [start:crafted]
HOSTILE_TARGETS = [
    "https://evil.example/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "http://localhost@evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "/%09/evil.example",
    " //evil.example",
]
TRAVERSALS = [
    "../canary.txt",
    "..%2fcanary.txt",
    "%2e%2e/canary.txt",
    "..\\canary.txt",
    "/etc/passwd",
    "%2Fetc%2Fpasswd",
    "....//canary.txt",
    "..%252fcanary.txt",
    "canary.txt%00.png",
    "../../../../../../etc/passwd",
]
# --8<-- [end:crafted]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND"]
CONTENT_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "text/plain",
    "application/octet-stream",
    "application/json; charset=utf-16",
    "garbage/;;;",
]
BODIES = [
    b"",
    b"{",
    b'{"a": ',
    b"null",
    b"[]",
    b'"x"',
    b"\xff\xfe\x00\x01",
    b"a=%ZZ&b=%",
    b"--xyz\r\nContent-Disposition: form-data\r\n\r\n",
    b"username=&password=",
]

# Characters that break naive code: separators, dots, quotes, controls, non-ASCII, RTL, emoji.
ALPHABET = list("aZ09-_.~/\\%?#&=+;:@!$'\"()*,[]{}<>|^` \t\r\n\x00\x7f") + list("éßüñ中文\u202e😀")
header_text = st.text(st.sampled_from(ALPHABET[:-12] + ["é"]), max_size=40).map(
    lambda t: t.translate({13: None, 10: None, 0: None})
)
segment = st.one_of(
    st.text(st.sampled_from(ALPHABET), min_size=1, max_size=30),
    st.sampled_from(TRAVERSALS + ["..", ".", "%", "%00", "~", "\u202e", "😀", "a" * 3000]),
    st.integers(-(10**20), 10**20).map(str),
)


def encode(text: str) -> str:
    """Percent-encode a segment as a browser would, keeping what is already encoded."""
    return quote(text, safe="%/:@!$&'()*+,;=~")


def rule_paths(app) -> list[str]:
    """One path per URL rule, variables replaced by {} placeholders."""
    paths = {re.sub(r"<[^>]+>", "{}", r.rule) for r in app.url_map.iter_rules()}
    return sorted(paths)


QUERY = st.dictionaries(
    st.sampled_from(["next", "url", "redirect", "name", "q", "page", "filename"]),
    st.one_of(st.sampled_from(HOSTILE_TARGETS + TRAVERSALS), header_text),
    max_size=3,
)
HEADERS = st.dictionaries(
    st.sampled_from(["Accept", "Range", "If-None-Match", "If-Modified-Since", "Cookie", "Referer"]),
    header_text,
    max_size=3,
)
METHOD = st.sampled_from(METHODS)
CONTENT_TYPE = st.sampled_from(CONTENT_TYPES)
EXTRA_SEGMENTS = st.lists(segment.map(encode), max_size=3)
BODY = st.one_of(st.sampled_from(BODIES), st.binary(max_size=200))


@st.composite
def requests(draw):
    """A generated request for any lesson: ``path`` is filled in by ``for_lesson``."""
    return {
        "template": draw(st.integers(0, 2**16)),
        "segments": draw(st.lists(segment.map(encode), min_size=3, max_size=3)),
        "extra": draw(EXTRA_SEGMENTS),
        "method": draw(METHOD),
        "query_string": draw(QUERY),
        "headers": draw(HEADERS),
        "content_type": draw(CONTENT_TYPE),
        "data": draw(BODY),
    }


def for_lesson(generated: dict, templates: list[str]) -> dict:
    """The generated request aimed at one of the lesson's URL rules (or at none)."""
    sent = dict(generated)
    path = templates[sent.pop("template") % len(templates)]
    for value in sent.pop("segments"):
        path = path.replace("{}", value, 1)
    path = path.replace("{}", "x")
    extra = sent.pop("extra")
    if extra:
        path = "/".join([path.rstrip("/"), *extra])
    return {**sent, "path": path}


MARKUP_FIELDS = ("name", "q", "username", "title", "body", "next", "message")
WEAK_KEYS = {None, "", "dev", "development", "secret", "changeme", "change-me", "test"}
XSS = "<svg/onload=alert(1)>"


@pytest.fixture
def production_app(tmp_path, monkeypatch):
    """Build a lesson's app as it runs in production: debug and testing off, the page's
    ``env`` in the environment, files in a temp folder with a canary file beside it."""

    def build(example: str):
        tmp = tmp_path / example
        (tmp / "app").mkdir(parents=True)
        for folder in (tmp / "app", tmp, tmp_path):
            (folder / "canary.txt").write_text(CANARY)
        page = lessons.read_page(lessons.page_for(example))
        for name, value in (page.meta.get("env") or {}).items():
            monkeypatch.setenv(name, str(value))
        config = lessons.config_for(page, tmp / "app", {"TESTING": False, "DEBUG": False})
        return lessons.import_example(example).create_app(config), page

    return build


def send(client, method: str, path: str, **kwargs):
    """Send ``path`` as the raw request target a real server would see.

    The test client would read ``//evil.example/x`` as a host; a WSGI server passes it on
    as PATH_INFO, percent-decoded into latin-1, which is what this does.
    """
    raw = path.split("?")[0]
    decoded = unquote_to_bytes(raw).decode("latin-1")
    overrides = {"PATH_INFO": decoded, "REQUEST_URI": raw, "RAW_URI": raw}
    response = client.open("/", method=method, environ_overrides=overrides, **kwargs)
    response.get_data()  # read it all (kept on the response), then close any file it holds
    response.close()
    return response


def problems(app, page, response, sent) -> list[str]:
    """Everything wrong with one response."""
    found = []
    body = response.get_data(as_text=True)
    adapter = app.url_map.bind("localhost")
    try:
        path = unquote_to_bytes(sent["path"]).decode("latin-1")
        rule = adapter.match(path, sent["method"], return_rule=True)[0].rule
    except Exception:  # noqa: BLE001 - 404, 405 or redirect: no rule handled it
        rule = None
    if response.status_code >= 500 and rule not in (page.meta.get("fails_on_purpose") or []):
        found.append(f"{response.status}")
    found += [f"leaks {what}" for what, pattern in LEAKS if pattern.search(body)]
    secret = app.config.get("SECRET_KEY")
    if isinstance(secret, str | bytes) and len(secret) >= 8 and str(secret) in body:
        found.append("leaks the secret key")
    for cookie in response.headers.getlist("Set-Cookie"):
        flags = cookie.lower()
        if "httponly" not in flags or "samesite=" not in flags:
            found.append(f"cookie without HttpOnly or SameSite: {cookie[:60]!r}")
        if cookie.startswith(app.config["SESSION_COOKIE_NAME"] + "=") and secret in WEAK_KEYS:
            found.append("session cookie signed with a well-known key")
    if XSS in body and response.mimetype == "text/html":
        found.append("reflects markup unescaped")
    location = response.headers.get("Location")
    if location and urlsplit(location.replace("\\", "/")).netloc not in ("", "localhost"):
        found.append(f"redirects off-site to {location!r}")
    has_api = any(r.rule.startswith("/api/") for r in app.url_map.iter_rules())
    if has_api and sent["path"].startswith("/api/") and response.status_code >= 400:
        if not response.is_json and sent["method"] != "HEAD":
            found.append(f"{response.status} under /api/ is not JSON")
        if response.status_code == 405 and "Allow" not in response.headers:
            found.append("405 without Allow")
    return found


BATCH = 25  # requests per hypothesis example: fewer, larger examples cost far less


@pytest.fixture(scope="session")
def generated(tmp_path_factory, worker_id) -> list[dict]:
    """figures.REQUESTS generated requests, drawn once per run and sent to every lesson:
    drawing them costs more than sending them. With -n, the first worker to need them draws
    them (the seed is fixed, so any worker would draw the same) and the others read them."""
    if worker_id == "master":
        return draw_requests()
    shared = tmp_path_factory.getbasetemp().parent / "generated-requests.pickle"
    with shared.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released as the file closes
        if not shared.exists():
            shared.write_bytes(pickle.dumps(draw_requests()))
        return pickle.loads(shared.read_bytes())  # noqa: S301 - written by this run


def draw_requests() -> list[dict]:
    drawn: list[dict] = []

    @settings(
        max_examples=-(-figures.REQUESTS // BATCH),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(batch=st.lists(requests(), min_size=BATCH, max_size=BATCH))
    def draw(batch):
        drawn.extend(batch)

    draw()
    return drawn


@pytest.mark.parametrize("example", EXAMPLES)
def test_generated_requests(example, generated, production_app):
    """The generated requests, each aimed at one of the lesson's rules (one test per lesson,
    so workers share them; a failure names the request, which the seed reproduces)."""
    app, page = production_app(example)
    templates = rule_paths(app) + ["/api/{}", "/{}", "/traps/{}", "/static/{}"]
    client = app.test_client()
    for generated_request in generated:
        sent = for_lesson(generated_request, templates)
        response = send(client, **sent)
        found = problems(app, page, response, sent)
        assert not found, f"{example}: {sent['method']} {sent['path']} {found}"
    assert len(generated) >= figures.REQUESTS, len(generated)


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_crafted_redirect_targets_stay_on_site(example, target, production_app):
    """Every rule, every method, with a hostile ``next`` in the query and in a form body."""
    app, page = production_app(example)
    client = app.test_client()
    for path in rule_paths(app):
        for method in ("GET", "POST"):
            sent = {"method": method, "path": path.replace("{}", "x")}
            response = send(
                client, **sent, query_string={"next": target}, data={"next": target, "url": target}
            )
            assert not problems(app, page, response, sent), (method, path, target)


@pytest.mark.parametrize("example", EXAMPLES)
def test_crafted_traversals_reach_no_file_outside(example, production_app):
    """Every rule with a variable, every traversal payload in it."""
    app, page = production_app(example)
    client = app.test_client()
    for path in [p for p in rule_paths(app) if "{}" in p]:
        for payload in TRAVERSALS:
            sent = {"method": "GET", "path": path.replace("{}", payload)}
            response = send(client, **sent)
            assert not problems(app, page, response, sent), (path, payload)


@pytest.mark.parametrize("example", EXAMPLES)
def test_markup_in_input_is_never_reflected_raw(example, production_app):
    """Markup in every variable, query argument and form field comes back escaped, if at all."""
    app, page = production_app(example)
    client = app.test_client()
    fields = dict.fromkeys(MARKUP_FIELDS, XSS)
    for path in rule_paths(app):
        for method in ("GET", "POST"):
            sent = {"method": method, "path": path.replace("{}", quote(XSS, safe=""))}
            response = send(client, **sent, query_string=fields, data=fields)
            assert not problems(app, page, response, sent), (method, path)


def test_the_properties_catch_a_bad_app():
    """problems() flags each mistake it exists to catch (so a pass above means something)."""
    from flask import Flask, redirect, request

    app = Flask(__name__)
    app.secret_key = "dev"

    @app.route("/api/things/<name>")
    def things(name):
        if name == "boom":
            raise RuntimeError
        return f"<p>{request.args.get('q', '')}</p>"

    @app.route("/go")
    def go():
        response = redirect(request.args["next"])
        response.set_cookie("session", "x")
        return response

    @app.route("/leak")
    def leak():
        return f"Traceback (most recent call last): {lessons.ROOT}"

    page = lessons.Page(lessons.ROOT / "docs")
    client = app.test_client()
    cases = {
        ("GET", "/api/things/boom", ""): ["500 INTERNAL SERVER ERROR", "not JSON"],
        ("GET", "/api/things/x", XSS): ["reflects markup"],
        ("POST", "/api/things/x", ""): ["not JSON", "405 without Allow"],
        ("GET", "/go", "https://evil.example/"): ["HttpOnly", "well-known key", "off-site"],
        ("GET", "/leak", ""): ["a traceback", "a source path"],
    }
    for (method, path, value), expected in cases.items():
        sent = {"method": method, "path": path}
        response = send(client, **sent, query_string={"q": value, "next": value})
        if response.status_code == 405:
            del response.headers["Allow"]
        found = " | ".join(problems(app, page, response, sent))
        assert all(e in found for e in expected), (path, found)


# --8<-- [start:crafted_users]
# Crafted query strings for a cached personal page, and credentials for a registration form.
CACHE_QUERIES = ["", "?", "?page=2", "?next=/admin", "?user=bob", "?a=1&a=2", "?%00", "?é=ü"]
CREDENTIALS = [
    ("ada", "lovelace"),
    ("o'brien", "pass' OR '1'='1"),
    ("名前", "пароль密码😀"),
    ("x" * 200, "y" * 1000),
    (" spaced ", " spaced password "),
    ("<b>bold</b>", "$2b$12$looks.like.a.hash"),
]
# --8<-- [end:crafted_users]
CACHE_EXAMPLES, PASSWORD_EXAMPLES = 50, 8  # generated on top (a password hash costs ~80 ms)
QUERY_STRINGS = st.one_of(
    st.sampled_from(CACHE_QUERIES),
    st.dictionaries(header_text, header_text, max_size=3).map(lambda q: "?" + urlencode(q)),
)


def signed_in(app, username: str, password: str):
    """A test client of lesson 07's app with ``username`` logged in."""
    client = app.test_client()
    answer = client.post("/login", data={"username": username, "password": password})
    assert answer.status_code == 303, answer.status
    return client


def crossed(clients, path: str, queries: list[str]) -> list[str]:
    """Each user in turn, then the first again, asks for the same URLs: who saw someone
    else's page? ``clients`` maps a user name to a client logged in as that user."""
    turns = [*clients.items(), next(iter(clients.items()))]
    seen = []
    for query in queries:
        for name, client in turns:
            body = client.get(path + query).get_data(as_text=True)
            if not body.startswith(f"{name}'s"):
                seen.append(f"{name} got {body.strip()!r} at {path + query}")
    return seen


def users_of(app):
    return {"ada": signed_in(app, "ada", "lovelace"), "bob": signed_in(app, "bob", "builder")}


def test_a_cached_page_never_crosses_users(production_app):
    """Lesson 07's per-user cache, crafted and generated query strings; and the notes'
    path-keyed cache (its TRAPS route) fails the same check, so a pass means something."""
    app, _ = production_app("07_view_decorators")
    clients = users_of(app)
    assert crossed(clients, "/dashboard", CACHE_QUERIES) == []
    traps = lessons.import_example("07_view_decorators").create_app(
        {"TRAPS": True, "SECRET_KEY": secrets.token_hex()}
    )
    assert crossed(users_of(traps), "/traps/dashboard", ["?x=1"]), "the check cannot fail"

    @settings(max_examples=CACHE_EXAMPLES, deadline=None, database=None)
    @given(queries=st.lists(QUERY_STRINGS, min_size=1, max_size=4))
    def holds(queries):
        assert crossed(clients, "/dashboard", queries) == []

    holds()


def stored_passwords(app) -> dict[str, str]:
    with sqlite3.connect(app.config["DATABASE"]) as db:
        rows = dict(db.execute("SELECT username, password FROM user"))
    db.close()
    return rows


def test_passwords_are_stored_hashed(production_app):
    """Lesson 14 stores what register receives only as a salted hash that still verifies."""
    app, _ = production_app("14_packaging_and_deployment")
    client = app.test_client()
    registered = {}

    def register(username: str, password: str) -> None:
        answer = client.post("/auth/register", data={"username": username, "password": password})
        if answer.status_code == 303:  # 400 for a blank or taken name: nothing is stored
            registered[username.strip()] = password

    for username, password in CREDENTIALS:
        register(username, password)

    @settings(max_examples=PASSWORD_EXAMPLES, deadline=None, database=None)
    @given(username=header_text, password=st.text(max_size=50))
    def more(username, password):
        register(username, password)

    more()
    stored = stored_passwords(app)
    assert len(registered) >= len(CREDENTIALS)
    assert stored.keys() == registered.keys()
    for username, password in registered.items():
        assert stored[username] != password
        assert stored[username].startswith(("scrypt:", "pbkdf2:")), stored[username]
        assert check_password_hash(stored[username], password)
    register("salt-a", "one password")
    register("salt-b", "one password")
    hashes = stored_passwords(app)
    assert hashes["salt-a"] != hashes["salt-b"], "not salted: equal passwords, equal hashes"


def test_the_robustness_page_states_the_suites_figures():
    """docs/robustness.md's table is built from these constants: the page cannot drift."""
    noxfile = (lessons.ROOT / "noxfile.py").read_text()
    fuzz = int(re.search(r'"FUZZ_REQUESTS", "(\d+)"', noxfile).group(1))
    expected = [
        ("Generated requests sent to each lesson", figures.REQUESTS),
        ("Generated requests per lesson in `nox -s fuzz`", fuzz),
        ("Crafted redirect targets, each on every rule with GET and POST", len(HOSTILE_TARGETS)),
        ("Crafted file names, each in every rule variable", len(TRAVERSALS)),
        (
            "Form and query fields carrying markup, on every rule with GET and POST",
            len(MARKUP_FIELDS),
        ),
        (
            f"Crafted query strings on a cached personal page, plus {CACHE_EXAMPLES} "
            "generated lists",
            len(CACHE_QUERIES),
        ),
        (
            f"Crafted user names and passwords registered, plus {PASSWORD_EXAMPLES} "
            "generated pairs",
            len(CREDENTIALS),
        ),
        (
            f"Lesson 14: concurrent writes through waitress ({figures.CLIENTS} clients)",
            figures.CLIENTS * figures.POSTS_EACH,
        ),
        (
            "Lesson 05: concurrent requests through waitress, every connection closed",
            figures.READS + figures.WRITES + figures.FAILURES,
        ),
        (
            "Lesson 10: concurrent requests across a forced log rollover, lines lost",
            figures.ROLLOVER_CLIENTS * figures.ROLLOVER_REQUESTS_EACH,
        ),
    ]
    text = (lessons.ROOT / "docs" / "robustness.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (.+?) \| (\d+) \| (\d+) \|$", text, re.MULTILINE)
    # Rows of the other robustness modules (bodies, memory) are checked by those modules.
    rows = [row for row in rows if row[0] in dict(expected)]
    assert rows == [(check, str(figure), "0") for check, figure in expected]
