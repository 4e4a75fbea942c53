"""Read lesson pages and check their executable blocks.

A lesson page is docs/lessons/NN-topic.md and belongs to examples/NN_topic.
Its fenced blocks tagged ``http``, ``pycon`` and ``console`` are claims; this
module parses them and says whether a claim holds. docs/writing-a-lesson.md
is the human-readable version of these rules.
"""

from __future__ import annotations

import ast
import doctest
import functools
import importlib
import json
import os
import platform
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import yaml
from flask.cli import locate_app, prepare_import
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
LESSONS = ROOT / "docs" / "lessons"
EXECUTABLE = ("http", "pycon", "console")
FLASK_VERSION = version("flask")

# ---------------------------------------------------------------- discovery


def example_names() -> list[str]:
    """Every examples/NN_topic folder on disk, in order."""
    return sorted(p.name for p in EXAMPLES.glob("[0-9][0-9]_*") if p.is_dir())


def page_for(example: str) -> Path | None:
    """docs/lessons/NN-*.md for examples/NN_*, or None."""
    pages = sorted(p for p in LESSONS.glob(f"{example[:2]}-*.md") if p.suffixes == [".md"])
    return pages[0] if pages else None


def import_example(example: str):
    """Import examples/<example> exactly as ``flask --app`` does."""
    module_name = prepare_import(str(EXAMPLES / example))
    return importlib.import_module(module_name)


def load_with_cli(example: str):
    """The app ``flask --app examples/<example>`` would serve."""
    module_name = prepare_import(str(EXAMPLES / example))
    return locate_app(module_name, None)


# Sample values that each converter accepts, for requests sent to every URL rule.
SAMPLES = {"int": "2024", "float": "1.5", "uuid": "12345678-1234-5678-1234-567812345678"}
VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def sample_path(rule: str) -> str:
    """The rule with each variable replaced by a value its converter matches."""

    def value(m: re.Match) -> str:
        if m["converter"] == "any":
            return m["args"].split(",")[0].strip(" '\"")
        return SAMPLES.get(m["converter"], "x")

    return VARIABLE.sub(value, rule)


def rule_requests(app, methods=("GET", "POST", "PUT", "PATCH", "DELETE")):
    """(method, path) for every URL rule but ``static``, once per method it accepts."""
    return [
        (method, sample_path(rule.rule))
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
        if rule.endpoint != "static"
        for method in methods
        if method in rule.methods
    ]


def installed_version(dist: str) -> str | None:
    """The installed release of ``dist`` (``python``: the interpreter), or None."""
    if dist == "python":
        return platform.python_version()
    try:
        return version(dist)
    except PackageNotFoundError:
        return None


# ---------------------------------------------------------------- pages

FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,})(?P<lang>[\w-]*)(?P<info>[^`]*)$")
TITLE = re.compile(r'title="(?P<title>[^"]*)"')
# A version marker names Flask, Werkzeug, Flask-Caching or Python: "Flask ≥ 3.2", "Python < 3.13".
VERSION = re.compile(
    r"(?P<dist>Flask-Caching|Werkzeug|Flask|Python)\s*(?P<op>>=|<=|==|!=|≥|≤|<|>)\s*"
    r"(?P<ver>\d+(?:\.\d+)*(?:\.\*)?)"
)
CONFIG = re.compile(r"\b(?P<key>[A-Z][A-Z0-9_]+)\s*=\s*(?P<value>True|False|None|-?\d+|'[^']*')")
OPS = {"≥": ">=", "≤": "<="}
# An exercise's check: `title="exercise 07-1"`. It runs against a learner's copy of the app
# (python -m exercises), never against the lesson's own app.
EXERCISE = re.compile(r"\bexercise (?P<id>\d\d-\d+)\b")


@dataclass
class Block:
    """One fenced block of a page."""

    page: Path
    line: int  # 1-based line of the opening fence
    lang: str
    text: str
    title: str = ""

    @property
    def id(self) -> str:
        try:  # not Path.is_relative_to: the history runner imports this on Python 3.8
            page = self.page.relative_to(ROOT / "docs")
        except ValueError:
            page = self.page.name
        return f"{page}:{self.line}"

    @property
    def requires(self) -> dict[str, SpecifierSet]:
        """Package versions the block's title limits it to, by lowercase name."""
        specs: dict[str, list[str]] = {}
        for m in VERSION.finditer(self.title):
            specs.setdefault(m["dist"].lower(), []).append(OPS.get(m["op"], m["op"]) + m["ver"])
        return {dist: SpecifierSet(",".join(s)) for dist, s in specs.items()}

    @property
    def versions(self) -> SpecifierSet:
        """Flask versions the block's title limits it to (all when none)."""
        return self.requires.get("flask", SpecifierSet())

    @property
    def exercise(self) -> str | None:
        """The exercise the block checks (``07-1``), or None for a claim about the lesson."""
        m = EXERCISE.search(self.title)
        return m["id"] if m else None

    @property
    def config(self) -> dict:
        """Config the title asks the lesson's app to be built with."""
        return {m["key"]: ast.literal_eval(m["value"]) for m in CONFIG.finditer(self.title)}

    def applies(self, installed: dict[str, str] | None = None) -> bool:
        """Whether the installed packages (or ``installed``) are in every range of the title.

        Only the release is compared: 3.2.0.dev0 (or rc1) counts as 3.2, where a SpecifierSet
        alone puts it below 3.2 and would skip every ``Flask >= 3.2`` block on it.
        """
        found = {**{dist: installed_version(dist) for dist in self.requires}, **(installed or {})}
        return all(
            found[dist] is not None and spec.contains(Version(found[dist]).base_version)
            for dist, spec in self.requires.items()
        )

    def skip_reason(self) -> str:
        """Why the block does not run here, for pytest's skip report."""
        wanted = ", ".join(f"{dist} {spec}" for dist, spec in self.requires.items())
        here = ", ".join(f"{dist} {installed_version(dist)}" for dist in self.requires)
        return f"claim holds for {wanted}; this is {here}"


@dataclass
class Page:
    path: Path
    meta: dict = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    @property
    def executable(self) -> list[Block]:
        """The blocks that are claims about the lesson's own app (exercise checks are not)."""
        return [b for b in self.blocks if b.lang in EXECUTABLE and not b.exercise]

    @property
    def exercises(self) -> dict[str, list[Block]]:
        """Each exercise's check blocks, by exercise id, in page order."""
        found: dict[str, list[Block]] = {}
        for b in self.blocks:
            if b.lang in EXECUTABLE and b.exercise:
                found.setdefault(b.exercise, []).append(b)
        return found


def read_page(path: Path) -> Page:
    """Parse front matter and fenced blocks (indented ones too, as in admonitions).

    Parsed once per version of the file: the suite reads each page hundreds of times (every
    app it builds reads its page's config), and callers only read what they get."""
    path = Path(path)
    stat = path.stat()
    return _parse_page(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=None)  # noqa: UP033 - functools.cache is not on Python 3.8
def _parse_page(path: Path, _mtime_ns: int, _size: int) -> Page:
    lines = path.read_text(encoding="utf-8").splitlines()
    page = Page(path)
    start = 0
    if lines and lines[0] == "---":
        end = lines.index("---", 1)
        page.meta = yaml.safe_load("\n".join(lines[1:end])) or {}
        start = end + 1
    i = start
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = len(m["indent"]), m["fence"]
        body, j = [], i + 1
        while j < len(lines) and lines[j].strip() != fence:
            body.append(lines[j][indent:])
            j += 1
        title = TITLE.search(m["info"])
        page.blocks.append(
            Block(path, i + 1, m["lang"], "\n".join(body), title["title"] if title else "")
        )
        i = j + 1
    return page


# ---------------------------------------------------------------- apps


def config_for(page: Page, tmp: Path, extra: dict | None = None) -> dict:
    """TESTING plus the page's ``test_config`` front matter, with {tmp} filled in."""
    config = {"TESTING": True}
    for key, value in (page.meta.get("test_config") or {}).items():
        config[key] = value.format(tmp=tmp) if isinstance(value, str) else value
    return {**config, **(extra or {})}


def production_setup(example: str, tmp: Path) -> tuple[dict, dict[str, str]]:
    """(config, environment) for a lesson's app as it runs in production: debug and testing
    off, the page's ``test_config`` with its files in ``tmp``, and the page's ``env``."""
    page = read_page(page_for(example))
    config = config_for(page, tmp, {"TESTING": False, "DEBUG": False})
    return config, {k: str(v) for k, v in (page.meta.get("env") or {}).items()}


INCLUDE = re.compile(r'--8<--\s+"(?P<file>[^":]+)(?::(?P<section>[\w-]+))?"')


def pasted_listings(page: Page) -> list[str]:
    """Ids of python blocks with a line that is not a snippet include."""
    return [
        b.id
        for b in page.blocks
        if b.lang in ("python", "py")
        and any(
            line.strip() and not INCLUDE.fullmatch(line.strip()) for line in b.text.splitlines()
        )
    ]


def missing_includes(page: Page) -> list[str]:
    """Snippet includes on the page whose file or named section does not exist."""
    missing = []
    for block in page.blocks:
        for m in INCLUDE.finditer(block.text):
            file = ROOT / m["file"]
            section = f"[start:{m['section']}]" if m["section"] else ""
            if not file.is_file() or section not in file.read_text():
                missing.append(m[0])
    return missing


FIGURE_ROW = re.compile(r"^\| (.+?) \| (\d+) \| (\d+) \|$", re.MULTILINE)


def figure_rows(page: Path) -> list[tuple[str, str, str]]:
    """(check, count, failed) for each row of a page's table of figures."""
    return FIGURE_ROW.findall(page.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- matching


def matches(expected: str, actual: str) -> bool:
    """Exact text match where ``...`` stands for any run of text.

    Trailing spaces on each line and blank lines around the text are ignored.
    """

    def tidy(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())

    pattern = ".*?".join(re.escape(part) for part in tidy(expected).split("..."))
    return re.fullmatch(pattern, tidy(actual), re.DOTALL) is not None


def body_matches(expected: str, response) -> bool:
    """A JSON body is compared as data when the expectation parses as JSON."""
    if response.is_json:
        try:
            return json.loads(expected) == response.get_json()
        except ValueError:
            pass
    return matches(expected, response.get_data(as_text=True))


# Werkzeug builds these from sets, so their order changes from run to run.
UNORDERED_HEADERS = {"allow", "vary", "access-control-allow-methods"}


def header_matches(name: str, expected: str, actual: str) -> bool:
    if name.lower() in UNORDERED_HEADERS:
        items = {i.strip() for i in expected.split(",")}
        return items == {i.strip() for i in actual.split(",")}
    return matches(expected, actual)


STATUS = re.compile(r"^HTTP/\d(?:\.\d)? \d{3}")


@dataclass
class Exchange:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: str
    status: str
    expect_headers: list[tuple[str, str]]
    expect_body: str | None


def _head(lines: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Split header lines (up to the first blank line) from what follows."""
    headers = []
    for n, line in enumerate(lines):
        if not line.strip():
            return headers, lines[n + 1 :]
        name, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"not a header line: {line!r}")
        headers.append((name.strip(), value.strip()))
    return headers, []


def parse_http(text: str) -> Exchange:
    """Request line, headers, blank, body; then the status line, headers, blank, body."""
    lines = text.splitlines()
    split = next(n for n, line in enumerate(lines) if n and STATUS.match(line))
    method, target, _ = lines[0].split(" ", 2)
    headers, body = _head(lines[1:split])
    expect_headers, expect_body = _head(lines[split + 1 :])
    return Exchange(
        method,
        target,
        headers,
        "\n".join(body).strip("\n"),
        lines[split].strip(),
        expect_headers,
        "\n".join(expect_body).strip("\n") or None,
    )


def check_http(text: str, client) -> None:
    """Send the block's request through the test client and compare the answer."""
    ex = parse_http(text)
    response = client.open(
        ex.target,
        method=ex.method,
        headers=ex.headers,
        data=ex.body.encode() if ex.body else None,
    )
    response.get_data()  # read it all (kept on the response), then let go of any open file
    response.close()
    problems = []
    if ex.status != f"HTTP/1.1 {response.status}":
        problems.append(f"status: expected {ex.status!r}, got 'HTTP/1.1 {response.status}'")
    for name, value in ex.expect_headers:
        got = response.headers.getlist(name)
        if not any(header_matches(name, value, g) for g in got):
            problems.append(f"header {name}: expected {value!r}, got {got!r}")
    if ex.expect_body is not None and not body_matches(ex.expect_body, response):
        problems.append(
            f"body: expected\n{ex.expect_body}\n-- got --\n{response.get_data(as_text=True)}"
        )
    assert not problems, "\n".join(problems)


def requests_of(page: Page) -> list[tuple[Block, Exchange]]:
    return [(b, parse_http(b.text)) for b in page.executable if b.lang == "http"]


class Checker(doctest.OutputChecker):
    """doctest's comparison, minus the hint Python 3.12 and later append to some errors
    (``... has no attribute 'arg'. Did you mean: 'args'?``): a page shows the error itself,
    which every supported Python raises alike."""

    HINT = re.compile(r"\. Did you mean: .*\?$", re.MULTILINE)

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        return super().check_output(want, self.HINT.sub("", got), optionflags)


def check_pycon(block: Block, globs: dict) -> None:
    """Run the block as a doctest in the page's shared namespace."""
    test = doctest.DocTestParser().get_doctest(
        block.text, globs, block.id, str(block.page), block.line
    )
    out: list[str] = []
    runner = doctest.DocTestRunner(Checker(), optionflags=doctest.ELLIPSIS, verbose=False)
    runner.run(test, out=out.append, clear_globs=False)
    globs.update(test.globs)  # DocTest ran on a copy; keep what the block defined
    assert runner.failures == 0, "".join(out)


def parse_console(text: str) -> list[tuple[str, str]]:
    """``$ command`` lines (``\\`` continues them) each followed by its expected output."""
    steps: list[tuple[str, list[str]]] = []
    lines = iter(text.splitlines())
    for line in lines:
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\"):
                command += "\n" + next(lines)
            steps.append((command, []))
        elif steps:
            steps[-1][1].append(line)
        elif line.strip():
            raise ValueError(f"console block must start with '$ ': {line!r}")
    return [(command, "\n".join(output)) for command, output in steps]


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without FLASK_* variables, this venv first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONWARNINGS"] = "error::DeprecationWarning"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return {**env, **extra}


# pip, build and venv print deprecation warnings of their own: not this project's failures.
PACKAGING = re.compile(r"(^|[\s/])(pip\s|python3? -m (build|venv|pip)\b)")
# The page's bash blocks that an integration test runs, step by step, carry this in a title.
RUN_BY_TEST = "run by the integration test"


def run_step(command: str, cwd: Path, env: dict | None = None, timeout: float = 60) -> str:
    """Run one ``$`` command with bash in ``cwd``; it must exit 0. Returns what it printed.

    A page shows a failing command as ``cmd || echo "exit status $?"``.
    """
    env = dict(env or clean_env())
    if PACKAGING.search(command):
        env.pop("PYTHONWARNINGS", None)
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"$ {command}\nexit {done.returncode}\n{done.stdout}"
    return done.stdout


def check_steps(steps, cwd: Path, env=None, timeout: float = 60, shown_only=False) -> None:
    """Run each (command, expected output) step; each must print what is shown. With
    ``shown_only``, a step the page shows without output only has to exit 0 (what pip
    prints depends on the machine)."""
    for command, expected in steps:
        out = run_step(command, cwd, env, timeout)
        if shown_only and not expected.strip():
            continue
        assert matches(expected, out), f"$ {command}\n-- expected --\n{expected}\n-- got --\n{out}"


def check_console(text: str, cwd: Path, env: dict | None = None) -> None:
    """A console block: its ``$`` commands, run in ``cwd``, print what the page shows."""
    check_steps(parse_console(text), cwd, env)


def steps_run_by_test(page: Page, title_start: str) -> list[tuple[str, str]]:
    """The ``$`` steps of the page's bash blocks titled ``title_start ... run by the
    integration test``, in page order."""
    blocks = [
        b
        for b in page.blocks
        if b.lang == "bash" and RUN_BY_TEST in b.title and b.title.startswith(title_start)
    ]
    assert blocks, f"no bash block titled {title_start!r} ... {RUN_BY_TEST!r} on {page.path.name}"
    return [step for block in blocks for step in parse_console(block.text)]


def imported_examples(example: str) -> set[str]:
    """Other examples (or the examples folder) that an example's code imports."""
    others = set(example_names()) - {example} | {"examples"}
    found = set()
    for file in (EXAMPLES / example).rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(), str(file))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            found |= {n.split(".")[0] for n in names} & others
    return found


# ---------------------------------------------------------------- version history
# A "Changed in X" note is proven on both sides of X: its blocks carry version markers, and
# `nox -s history` (tests/history.py) installs the release just before X and X itself and
# runs them there. Written for old Pythons too (3.8): the history runner imports this module
# on the releases it checks.

CHANGED = re.compile(
    r"Changed in (?P<dist>Flask-Caching|Werkzeug|Flask|Python) "
    r"(?P<vers>\d+(?:\.\d+)*(?:(?:, | and )\d+(?:\.\d+)*)*)"
)


def boundaries(block: Block) -> set[tuple[str, str]]:
    """(dist, release) for every version the block's markers name: the releases where its
    claim starts or stops holding. ``Werkzeug < 0.15`` names ("werkzeug", "0.15")."""
    return {(m["dist"].lower(), m["ver"].replace(".*", "")) for m in VERSION.finditer(block.title)}


def just_below(release: str) -> str:
    """A version above every release before ``release`` and below it: 0.15 -> 0.14.9999,
    3.0 -> 2.9999, 1.10 -> 1.9.9999."""
    parts = [int(p) for p in release.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    if not parts:
        raise ValueError(f"no release comes before {release}")
    parts[-1] -= 1
    return ".".join(str(p) for p in [*parts, 9999])


def holds_on(block: Block, dist: str, release: str) -> bool:
    """Whether the block's ``dist`` markers include ``release`` (other markers aside)."""
    spec = block.requires.get(dist)
    return spec is not None and spec.contains(release)


def one_sided(page: Page) -> list[str]:
    """Releases the page's markers name with no block for one side of them: a change shown
    only after (or only before) it happened."""
    marked = [b for b in page.executable if b.requires]
    problems = []
    for dist, release in sorted({x for b in marked for x in boundaries(b)}):
        for side, on in (("before", just_below(release)), ("from", release)):
            if not any(holds_on(b, dist, on) for b in marked):
                problems.append(f"{dist} {release}: no block for {side} it")
    return problems


def changed_notes(page: Page) -> list[tuple[int, str, str]]:
    """(line, dist, release) of each "Changed in <Dist> <release>" on the page."""
    lines = page.path.read_text(encoding="utf-8").splitlines()
    return [
        (n, m["dist"].lower(), release)
        for n, line in enumerate(lines, 1)
        for m in CHANGED.finditer(line)
        for release in re.split(r", | and ", m["vers"])
    ]


def unmarked_changes(page: Page) -> list[str]:
    """ "Changed in" notes whose release no block marker on the page names."""
    named = {x for b in page.executable for x in boundaries(b)}
    return [
        f"line {n}: Changed in {dist} {release}"
        for n, dist, release in changed_notes(page)
        if (dist, release) not in named
    ]


# ---------------------------------------------------------------- sentences proven by tests
# A sentence that states behaviour no block on the page can show (a real server, threads,
# files on disk) names the test that proves it, in backticks, in or right after it:
# `tests/test_13_cli_and_env.py::test_extra_files_folder_watches_only_python_files`.

TEST_LINK = re.compile(r"`(?P<path>tests/[\w/.-]+\.py)(?:::(?P<name>\w+(?:::\w+)?))?`")


def prose(page: Page) -> list[tuple[int, str]]:
    """(line, text) of the page's lines outside front matter and fenced blocks."""
    lines = page.path.read_text(encoding="utf-8").splitlines()
    inside = set()
    for block in page.blocks:
        end = block.line + len(block.text.splitlines()) + 1
        inside.update(range(block.line, end + 1))
    start = lines.index("---", 1) + 1 if lines and lines[0] == "---" else 0
    return [(n, line) for n, line in enumerate(lines, 1) if n > start and n not in inside]


def test_links(page: Page) -> list[tuple[int, str, str | None]]:
    """(line, test file, test name or None) for each test the page's prose names."""
    return [(n, m["path"], m["name"]) for n, line in prose(page) for m in TEST_LINK.finditer(line)]


def defined_tests(file: Path) -> set[str]:
    """Test functions and classes of a test module, and ``Class::method`` for methods."""
    names = set()
    for node in ast.parse(file.read_text(encoding="utf-8"), str(file)).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            names |= {f"{node.name}::{f.name}" for f in node.body if hasattr(f, "name")}
    return names


def missing_tests(page: Page) -> list[str]:
    """Tests the page names that do not exist: a proof that proves nothing."""
    missing = []
    for n, path, name in test_links(page):
        if "NN_topic" in path:  # a pattern (docs/writing-a-lesson.md), as examples/NN_topic is
            continue
        file = ROOT / path
        if not file.is_file():
            missing.append(f"line {n}: no file {path}")
        elif name and name not in defined_tests(file):
            missing.append(f"line {n}: {path} has no test {name}")
    return missing


# ---------------------------------------------------------------- index pages


@dataclass
class Form:
    """A form as a browser would submit it, and whether a person can use it."""

    method: str
    action: str
    fields: list[str] = field(default_factory=list)  # names of the fields a person fills in
    unlabelled: list[str] = field(default_factory=list)
    submit: bool = False


class IndexParser(HTMLParser):
    """The links, forms and ``<code>`` texts of an HTML page."""

    FILLED = {"input", "textarea", "select"}
    HIDDEN = {"hidden", "submit", "button", "reset", "image"}

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.codes: list[str] = []
        self._labels, self._label_for, self._ids = 0, set(), {}
        self._code: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(Form(a.get("method", "get").upper(), a.get("action", "")))
        elif tag == "label":
            self._labels += 1
            if "for" in a:
                self._label_for.add(a["for"])
        elif tag == "code":
            self._code = []
        elif self.forms and tag in self.FILLED and a.get("type", "text") not in self.HIDDEN:
            form, name = self.forms[-1], a.get("name", "")
            form.fields.append(name)
            if not self._labels:
                self._ids[a.get("id", "")] = (form, name)
        if self.forms and (
            (tag == "button" and a.get("type", "submit") == "submit")
            or (tag == "input" and a.get("type") in ("submit", "image"))
        ):
            self.forms[-1].submit = True

    def handle_endtag(self, tag):
        if tag == "label":
            self._labels = max(0, self._labels - 1)
        elif tag == "code" and self._code is not None:
            self.codes.append("".join(self._code).strip())
            self._code = None

    def handle_data(self, data):
        if self._code is not None:
            self._code.append(data)

    def close(self):
        super().close()
        for element_id, (form, name) in self._ids.items():
            if not element_id or element_id not in self._label_for:
                form.unlabelled.append(name)


def read_index(html: str) -> IndexParser:
    """Parse an HTML page for its links, forms and code."""
    parser = IndexParser()
    parser.feed(html)
    parser.close()
    return parser


def lesson_page_url(page: Path) -> str:
    """The lesson page as ``nox -s docs_serve`` serves it."""
    return f"http://127.0.0.1:8000/lessons/{page.stem}/"


def index_rules(app, methods=("GET",)) -> list[str]:
    """Rules a browser can visit with no arguments: not ``static``, not a trap."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.rpartition(".")[2] != "static"
        and "<" not in rule.rule
        and not rule.rule.startswith("/traps")
        and any(method in rule.methods for method in methods)
    )
