"""Run the pages' version claims on the release installed here (`nox -s history` calls it).

A version claim is a block whose title names a release of a package (``Werkzeug < 0.15``):
it holds on one side of that release. `nox -s history` installs the release just before and
the release itself, each in a venv of its own, and runs this script in each:

    python tests/history.py plan                       # the boundaries and their claims, JSON
    python tests/history.py run werkzeug 0.15 [--alone] [--report FILE]

``run`` executes every block whose markers name one of the given releases of the package
and that holds on what is installed here. With ``--alone`` each claim runs on its own, in
an empty namespace: that is how claims about releases outside the Flask matrix run, where
the lessons' apps do not work. Without it, a claim runs where it stands on its page: the
page's earlier blocks that hold here run first, against the lesson's app, as in the suite;
only the claims are counted.

Only the standard library, Flask, PyYAML and packaging are needed (no pytest), and Python
3.8 or later, so that old releases can be checked on the old Pythons they need.
"""

from __future__ import annotations

import json
import sys
import tempfile
import traceback
from pathlib import Path

try:
    import lessons
except Exception:  # the release installed here cannot even import Flask (or PyYAML)
    traceback.print_exc()
    sys.exit(3)  # tells `nox -s history` to try another Python


def claims_of(page, dist: str, releases: set) -> list:
    """The page's blocks whose markers name one of ``releases`` of ``dist``."""
    return [b for b in page.executable if {(dist, r) for r in releases} & lessons.boundaries(b)]


def pages():
    for example in lessons.example_names():
        path = lessons.page_for(example)
        if path:
            yield example, lessons.read_page(path)


def plan() -> dict:
    """{dist: {release: {"before": [ids], "from": [ids]}}} for every release a marker names."""
    found: dict = {}
    for _, page in pages():
        for block in page.executable:
            for dist, release in sorted(lessons.boundaries(block)):
                sides = found.setdefault(dist, {}).setdefault(release, {"before": [], "from": []})
                for side, version in (("before", lessons.just_below(release)), ("from", release)):
                    if lessons.holds_on(block, dist, version):
                        sides[side].append(block.id)
    return found


class Lesson:
    """A lesson's app, client and pycon namespace, built lazily, one per block config."""

    def __init__(self, example: str, page, tmp: Path):
        self.example, self.page, self.tmp = example, page, tmp
        self.states: dict = {}
        self.console = None

    def state(self, config: dict):
        key = tuple(sorted(config.items()))
        if key not in self.states:
            module = lessons.import_example(self.example)
            public = {k: v for k, v in vars(module).items() if not k.startswith("_")}
            root = Path(tempfile.mkdtemp(dir=self.tmp))
            try:
                app = module.create_app(lessons.config_for(self.page, root, config))
            except Exception as error:  # a block that builds its own app may still run
                self.states[key] = (error, public)
            else:
                self.states[key] = (app.test_client(), {**public, "app": app})
        return self.states[key]

    def folder(self) -> Path:
        if self.console is None:
            self.console = Path(tempfile.mkdtemp(dir=self.tmp))
            (self.console / "examples").symlink_to(lessons.EXAMPLES, target_is_directory=True)
        return self.console


def check(block, lesson: Lesson | None, tmp: Path) -> None:
    """Run one block: in the lesson's shared state, or (``lesson`` None) on its own."""
    if block.lang == "console":
        folder = lesson.folder() if lesson else Path(tempfile.mkdtemp(dir=tmp))
        if not lesson:
            (folder / "examples").symlink_to(lessons.EXAMPLES, target_is_directory=True)
        lessons.check_console(block.text, folder)
    elif lesson is None:
        if block.lang == "http":
            raise AssertionError("an http block needs the lesson's app: it cannot run alone")
        lessons.check_pycon(block, {})
    else:
        client, globs = lesson.state(block.config)
        if block.lang == "http" and isinstance(client, Exception):
            raise AssertionError(f"the lesson's app cannot be built here: {client!r}")
        if block.lang == "http":
            lessons.check_http(block.text, client)
        else:
            lessons.check_pycon(block, globs)


def run(dist: str, releases: set, alone: bool) -> dict:
    here = ", ".join(
        f"{name} {lessons.installed_version(name)}"
        for name in ("python", "flask", "werkzeug", "flask-caching")
        if lessons.installed_version(name)
    )
    print(f"== {dist} {', '.join(sorted(releases))}: {here}", flush=True)
    result: dict = {"here": here, "checked": [], "failed": [], "setup_failed": []}
    with tempfile.TemporaryDirectory() as tmp:
        for example, page in pages():
            claims = claims_of(page, dist, releases)
            if not any(b.applies() for b in claims):
                continue
            lesson = None if alone else Lesson(example, page, Path(tmp))
            last = max(b.line for b in claims)
            for block in page.executable:
                if block.line > last or not block.applies():
                    continue
                if alone and block not in claims:
                    continue  # alone: no setup, each claim stands on its own
                try:
                    check(block, lesson, Path(tmp))
                    problem = None
                except Exception as error:  # a claim that fails is reported, not raised
                    problem = f"{type(error).__name__}: {error}".strip()
                if block in claims:
                    result["checked"].append(block.id)
                    if problem:
                        result["failed"].append(block.id)
                        print(f"FAIL {block.id} [{block.title}]\n{problem}\n", flush=True)
                    else:
                        print(f"ok   {block.id} [{block.title}]", flush=True)
                elif problem:  # an earlier block the claims may build on
                    result["setup_failed"].append(block.id)
                    print(f"     (setup {block.id} failed: {problem.splitlines()[0]})")
    print(f"{len(result['checked'])} version claims checked, {len(result['failed'])} failed")
    return result


def main(argv: list[str]) -> int:
    if argv[:1] == ["plan"]:
        print(json.dumps(plan(), indent=1, sort_keys=True))
        return 0
    if len(argv) < 3 or argv[0] != "run":
        print(__doc__, file=sys.stderr)
        return 2
    report = argv[argv.index("--report") + 1] if "--report" in argv else None
    words = [a for a in argv[1:] if not a.startswith("--") and a != report]
    result = run(words[0], set(words[1:]), "--alone" in argv)
    if report:
        Path(report).write_text(json.dumps(result))
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
