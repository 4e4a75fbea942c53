"""The built site in Chromium, as an instructor uses it: offline, at a projector's 1024x768.

The site must be built in site/ first: `nox -s browser` builds it, then runs these tests.
Pages are served from a static server on 127.0.0.1; a request for any other host fails the
page, so does a console error. The slide decks are checked slide by slide. Both editions are
checked alike: the English one at the site's root, the Chinese one under zh/ (mkdocs.yml's
i18n plugin); a page not translated yet is the English page in the zh edition.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

import lessons
from browser import local_only

pytestmark = pytest.mark.browser

SITE = lessons.ROOT / "site"
DOCS = lessons.ROOT / "docs"
PROJECTOR = {"width": 1024, "height": 768}
# A translation is NN-topic.zh.md beside NN-topic.md: the same page, in another edition.
TRANSLATION = re.compile(r"\.[a-z]{2}\.md$")
LESSONS = sorted(p.stem for p in (DOCS / "lessons").glob("*.md") if not TRANSLATION.search(p.name))
PAGES = [
    "" if p == Path("index.md") else f"{p.with_suffix('').as_posix()}/"
    for p in sorted(p.relative_to(DOCS) for p in DOCS.rglob("*.md"))
    if p.parent.name != "performance"  # results.md is included, not a page
    and not TRANSLATION.search(p.name)
]
# mkdocs.yml's !!python/name tags need not resolve to read its nav.
yaml.SafeLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
CONFIG = yaml.safe_load((lessons.ROOT / "mkdocs.yml").read_text())
I18N = next(p["i18n"] for p in CONFIG["plugins"] if isinstance(p, dict) and "i18n" in p)
# Each edition's language and the folder its pages are under: {"en": "", "zh": "zh/"}.
EDITIONS = {
    lang["locale"]: "" if lang.get("default") else f"{lang['locale']}/"
    for lang in I18N["languages"]
}
EDITION_PAGES = [
    pytest.param(prefix + path, id=f"{locale}:{path or 'home'}")
    for locale, prefix in EDITIONS.items()
    for path in PAGES
]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url():
    """The built site on a free port of 127.0.0.1, for the whole session."""
    if not (SITE / "index.html").exists():
        pytest.fail("no built site in site/: run `nox -s browser` (it builds it) or `nox -s docs`")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def visit(browser, site_url):
    """Open a path of the site; returns the page and the problems seen while it loaded."""
    contexts = []

    def visit(path: str, viewport: dict = PROJECTOR):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        problems: list[str] = []
        local_only(context, problems)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        # "load": the page is parsed and its scripts, styles and images are in. (Waiting for
        # "networkidle" alone once returned while lesson 06 was still being parsed, and
        # waiting for it after "load" cost half a second a page for nothing.)
        page.goto(site_url + path, wait_until="load")
        return page, problems

    yield visit
    for context in contexts:
        context.close()


def deck(page, path: str):
    """Open a lesson's deck and wait until its slides are laid out."""
    page.goto(path)
    page.wait_for_selector("#deck[data-ready]", state="attached")
    return int(page.get_attribute("#deck", "data-slides"))


# ---------------------------------------------------------------- every page, offline


@pytest.mark.parametrize("path", [p for p in EDITION_PAGES if "lessons/" not in p.values[0]])
def test_page_loads_offline(visit, path):
    """Every page but the lessons (below, with their decks), in both editions, loads with
    nothing from another host, no error, nothing missing."""
    page, problems = visit(path)
    assert problems == []
    assert "--8<--" not in page.content(), "an include was not expanded"


def test_a_request_to_another_host_is_stopped_and_noted(browser, site_url):
    """What every browser test relies on (tests/browser.py's ``local_only``): a request to
    another host, or to a name that only starts like 127.0.0.1, is aborted and noted; the
    site's own requests go through."""
    context = browser.new_context()
    problems: list[str] = []
    local_only(context, problems)
    page = context.new_page()
    page.goto(site_url, wait_until="load")
    fetch = "url => fetch(url).then(r => r.status, () => 'aborted')"
    others = ["http://203.0.113.9/x.css", "http://127.0.0.1.evil.example/"]
    assert [page.evaluate(fetch, url) for url in [site_url, *others]] == [200, *["aborted"] * 2]
    context.close()
    assert problems == [f"request to another host: {url}" for url in others]


@pytest.mark.parametrize("locale", EDITIONS)
def test_every_page_has_a_language_switch(locale):
    """Every page of an edition says its language and links to the same page in every
    edition (the theme's language switch), by a relative link that works offline."""
    prefix, wrong = EDITIONS[locale], []
    for path in PAGES:
        file = target_file("/" + prefix + path)
        html = file.read_text()
        if f'<html lang="{locale}"' not in html:
            wrong.append(f"{prefix}{path}: not lang={locale}")
        for other, other_prefix in EDITIONS.items():
            links = re.findall(
                rf'<a href="([^"]*)" hreflang="{other}" class="md-select__link"', html
            )
            want = target_file("/" + other_prefix + path)
            found = [urlsplit(urljoin("http://site/" + prefix + path, h)).path for h in links]
            if [target_file(f) for f in found] != [want]:
                wrong.append(f"{prefix}{path}: switch to {other} is {links}")
    assert wrong == []


def test_no_web_fonts_or_cdn_in_the_build():
    """No built page or stylesheet names another host for a script, style, font or image."""
    loads = re.compile(r"""(?:src=|<link [^>]*href=|@import |url\()["']?(https?:)?//""")
    offenders = [
        str(f.relative_to(SITE))
        for f in [*SITE.rglob("*.html"), *SITE.rglob("*.css")]
        if loads.search(f.read_text(errors="replace"))
    ]
    assert offenders == []


class Links(HTMLParser):
    """The ids a page defines, and the URLs it links to or loads."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for name in ("href", "src"):
            if attrs.get(name) and tag in ("a", "img", "script", "link", "source"):
                self.urls.append(attrs[name])


@functools.cache
def parsed(file: Path) -> Links:
    links = Links()
    links.feed(file.read_text())
    return links


def target_file(url_path: str) -> Path:
    path = SITE / unquote(url_path).lstrip("/")
    return path / "index.html" if url_path.endswith("/") or path.is_dir() else path


def test_links_and_anchors():
    """Every link and asset of every built page (decks too) exists, and so does its anchor."""
    broken = []
    for file in sorted(SITE.rglob("*.html")):
        if file.name == "404.html":  # served for any missing path, so its links are absolute
            continue
        base = "http://site/" + file.relative_to(SITE).as_posix()
        for url in parsed(file).urls:
            full = urlsplit(urljoin(base, url))
            if full.scheme in ("mailto", "data") or full.hostname != "site":
                continue  # the Read more links to the official docs are for readers online
            target = target_file(full.path)
            if not target.is_file():
                broken.append(f"{file.relative_to(SITE)}: {url} (no {target.relative_to(SITE)})")
            elif full.fragment and unquote(full.fragment) not in parsed(target).ids:
                broken.append(f"{file.relative_to(SITE)}: {url} (no such anchor)")
    assert broken == []


# ---------------------------------------------------------------- lesson pages


def section_code(page, heading_id: str) -> list[dict]:
    """Each code block of a page's ``##`` section: its text and whether it scrolls sideways."""
    return page.evaluate(
        """id => {
            const blocks = [];
            let node = document.getElementById(id).nextElementSibling;
            for (; node && node.tagName !== "H2"; node = node.nextElementSibling) {
                for (const code of node.querySelectorAll("pre > code")) {
                    const scrolls = code.scrollWidth > code.clientWidth;
                    blocks.push({text: code.innerText, scrolls});
                }
            }
            return blocks;
        }""",
        heading_id,
    )


def nav_titles(locale: str = "en") -> list[str]:
    """The lessons' titles in mkdocs.yml's nav, in an edition's language."""
    entries = [next(iter(e.items())) for e in CONFIG["nav"]]
    titles = [title for title, page in entries if str(page).startswith("lessons/")]
    return [translated(title, locale) for title in titles]


def translated(title: str, locale: str) -> str:
    """A nav title as the edition shows it (the i18n plugin's nav_translations)."""
    lang = next(lang for lang in I18N["languages"] if lang["locale"] == locale)
    return (lang.get("nav_translations") or {}).get(title, title)


def test_nav_lists_every_lesson_once():
    """An explicit nav: every lesson page once, titled; no title twice, none the site's name."""
    pages, titles = [], []

    def walk(entries):
        for entry in entries:
            (title, value), *_ = entry.items()
            titles.append(title)
            walk(value) if isinstance(value, list) else pages.append(value)

    walk(CONFIG["nav"])
    assert sorted(p for p in pages if p.startswith("lessons/")) == [
        f"lessons/{lesson}.md" for lesson in LESSONS
    ]
    assert len(set(pages)) == len(pages)
    assert len(set(titles)) == len(titles)
    assert CONFIG["site_name"] not in titles
    for locale in EDITIONS:
        shown = [translated(title, locale) for title in titles]
        assert len(set(shown)) == len(shown), locale
        if locale != "en":  # every title translated: a zh reader meets no English nav
            assert [t for t in titles if translated(t, locale) == t] == [], locale


@pytest.mark.parametrize("locale", EDITIONS)
def test_lesson_list_one_click_away(visit, locale):
    """At 1024x768 the menu button shows every lesson at once, each ready to click."""
    page, _ = visit(f"{EDITIONS[locale]}lessons/07-view-decorators/")
    page.click('label.md-header__button[for="__drawer"]')
    page.wait_for_timeout(400)  # the drawer slides in
    for title in nav_titles(locale):
        link = page.locator(".md-nav--primary a.md-nav__link", has_text=title).first
        box = link.bounding_box()
        assert link.is_visible(), title
        assert box, title
        assert box["y"] >= 0, title
        assert box["y"] + box["height"] <= PROJECTOR["height"], title


@pytest.mark.parametrize(("locale", "word"), [("en", "blueprint"), ("zh", "蓝图")])
def test_search_works_offline(visit, locale, word):
    """Search finds a word of the edition's language (Chinese is cut into words at build
    time, mkdocs.yml's search separator)."""
    page, problems = visit(EDITIONS[locale])
    # The index is built in a web worker from the site's search_index.json: slow on a busy
    # machine, so allow it time. A query typed before it is ready is dropped: wait until the
    # theme says "Type to start searching" (in the edition's language), then type.
    page.wait_for_function(
        """() => document.querySelector(".md-search-result__meta").textContent.trim() ===
            JSON.parse(document.getElementById("__config").textContent)
                .translations["search.result.placeholder"]""",
        timeout=60_000,
    )
    page.fill("input.md-search__input", word)  # in the header at 1024 px
    page.press("input.md-search__input", "End")  # the theme reads the query on a keyup
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    assert page.locator(".md-search-result__item").count() > 0
    assert problems == []


@pytest.mark.parametrize("locale", EDITIONS)
def test_diagram_drawn_from_the_site(visit, locale):
    """Lesson 06's sequence diagram is drawn (Mermaid from the site), not shown as text."""
    page, problems = visit(f"{EDITIONS[locale]}lessons/06-request-lifecycle/")
    # The theme swaps each <pre class="mermaid"> for a <div> (a closed shadow root holding
    # the drawing) only once Mermaid has drawn it.
    page.wait_for_function(
        "() => document.querySelector('div.mermaid') && !document.querySelector('pre.mermaid')",
        timeout=20_000,
    )
    assert page.locator("div.mermaid").first.bounding_box()["height"] > 200
    assert page.locator("pre.mermaid").count() == 0
    assert problems == []


# ---------------------------------------------------------------- decks

SLIDE_STATE = """() => {
    const slide = document.querySelector(".slide.current");
    const code = [...slide.querySelectorAll("pre > code")];
    return {
        hash: location.hash,
        tall: slide.scrollHeight - slide.clientHeight,
        wide: slide.scrollWidth - slide.clientWidth,
        codeWide: code.filter(c => c.scrollWidth > c.clientWidth).length,
        trimmed: slide.querySelectorAll(".trimmed").length,
    };
}"""
# The same for every slide in turn, going on with the deck's own PageDown handler (in one
# call: a round trip per slide cost a second a deck; test_deck_keys presses real keys).
EVERY_SLIDE_STATE = f"""(count) => {{
    const state = {SLIDE_STATE};
    const states = [];
    for (let n = 0; n < count; n++) {{
        states.push(state());
        document.dispatchEvent(new KeyboardEvent("keydown", {{key: "PageDown"}}));
    }}
    return states;
}}"""


@pytest.mark.parametrize("locale", EDITIONS)
@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_page_and_deck(visit, lesson, locale):
    """At 1024x768: *The code* shows its listings, none empty or scrolling sideways; the page
    links to its deck; every slide fits with nothing scrolled or cut; and the deck is the
    page: the same headings in order, and every code line of the page, split but none lost.
    Each edition has its own decks (zh/slides/ for the Chinese pages)."""
    prefix = EDITIONS[locale]
    page, problems = visit(f"{prefix}lessons/{lesson}/")
    blocks = section_code(page, "the-code")
    assert blocks, "no code listing in The code"
    assert [b for b in blocks if not b["text"].strip()] == []
    assert [b["text"][:60] for b in blocks if b["scrolls"]] == []
    headings = page.eval_on_selector_all(
        "article :is(h1, h2, h3)", "hs => hs.map(h => h.textContent.replace('¶', '').trim())"
    )
    code = page.eval_on_selector_all(
        "article pre:not(.mermaid) > code", "cs => cs.map(c => c.textContent).join('')"
    )
    link = page.locator("article .slides-link a")
    assert link.is_visible()
    link.click()
    page.wait_for_selector("#deck[data-ready]", state="attached")
    assert page.url.split("#")[0].endswith(f"/{prefix}slides/{lesson}/")
    assert page.get_attribute("html", "lang") == locale
    count = int(page.get_attribute("#deck", "data-slides"))
    states = page.evaluate(EVERY_SLIDE_STATE, count)
    assert [state["hash"] for state in states] == [f"#{n}" for n in range(1, count + 1)]
    bad = [
        (number, state)
        for number, state in enumerate(states, 1)
        if state["tall"] > 0 or state["wide"] > 0 or state["codeWide"] or state["trimmed"]
    ]
    assert bad == []
    deck_headings = page.eval_on_selector_all(
        ".slide .md-typeset > :is(h1, h2, h3):not(.continued)",
        "hs => hs.map(h => h.textContent.trim())",
    )
    assert deck_headings == headings
    deck_code = page.eval_on_selector_all(
        ".slide pre > code", "cs => cs.map(c => c.textContent).join('')"
    )
    assert deck_code == code
    assert problems == []


def test_a_picture_that_comes_late_still_fits_its_slide(browser, site_url):
    """The deck lays its slides out once the pictures are in: lesson 04's screenshot, held
    back a second and a half, still fits the slide it is on (it overflowed its slide when
    the deck did not wait, as it can on a busy machine)."""
    context = browser.new_context(viewport=PROJECTOR)
    problems: list[str] = []
    local_only(context, problems)
    held = []
    context.route("**/*.png", lambda route: held.append(route))  # answered after the wait
    page = context.new_page()
    page.goto(site_url + "slides/04-request-context/", wait_until="domcontentloaded")
    page.wait_for_timeout(1500)
    assert held, "the screenshot was never asked for"
    for route in held:
        route.fallback()  # on to local_only
    page.wait_for_selector("#deck[data-ready]", state="attached")
    page.wait_for_function("() => [...document.images].every(img => img.complete)")
    states = page.evaluate(EVERY_SLIDE_STATE, int(page.get_attribute("#deck", "data-slides")))
    context.close()
    assert [(n, s) for n, s in enumerate(states, 1) if s["tall"] > 0 or s["wide"] > 0] == []
    assert problems == []


def test_deck_keys(visit, site_url):
    """Arrows, Space, Page Up and Page Down, Home and End move through the deck."""
    page, _ = visit("")
    count = deck(page, f"{site_url}slides/01-routing/")
    moves = [
        ("ArrowRight", 2),
        ("Space", 3),
        ("ArrowDown", 4),
        ("PageUp", 3),
        ("Shift+Space", 2),
        ("ArrowLeft", 1),
        ("ArrowLeft", 1),
        ("PageDown", 2),
        ("ArrowUp", 1),
        ("End", count),
        ("ArrowRight", count),
        ("Home", 1),
    ]
    for key, expected in moves:
        page.keyboard.press(key)
        assert page.evaluate("location.hash") == f"#{expected}", key
        assert page.locator(".slide.current").count() == 1
    page.goto(f"{site_url}slides/01-routing/#3")
    page.wait_for_selector("#deck[data-ready]", state="attached")
    assert page.text_content("#count") == f"3 / {count}"


# ---------------------------------------------------------------- plots


def test_plots_readable_on_a_projector_and_in_dark_mode(visit):
    """The Performance plots are SVG with labels at least the body's size at 1024 px, on a
    transparent background that dark mode inverts, with PASS and MISS written on them."""
    page, problems = visit("performance/")
    plots = page.eval_on_selector_all(
        "article img",
        "imgs => imgs.map(i => ({src: i.getAttribute('src'), loaded: i.naturalWidth > 0,"
        " width: i.getBoundingClientRect().width, plot: i.classList.contains('plot')}))",
    )
    body = float(page.eval_on_selector("article p", "p => getComputedStyle(p).fontSize")[:-2])
    assert len(plots) >= 6
    for plot in plots:
        assert plot["src"].endswith(".svg"), plot
        assert plot["loaded"], plot
        assert plot["plot"], plot
        svg = (SITE / "performance" / plot["src"]).resolve().read_text()
        view_width = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ', svg)[1])
        sizes = [float(s) for s in re.findall(r"font-size: ?([\d.]+)px", svg)]
        assert sizes, f"{plot['src']}: text drawn as paths"
        smallest = min(sizes) * plot["width"] / view_width
        assert smallest >= 0.95 * body, f"{plot['src']}: labels {smallest:.1f}px, body {body}px"
        background = re.search(r'<g id="patch_1">\s*<path d="[^"]*" style="([^"]*)"', svg)
        assert background is None or "fill: #ffffff" not in background[1], plot["src"]
        assert "PASS" in svg or "MISS" in svg, plot["src"]
    page.click('form[data-md-component="palette"] label:visible')
    page.wait_for_timeout(300)
    filters = page.eval_on_selector_all(
        "article img.plot", "imgs => imgs.map(i => getComputedStyle(i).filter)"
    )
    assert all("invert" in f for f in filters), filters
    assert problems == []
