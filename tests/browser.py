"""Chromium for the browser tests (tests/test_site.py, tests/test_browser.py), in one place.

Debian's Chromium where one is on the PATH (`apt-get install chromium`; .ci/run installs
it), else Playwright's own build, downloaded once by `playwright install chromium`. Either
way it is kept off the network: no background updates, sync or first-run pages, and every
page it opens is routed through ``local_only``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys

ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def launch():
    """A headless Chromium until the block ends."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:  # a fresh machine without Debian's: Playwright's own build
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=True)
    args = ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])  # root has no sandbox
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=args)
        try:
            yield chromium
        finally:
            chromium.close()


def local_only(context, problems: list[str], hosts=("127.0.0.1",)) -> None:
    """Let the context's pages reach ``hosts`` only; note and abort any other request.

    The pattern matches only the other hosts' URLs, so Playwright lets a request to
    ``hosts`` through itself: sending every request to Python and back cost a core-second
    per page. (A route a test adds later, for a page of another site, still comes first.)"""
    allowed = "|".join(re.escape(host) for host in hosts)
    others = re.compile(rf"^(?!https?://(?:{allowed})(?::\d+)?(?:[/?#]|$))")

    def route(route):
        problems.append(f"request to another host: {route.request.url}")
        route.abort()

    context.route(others, route)
