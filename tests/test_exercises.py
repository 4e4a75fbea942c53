"""Exercises (exercises/, the "Your turn" sections): the contract, and each one both ways.

The contract runs in the fast suite. ``nox -s exercises`` runs the tests marked
``exercises``: each exercise's checks fail on the lesson's untouched app and pass on its
reference solution, and the lesson's own blocks still pass on the solution.
"""

from __future__ import annotations

import difflib
import importlib
import subprocess
import sys

import pytest

import lessons

# Issue 17: three exercises where the lesson is large, two elsewhere.
LARGE = {"07", "09", "11", "12", "14"}
PAGES = {e: lessons.read_page(lessons.page_for(e)) for e in lessons.example_names()}
IDS = [i for page in PAGES.values() for i in page.exercises]


@pytest.fixture(scope="module")
def check():
    """exercises/check.py, imported from the repo root as ``python -m exercises`` does."""
    sys.path.insert(0, str(lessons.ROOT))
    try:
        yield importlib.import_module("exercises.check")
    finally:
        sys.path.remove(str(lessons.ROOT))


# ---------------------------------------------------------------- contract


@pytest.mark.parametrize("example", list(PAGES))
def test_every_lesson_has_its_exercises(example):
    """Two exercises per lesson (three for a large one), each with a check block on the page,
    a solution folder for it, and the solution included on the page in a collapsed block."""
    page, number = PAGES[example], example[:2]
    text = page.path.read_text(encoding="utf-8")
    wanted = 3 if number in LARGE else 2
    assert len(page.exercises) >= wanted, f"{page.path.name}: {wanted} exercises wanted"
    assert "## Your turn" in text
    assert text.index("## Your turn") < text.index("## Read more"), "Your turn, then Read more"
    for exercise, blocks in page.exercises.items():
        assert exercise.startswith(f"{number}-"), f"exercise {exercise} on lesson {number}"
        assert all(b.line > text[: text.index("## Your turn")].count("\n") for b in blocks)
        solution = lessons.ROOT / "exercises" / example / exercise.split("-")[1]
        assert [p for p in solution.rglob("*") if p.is_file()], f"no files in {solution}"
        assert f'--8<-- "exercises/{example}/{exercise.split("-")[1]}/' in text
    assert text.count('??? success "Solution"') >= len(page.exercises)


def test_a_block_titled_exercise_is_no_claim_about_the_lesson(tmp_path):
    page = tmp_path / "99-demo.md"
    page.write_text(
        "```http\nGET / HTTP/1.1\n\nHTTP/1.1 200 OK\n```\n"
        '```http title="exercise 99-1 · TRAPS=True"\nGET /x HTTP/1.1\n\nHTTP/1.1 200 OK\n```\n'
    )
    read = lessons.read_page(page)
    assert [b.line for b in read.executable] == [1]
    assert {i: [b.line for b in bs] for i, bs in read.exercises.items()} == {"99-1": [6]}
    assert read.exercises["99-1"][0].config == {"TRAPS": True}


# ---------------------------------------------------------------- both ways


# A solution that copies lesson 02's key check still refuses a weak key.
WEAK_KEY = lessons.Block(
    lessons.ROOT / "docs/writing-a-lesson.md",
    0,
    "pycon",
    '>>> create_app({"SECRET_KEY": "dev"})\nTraceback (most recent call last):\n  ...\n'
    "RuntimeError: SECRET_KEY is missing, too short or well known: it signs the session cookie."
    "\n...",
)


def is_kept(block: lessons.Block, changed: set[str]) -> bool:
    """An http block whose URL the exercise does not change."""
    return block.lang == "http" and path(block) not in changed


def path(block: lessons.Block) -> str:
    return lessons.parse_http(block.text).target.partition("?")[0]


def outcome(results) -> str:
    return "\n".join(f"{r.verdict} line {r.block.line}: {r.message}" for r in results)


@pytest.mark.exercises
@pytest.mark.parametrize("exercise", IDS)
def test_fails_on_the_start_and_passes_on_the_solution(exercise, check, tmp_path):
    ex = check.find(exercise)
    start = check.copy_app(ex.example, tmp_path / "start")
    results = check.run_checks(start, ex.page, ex.blocks, tmp_path / "start-run")
    assert any(r.ok is False for r in results), f"the untouched app passes:\n{outcome(results)}"
    changed = {path(r.block) for r in results if r.ok is False and r.block.lang == "http"}
    solution = check.copy_app(ex.example, tmp_path / "solution", ex.solution)
    results = check.run_checks(solution, ex.page, ex.blocks, tmp_path / "solution-run")
    assert all(r.ok is not False for r in results), outcome(results)
    assert any(r.ok for r in results), "no check ran here"
    # The lesson's own requests still get their answers, but at the URLs the exercise changes
    # (where its checks fail on the start). Its pycon blocks run too, in page order, as the
    # state those requests build on (signing in, say), but what they print may differ: they
    # list the routes and show the lesson's own paths. Console blocks do the same, and slowly.
    own = [b for b in ex.page.executable if b.lang == "pycon" or is_kept(b, changed)]
    lesson = check.run_checks(solution, ex.page, own, tmp_path / "lesson-run")
    failed = [r for r in lesson if r.ok is False and r.block.lang == "http"]
    assert not failed, f"the lesson's own http blocks:\n{outcome(lesson)}"
    if any("def check_secret_key(" in p.read_text() for p in ex.solution.rglob("*.py")):
        refused = check.run_checks(solution, ex.page, [WEAK_KEY], tmp_path / "key-run")
        assert refused[0].ok, f"a copy of lesson 02's check must refuse 'dev': {outcome(refused)}"


# ---------------------------------------------------------------- the learner's command


def learner(*args: str, cwd=lessons.ROOT) -> subprocess.CompletedProcess:
    """``python -m exercises ...`` from the repo root, as the README tells a learner."""
    return subprocess.run(
        [sys.executable, "-m", "exercises", *args],
        cwd=cwd,
        env=lessons.clean_env(PYTHONPATH=str(lessons.ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.exercises
def test_the_learner_s_command_makes_a_copy_fails_helpfully_then_passes(tmp_path):
    first = learner("check", "01-2", "--dir", str(tmp_path))
    assert first.returncode == 1, first.stdout + first.stderr
    assert f"Made your copy of the lesson's app in {tmp_path}/01-2/01_routing/" in first.stdout
    assert "FAIL  line" in first.stdout
    assert "sent GET /week/12: status should be 'HTTP/1.1 200 OK', got" in first.stdout
    assert "Traceback" not in first.stdout + first.stderr
    solution = (lessons.ROOT / "exercises/01_routing/2/__init__.py").read_text()
    (tmp_path / "01-2/01_routing/__init__.py").write_text(solution)
    again = learner("check", "01-2", "--dir", str(tmp_path))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Checking your copy in" in again.stdout
    assert "3 of 3 checks passed. Well done." in again.stdout


@pytest.mark.exercises
def test_the_learner_s_command_lists_and_knows_the_solution():
    listed = learner("list")
    assert listed.stdout.splitlines()[-1] == (
        f"{len(IDS)} exercises over {len({i[:2] for i in IDS})} lessons"
    )
    assert learner("check", "01-1", "--solution").returncode == 0
    unknown = learner("check", "99-9")
    assert unknown.returncode == 2
    assert "There is no exercise '99-9'" in unknown.stdout


@pytest.mark.exercises
def test_a_copy_that_does_not_load_says_where(check, tmp_path):
    folder = check.copy_app("01_routing", tmp_path)
    (folder / "__init__.py").write_text("def create_app(:\n")
    ex = check.find("01-1")
    results = check.run_checks(folder, ex.page, ex.blocks, tmp_path / "run")
    assert {r.message for r in results} == {
        "flask --app 01_routing cannot load your copy: SyntaxError: invalid syntax"
        " (__init__.py, line 1)"
    }


@pytest.mark.exercises
def test_each_kind_of_block_fails_in_one_sentence(check, tmp_path):
    """http, pycon and console failures, an error the app raised, and a skipped block."""
    folder = check.copy_app("01_routing", tmp_path)
    (folder / "__init__.py").write_text(
        "from flask import Flask\n\n\ndef create_app(test_config=None):\n"
        "    app = Flask(__name__)\n    app.config.from_mapping(test_config)\n\n"
        "    @app.get('/')\n    def index():\n"
        "        return undefined\n\n    return app\n"
    )
    page = tmp_path / "01-x.md"
    page.write_text(
        '```http title="exercise 01-9"\nGET /nope HTTP/1.1\n\nHTTP/1.1 200 OK\n\nhello\n```\n'
        '```http title="exercise 01-9"\nGET / HTTP/1.1\n\nHTTP/1.1 200 OK\n```\n'
        '```pycon title="exercise 01-9"\n>>> 1 + 1\n3\n```\n'
        '```pycon title="exercise 01-9"\n>>> x = 1\n>>> {}["k"]\n```\n'
        '```pycon title="exercise 01-9"\n>>> print("x")\n```\n'
        '```console title="exercise 01-9"\n$ echo hi\nho\n```\n'
        '```console title="exercise 01-9"\n$ false\n```\n'
        '```pycon title="exercise 01-9 · Flask < 1.0"\n>>> 1\n1\n```\n'
        '```pycon title="exercise 01-9"\n>>> 2\n2\n```\n'
        '```console title="exercise 01-9"\n$ echo ok\nok\n```\n'
    )
    read = lessons.read_page(page)
    results = check.run_checks(folder, read, read.exercises["01-9"], tmp_path / "run")
    assert [r.message for r in results] == [
        "sent GET /nope: status should be 'HTTP/1.1 200 OK', got 'HTTP/1.1 404 NOT FOUND';"
        " the body differs, line 1 is '<!doctype html>', the page expects 'hello'",
        "GET / answers 200 OK raised NameError: name 'undefined' is not defined"
        " (at __init__.py, line 10)",
        ">>> 1 + 1 gave '2', the page expects '3'",
        ">>> {}[\"k\"] raised KeyError: 'k'",
        ">>> print(\"x\") gave 'x', the page expects ''",
        "$ echo hi printed other output, line 1 is 'hi', the page expects 'ho'",
        "$ false exited 1: ",
        "not run: claim holds for flask <1.0; this is flask " + lessons.FLASK_VERSION,
        "2 gives what the page shows",
        "$ echo ok",
    ]
    assert [r.verdict for r in results] == ["FAIL"] * 7 + ["SKIP", "PASS", "PASS"]
    assert check.explain(read.exercises["01-9"][2], "not doctest output") == "not doctest output"
    assert check.difference("a\nb", "a") == "it ends after line 1, the page expects 'b'"
    assert check.difference("a...", "b") == "it is 'b', the page expects 'a...'"


@pytest.mark.exercises
@pytest.mark.parametrize("exercise", IDS)
def test_a_solution_is_the_lesson_s_code_plus_the_change(exercise):
    """Each file of a solution that the lesson has too keeps the lesson's lines, but for a
    few it replaces: when a lesson changes, its solutions take the change. To bring one
    up to date: git merge-file SOLUTION_FILE OLD_LESSON_FILE LESSON_FILE."""
    example, number = next(e for e in PAGES if e[:2] == exercise[:2]), exercise[3:]
    solution = lessons.ROOT / "exercises" / example / number
    for file in [f for f in solution.rglob("*") if f.is_file() and "__pycache__" not in f.parts]:
        lesson = lessons.EXAMPLES / example / file.relative_to(solution)
        if not lesson.exists():
            continue  # a new file
        ours, theirs = file.read_text().splitlines(), lesson.read_text().splitlines()
        matcher = difflib.SequenceMatcher(None, theirs, ours, autojunk=False)
        lost = [
            theirs[n]
            for tag, a, b, _, _ in matcher.get_opcodes()
            if tag != "equal"
            for n in range(a, b)
        ]
        assert len(lost) <= 6, f"{file.relative_to(lessons.ROOT)} lacks lesson lines: {lost}"
