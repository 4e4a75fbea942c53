"""The one parametrised suite: the example contract, then every executable block."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import flask.cli
import pytest
from click.testing import CliRunner
from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

import lessons
import sync_zh

EXAMPLES = lessons.example_names()
SECTIONS = ("What you'll learn", "Run it", "The code", "Try it", "Traps", "Read more")


def page_of(example: str) -> lessons.Page:
    path = lessons.page_for(example)
    assert path is not None, f"examples/{example} has no page docs/lessons/{example[:2]}-*.md"
    return lessons.read_page(path)


# ---------------------------------------------------------------- contract


@pytest.mark.parametrize("example", EXAMPLES)
def test_folder_name(example):
    assert lessons.re.fullmatch(r"\d\d_[a-z0-9]+(_[a-z0-9]+)*", example)


@pytest.mark.parametrize("example", EXAMPLES)
def test_loads_through_cli_loader(example, monkeypatch):
    for name, value in (page_of(example).meta.get("env") or {}).items():
        monkeypatch.setenv(name, str(value))  # the page's env, as for the routes check
    module = lessons.import_example(example)
    built_at_import = [k for k, v in vars(module).items() if isinstance(v, Flask)]
    assert not built_at_import, f"an app is built at import time: {built_at_import}"
    assert isinstance(lessons.load_with_cli(example), Flask)


@pytest.mark.parametrize("example", EXAMPLES)
def test_factory_honours_test_config(example, tmp_path):
    module = lessons.import_example(example)
    config = lessons.config_for(page_of(example), tmp_path, {"CONTRACT_PROBE": example})
    app = module.create_app(config)
    assert app.testing
    assert app.config["CONTRACT_PROBE"] == example


@pytest.mark.parametrize("example", EXAMPLES)
def test_instance_folder_is_the_lessons_own(example, monkeypatch):
    """Not ``examples/instance``, which every lesson would share: one inside its own folder."""
    for name, value in (page_of(example).meta.get("env") or {}).items():
        monkeypatch.setenv(name, str(value))
    app = lessons.load_with_cli(example)
    instance = Path(app.instance_path)
    assert instance.is_relative_to(lessons.EXAMPLES / example), (
        f"{example}'s instance folder is {instance}, not inside examples/{example}/"
    )


@pytest.mark.parametrize("example", EXAMPLES)
def test_traps_are_off_by_default_and_not_imported(example, tmp_path):
    """A lesson's traps (a ``traps`` module, ``/traps/`` routes) need ``TRAPS=True``: without
    it the app has none of them, and the package has not even imported its traps module."""
    package = lessons.import_example(example).__name__
    ours = {name: module for name, module in sys.modules.items() if name.startswith(package)}
    try:
        for name in ours:  # import the lesson afresh: its import-time imports count too
            del sys.modules[name]
        module = lessons.import_example(example)
        app = module.create_app(lessons.config_for(page_of(example), tmp_path))
        assert f"{package}.traps" not in sys.modules, "the traps module was imported"
    finally:
        for name in [name for name in sys.modules if name.startswith(package)]:
            del sys.modules[name]
        sys.modules.update(ours)
    assert not app.config.get("TRAPS")
    traps = [r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/traps")]
    assert not traps, f"trap routes without TRAPS=True: {traps}"
    if "TRAPS" in app.config:
        assert app.config["TRAPS"] is False, "a lesson with traps sets TRAPS=False by default"


@pytest.mark.parametrize("example", EXAMPLES)
def test_flask_routes_command(example, monkeypatch):
    """``flask --app examples/X routes`` exits 0, in the env the page's front matter gives.

    It runs the ``flask`` script's own entry point (``flask.cli.cli``) in-process from the
    repo root: the same code path as the command, without 0.4 s of interpreter start-up.
    """
    for name, value in (page_of(example).meta.get("env") or {}).items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.chdir(lessons.ROOT)
    result = CliRunner().invoke(flask.cli.cli, ["--app", f"examples/{example}", "routes"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("example", EXAMPLES)
def test_page_shape(example):
    page = page_of(example)
    text = page.path.read_text(encoding="utf-8")
    missing = [s for s in SECTIONS if f"## {s}" not in text]
    assert not missing, f"{page.path.name} lacks sections {missing}"
    assert len(page.executable) >= 5, "a lesson page needs at least five executable blocks"
    assert not lessons.missing_includes(page)
    assert not lessons.pasted_listings(page), "python listings must be --8<-- includes only"


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_rule_is_requested(example, tmp_path):
    """Every URL rule but the app's ``static`` is requested by an http block on the page."""
    page = page_of(example)
    module = lessons.import_example(example)
    rules, hit = set(), set()
    by_config: dict[tuple, list] = {}
    for block, exchange in lessons.requests_of(page):
        by_config.setdefault(tuple(sorted(block.config.items())), []).append(exchange)
    for config, exchanges in by_config.items() or [((), [])]:
        app = module.create_app(lessons.config_for(page, tmp_path, dict(config)))
        rules |= {(r.rule, r.endpoint) for r in app.url_map.iter_rules() if r.endpoint != "static"}
        adapter = app.url_map.bind("localhost")
        for ex in exchanges:
            try:
                rule, _ = adapter.match(ex.target.partition("?")[0], ex.method, return_rule=True)
            except (HTTPException, RequestRedirect):
                continue
            hit.add((rule.rule, rule.endpoint))
    assert not rules - hit, f"rules no http block requests: {sorted(rules - hit)}"


@pytest.mark.parametrize("example", EXAMPLES)
def test_index_page(example, tmp_path):
    """``/`` is an HTML page that links every page a browser can visit without arguments and
    the lesson page; a usable form (labels, a submit button) posts to every POST rule, on the
    index or on a page it links to. A rule the front matter lists under ``not_on_index``
    (with the reason) is exempt: flaskr shows "New" and "Log out" only once signed in."""
    page = page_of(example)
    app = lessons.import_example(example).create_app(lessons.config_for(page, tmp_path))
    client = app.test_client()
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    index = lessons.read_index(response.get_data(as_text=True))
    exempt = set(page.meta.get("not_on_index") or {})
    linked = {urlsplit(href).path for href in index.links if not urlsplit(href).netloc}
    missing = set(lessons.index_rules(app)) - linked - exempt - {"/"}
    assert not missing, f"the index links none of {sorted(missing)}"
    assert lessons.lesson_page_url(page.path) in index.links, "no link to the lesson page"

    forms = [("/", form) for form in index.forms]
    for path in sorted(linked - {"/", *(page.meta.get("fails_on_purpose") or [])}):
        answer = client.get(path)
        answer.close()  # a static file's answer holds it open until closed
        if answer.status_code == 200 and answer.mimetype == "text/html":
            forms += [(path, form) for form in lessons.read_index(answer.get_data(True)).forms]
    adapter, posted = app.url_map.bind("localhost"), set()
    for path, form in forms:
        assert form.submit, f"a form on {path} has no submit button"
        assert not form.unlabelled, f"fields without a label on {path}: {form.unlabelled}"
        action = urlsplit(urljoin(path, form.action)).path
        try:
            posted.add(adapter.match(action, form.method, return_rule=True)[0].rule)
        except RequestRedirect as moved:  # a 308 to the slash: the browser posts again
            posted.add(adapter.match(urlsplit(moved.new_url).path, form.method, True)[0].rule)
        except HTTPException:
            pass
    wanted = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/traps")
    }
    assert not wanted - posted - exempt, f"no form posts to {sorted(wanted - posted - exempt)}"


@pytest.mark.parametrize("example", EXAMPLES)
def test_page_shows_its_screenshot(example):
    """*Run it* shows docs/screenshots/NN-topic.png, which the browser tests take (`nox -s
    browser` rewrites it, so it shows what the app draws today); it is a small PNG."""
    page = page_of(example)
    text = page.path.read_text(encoding="utf-8")
    run_it = text.split("## Run it", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"!\[[^]]+\]\(\.\./screenshots/{page.path.stem}\.png\)", run_it), (
        f"*Run it* does not show ../screenshots/{page.path.stem}.png"
    )
    png = lessons.ROOT / "docs" / "screenshots" / f"{page.path.stem}.png"
    assert png.is_file(), f"{png.name} is missing: run `nox -s browser`"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size < 100_000


@pytest.mark.parametrize("example", EXAMPLES)
def test_imports_no_other_example(example):
    assert not lessons.imported_examples(example)


# ---------------------------------------------------------------- documented blocks


def block_params():
    for example in EXAMPLES:
        path = lessons.page_for(example)
        for block in lessons.read_page(path).executable if path else []:
            skip = pytest.mark.skipif(not block.applies(), reason=block.skip_reason())
            yield pytest.param(example, block, id=f"{example}:{block.id}", marks=skip)


@pytest.mark.parametrize(("example", "block"), list(block_params()))
def test_block(example, block, lesson_states, console_dirs, console_env):
    if block.lang == "console":
        lessons.check_console(block.text, console_dirs(example), console_env())
        return
    lesson = lesson_states(example, block.config)
    if block.lang == "http":
        lessons.check_http(block.text, lesson.client)
    else:
        lessons.check_pycon(block, lesson.globs)


@pytest.mark.parametrize("example", EXAMPLES)
def test_listed_in_the_readme_and_on_the_home_page(example):
    """A lesson row (number, linked page, one line) in README.md and docs/index.md."""
    page = lessons.page_for(example)
    for doc, link in (
        ("README.md", f"docs/lessons/{page.name}"),
        ("docs/index.md", f"lessons/{page.name}"),
    ):
        row = rf"^\| {example[:2]} \| \[[^]]+\]\({re.escape(link)}\) \| .+ \|$"
        assert re.search(row, (lessons.ROOT / doc).read_text(), re.MULTILINE), f"no row in {doc}"


# ---------------------------------------------------------------- version history


@pytest.mark.parametrize("example", EXAMPLES)
def test_changed_notes_carry_markers(example):
    """Each "Changed in <Dist> <release>" on a page has blocks whose markers name that
    release, so `nox -s history` runs the note's claim on both sides of it."""
    assert not lessons.unmarked_changes(page_of(example))


@pytest.mark.parametrize("example", EXAMPLES)
def test_version_claims_have_both_sides(example):
    """A release a marker names has a block for before it and one for from it on."""
    assert not lessons.one_sided(page_of(example))


@pytest.mark.parametrize("example", EXAMPLES)
def test_tests_the_page_names_exist(example):
    """A sentence proven by a test names it (`tests/test_x.py::test_y`): the test exists."""
    assert not lessons.missing_tests(page_of(example))


OTHER_PAGES = sorted((lessons.ROOT / "docs").glob("*.md"))


@pytest.mark.parametrize("path", OTHER_PAGES, ids=lambda p: p.name)
def test_tests_the_other_pages_name_exist(path):
    """The home pages, robustness, performance and the rest name tests too: each exists."""
    assert not lessons.missing_tests(lessons.read_page(path))


# ---------------------------------------------------------------- the Chinese edition

ZH_PAGES = sync_zh.zh_pages()
ZH_LESSONS = [p for p in ZH_PAGES if p.parent == lessons.LESSONS]


def zh_id(path) -> str:
    return path.relative_to(lessons.ROOT / "docs").as_posix()


# The site's pages (docs/performance/results.md is an include, not a page).
ENGLISH_PAGES = [
    p
    for p in [*(lessons.ROOT / "docs").glob("*.md"), *lessons.LESSONS.glob("*.md")]
    if not p.name.endswith(sync_zh.SUFFIX)
]


@pytest.mark.parametrize("en", sorted(ENGLISH_PAGES), ids=zh_id)
def test_every_page_has_its_chinese_edition(en):
    """The zh edition translates every page: none falls back to the English one."""
    assert en.with_name(en.stem + sync_zh.SUFFIX).is_file(), f"{zh_id(en)} has no .zh.md"


@pytest.mark.parametrize("zh", ZH_PAGES, ids=zh_id)
def test_zh_page_runs_what_the_english_page_runs(zh):
    """A zh page's front matter, executable blocks (``http``, ``pycon``, ``console``, and the
    ``bash`` blocks an integration test runs) and ``--8<--`` includes are its English
    page's, byte for byte and in the same order. The suite runs the English page's blocks;
    this proves the zh page shows those very blocks."""
    en = sync_zh.english_of(zh)
    assert en.is_file(), f"{zh_id(zh)} translates no page: there is no {zh_id(en)}"
    problems = sync_zh.differences(en, zh)
    assert not problems, (
        f"{zh_id(zh)} differs from {zh_id(en)}; run `python tests/sync_zh.py` to copy the "
        "English blocks over, then translate any prose it marks:\n" + "\n".join(problems)
    )


def prose_figures(path) -> Counter:
    """The numbers in a page's prose: outside code blocks, includes, attributes and images."""
    text = re.sub(
        r"```.*?```|--8<--[^\n]*|\{[^}\n]*\}|\([^)\s]*\.(?:svg|png)\)",
        "",
        path.read_text(encoding="utf-8"),
        flags=re.S,
    )
    return Counter(re.findall(r"\d+(?:\.\d+)?", text))


@pytest.mark.parametrize("name", ["performance", "robustness"])
def test_zh_figures_pages_state_the_english_figures(name):
    """The pages of measured figures (the bench's, the robustness suite's) state them in
    prose, and tests check the English sentences: the zh page states the same numbers, no
    more, no fewer, so a new run cannot leave the Chinese page with the old ones."""
    docs = lessons.ROOT / "docs"
    assert prose_figures(docs / f"{name}.zh.md") == prose_figures(docs / f"{name}.md")


SECTION_IDS = [re.sub(r"[^a-z ]", "", s.lower()).replace(" ", "-") for s in SECTIONS]


@pytest.mark.parametrize("zh", ZH_LESSONS, ids=zh_id)
def test_zh_lesson_keeps_the_section_anchors(zh):
    """A zh lesson has the six sections, under the English anchors (``## 代码 {#the-code}``),
    so a link to a section works in both editions, and names only tests that exist."""
    text = zh.read_text(encoding="utf-8")
    missing = [i for i in SECTION_IDS if not re.search(rf"^## .+ \{{#{i}\}}$", text, re.M)]
    assert not missing, f"{zh_id(zh)} has no ## heading with the anchors {missing}"
    assert not lessons.missing_tests(lessons.read_page(zh))


@pytest.mark.parametrize("example", EXAMPLES)
def test_listed_on_the_zh_home_page(example):
    """A lesson row in docs/index.zh.md too, linking the page as the English home does (the
    zh edition shows the zh page, or the English one until it is translated)."""
    link = f"lessons/{lessons.page_for(example).name}"
    row = rf"^\| {example[:2]} \| \[[^]]+\]\({re.escape(link)}\) \| .+ \|$"
    text = (lessons.ROOT / "docs" / "index.zh.md").read_text(encoding="utf-8")
    assert re.search(row, text, re.MULTILINE), "no row in docs/index.zh.md"


# ---------------------------------------------------------------- the study notes' map

SEEDS = lessons.ROOT.parent / "shared" / "seeds"
NOTES_MAP = ("notes-map.zh.md", "notes-map.md")


def seed_headings(text: str) -> list[str]:
    """A seed's section headings: its ``###`` lines outside code fences or, in the notes
    that number their sections in running text, the numbers (``5.3``, ``6``, ``7``)."""
    headings, fenced = [], False
    for line in text.splitlines():
        fenced ^= line.lstrip().startswith("```")
        if not fenced and line.startswith("### "):
            headings.append(line[4:].strip())
    if headings:
        return headings
    numbered = re.findall(r"^(\d+(?:\.\d+)?)\.? ", text, re.M)
    return numbered + re.findall(r"(?<=\S )(\d+)\. (?=\S)", text)  # "4. Templates 5. The"


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
@pytest.mark.parametrize("name", NOTES_MAP)
def test_every_heading_of_the_notes_is_on_the_map(seed, name):
    """Each section of the study notes has a row on the map, titled as the notes title it:
    a ``###`` heading word for word, a numbered one by its number and the words after it."""
    rows = re.findall(r"^\| (.+?) \| ", (lessons.ROOT / "docs" / name).read_text(), re.M)
    text = seed.read_text(encoding="utf-8")
    missing = []
    for heading in seed_headings(text):
        if heading[0].isdigit():
            row = next((r for r in rows if re.match(rf"{re.escape(heading)}\.? ", r)), None)
            if row is None or row not in text:
                missing.append(heading)
        elif heading not in rows:
            missing.append(heading)
    assert seed_headings(text), f"no headings found in {seed.name}"
    assert missing == [], f"docs/{name} has no row for {missing}"


@pytest.mark.parametrize("name", NOTES_MAP)
def test_the_notes_map_links_resolve(name):
    """Every link on the map names a lesson page and a section it has."""
    text = (lessons.ROOT / "docs" / name).read_text(encoding="utf-8")
    links = re.findall(r"\]\((lessons/[^)#]+)(?:#([\w-]+))?\)", text)
    assert links
    broken = []
    for path, anchor in links:
        page = lessons.ROOT / "docs" / path
        slugs = (
            {
                re.sub(r"[^\w\s-]", "", h.lower()).strip().replace(" ", "-")
                for h in re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), re.M)
            }
            if page.is_file()
            else set()
        )
        if not page.is_file() or (anchor and anchor not in slugs):
            broken.append(f"{path}#{anchor}")
    assert broken == []
