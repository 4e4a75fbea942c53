"""Lesson 09 beyond its page: a JSON error says what Flask's own error would have said.

The lesson's app is compared with the same app stripped of its error handlers, which
answers with Flask's built-in HTML errors: same status, same headers (``Allow`` on a 405),
and the JSON ``description`` is the text of Flask's page.
"""

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

import lessons

EXAMPLE = "09_errors"
CRAFTED = [
    ("GET", "/api/nowhere", {}),
    ("DELETE", "/api/users/1", {}),
    ("PUT", "/api/user", {}),
    ("GET", "/api/users/9", {}),
    ("GET", "/api/users/-1", {}),
    ("POST", "/api/users", {"data": "{", "content_type": "application/json"}),
    ("POST", "/api/users", {"data": "x", "content_type": "text/plain"}),
    ("GET", "/api/boom", {}),
]


@pytest.fixture(scope="module")
def clients():
    module = lessons.import_example(EXAMPLE)
    ours = module.create_app({"TESTING": False})
    flasks = module.create_app({"TESTING": False})
    flasks.error_handler_spec.clear()  # no handlers: Flask's own error responses
    for app in (ours, flasks):
        app.logger.setLevel(logging.CRITICAL)  # /api/boom's traceback is expected
    return ours.test_client(), flasks.test_client()


def same_meaning(clients, method, path, **kwargs):
    ours, flasks = (c.open(path, method=method, **kwargs) for c in clients)
    assert ours.status == flasks.status
    assert ours.status_code >= 400
    assert ours.is_json
    body = ours.get_json()
    assert (body["code"], body["name"]) == (
        flasks.status_code,
        flasks.status.split(" ", 1)[1].title(),
    )
    assert f"<p>{escape(body['description'])}</p>" in flasks.get_data(as_text=True)
    ignored = {"Content-Type", "Content-Length"}
    assert [h for h in ours.headers if h[0] not in ignored] == [
        h for h in flasks.headers if h[0] not in ignored
    ]


@pytest.mark.parametrize(("method", "path", "kwargs"), CRAFTED)
def test_crafted_api_errors_mean_what_flasks_own_would(clients, method, path, kwargs):
    same_meaning(clients, method, path, **kwargs)


@settings(max_examples=100, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"]),
    tail=st.sampled_from(["users/1", "users/9", "user", "users", "boom", "x", "users/1/x"]),
)
def test_generated_api_errors_mean_what_flasks_own_would(clients, method, tail):
    ours = clients[0].open(f"/api/{tail}", method=method)
    if ours.status_code < 400:
        return
    assert ours.is_json
    if "code" in ours.get_json():  # an HTTP error, not the API's own InvalidAPIUsage
        same_meaning(clients, method, f"/api/{tail}")
