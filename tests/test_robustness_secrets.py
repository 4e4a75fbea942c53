"""Forged session cookies against every lesson, started the way a learner deploys it.

Parametrised over the examples on disk. Each lesson is built as a server builds it:
``create_app()`` with no test_config, debug and testing off, its settings in ``FLASK_*``
variables (the page's ``test_config`` paths become variables, its keys are dropped). Once
with no ``FLASK_SECRET_KEY`` at all, and once with each well-known key in it. Then an
attacker signs session cookies with every well-known key, holding values that would sign
someone in. None may be accepted:

- either the factory refuses to build, with the secret-key rule's message
  (docs/writing-a-lesson.md, "Secret keys"), or
- the app's session interface does not decode the cookie, or
- no page (every rule, GET and POST) reads the session it decoded: Flask marks a response
  that read the session with ``Vary: Cookie``.

A lesson that never touches the session may sign cookies with any key: no page acts on them.
"""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask, session

import lessons
import servers

EXAMPLES = lessons.example_names()
# --8<-- [start:keys]
# Keys an attacker tries first: placeholders, the Flask docs' examples, the study notes'.
QUICKSTART_KEY = b'_5#y2L"F4Q8z\n\xec]/'  # Flask's quickstart
PUBLISHED_KEYS = [
    "dev",  # Flask's tutorial
    "development key",  # the tutorial before Flask 1.0
    "A0Zr98j/3yX R~XHH!jmN]LWX/,?RT",  # the quickstart before Flask 1.0
    "secret",
    "development",
    "changeme",
    "change-me",
    "test",
    QUICKSTART_KEY.decode("latin-1"),  # the same key, as an environment variable holds it
    "192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf",  # tutorial, notes
    "5b661f002d936d28e6b5be2dace79b9b76789dcd24f7783fd05ab1989f84975f",  # the notes' author's
]
# Session values that sign someone in: lessons 02 and 07, lesson 14, Flask-Login.
GRANTS = [{"user": "ada"}, {"user_id": 1}, {"_user_id": "1", "_fresh": True}]
# --8<-- [end:keys]
FORGING_KEYS = [QUICKSTART_KEY, *PUBLISHED_KEYS]
RULE_MESSAGE = "SECRET_KEY is missing, too short or well known"


def forge(key: str | bytes, value: dict) -> str:
    """A session cookie signed with ``key``, made the way Flask makes its own."""
    forger = Flask("forger")
    forger.secret_key = key
    return forger.session_interface.get_signing_serializer(forger).dumps(value)


FORGED = [(key, value, forge(key, value)) for key in FORGING_KEYS for value in GRANTS]


def deploy(example: str, tmp_path, monkeypatch, key: str | None):
    """The lesson's app as a server builds it: ``create_app()``, config from FLASK_* only."""
    page = lessons.read_page(lessons.page_for(example))
    config = lessons.config_for(page, tmp_path, {})
    for name, value in config.items():
        if name not in ("TESTING", "SECRET_KEY", "SECRET_KEY_FALLBACKS"):
            text = value if isinstance(value, str) else json.dumps(value)
            monkeypatch.setenv(f"FLASK_{name}", text)
    if key is not None:
        monkeypatch.setenv("FLASK_SECRET_KEY", key)
    return lessons.import_example(example).create_app()


def decoded(app, cookie: str) -> dict:
    """What the app's session holds for a request that carries ``cookie``."""
    name = app.config["SESSION_COOKIE_NAME"]
    with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}"}):
        return dict(session)


def pages(app) -> list[tuple[str, str]]:
    """(method, path) for every rule with GET or POST, variables filled with ``1``."""
    found = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<[^>]+>", "1", rule.rule)
        found |= {(method, path) for method in ("GET", "POST") if method in rule.methods}
    return sorted(found)


def fetch(client, method: str, path: str, headers: dict):
    """One request, its body read (kept on the response) and any open file closed."""
    response = client.open(path, method=method, headers=headers)
    response.get_data()
    response.close()
    return response


def acted_on(app, cookie: str) -> list[str]:
    """The pages that read the session a forged cookie gave them, with their answer when it
    differs from the one an anonymous visitor gets."""
    client = app.test_client(use_cookies=False)
    header = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}
    found = []
    for method, path in pages(app):
        forged = fetch(client, method, path, header)
        if "cookie" in {v.lower() for v in forged.headers.getlist("Vary")}:
            anonymous = fetch(client, method, path, {})
            answer = forged.status, forged.get_data(as_text=True).strip()[:40]
            if answer != (anonymous.status, anonymous.get_data(as_text=True).strip()[:40]):
                found.append(f"{method} {path} {answer} (anonymous: {anonymous.status})")
            else:
                found.append(f"{method} {path}")
    return found


@pytest.mark.parametrize(
    "env_key",
    [None, *PUBLISHED_KEYS],
    ids=["no-key", *(ascii(k)[1:-1][:16] for k in PUBLISHED_KEYS)],
)
@pytest.mark.parametrize("example", EXAMPLES)
def test_no_forged_session_is_accepted(example, env_key, tmp_path, monkeypatch):
    try:
        app, refused = deploy(example, tmp_path, monkeypatch, env_key), ""
    except RuntimeError as error:
        app, refused = None, str(error)
    if app is None:
        assert RULE_MESSAGE in refused, f"{example} refused, but not with the rule: {refused}"
        return
    accepted = []
    for key, value, cookie in FORGED:
        read = acted_on(app, cookie) if decoded(app, cookie) else []
        if read:
            accepted.append(f"{key!r} {value}: read by " + ", ".join(read))
    assert not accepted, f"{example} acted on forged sessions:\n" + "\n".join(accepted)


def test_the_check_catches_a_forgeable_app():
    """A lesson-like app with the tutorial's default key is caught (so a pass means something)."""
    app = Flask(__name__)
    app.secret_key = "dev"

    @app.get("/admin")
    def admin():
        return f"welcome {session['user']}" if "user" in session else ("sign in", 401)

    cookies = [cookie for _, _, cookie in FORGED if decoded(app, cookie)]
    assert len(cookies) == len(GRANTS)
    expected = "GET /admin ('200 OK', 'welcome ada') (anonymous: 401 UNAUTHORIZED)"
    assert acted_on(app, cookies[0]) == [expected]


def check_region(path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("# --8<-- [start:check]")[1].split("# --8<-- [end:check]")[0]


def test_every_lesson_that_uses_the_session_has_the_one_rule():
    """The rule is repeated in each such lesson (examples are standalone), word for word."""
    rule = check_region(lessons.EXAMPLES / "02_configuration" / "__init__.py")
    uses_session = re.compile(r"^from flask import .*\b(session|flash)\b", re.MULTILINE)
    for example in EXAMPLES:
        files = [f for f in (lessons.EXAMPLES / example).rglob("*.py") if "tests" not in f.parts]
        if any(uses_session.search(f.read_text(encoding="utf-8")) for f in files):
            with_rule = [f for f in files if "def check_secret_key(app)" in f.read_text()]
            assert with_rule, f"{example} uses the session without the secret-key rule"
            assert check_region(with_rule[0]) == rule, f"{with_rule[0]} differs from lesson 02's"


def test_the_robustness_page_states_these_figures():
    """docs/robustness.md's paragraphs on forged sessions and login times use these constants."""
    text = " ".join((lessons.ROOT / "docs" / "robustness.md").read_text().split())
    deployments = 1 + len(PUBLISHED_KEYS)
    assert (
        f"in {deployments} ways: without a key, and with each of {len(PUBLISHED_KEYS)} "
        "well-known keys in `FLASK_SECRET_KEY`"
    ) in text
    assert (
        f"with {len(FORGING_KEYS)} well-known keys, each holding {len(GRANTS)} values that "
        f"would sign someone in: {len(FORGED)} forged cookies in each of the {deployments}, "
        f"{len(FORGED) * deployments} per lesson, 0 accepted"
    ) in text
    assert f"in turns on one real server, {servers.TIMING_ROUNDS} of each" in text
