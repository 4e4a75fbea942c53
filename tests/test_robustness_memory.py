"""Memory that grows forever: every lesson, a few thousand requests, then the same again.

Under waitress on 127.0.0.1, the server's resident memory (RSS) may not grow by more than
RSS_BOUND in the second round. In-process, no list, dict, set or deque reachable from the
app or the lesson's modules may gain more than ITEMS_BOUND items in the second round: a
store that still grows when the same requests come again grows forever.

Each round sends every URL rule once per method it accepts, GET_REPEATS times, and those
that read a body POST_REPEATS times, each time with a small JSON body, the same fields as
a form, and a large JSON body. That
is more posts than any bounded stand-in store keeps, so a bounded store is full after the
first round. Each round is bounded in time as well as in count.
"""

from __future__ import annotations

import gc
import http.client
import json
import sys
import time
from collections import deque
from types import ModuleType
from urllib.parse import urlencode

import pytest

import lessons
from servers import free_port, serve, settled_rss, waitress_command

pytestmark = pytest.mark.integration

EXAMPLES = lessons.example_names()
# --8<-- [start:figures]
GET_REPEATS = 25  # each GET rule per round
POST_REPEATS = 110  # each rule that reads a body, per round: more than a bounded store keeps
ROUND_SECONDS = 6  # a round stops there, however far it got; the second sends as many
RSS_BOUND = 4 * 2**20  # growth allowed in round 2 under waitress (measured: under 0.2 MiB)
ITEMS_BOUND = 10  # items a container may gain in round 2: a template or cache entry or two
# --8<-- [end:figures]
SMALL = "a note of ordinary length, " * 5
FIELDS = {"text": SMALL, "name": "fig", "item": "tea", "qty": 1, "amount": 5, "title": SMALL}
# The password is blank: lessons 07 and 14 refuse a blank one before hashing, so the rounds
# measure what a request leaves in memory, not scrypt's CPU time (70 ms a hash).
FIELDS |= {"body": SMALL, "username": "memory-user", "password": ""}
BIG = {**FIELDS, "text": "x" * 48_000}  # under every MAX_CONTENT_LENGTH of 64 KiB
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
BODIES = [
    (json.dumps(FIELDS).encode(), JSON),
    (urlencode(FIELDS).encode(), FORM),
    (json.dumps(BIG).encode(), JSON),
]


def ready(app):
    """The app, its database made first where the lesson has an ``init-db`` command."""
    if "init-db" in app.cli.commands:
        with app.app_context():
            done = app.test_cli_runner().invoke(args=["init-db"])
        assert done.exit_code == 0, done.output
    return app


def round_of(app) -> list[tuple[str, str, bytes, dict]]:
    """One round: (method, path, body, headers) for every rule, interleaved: POST_REPEATS
    times each for rules that read a body, GET_REPEATS times for the others."""
    gets, posts = [], []
    for method, path in lessons.rule_requests(app):
        if method in ("GET", "DELETE"):
            gets.append((method, path, b"", {}))
            continue
        posts += [(method, path, body, headers) for body, headers in BODIES]
    return [
        request
        for n in range(max(GET_REPEATS, POST_REPEATS))
        for request in (gets if n < GET_REPEATS else []) + (posts if n < POST_REPEATS else [])
    ]


def send_all(send, requests, seconds: float = ROUND_SECONDS) -> int:
    """Send requests in order until done or out of time; return how many were sent."""
    deadline = time.monotonic() + seconds
    for n, request in enumerate(requests):
        if time.monotonic() > deadline:
            return n
        send(*request)
    return len(requests)


class Client:
    """One keep-alive connection to 127.0.0.1:port, opened again if the server closes it."""

    def __init__(self, port: int):
        self.port, self.connection = port, None

    def __call__(self, method, path, body, headers) -> int:
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                response.read()
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt:
                    raise
                continue
            if response.will_close:
                self.close()
            return response.status
        raise AssertionError("unreachable")

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@pytest.mark.parametrize("example", EXAMPLES)
def test_rss_holds_still_in_a_second_round_under_waitress(example, tmp_path):
    config, env = lessons.production_setup(example, tmp_path)
    requests = round_of(ready(lessons.import_example(example).create_app(config)))
    port = free_port()
    command = waitress_command(example, port, config=config)
    with serve(command, port, **env) as proc:
        client = Client(port)
        sent = send_all(client, requests)
        before = settled_rss(proc.pid)
        assert send_all(client, requests[:sent], 2 * ROUND_SECONDS) == sent
        after = settled_rss(proc.pid)
        client.close()
    growth = after - before
    assert growth <= RSS_BOUND, f"{example}: +{growth / 2**20:.1f} MiB in round 2 ({sent} requests)"


def reachable_containers(roots) -> dict[int, tuple[object, int]]:
    """id -> (container, length) for every list, dict, set, deque and bytearray reachable
    from roots. Modules, classes and module globals are not followed (they hold the world),
    nor pytest's objects (its log capture keeps every record of the test)."""
    module_dicts = {id(vars(m)) for m in list(sys.modules.values()) if isinstance(m, ModuleType)}
    seen, found, stack = set(), {}, list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or id(obj) in module_dicts or isinstance(obj, type | ModuleType):
            continue
        if type(obj).__module__.startswith("_pytest"):
            continue
        seen.add(id(obj))
        if isinstance(obj, list | dict | set | deque | bytearray):
            found[id(obj)] = (obj, len(obj))
        stack.extend(gc.get_referents(obj))
    return found


def lesson_roots(app, example: str) -> list:
    """The app, and every global of the lesson's own modules."""
    package = lessons.import_example(example).__name__
    modules = [m for name, m in sys.modules.items() if name.split(".")[0] == package]
    return [app, *(value for m in modules for value in vars(m).values())]


def grown(first: dict, second: dict) -> list[str]:
    """Containers (present after both rounds) that gained more than ITEMS_BOUND items in the
    second. A bounded cache may still fill an entry or two (a page first rendered once
    logged in); a store that keeps what requests send gains one per post, 110 or more."""
    return [
        f"{type(obj).__name__} of {length} items, {first[key][1]} after round 1: {repr(obj)[:120]}"
        for key, (obj, length) in second.items()
        if key in first and length > first[key][1] + ITEMS_BOUND
    ]


@pytest.mark.parametrize("example", EXAMPLES)
def test_no_stored_container_keeps_growing(example, tmp_path, monkeypatch):
    config, env = lessons.production_setup(example, tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = ready(lessons.import_example(example).create_app(config))
    client = app.test_client()

    def send(method, path, body, headers):
        response = client.open(path, method=method, data=body, headers=headers)
        response.get_data()
        response.close()

    requests = round_of(app)
    sent = send_all(send, requests)
    # Once more first: a round cut short by the clock may not have filled a bounded store.
    assert send_all(send, requests[:sent], 2 * ROUND_SECONDS) == sent
    first = reachable_containers(lesson_roots(app, example))
    assert send_all(send, requests[:sent], 2 * ROUND_SECONDS) == sent
    second = reachable_containers(lesson_roots(app, example))
    assert not grown(first, second), f"{example} after {sent} requests a round:\n" + "\n".join(
        grown(first, second)
    )


def test_the_robustness_page_states_these_figures():
    page = lessons.ROOT / "docs" / "robustness.md"
    rows = lessons.figure_rows(page)
    each = "Memory: requests per round to each"
    per_post = str(POST_REPEATS * len(BODIES))
    assert (
        f"{each} GET rule, two rounds, under waitress and in-process",
        str(GET_REPEATS),
        "0",
    ) in rows
    assert (f"{each} rule that reads a body, two rounds, both ways", per_post, "0") in rows
    words = " ".join(page.read_text(encoding="utf-8").split())
    for sentence in [
        f"every GET rule {GET_REPEATS} times, and every rule that reads a body {POST_REPEATS}",
        f"a {len(BIG['text']) // 1000} KB JSON body",
        f"stops after {ROUND_SECONDS} seconds",
        f"more than {RSS_BOUND // 2**20} MiB in the second round",
        f"may gain more than {ITEMS_BOUND} items in the second round",
    ]:
        assert sentence in words, sentence
