"""Every lesson app, debug and testing off, under Host and X-Forwarded-* tricks.

The client writes the ``Host`` header and any ``X-Forwarded-*`` header. Parametrised over
the examples on disk, like the contract. The property, for every lesson on Flask 2.3, 3.0
and 3.1:

1. **Forwarded headers change nothing.** No lesson trusts ``X-Forwarded-Host``, ``-Proto``,
   ``-For``, ``-Port``, ``-Prefix`` or ``Forwarded`` unless its config names the proxies in
   front of it (lesson 14's ``PROXY_FIX``, 0 by default). Each argument-free GET rule sent
   with one of them answers the status and ``Location`` it answers without, neither
   ``Location`` nor the body names what the header said, and the app sees the same client
   address, scheme, host and root path (read when Flask's ``request_started`` fires).
2. **No redirect follows the Host header.** Each argument-free GET rule, and then every
   request the lesson's page sends (its ``http`` blocks in page order, so the logins happen),
   is sent with a forged host: ``Host: evil.example``, with a port, with userinfo, and an
   absolute-form request target naming it. No answer is a 5xx, and every ``Location`` is a
   path on the site the browser is on (no scheme, no host), except a redirect Werkzeug's
   router makes itself (a 308 to the canonical URL of a rule), which names the host the
   request named.
3. **A deployed app refuses a foreign Host.** With ``TRUSTED_HOSTS = ["localhost"]``, each
   argument-free GET rule sent with each forged host answers 400, without a ``Location`` and
   without a URL to the forged host in the body. Flask >= 3.1 checks ``TRUSTED_HOSTS``
   itself; on 2.3 and 3.0 the test adds the ``before_request`` check that lesson 14 shows
   for them (lesson 14's own app has it on every version).

Property 2 is what keeps a forged Host from steering a user who just logged in (lesson 07's
``safe_next`` once compared ``next`` with ``request.host``). Where Flask itself builds an
absolute URL from the Host (a routing redirect, ``url_for(_external=True)``), only property
3's trusted hosts stop it, which is why lesson 14 teaches them.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest
from flask import Flask, redirect, request, request_started
from packaging.version import Version
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import RequestRedirect
from werkzeug.wsgi import get_host

import lessons

EXAMPLES = lessons.example_names()
FORGED = "evil.example"
# --8<-- [start:tricks]
# A forged host, as a client can send it: (what it is, test client arguments).
HOST_TRICKS = [
    ("Host: evil.example", {"headers": {"Host": "evil.example"}}),
    ("a Host with a port", {"headers": {"Host": "evil.example:8443"}}),
    ("a Host with userinfo", {"headers": {"Host": "localhost@evil.example"}}),
    # "GET http://evil.example/x HTTP/1.1": a server takes the host from the target.
    ("an absolute-form target", {"base_url": "http://evil.example"}),
]
# Headers only a proxy should write, sent by the client itself (Host stays localhost).
FORWARDED_TRICKS = [
    {"X-Forwarded-Host": "evil.example"},
    {"X-Forwarded-Proto": "https"},
    {"X-Forwarded-For": "203.0.113.66"},
    {"X-Forwarded-Port": "8443"},
    {"X-Forwarded-Prefix": "/evil.example"},
    {"Forwarded": "for=203.0.113.66;host=evil.example;proto=https"},
]
# --8<-- [end:tricks]
FORWARDED_VALUES = ["evil.example", "https://", "203.0.113.66", ":8443"]
OLD_FLASK = Version(lessons.FLASK_VERSION) < Version("3.1")


def build(example: str, tmp_path, monkeypatch, **config):
    """The lesson's app as deployed: debug and testing off, the page's ``env`` set."""
    page = lessons.read_page(lessons.page_for(example))
    for name, value in (page.meta.get("env") or {}).items():
        monkeypatch.setenv(name, str(value))
    extra = {"TESTING": False, "DEBUG": False, **config}
    return lessons.import_example(example).create_app(
        lessons.config_for(page, tmp_path, extra)
    ), page


def get_rules(app) -> list[str]:
    """Every rule that answers GET and takes no argument."""
    rules = app.url_map.iter_rules()
    return sorted({r.rule for r in rules if "GET" in (r.methods or ()) and not r.arguments})


def page_requests(page) -> list[lessons.Exchange]:
    """The page's http requests, in order, except those made to an app with other config
    (``TRAPS=True`` registers wrong versions on purpose)."""
    return [ex for block, ex in lessons.requests_of(page) if not block.config]


def send(client, method: str, target: str, trick: dict, headers=(), body: str = ""):
    """Send one request with ``trick`` applied; read and close the answer."""
    kwargs = {**trick, "headers": [*headers, *trick.get("headers", {}).items()]}
    response = client.open(target, method=method, data=body.encode() or None, **kwargs)
    response.get_data()
    response.close()
    return response


def routed(app, method: str, target: str):
    """The rule ``target`` reaches, RequestRedirect for the router's own redirect, or None."""
    try:
        path = unquote(target.partition("?")[0])  # as a WSGI server passes it on
        return app.url_map.bind("localhost").match(path, method, return_rule=True)[0]
    except RequestRedirect as redirect:
        return redirect
    except Exception:  # noqa: BLE001 - 404 or 405: no rule
        return None


def leaves_the_path(location: str | None) -> bool:
    """Does a browser read this Location as anything but a path on the current site?"""
    if location is None:
        return False
    url = urlsplit(location.replace("\\", "/").strip())
    return bool(url.scheme or url.netloc) or not location.startswith("/")


def seen(response) -> str:
    return (response.headers.get("Location") or "") + response.get_data(as_text=True)


def believed(app, client, path: str, headers: dict):
    """The answer, and what the app took the client's address, scheme, host and root to be."""
    views = []

    def look(sender, **extra):
        views.append((request.remote_addr, request.scheme, request.host, request.root_path))

    with request_started.connected_to(look, app):
        answer = send(client, "GET", path, {"headers": headers})
    return answer, views


def forwarded_problems(app, client, path: str) -> list[str]:
    """Property 1 for one rule: each forwarded header against the plain request."""
    plain, plain_view = believed(app, client, path, {})
    found = []
    for headers in FORWARDED_TRICKS:
        answer, view = believed(app, client, path, headers)
        got = (answer.status, answer.headers.get("Location"))
        if got != (plain.status, plain.headers.get("Location")):
            found.append(f"{path} {headers}: {got}")
        if view != plain_view:
            found.append(f"{path} {headers}: the app believed {view}")
        found += [
            f"{path} {headers}: {value!r} in the answer"
            for value in FORWARDED_VALUES
            if value in seen(answer) and value not in seen(plain)
        ]
    return found


def redirect_problems(app, page, answer, method: str, target: str) -> list[str]:
    """Property 2 for one answer to a forged host."""
    location, rule = answer.headers.get("Location"), routed(app, method, target)
    on_purpose = page.meta.get("fails_on_purpose") or []
    if answer.status_code >= 500 and getattr(rule, "rule", None) not in on_purpose:
        return [f"{method} {target}: {answer.status}"]
    by_router = answer.status_code == 308 and isinstance(rule, RequestRedirect)
    if leaves_the_path(location) and not by_router:
        return [f"{method} {target}: {answer.status} to {location!r}"]
    return []


def refusal_problems(answer, path: str) -> list[str]:
    """Property 3 for one answer to a forged host, with trusted hosts set."""
    found = []
    if answer.status_code != 400 or "Location" in answer.headers:
        found.append(f"{path}: {answer.status} {answer.headers.get('Location')}")
    if re.search(r"//[^/\s\"'<>]*evil\.example", answer.get_data(as_text=True)):
        found.append(f"{path}: a URL to {FORGED} in the body")
    return found


def planned_requests(app, page) -> int:
    """How many requests the three properties send to one lesson."""
    rules, replayed = len(get_rules(app)), len(page_requests(page))
    forwarded = rules * (1 + len(FORWARDED_TRICKS))
    forged = len(HOST_TRICKS) * (rules + replayed)
    refused = rules * (1 + len(HOST_TRICKS))
    return forwarded + forged + refused


@pytest.mark.parametrize("example", EXAMPLES)
def test_forwarded_headers_change_nothing(example, tmp_path, monkeypatch):
    app, _ = build(example, tmp_path, monkeypatch)
    client = app.test_client()
    found = [
        problem for path in get_rules(app) for problem in forwarded_problems(app, client, path)
    ]
    assert not found, found


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize(("trick", "how"), HOST_TRICKS, ids=[t for t, _ in HOST_TRICKS])
def test_no_redirect_follows_the_host_header(example, trick, how, tmp_path, monkeypatch):
    app, page = build(example, tmp_path, monkeypatch)
    client = app.test_client()
    sent = [("GET", path, [], "") for path in get_rules(app)]
    sent += [(ex.method, ex.target, ex.headers, ex.body) for ex in page_requests(page)]
    found = []
    for method, target, headers, body in sent:
        headers = [(k, v) for k, v in headers if k.lower() != "host"]  # the trick's host wins
        answer = send(client, method, target, how, headers, body)
        found += redirect_problems(app, page, answer, method, target)
    assert not found, f"{trick}: {found}"


def check_host(app) -> None:
    """Flask 2.3 and 3.0 ignore TRUSTED_HOSTS: add the check lesson 14 shows for them. It
    runs after the lesson's own app hooks, as Flask 3.1's check runs after every hook."""

    @app.before_request
    def check_host():
        get_host(request.environ, app.config["TRUSTED_HOSTS"])  # SecurityError: a 400


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_deployed_app_refuses_a_foreign_host(example, tmp_path, monkeypatch):
    app, _ = build(example, tmp_path, monkeypatch, TRUSTED_HOSTS=["localhost"])
    if OLD_FLASK:
        check_host(app)
    client = app.test_client()
    found = []
    for path in get_rules(app):
        served = send(client, "GET", path, {}).get_data(as_text=True)
        assert "is not trusted" not in served, path  # localhost is served
        for trick, how in HOST_TRICKS:
            found += refusal_problems(send(client, "GET", path, how), f"{path} with {trick}")
    assert not found, found


def test_the_checks_catch_a_host_trusting_app():
    """Each property fails on the mistake it exists to catch, so a pass above means
    something: a redirect built from request.host, ProxyFix trusting the client, a foreign
    Host served."""
    app = Flask(__name__)

    @app.get("/")
    def index():
        return redirect(request.host_url + "dashboard")  # the old safe_next's mistake

    client = app.test_client()
    forged = send(client, "GET", "/", HOST_TRICKS[0][1])
    assert redirect_problems(app, lessons.Page(lessons.ROOT), forged, "GET", "/")
    assert refusal_problems(forged, "/")
    assert not forwarded_problems(app, client, "/")
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)
    assert "believed" in " ".join(forwarded_problems(app, client, "/"))
    app.wsgi_app = ProxyFix(app.wsgi_app, x_host=1)
    assert "in the answer" in " ".join(forwarded_problems(app, client, "/"))


def test_the_robustness_page_states_these_figures(tmp_path, monkeypatch):
    """docs/robustness.md's Host tricks paragraph: the tricks and the requests they cost."""
    total = 0
    for example in EXAMPLES:
        app, page = build(example, tmp_path / example, monkeypatch)
        total += planned_requests(app, page)
    text = (lessons.ROOT / "docs" / "robustness.md").read_text(encoding="utf-8")
    stated = re.search(
        r"(\d+)\s+forged\s+hosts\s+and\s+(\d+)\s+forwarded\s+headers:\s+([\d,]+)\s+requests", text
    )
    assert stated, "docs/robustness.md has no Host tricks figures"
    hosts, forwarded, requests = stated.groups()
    assert (int(hosts), int(forwarded)) == (len(HOST_TRICKS), len(FORWARDED_TRICKS))
    assert int(requests.replace(",", "")) == total, f"the page should say {total:,} requests"
