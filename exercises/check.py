"""Run an exercise's check blocks against a copy of a lesson's app, one sentence per result.

The blocks are read and checked by tests/lessons.py, the suite's own parser and checkers:
what the suite runs against a lesson, this runs against a learner's copy of it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask.cli import locate_app

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import lessons  # noqa: E402  (tests/lessons.py: the page parser and the block checkers)

SKIP = shutil.ignore_patterns("__pycache__", "instance")


@dataclass
class Exercise:
    """Exercise ``07-1``: its blocks on the lesson page and its solution's folder."""

    id: str
    example: str
    page: lessons.Page
    blocks: list[lessons.Block]

    @property
    def solution(self) -> Path:
        return ROOT / "exercises" / self.example / self.id.split("-")[1]

    @property
    def page_name(self) -> str:
        return str(self.page.path.relative_to(ROOT))

    @property
    def title(self) -> str:
        """The ``###`` heading above its first block, without the id."""
        lines = self.page.path.read_text(encoding="utf-8").splitlines()[: self.blocks[0].line]
        heading = next((line for line in reversed(lines) if line.startswith("### ")), "### ?")
        return re.sub(rf"^### (Exercise )?{self.id}\s*[·:.-]?\s*", "", heading).strip()


def find_all() -> list[Exercise]:
    """Every exercise on every lesson page, in lesson and page order."""
    found = []
    for example in lessons.example_names():
        page = lessons.read_page(lessons.page_for(example))
        found += [Exercise(i, example, page, blocks) for i, blocks in page.exercises.items()]
    return found


def find(exercise_id: str) -> Exercise | None:
    return next((e for e in find_all() if e.id == exercise_id), None)


def copy_app(example: str, dest: Path, solution: Path | None = None) -> Path:
    """``dest/<example>``: the lesson's app with the solution's files laid over it.

    Without a solution it is a real copy, for a learner to edit. With one it is a tree of
    links to the lesson's and the solution's files, so coverage counts the lines where they
    are kept (it resolves links) and Flask finds templates next to the package as usual.
    """
    folder = dest / example
    if solution is None:
        shutil.copytree(lessons.EXAMPLES / example, folder, ignore=SKIP)
        return folder
    for source in (lessons.EXAMPLES / example, solution):
        files = [f.relative_to(source) for f in sorted(source.rglob("*")) if f.is_file()]
        for relative in [f for f in files if not {"__pycache__", "instance"} & set(f.parts)]:
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            target.symlink_to(source / relative)
    return folder


@dataclass
class Result:
    block: lessons.Block
    ok: bool | None  # None: the block's version marker does not apply here
    message: str

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "SKIP"}[self.ok]


def run_checks(folder: Path, page: lessons.Page, blocks: list[lessons.Block], tmp: Path):
    """Each block's result against the app in ``folder``, built afresh with files in ``tmp``.

    Blocks share one app per config in page order, as on the lesson page. The package is
    imported under its own name from ``folder``'s parent, and sys.modules and sys.path are
    put back afterwards (what the copy added to them goes), so the lesson's app or another
    copy can be imported next.
    """
    name, lesson = folder.name, lessons.EXAMPLES / folder.name
    saved = {m: sys.modules.pop(m) for m in list(sys.modules) if ours(m, name, lesson)}
    sys.path.insert(0, str(folder.parent))
    paths = list(sys.path)
    try:
        return _run(folder, page, blocks, tmp)
    finally:
        sys.path[:] = [p for p in sys.path if p in paths and p != str(folder.parent)]
        for m in [m for m in sys.modules if ours(m, name, folder)]:
            del sys.modules[m]
        sys.modules.update(saved)


def ours(module: str, name: str, folder: Path) -> bool:
    """The package ``name``, or a module loaded from ``folder`` (lesson 14's flaskr)."""
    file = getattr(sys.modules[module], "__file__", None) or ""
    return module.split(".")[0] == name or Path(file).absolute().is_relative_to(folder)


def _run(folder: Path, page: lessons.Page, blocks: list[lessons.Block], tmp: Path):
    try:  # first as `flask --app` loads it, in the environment the page gives for that
        with environment(page.meta.get("env") or {}):
            locate_app(folder.name, None)
        module = sys.modules[folder.name]
    except Exception as error:  # a learner's syntax error, a bad import: say where
        why = f"flask --app {folder.name} cannot load your copy: {raised(error, folder)}"
        return [Result(b, False, why) for b in blocks]
    console = tmp / "console"
    (console / "examples").mkdir(parents=True)
    for example in lessons.example_names():  # the lesson's own name leads to the copy
        link = folder if example == folder.name else lessons.EXAMPLES / example
        (console / "examples" / example).symlink_to(link, target_is_directory=True)
    states: dict[tuple, dict] = {}
    results = []
    for block in blocks:
        if not block.applies():
            results.append(Result(block, None, f"not run: {block.skip_reason()}"))
            continue
        try:
            if block.lang == "console":
                lessons.check_console(block.text, console)
            else:
                key = tuple(sorted(block.config.items()))
                if key not in states:
                    states[key] = build(module, page, tmp / f"app{len(states)}", block.config)
                client, globs = states[key]
                if block.lang == "http":
                    lessons.check_http(block.text, client)
                else:
                    lessons.check_pycon(block, globs)
        except AssertionError as failure:
            results.append(Result(block, False, explain(block, str(failure))))
        except Exception as error:  # the app raised: where, in one line
            results.append(Result(block, False, f"{summary(block)} raised {raised(error, folder)}"))
        else:
            results.append(Result(block, True, summary(block)))
    return results


@contextmanager
def environment(env: dict):
    """os.environ with ``env`` added, and no other FLASK_* variable, for the block."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update({k: v for k, v in saved.items() if not k.startswith("FLASK_")})
    os.environ.update({k: str(v) for k, v in env.items()})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def build(module, page: lessons.Page, tmp: Path, config: dict) -> tuple:
    """What a page's blocks see: the client its http blocks share, and the names its pycon
    blocks share (the app and the module's public names), as tests/conftest.py's Lesson."""
    tmp.mkdir(parents=True)
    app = module.create_app(lessons.config_for(page, tmp, config))
    public = {k: v for k, v in vars(module).items() if not k.startswith("_")}
    return app.test_client(), {**public, "app": app}


def raised(error: BaseException, folder: Path) -> str:
    """``NameError: name 'x' is not defined (at __init__.py, line 12)``: the last line of the
    copy the error went through."""
    if isinstance(error, SyntaxError):  # its message says where already
        return f"SyntaxError: {one_line(str(error))}"
    frames = traceback.extract_tb(error.__traceback__)
    inside = [f for f in frames if Path(f.filename).absolute().is_relative_to(folder.absolute())]
    where = f" (at {Path(inside[-1].filename).name}, line {inside[-1].lineno})" if inside else ""
    return f"{type(error).__name__}: {one_line(str(error))}{where}"


def apart(got: str, want: str, width: int = 70) -> tuple[str, str]:
    """Both texts on one line each, from a little before the first character that differs."""
    got, want = one_line(got, 10_000), one_line(want, 10_000)
    same = next((n for n, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), 0)
    start = max(0, same - 20)
    cut = ("..." if start else "", "...")
    got = cut[0] + got[start : start + width] + (cut[1] if len(got) > start + width else "")
    want = cut[0] + want[start : start + width] + (cut[1] if len(want) > start + width else "")
    return got, want


def one_line(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def summary(block: lessons.Block) -> str:
    """What the block does, in a few words: ``GET /drafts/ answers 200 OK``."""
    if block.lang == "http":
        ex = lessons.parse_http(block.text)
        return f"{ex.method} {ex.target} answers {ex.status.split(' ', 1)[1]}"
    if block.lang == "console":
        return "; ".join(f"$ {cmd}" for cmd, _ in lessons.parse_console(block.text))
    first = next(line for line in block.text.splitlines() if line.startswith(">>> "))
    return f"{first[4:]} gives what the page shows"


def difference(want: str, got: str) -> str:
    """Where the text first differs: ``line 3 is 'x', the page expects 'y'``."""
    wants, gots = want.strip("\n").splitlines(), got.strip("\n").splitlines()
    for n, (w, g) in enumerate(zip(wants, gots, strict=False), 1):
        if not lessons.matches(w, g) and "..." not in w:
            g, w = apart(g, w)
            return f"line {n} is {g!r}, the page expects {w!r}"
    if len(gots) < len(wants):
        return (
            f"it ends after line {len(gots)}, the page expects {one_line(wants[len(gots)], 80)!r}"
        )
    return f"it is {one_line(got, 80)!r}, the page expects {one_line(want, 80)!r}"


DOCTEST = re.compile(
    r"Failed example:\n(?P<source>.*?)\n(?:Expected:\n(?P<want>.*?)\nGot:\n(?P<got>.*?)"
    r"|Expected nothing\nGot:\n(?P<got2>.*?)|Exception raised:\n(?P<exc>.*?))"
    r"(?:\n\*{10}|\Z)",
    re.DOTALL,
)


def explain(block: lessons.Block, failure: str) -> str:
    """One sentence from a checker's failure: what was sent, what came back, what was wanted."""
    if block.lang == "http":
        ex = lessons.parse_http(block.text)
        head, _, body = failure.partition("body: expected\n")
        problems = [p.replace(": expected", " should be", 1) for p in head.splitlines() if p]
        if body:
            problems.append(
                f"the body differs, {difference(*body.split(chr(10) + '-- got --' + chr(10), 1))}"
            )
        return f"sent {ex.method} {ex.target}: " + "; ".join(problems)
    if block.lang == "console":
        command, _, rest = failure.partition("\n")
        if rest.startswith("exit "):
            code, _, output = rest.partition("\n")
            return f"{command} exited {code[5:]}: {one_line(output)}"
        want, _, got = rest.removeprefix("-- expected --\n").partition("\n-- got --\n")
        return f"{command} printed other output, {difference(want, got)}"
    m = DOCTEST.search(failure)
    if m is None:  # not a doctest report: say it as it came
        return one_line(failure)
    source = one_line(m["source"].replace("    >>> ", "").replace("    ... ", " "), 80)
    if m["exc"] is not None:
        last = [line for line in m["exc"].splitlines() if line.strip()][-1]
        return f">>> {source} raised {one_line(last)}"
    got = m["got"] if m["got"] is not None else m["got2"]
    got, want = apart(got, m["want"] if m["want"] is not None else "")
    return f">>> {source} gave {got!r}, the page expects {want!r}"
