"""Carry each page's executable blocks and includes over to its Chinese edition.

    python tests/sync_zh.py            rewrite every docs/**/*.zh.md from its English page
    python tests/sync_zh.py --check    only list what differs (exit status 1 if anything)

A Chinese page, ``NN-topic.zh.md`` beside ``NN-topic.md``, translates the prose, the headings
and the comments of illustration blocks. What runs is the English page's, byte for byte and
in the same order: the front matter, every ``http``, ``pycon`` and ``console`` block (its
fence line too, since its title carries the suite's markers), every ``bash`` block an
integration test runs, and every ``--8<--`` include (with the block around it). The suite
executes the English page's blocks once; ``tests/test_lessons.py`` proves that each zh
page's are the same ones, with the suite's own parser (``differences`` below).

After an English edit, this script makes the zh page match again: a changed block is
rewritten in place, a removed one is removed, and a new one is put after the block that
precedes it in English, under a comment that asks for the prose around it to be translated.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass
from pathlib import Path

from lessons import EXECUTABLE, FENCE, INCLUDE, ROOT, RUN_BY_TEST, read_page

DOCS = ROOT / "docs"
SUFFIX = ".zh.md"
NEW = "<!-- sync_zh: 英文版在这里新增了下面的代码块，请翻译它周围的正文 -->"


def zh_pages() -> list[Path]:
    """Every Chinese page on disk, lessons first."""
    return sorted(DOCS.rglob(f"*{SUFFIX}"), key=lambda p: (p.parent != DOCS / "lessons", p))


def english_of(zh: Path) -> Path:
    """``NN-topic.md`` for ``NN-topic.zh.md``."""
    return zh.with_name(zh.name[: -len(SUFFIX)] + ".md")


def runs(lang: str, title: str) -> bool:
    """Whether a block is one the suite (or an integration test) runs."""
    return lang in EXECUTABLE or (lang == "bash" and RUN_BY_TEST in title)


# ---------------------------------------------------------------- the contract


def contract(path: Path) -> tuple[dict, list[tuple[str, str, str]], list[str]]:
    """What must be the same in both editions, read with the suite's own parser: the front
    matter, the (lang, title, text) of every block that runs, and every include line."""
    page = read_page(path)
    blocks = [(b.lang, b.title, b.text) for b in page.blocks if runs(b.lang, b.title)]
    text = path.read_text(encoding="utf-8").splitlines()
    includes = [line.strip() for line in text if INCLUDE.fullmatch(line.strip())]
    return page.meta, blocks, includes


def differences(en: Path, zh: Path) -> list[str]:
    """How the zh page's front matter, run blocks and includes differ from the English
    page's (empty when they are the same, in the same order)."""
    (en_meta, en_blocks, en_inc), (zh_meta, zh_blocks, zh_inc) = contract(en), contract(zh)
    found = []
    if en_meta != zh_meta:
        found.append(f"front matter: {zh_meta!r}, English: {en_meta!r}")
    for what, ours, theirs in (("block", zh_blocks, en_blocks), ("include", zh_inc, en_inc)):
        matcher = difflib.SequenceMatcher(None, theirs, ours, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op != "equal":
                shown = [str(x)[:70] for x in theirs[i1:i2]] or "nothing"
                found.append(f"{what}s {j1 + 1}-{j2} differ: English has {shown} there")
    return found


# ---------------------------------------------------------------- the rewrite


@dataclass
class Unit:
    """A run of lines that must be the same in both editions."""

    start: int  # index of its first line
    end: int  # index after its last line
    indent: int
    key: tuple  # what is compared: the lines without their indent

    def lines(self, text: list[str], indent: int) -> list[str]:
        """The unit's lines, moved to ``indent``."""
        out = []
        for line in text[self.start : self.end]:
            body = line[self.indent :]
            out.append(" " * indent + body if body else "")
        return out


def front_matter_end(lines: list[str]) -> int:
    """Index of the first line after the front matter (0 without one)."""
    if lines and lines[0] == "---" and "---" in lines[1:]:
        return lines.index("---", 1) + 1
    return 0


def units(lines: list[str]) -> list[Unit]:
    """The blocks that run, the blocks that include code, and include lines outside blocks,
    found the way ``lessons.read_page`` finds blocks."""
    found, i = [], front_matter_end(lines)
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            if INCLUDE.fullmatch(lines[i].strip()):
                indent = len(lines[i]) - len(lines[i].lstrip())
                found.append(Unit(i, i + 1, indent, (lines[i].strip(),)))
            i += 1
            continue
        indent, j = len(m["indent"]), i + 1
        while j < len(lines) and lines[j].strip() != m["fence"]:
            j += 1
        body = [line[indent:] for line in lines[i + 1 : j]]
        title = m["info"].partition('title="')[2].partition('"')[0]
        if runs(m["lang"], title) or any(INCLUDE.fullmatch(b.strip()) for b in body):
            found.append(Unit(i, min(j + 1, len(lines)), indent, (lines[i][indent:], *body)))
        i = j + 1
    return found


def sync(en_text: str, zh_text: str) -> tuple[str, list[str]]:
    """The zh page with the English page's front matter, run blocks and includes; and
    what was changed, for the report."""
    en, zh = en_text.splitlines(), zh_text.splitlines()
    en_units, zh_units = units(en), units(zh)
    matcher = difflib.SequenceMatcher(
        None, [u.key for u in en_units], [u.key for u in zh_units], autojunk=False
    )
    edits: list[tuple[int, int, list[str]]] = []  # (start, end, new lines) in the zh page
    report = []

    def after(j: int) -> int:
        """Where a new unit goes: after the zh unit before position ``j``."""
        if j > 0:
            return zh_units[j - 1].end
        return zh_units[0].start if zh_units else len(zh)

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        for k in range(pairs):  # a changed unit: rewritten in place, at the zh indent
            old, new = zh_units[j1 + k], en_units[i1 + k]
            edits.append((old.start, old.end, new.lines(en, old.indent)))
            report.append(f"line {old.start + 1}: rewritten from the English page")
        for old in zh_units[j1 + pairs : j2]:  # gone from the English page
            edits.append((old.start, old.end, []))
            report.append(f"line {old.start + 1}: removed, as on the English page")
        added = [["", NEW, "", *u.lines(en, u.indent), ""] for u in en_units[i1 + pairs : i2]]
        if added:  # new on the English page: after the block before them, in order
            at = after(j1 + pairs)
            edits.append((at, at, [line for lines in added for line in lines]))
            report.append(f"line {at + 1}: {len(added)} new from the English page")
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        zh[start:end] = new
    en_meta, zh_meta = en[: front_matter_end(en)], zh[: front_matter_end(zh)]
    if en_meta != zh_meta:
        zh[: len(zh_meta)] = en_meta
        report.insert(0, "front matter: copied from the English page")
    return "\n".join(zh) + "\n", report


def main(argv: list[str]) -> int:
    check = "--check" in argv
    status = 0
    for zh in zh_pages():
        en = english_of(zh)
        name = zh.relative_to(ROOT)
        if not en.is_file():
            print(f"{name}: no English page {en.relative_to(ROOT)}")
            status = 1
            continue
        if check:
            for line in differences(en, zh):
                print(f"{name}: {line}")
                status = 1
            continue
        text = zh.read_text(encoding="utf-8")
        new, report = sync(en.read_text(encoding="utf-8"), text)
        if new != text:
            zh.write_text(new, encoding="utf-8")
        for line in report:
            print(f"{name}: {line}")
        for line in differences(en, zh):  # what the rewrite could not settle
            print(f"{name}: still differs: {line}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
