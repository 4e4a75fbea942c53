"""MkDocs hook: the two editions (English at the site's root, Chinese under zh/) offline.

The i18n plugin (mkdocs.yml) points each page's language switch, in the header, at the same
page in the other edition, by a relative link. The theme also lists those links in the
page's head, and its script then fetches a ``sitemap.xml`` beside each of them (made for
sites whose alternates are edition roots): here every such fetch is a 404 and a console
error. Without the head links the switch is plain links, which work offline.
"""

from __future__ import annotations

import re

HEAD_ALTERNATE = re.compile(r'\n?[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


def on_post_page(output, page, config):
    """Drop the head's language alternates; the header's switch keeps its links."""
    head, sep, body = output.partition("</head>")
    return HEAD_ALTERNATE.sub("", head) + sep + body
