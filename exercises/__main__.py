"""python -m exercises list | check ID [--solution] [--dir DIR]"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from exercises.check import ROOT, copy_app, find, find_all, run_checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exercises", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="every exercise, and how many there are")
    check = sub.add_parser("check", help="check your copy of the lesson's app (made if missing)")
    check.add_argument("id", help="the exercise, as its heading on the page names it: 07-1")
    check.add_argument("--solution", action="store_true", help="check the reference solution")
    check.add_argument("--dir", type=Path, default=ROOT / "my", help="where your copies are")
    args = parser.parse_args(argv)
    if args.command == "list":
        return list_all()
    exercise = find(args.id)
    if exercise is None:
        print(f"There is no exercise {args.id!r}: `python -m exercises list` shows them all.")
        return 2
    print(f"Exercise {exercise.id}: {exercise.title} ({exercise.page_name}, under Your turn)")
    with tempfile.TemporaryDirectory(prefix=f"exercise-{exercise.id}-") as tmp:
        if args.solution:
            folder = copy_app(exercise.example, Path(tmp) / "solution", exercise.solution)
            print(f"Checking the reference solution ({exercise.solution.relative_to(ROOT)}/).")
        else:
            folder = args.dir / exercise.id / exercise.example
            if folder.exists():
                print(f"Checking your copy in {shown(folder)}/ (delete it to start afresh).")
            else:
                copy_app(exercise.example, folder.parent)
                print(f"Made your copy of the lesson's app in {shown(folder)}/: edit it there.")
            print(f"Run it with: .venv/bin/flask --app {shown(folder)} run --debug")
        results = run_checks(folder, exercise.page, exercise.blocks, Path(tmp) / "run")
    for r in results:
        print(f"  {r.verdict:4}  line {r.block.line}: {r.message}")
    failed = [r for r in results if r.ok is False]
    passed = [r for r in results if r.ok]
    print(f"{len(passed)} of {len(passed) + len(failed)} checks passed.", end=" ")
    if failed:
        print("Change your copy and run this again; the solution is on the page.")
        return 1
    print("Well done.")
    return 0


def shown(path: Path) -> str:
    """The path relative to where the learner is, when it is below it."""
    path = path.absolute()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def list_all() -> int:
    every = find_all()
    for e in every:
        print(f"{e.id}  {e.title}  ({e.page_name})")
    print(f"{len(every)} exercises over {len({e.example for e in every})} lessons")
    return 0


sys.exit(main())  # this module only runs as `python -m exercises`
