"""MkDocs hook: small changes to built pages that keep the site offline and readable.

- A page with a Mermaid diagram loads Mermaid from the site (docs/assets/mermaid/); the
  theme would otherwise fetch it from a CDN. Only those pages pay for its 3.5 MB.
- PASS and MISS in a table cell (the bench's target table) are coloured, and stay written.
"""

from __future__ import annotations

import posixpath
import re

MERMAID = "assets/mermaid/mermaid.min.js"
VERDICT = re.compile(r"<td>(PASS|MISS)</td>")


def on_page_content(html, page, config, files):
    """Colour each PASS or MISS table cell; the word stays for readers who see no colour."""
    return VERDICT.sub(lambda m: f'<td><strong class="{m[1].lower()}">{m[1]}</strong></td>', html)


def on_post_page(output, page, config):
    """Give a page that draws a diagram the site's own copy of Mermaid, before the theme runs."""
    if 'class="mermaid"' not in output:
        return output
    src = posixpath.relpath(MERMAID, posixpath.dirname(page.url) or ".")
    return output.replace("</head>", f'<script src="{src}"></script>\n</head>', 1)
