"""Lesson 11 with real processes: a Redis server, and gunicorn with two workers."""

import json

import pytest
import redis

import lessons
from servers import curl, free_port, redis_server, serve

pytestmark = pytest.mark.integration

EXAMPLE = "11_caching"


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory):
    """A throwaway Redis server on 127.0.0.1, no persistence, stopped by PID."""
    port = free_port()
    command = [redis_server(), "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no"]
    log = tmp_path_factory.mktemp("redis") / "redis.log"
    with serve(command, port, cwd=log.parent, log=log):
        yield port


@pytest.fixture
def redis_url(redis_port):
    """An empty Redis database for one test."""
    url = f"redis://127.0.0.1:{redis_port}/0"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def test_redis_cache_stores_expires_and_deletes(redis_url):
    app = lessons.import_example(EXAMPLE).create_app(
        {"TESTING": True, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url}
    )
    client, server = app.test_client(), redis.Redis.from_url(redis_url)
    assert [client.get("/catalog/").json["renders"] for _ in range(2)] == [1, 1]
    assert 0 < server.ttl("flask_cache_catalog") <= 60  # Redis itself expires the entry
    client.post("/catalog/", data={"name": "plum"})
    assert not server.exists("flask_cache_catalog")
    assert client.get("/catalog/").json == {"products": ["apple", "pear", "plum"], "renders": 2}
    assert [client.get("/reports/2024").json["computed"] for _ in range(2)] == [1, 1]
    client.post("/reports/2024/sales", data={"amount": "5"})
    assert client.get("/reports/2024").json == {
        "year": 2024,
        "sales": 3,
        "total": 205,
        "computed": 2,
    }
    server.close()


def answers(url, rounds=10, per_round=40):
    """GET url many times, in parallel, until two different workers have answered."""
    seen = []
    for _ in range(rounds):
        args = ["--parallel", "--parallel-max", "8"] + [url] * per_round
        seen += [json.loads(line) for line in curl(*args).stdout.splitlines()]
        if len({a["served_by"] for a in seen}) >= 2:
            break
    assert len({a["served_by"] for a in seen}) == 2, "both workers must have answered"
    return seen


def gunicorn(port, **env):
    command = ["gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}"]
    command += ["--pythonpath", "examples", f"{EXAMPLE}:create_app()"]
    return serve(command, port, **env)


def test_simplecache_is_per_process_under_two_workers():
    port = free_port()
    with gunicorn(port):
        seen = answers(f"http://127.0.0.1:{port}/backend")
    assert {a["backend"] for a in seen} == {"SimpleCache"}
    # Each worker filled its own entry and only ever answers from it.
    assert all(a["rendered_by"] == a["served_by"] for a in seen)
    assert len({a["rendered_by"] for a in seen}) == 2


def test_rediscache_is_shared_by_two_workers(redis_url):
    port = free_port()
    env = {"FLASK_CACHE_TYPE": "RedisCache", "FLASK_CACHE_REDIS_URL": redis_url}
    with gunicorn(port, **env):
        seen = answers(f"http://127.0.0.1:{port}/backend")
    assert {a["backend"] for a in seen} == {"RedisCache"}
    # One worker filled the entry; the other answers from it.
    assert len({a["rendered_by"] for a in seen}) == 1
    assert any(a["rendered_by"] != a["served_by"] for a in seen)
