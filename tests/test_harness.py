"""The harness itself: a wrong claim on a page must fail the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import forkserver
import pytest
from flask import Flask, jsonify

import lessons
import sync_zh


@pytest.fixture
def client():
    app = Flask(__name__)

    @app.get("/hello")
    def hello():
        return "Hello,\nworld!   \n"

    @app.get("/api/item")
    def item():
        return jsonify(name="x", tags=["a", "b"])

    return app.test_client()


@pytest.mark.parametrize(
    ("expected", "actual"),
    [("a...c", "abbbc"), ("a...", "a\nb\nc"), ("x  \n\ny", "x\n\ny  "), ("\n\nok\n", "ok")],
)
def test_matches(expected, actual):
    assert lessons.matches(expected, actual)


@pytest.mark.parametrize(("expected", "actual"), [("abc", "abcd"), ("a...c", "abd"), ("a", "A")])
def test_does_not_match(expected, actual):
    assert not lessons.matches(expected, actual)


def test_http_block_that_holds(client):
    lessons.check_http("GET /hello HTTP/1.1\n\nHTTP/1.1 200 OK\n\nHello,\nworld!", client)


@pytest.mark.parametrize(
    ("block", "complaint"),
    [
        ("GET /hello HTTP/1.1\n\nHTTP/1.1 404 NOT FOUND", "status"),
        ("GET /hello HTTP/1.1\n\nHTTP/1.1 200 FINE", "status"),
        ("GET /hello HTTP/1.1\n\nHTTP/1.1 200 OK\nContent-Type: text/plain", "header"),
        ("GET /hello HTTP/1.1\n\nHTTP/1.1 200 OK\nX-Missing: 1", "header"),
        ("GET /hello HTTP/1.1\n\nHTTP/1.1 200 OK\n\nHello, you!", "body"),
        ('GET /api/item HTTP/1.1\n\nHTTP/1.1 200 OK\n\n{"name": "y", "tags": ["a", "b"]}', "body"),
        ('GET /api/item HTTP/1.1\n\nHTTP/1.1 200 OK\n\n{"name": "x"}', "body"),
        ("DELETE /hello HTTP/1.1\n\nHTTP/1.1 405 METHOD NOT ALLOWED\nAllow: GET", "header"),
    ],
)
def test_http_block_with_a_wrong_claim_fails(client, block, complaint):
    with pytest.raises(AssertionError, match=complaint):
        lessons.check_http(block, client)


def test_json_body_is_compared_as_data(client):
    expected = '{\n  "tags": ["a", "b"],\n  "name": "x"\n}'
    lessons.check_http(f"GET /api/item HTTP/1.1\n\nHTTP/1.1 200 OK\n\n{expected}", client)


def test_allow_is_compared_as_a_set(client):
    block = "DELETE /hello HTTP/1.1\n\nHTTP/1.1 405 METHOD NOT ALLOWED\nAllow: OPTIONS, GET, HEAD"
    lessons.check_http(block, client)


def test_request_body_and_headers_are_sent():
    app = Flask(__name__)

    @app.post("/echo")
    def echo():
        from flask import request

        return f"{request.content_type}|{request.get_data(as_text=True)}"

    block = (
        "POST /echo HTTP/1.1\nContent-Type: text/csv\n\na,b\n1,2\n\n"
        "HTTP/1.1 200 OK\n\ntext/csv|a,b\n1,2"
    )
    lessons.check_http(block, app.test_client())


def page_with(tmp_path, text: str) -> lessons.Page:
    path = tmp_path / "99-demo.md"
    path.write_text(text)
    return lessons.read_page(path)


def test_read_page_finds_blocks_titles_and_front_matter(tmp_path):
    page = page_with(
        tmp_path,
        "---\ntest_config:\n  DB: '{tmp}/x'\n---\n# T\n\n"
        '```http title="Flask ≥ 3.1 · TRAPS=True"\nGET / HTTP/1.1\n\nHTTP/1.1 200 OK\n```\n\n'
        "!!! note\n    ```pycon\n    >>> 1 + 1\n    2\n    ```\n\n```python\nx = 1\n```\n",
    )
    assert page.meta == {"test_config": {"DB": "{tmp}/x"}}
    assert [b.lang for b in page.blocks] == ["http", "pycon", "python"]
    http, pycon = page.executable
    assert (http.line, str(http.versions), http.config) == (7, ">=3.1", {"TRAPS": True})
    assert pycon.text == ">>> 1 + 1\n2"


def test_version_marker_decides_where_a_block_runs(tmp_path):
    old, new = page_with(
        tmp_path, '```pycon title="Flask < 1.0"\n```\n```pycon title="Flask >= 1.0"\n```\n'
    ).blocks
    assert (old.applies(), new.applies()) == (False, True)


@pytest.mark.parametrize(
    ("flask", "old_runs", "new_runs"),
    [("3.1.3", True, False), ("3.2.0.dev0", False, True), ("3.2.0rc1", False, True)],
)
def test_a_prerelease_counts_as_its_release(tmp_path, flask, old_runs, new_runs):
    """Flask 3.2.0.dev0 runs the ``>= 3.2`` side, though a SpecifierSet puts it below 3.2."""
    old, new = page_with(
        tmp_path, '```pycon title="Flask < 3.2"\n```\n```pycon title="Flask >= 3.2"\n```\n'
    ).blocks
    assert (old.applies({"flask": flask}), new.applies({"flask": flask})) == (old_runs, new_runs)


def test_version_markers_of_werkzeug_and_flask_caching(tmp_path):
    """A note on an older release names its package; each range is checked on its own."""
    block = page_with(
        tmp_path, '```pycon title="Werkzeug < 0.15 · Flask-Caching == 1.10.* · Flask ≥ 1.0"\n```\n'
    ).blocks[0]
    assert {d: str(s) for d, s in block.requires.items()} == {
        "werkzeug": "<0.15",
        "flask-caching": "==1.10.*",
        "flask": ">=1.0",
    }
    old = {"werkzeug": "0.14.1", "flask-caching": "1.10.1", "flask": "1.0.2"}
    assert block.applies(old)
    assert not block.applies({**old, "werkzeug": "0.15.6"})
    assert not block.applies({**old, "flask-caching": "2.0.0"})
    assert "werkzeug <0.15" in block.skip_reason()


def test_pycon_block_with_a_wrong_claim_fails(tmp_path):
    block = page_with(tmp_path, "```pycon\n>>> 1 + 1\n3\n```\n").blocks[0]
    with pytest.raises(AssertionError, match="Expected:"):
        lessons.check_pycon(block, {})


ERROR_BLOCK = """```pycon
>>> class R: args = 1
>>> R().arg
Traceback (most recent call last):
  ...
AttributeError: 'R' object has no attribute '{name}'
```
"""


def test_pycon_error_matches_without_pythons_did_you_mean_hint(tmp_path):
    """Python 3.12+ appends "Did you mean: 'args'?"; the page's message still matches, and a
    wrong message still fails."""
    lessons.check_pycon(page_with(tmp_path, ERROR_BLOCK.format(name="arg")).blocks[0], {})
    wrong = page_with(tmp_path, ERROR_BLOCK.format(name="arc")).blocks[0]
    with pytest.raises(AssertionError, match="Expected:"):
        lessons.check_pycon(wrong, {})


def test_python_version_marker(tmp_path):
    old, new = page_with(
        tmp_path, '```pycon title="Python < 3.13"\n```\n```pycon title="Python >= 3.13"\n```\n'
    ).blocks
    assert (old.applies({"python": "3.12.1"}), new.applies({"python": "3.12.1"})) == (True, False)
    assert (old.applies({"python": "3.13.0"}), new.applies({"python": "3.13.0"})) == (False, True)
    assert old.applies() != new.applies()  # this interpreter runs exactly one side


def test_pycon_blocks_share_a_namespace(tmp_path):
    first, second = page_with(
        tmp_path, "```pycon\n>>> x = 41\n```\n```pycon\n>>> x + 1\n42\n```"
    ).blocks
    globs: dict = {}
    lessons.check_pycon(first, globs)
    lessons.check_pycon(second, globs)


def test_console_block(tmp_path):
    lessons.check_console(
        "$ echo one \\\n  two\none two\n$ echo 'exit status 3'\nexit...", tmp_path
    )


@pytest.mark.parametrize("text", ["$ echo hi\nbye", "$ false", "$ echo $FLASK_APP\nleaked"])
def test_console_block_with_a_wrong_claim_fails(tmp_path, monkeypatch, text):
    monkeypatch.setenv("FLASK_APP", "leaked")
    with pytest.raises(AssertionError):
        lessons.check_console(text, tmp_path)


# Through tests/forkserver.py and through the venv's own `flask`: the same output and status.
FORKED = [
    'flask --app examples/02_configuration show-config || echo "exit status $?"',  # traceback
    "echo 'print(6 * 7)' | FLASK_APP=examples/13_cli_and_env flask shell",  # input, variables
    "mkdir -p sub && cd sub && flask --app ../examples/13_cli_and_env nope || echo $?",  # usage
    # A Python setting of its own: the real `flask` runs it (the server started without it).
    "echo 'import sys; print(sys.warnoptions)' | PYTHONWARNINGS=ignore"
    " FLASK_APP=examples/13_cli_and_env flask shell",
]


def test_a_forked_flask_command_is_the_real_command(tmp_path):
    (tmp_path / "examples").symlink_to(lessons.EXAMPLES, target_is_directory=True)
    (tmp_path / "server").mkdir()
    server, env = forkserver.start(tmp_path / "server", lessons.clean_env())
    try:
        client = subprocess.run(["bash", "-c", "command -v flask"], env=env, capture_output=True)
        assert client.stdout.decode().strip() != str(Path(sys.executable).parent / "flask")
        for command in FORKED:
            runs = [
                subprocess.run(["bash", "-c", command], cwd=tmp_path, env=e, capture_output=True)
                for e in (env, lessons.clean_env())
            ]
            forked, real = ((r.returncode, r.stdout, r.stderr) for r in runs)
            assert forked == real, command
        assert b"['ignore']" in real[1]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_no_hypothesis_profile_has_a_deadline():
    """A busy machine must not fail a test for being slow: every profile runs without one."""
    from hypothesis import settings

    for name in ("ci", "fuzz"):
        assert settings.get_profile(name).deadline is None, name


def test_boundaries_are_the_releases_markers_name(tmp_path):
    block = page_with(
        tmp_path,
        '```pycon title="Flask-Caching ≥ 1.10 · Flask-Caching < 2.5 · Flask == 3.1.*"\n```\n',
    ).blocks[0]
    assert lessons.boundaries(block) == {
        ("flask-caching", "1.10"),
        ("flask-caching", "2.5"),
        ("flask", "3.1"),
    }
    assert [lessons.just_below(r) for r in ("0.15", "3.0", "1.10")] == [
        "0.14.9999",
        "2.9999",
        "1.9.9999",
    ]


def test_a_change_shown_on_one_side_only_fails(tmp_path):
    both = '```pycon title="Werkzeug < 0.15"\n```\n```pycon title="Werkzeug ≥ 0.15"\n```\n'
    assert not lessons.one_sided(page_with(tmp_path, both))
    after_only = page_with(tmp_path, '```pycon title="Werkzeug ≥ 0.15"\n```\n')
    assert lessons.one_sided(after_only) == ["werkzeug 0.15: no block for before it"]


def test_a_changed_note_without_markers_fails(tmp_path):
    marked = '```pycon title="Flask < 2.2"\n```\n```pycon title="Flask ≥ 2.2"\n```\n'
    page = page_with(tmp_path, f"## Changed in Flask 2.2 and 2.3\n\n{marked}")
    assert lessons.unmarked_changes(page) == ["line 1: Changed in flask 2.3"]
    note = '!!! info "Changed in Werkzeug 0.15"\n\n    ```pycon\n    >>> 1\n    1\n    ```\n'
    assert lessons.unmarked_changes(page_with(tmp_path, note)) == [
        "line 1: Changed in werkzeug 0.15"
    ]


def test_a_page_naming_a_missing_test_fails(tmp_path):
    page = page_with(
        tmp_path,
        "Proven by `tests/test_harness.py::test_matches` and `tests/test_harness.py`.\n\n"
        "Not by `tests/test_harness.py::test_nothing_here` nor `tests/test_nowhere.py::test_x`.\n"
        "```bash\n$ pytest `tests/test_in_a_block.py::ignored`\n```\n",
    )
    assert [(n, name) for n, _, name in lessons.test_links(page)] == [
        (1, "test_matches"),
        (1, None),
        (3, "test_nothing_here"),
        (3, "test_x"),
    ]
    assert lessons.missing_tests(page) == [
        "line 3: tests/test_harness.py has no test test_nothing_here",
        "line 3: no file tests/test_nowhere.py",
    ]


@pytest.mark.parametrize(
    ("command", "packaging"),
    [
        ("python -m build", True),
        ("venv/bin/pip install dist/flaskr-1.0.0-py3-none-any.whl", True),
        (".venv/bin/python -m pip install -e .", True),
        ("python3 -m venv .venv", True),
        ("flask --app examples/13_cli_and_env greet ada", False),
        ("echo pipeline", False),
    ],
)
def test_only_packaging_tools_may_warn(command, packaging):
    """One rule for every step the suite runs: pip, build and venv keep their own warnings."""
    assert bool(lessons.PACKAGING.search(command)) is packaging


def test_a_step_shown_without_output_only_has_to_exit_zero(tmp_path):
    steps = [("echo whatever pip prints", "")]
    lessons.check_steps(steps, tmp_path, shown_only=True)
    with pytest.raises(AssertionError, match="expected"):
        lessons.check_steps(steps, tmp_path)


# ---------------------------------------------------------------- the Chinese edition

EN_PAGE = """---
test_config:
  DEBUG: false
---

# 99 · Demo

Say hello:

```http
GET /hello HTTP/1.1

HTTP/1.1 200 OK
```

!!! note "Inside a note"

    ```pycon title="Flask >= 3.0"
    >>> 1 + 1  # stays in English
    2
    ```

```python
--8<-- "examples/01_routing/__init__.py:converters"
```

```text
# an illustration, translated freely
```
"""
ZH_PAGE = (
    EN_PAGE.replace("# 99 · Demo", "# 99 · 演示")
    .replace("Say hello:", "打个招呼：")
    .replace('"Inside a note"', '"注释里"')
    .replace("# an illustration, translated freely", "# 示意，可以自由翻译")
)


def translation(tmp_path, en: str, zh: str):
    (tmp_path / "99-demo.md").write_text(en)
    (tmp_path / "99-demo.zh.md").write_text(zh)
    return tmp_path / "99-demo.md", tmp_path / "99-demo.zh.md"


def test_a_translation_with_the_same_blocks_holds(tmp_path):
    en, zh = translation(tmp_path, EN_PAGE, ZH_PAGE)
    assert sync_zh.english_of(zh) == en
    assert sync_zh.differences(en, zh) == []
    assert sync_zh.sync(EN_PAGE, ZH_PAGE) == (ZH_PAGE, [])


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("HTTP/1.1 200 OK", "HTTP/1.1 201 CREATED"),  # an expected response
        ("1 + 1  # stays in English", "1 + 1  # 译成中文"),  # a comment in a pycon block
        ('title="Flask >= 3.0"', 'title="Flask >= 3.1"'),  # a marker in a title
        ("__init__.py:converters", "__init__.py:methods"),  # an included region
        ("  DEBUG: false", "  DEBUG: true"),  # the front matter
    ],
)
def test_a_changed_block_in_a_zh_page_fails_until_synced(tmp_path, old, new):
    """The contract sees any byte that differs in what runs; the sync script puts the
    English bytes back and leaves the translated prose alone."""
    en, zh = translation(tmp_path, EN_PAGE, ZH_PAGE.replace(old, new))
    assert sync_zh.differences(en, zh) != []
    synced, report = sync_zh.sync(EN_PAGE, zh.read_text())
    assert report
    assert synced == ZH_PAGE
    zh.write_text(synced)
    assert sync_zh.differences(en, zh) == []


def test_sync_carries_added_and_removed_blocks_over(tmp_path):
    """A block new in English goes after the block before it, marked for translation; one
    gone from English goes from the zh page; the zh prose stays."""
    added = "```console\n$ echo hi\nhi\n```\n"
    en_text = EN_PAGE.replace("Say hello:\n", "Say hello:\n\n" + added).replace(
        '```python\n--8<-- "examples/01_routing/__init__.py:converters"\n```\n', ""
    )
    en, zh = translation(tmp_path, en_text, ZH_PAGE)
    assert len(sync_zh.differences(en, zh)) == 2
    synced, _ = sync_zh.sync(en_text, ZH_PAGE)
    zh.write_text(synced)
    assert sync_zh.differences(en, zh) == []
    assert "打个招呼：" in synced
    assert "# 示意，可以自由翻译" in synced
    assert synced.index(sync_zh.NEW) < synced.index("$ echo hi") < synced.index("GET /hello")
    assert "--8<--" not in synced


def test_tests_that_share_a_module_fixture_form_one_group(tmp_path):
    """The scheduler's groups: through another fixture too, and one group for a test that
    joins two fixtures; a test with only function-scoped fixtures is in none."""
    from conftest import shared_fixture_groups

    (tmp_path / "test_x.py").write_text(
        "import pytest\n"
        "@pytest.fixture(scope='module')\ndef wheel(): ...\n"
        "@pytest.fixture(scope='module')\ndef server(): ...\n"
        "@pytest.fixture\ndef venv(wheel): ...\n"
        "def test_a(venv): ...\n"
        "def test_b(wheel, server): ...\n"
        "def test_c(server): ...\n"
        "def test_d(tmp_path): ...\n"
    )
    groups = shared_fixture_groups(tmp_path)
    assert set(groups) == {f"tests/test_x.py::test_{n}" for n in "abc"}
    assert len(set(groups.values())) == 1
    real = shared_fixture_groups(lessons.ROOT / "tests")
    module = "tests/test_14_packaging_and_deployment.py::"
    built = {
        real[module + t]
        for t in (
            "test_the_wheel_holds_the_package_and_nothing_else",
            "test_no_wheel_package_was_needed",
        )
    }
    assert len(built) == 1
