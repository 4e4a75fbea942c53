"""MkDocs hook: a slide deck for every lesson page, built from the page itself.

Each lesson's rendered page (its code already included from the lesson's files) is cut at
its ``##`` and ``###`` headings; each piece is one slide, and the title with the opening
paragraph is the first. The deck is one small HTML file, ``slides/NN-topic/index.html``,
that uses the site's own stylesheets and ``slides/slides.js`` (keys, and splitting a piece
too tall for the screen into several slides). The lesson page gets a link to its deck.

Each edition has its own decks, built from its own pages (mkdocs-static-i18n builds the
Chinese edition into ``zh/`` after the English one): ``zh/slides/NN-topic/`` is the Chinese
page cut the same way, so a class taught in Chinese sees Chinese slides. The few words the
hook writes itself are in ``WORDS``, one set per edition.
"""

from __future__ import annotations

import glob
import html as htmlmod
import posixpath
import re
from pathlib import Path

DECKS: dict[str, dict] = {}  # lesson slug -> {"title", "html", "url"}, filled while pages render
HEADING = re.compile(r"(?=<h[23][ >])")
PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>')
MERMAID = re.compile(r'<pre class="mermaid"><code>(.*?)</code></pre>', re.S)
URL_ATTR = re.compile(r'\b(href|src)="([^"]*)"')
PRE = re.compile(r"(<pre\b.*?</pre>)", re.S)  # code listings: text, never links to rebase
# The hook's own words, per edition (theme.language, which the i18n plugin sets per edition).
WORDS = {
    "en": {
        "link": "Present this lesson as slides",
        "keys": "(arrow keys, Space, Page Up and Page Down move between slides)",
        "slides": "slides",
        "prev": "Previous slide",
        "next": "Next slide",
        "page": "the page",
    },
    "zh": {
        "link": "用幻灯片讲这一课",
        "keys": "（方向键、空格、Page Up 和 Page Down 在幻灯片之间移动）",
        "slides": "幻灯片",
        "prev": "上一张",
        "next": "下一张",
        "page": "回到本课页面",
    },
}


def is_lesson(page) -> bool:
    return page.file.src_uri.startswith("lessons/")


def edition(config) -> str:
    """The language of the edition being built: ``en``, or ``zh`` while the plugin builds
    the Chinese one."""
    return config.theme.get("language") or "en"


def deck_url(slug: str, language: str = "en") -> str:
    """Where a lesson's deck goes: ``slides/NN-topic/``, ``zh/slides/NN-topic/``."""
    return f"slides/{slug}/" if language == "en" else f"{language}/slides/{slug}/"


def lesson_slug(page) -> str:
    """``NN-topic`` for ``lessons/NN-topic.md`` and for its translation ``NN-topic.zh.md``."""
    return Path(getattr(page.file, "norm_src_uri", page.file.src_uri)).stem


def on_pre_build(config):
    DECKS.clear()  # `mkdocs serve` rebuilds: forget pages that are gone


def on_page_content(html, page, config, files):
    """Remember a lesson's content for its deck, and put a link to the deck under its title."""
    if not is_lesson(page):
        return html
    slug, language = lesson_slug(page), edition(config)
    DECKS[slug] = {"title": page.title, "html": html, "url": page.url, "language": language}
    href = posixpath.relpath(deck_url(slug, language), page.url)
    words = WORDS[language]
    link = f'<p class="slides-link"><a href="{href}/">{words["link"]}</a> {words["keys"]}</p>'
    return re.sub(r"(</h1>)", r"\1\n" + link, html, count=1)


def rebase(html: str, page_url: str, deck: str) -> str:
    """Make the page's relative links and images work from the deck's folder."""

    def fix(match: re.Match) -> str:
        attr, value = match.groups()
        if re.match(r"^([a-z]+:|/|data:)", value):
            return match[0]
        path, _, fragment = value.partition("#")
        target = posixpath.normpath(posixpath.join(page_url, path)) if path else page_url
        new = posixpath.relpath(target, deck)
        if path.endswith("/") or not path:
            new += "/"
        return f'{attr}="{new}{"#" + fragment if fragment else ""}"'

    pieces = PRE.split(html)  # odd pieces are <pre> blocks: a template's href stays as written
    return "".join(p if n % 2 else URL_ATTR.sub(fix, p) for n, p in enumerate(pieces))


def sections(html: str) -> list[str]:
    """The title piece, then one piece per ``##`` or ``###`` heading."""
    html = PERMALINK.sub("", html)
    html = MERMAID.sub(r'<div class="mermaid">\1</div>', html)
    return [piece.strip() for piece in HEADING.split(html) if piece.strip()]


def stylesheets(site_dir: Path) -> list[str]:
    """The theme's built stylesheets (their names carry a hash), then the site's own."""
    theme = sorted(glob.glob("assets/stylesheets/*.min.css", root_dir=site_dir))
    return [*theme, "stylesheets/extra.css", "slides/slides.css"]


def render(slug: str, deck: dict, site_dir: Path) -> str:
    language = deck["language"]
    words = WORDS[language]
    here = deck_url(slug, language)
    root = posixpath.relpath(".", here)
    body = rebase(deck["html"], deck["url"], here)
    slides = "\n".join(f'<section class="source">\n{piece}\n</section>' for piece in sections(body))
    links = "\n".join(
        f'<link rel="stylesheet" href="{root}/{css}">' for css in stylesheets(site_dir)
    )
    scripts = [f"{root}/slides/slides.js"]
    if 'class="mermaid"' in slides:
        scripts.insert(0, f"{root}/assets/mermaid/mermaid.min.js")
    page = posixpath.relpath(deck["url"], here) + "/"
    title = htmlmod.escape(deck["title"])
    return f"""<!doctype html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · {words["slides"]}</title>
{links}
</head>
<body data-md-color-scheme="default" data-md-color-primary="indigo">
<main id="deck" data-page="{page}">
{slides}
</main>
<nav id="controls" aria-label="{words["slides"]}">
<button type="button" id="prev" aria-label="{words["prev"]}">&larr;</button>
<span id="count"></span>
<button type="button" id="next" aria-label="{words["next"]}">&rarr;</button>
<a href="{page}">{words["page"]}</a>
</nav>
{"".join(f'<script src="{s}"></script>' for s in scripts)}
</body>
</html>
"""


def on_post_build(config):
    site_dir = Path(config.site_dir)
    for slug, deck in sorted(DECKS.items()):
        out = site_dir / deck_url(slug, deck["language"]) / "index.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(slug, deck, site_dir))
