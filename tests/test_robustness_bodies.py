"""Hostile request bodies against every lesson in production mode (debug and testing off).

Every URL rule that accepts POST, PUT or PATCH, found from the app's URL map, gets JSON
nested too deep to parse (arrays and objects, 3,000 and 100,000 levels, and values nested
just under Python's recursion limit in every field a lesson reads), broken JSON, and a body
over ``MAX_CONTENT_LENGTH``. No answer may be a 5xx or carry a traceback; under ``/api/``
every error is JSON; over the limit, the answer is a 413.
"""

from __future__ import annotations

import sys

import pytest

import lessons

EXAMPLES = lessons.example_names()
DEPTHS = (3_000, 100_000)  # the issue's: about 6 KB and 100 KB of brackets
FIELDS = ("text", "name", "item", "qty", "amount", "username", "password", "title", "body")
# Just under the limit a value parses, and then code that walks it (repr, logging, jsonify)
# may be the one to fail; how far under depends on the stack, so try a range.
NEAR_LIMIT = range(sys.getrecursionlimit() - 500, sys.getrecursionlimit(), 5)
OVER_DEFAULT = 2**20  # the body size sent where a lesson sets no MAX_CONTENT_LENGTH


def nested_bodies() -> dict[str, bytes]:
    """Name -> JSON body nested deeper than the parser or the code after it can go."""
    bodies = {}
    for depth in DEPTHS:
        bodies[f"'[' x {depth}"] = b"[" * depth
        bodies[f"array {depth} deep"] = b"[" * depth + b"]" * depth
        bodies[f"object {depth} deep"] = b'{"a":' * depth + b"1" + b"}" * depth
    for depth in NEAR_LIMIT:
        value = "[" * depth + "]" * depth
        fields = ", ".join(f'"{field}": {value}' for field in FIELDS)
        bodies[f"every field {depth} deep"] = ("{" + fields + "}").encode()
    return bodies


MALFORMED = {
    "truncated": b'{"text": ',
    "a lone brace": b"{",
    "trailing comma": b'{"text": "a",}',
    "not UTF-8": b"\xff\xfe\x00{",
    "single quotes": b"{'text': 'a'}",
    "a huge number": b'{"qty": ' + b"9" * 5000 + b"}",
    "empty": b"",
}
# --8<-- [start:bodies]
BODIES = {**nested_bodies(), **MALFORMED}
# --8<-- [end:bodies]


def body_requests(app):
    """(method, path) of every rule that reads a body."""
    return lessons.rule_requests(app, methods=("POST", "PUT", "PATCH"))


@pytest.fixture
def production_app(tmp_path, monkeypatch):
    def build(example: str):
        config, env = lessons.production_setup(example, tmp_path)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return lessons.import_example(example).create_app(config)

    return build


def problems(response, path: str) -> list[str]:
    found = []
    body = response.get_data(as_text=True)
    if response.status_code >= 500:
        found.append(response.status)
    if "Traceback (most recent call last)" in body:
        found.append("a traceback in the body")
    if path.startswith("/api/") and response.status_code >= 400 and not response.is_json:
        found.append(f"{response.status} under /api/ is not JSON")
    return found


def send(client, method, path, data, content_type):
    response = client.open(path, method=method, data=data, content_type=content_type)
    response.get_data()
    response.close()
    return response


@pytest.mark.parametrize("example", EXAMPLES)
def test_nested_and_malformed_json_is_a_client_error(example, production_app):
    app = production_app(example)
    client = app.test_client()
    failures = []
    for method, path in body_requests(app):
        for name, body in BODIES.items():
            response = send(client, method, path, body, "application/json")
            failures += [f"{method} {path} {name}: {p}" for p in problems(response, path)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_body_over_the_limit_is_a_413(example, production_app):
    """JSON and form bodies one byte over MAX_CONTENT_LENGTH (1 MiB where none is set).

    A route answers the kind of body it reads with a 413; the other kind it may refuse
    unread (a 415 or a 400), but never accept. A route that reads no body at all (a POST
    that only redirects or signs out) answers as it does to an empty body.
    """
    app = production_app(example)
    client = app.test_client()
    limit = app.config["MAX_CONTENT_LENGTH"]
    size = (limit or OVER_DEFAULT) + 1
    json_body = b'{"text": "' + b"x" * (size - 12) + b'"}'
    form_body = b"text=" + b"x" * (size - 5)
    assert len(json_body) == len(form_body) == size
    failures = []
    for method, path in body_requests(app):
        statuses = []
        for body, content_type in (
            (json_body, "application/json"),
            (form_body, "application/x-www-form-urlencoded"),
        ):
            response = send(client, method, path, body, content_type)
            statuses.append(response.status_code)
            failures += [f"{method} {path} {content_type}: {p}" for p in problems(response, path)]
        unread = {send(client, method, path, b"", "text/plain").status_code}
        if set(statuses) == unread:
            continue  # the route reads no body
        if limit is None:
            failures.append(f"{method} {path} reads a body, and the app sets no MAX_CONTENT_LENGTH")
        elif 413 not in statuses or min(statuses) < 400:
            failures.append(f"{method} {path}: {statuses} over MAX_CONTENT_LENGTH={limit}")
    assert not failures, "\n".join(failures)


def test_the_checks_catch_flasks_own_json():
    """A bare app that calls get_json() fails the nested-JSON check: a pass above means
    something."""
    from flask import Flask, request

    app = Flask(__name__)

    @app.post("/api/echo")
    def echo():
        return {"type": type(request.get_json(silent=True)).__name__}

    client = app.test_client()
    found = [
        p
        for body in BODIES.values()
        for p in problems(send(client, "POST", "/api/echo", body, "application/json"), "/api/")
    ]
    assert "500 INTERNAL SERVER ERROR" in found


def test_the_robustness_page_states_these_figures():
    rows = lessons.figure_rows(lessons.ROOT / "docs" / "robustness.md")
    for check, figure in [
        ("Hostile JSON bodies, each on every rule that reads a body", len(BODIES)),
        (
            "Bodies one byte over `MAX_CONTENT_LENGTH` (JSON and form), on every rule that "
            "reads a body",
            2,
        ),
    ]:
        assert (check, str(figure), "0") in rows
