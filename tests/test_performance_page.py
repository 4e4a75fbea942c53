"""The Performance page's prose, claim by claim, against the results it describes.

docs/performance.md includes the bench's own table, but its sentences state figures and
comparisons too. Each one is here as the exact words on the page and a check on the
committed docs/performance/results.json: a new bench run that changes a figure fails this
until the page says what the new run measured.
"""

import inspect
import json
import re

import pytest
import werkzeug.serving
import werkzeug.wsgi

import lessons

PAGE = re.sub(r"\s+", " ", (lessons.ROOT / "docs" / "performance.md").read_text())
RESULTS = json.loads((lessons.ROOT / "docs" / "performance" / "results.json").read_text())
HELLO, BLOG = "hello world", "flaskr blog index (lesson 14)"
DEV, WAITRESS, WAITRESS_8 = (
    "flask run (dev server)",
    "waitress (4 threads, default)",
    "waitress (8 threads)",
)
GUNICORN, GUNICORN_THREADS = "gunicorn -w 2 (sync)", "gunicorn -w 2 --threads 4"
SERVERS = (DEV, WAITRESS, GUNICORN)


def served(page: str, server: str) -> dict:
    return RESULTS["servers"]["table"][f"{page} | {server}"]


def download(server: str, view: str) -> dict:
    return RESULTS["downloads"]["table"][f"{server} | {view}"]


def rps(page: str, server: str) -> float:
    return served(page, server)["rps"]


def speed(server: str, view: str) -> float:
    return download(server, view)["MB_per_s"]


def caching(where: str, label: str) -> float:
    figures = RESULTS["caching"]["in_process_rps" if where == "in-process" else "waitress"]
    return figures[label] if where == "in-process" else figures[label]["rps"]


def gain(where: str, label: str) -> float:
    """How many times the uncached rate ``label`` reaches (the figures a page sentence names)."""
    return caching(where, label) / caching(where, "uncached")


FILE_MiB = RESULTS["downloads"]["size_MiB"]
STARTUP = RESULTS["startup_ms"]
SUITE = RESULTS["suite_s"]

CLAIMS = {
    # Servers
    "serves about three times the dev server's hello-world requests": lambda: (
        2.5 <= rps(HELLO, GUNICORN) / rps(HELLO, DEV) < 3.5
    ),
    "with a p99 under 10 ms": lambda: served(HELLO, GUNICORN)["p99_ms"] < 10,
    "show both cores busy (wrk included) under gunicorn": lambda: all(
        served(BLOG, s)["cpu_pct"] >= 90 for s in (GUNICORN, GUNICORN_THREADS)
    ),
    "threads add latency": lambda: all(
        served(p, GUNICORN_THREADS)["p99_ms"] > served(p, GUNICORN)["p99_ms"] for p in (HELLO, BLOG)
    ),
    "(about 20,000 in this run, counted in `results.json`)": lambda: (
        18_000 <= RESULTS["servers"]["waitress_queue_warnings"][WAITRESS] <= 22_000
    ),
    "it then does worse than the dev server": lambda: rps(BLOG, WAITRESS) < rps(BLOG, DEV),
    "with a p99 in the hundreds of milliseconds": lambda: (
        100 <= served(BLOG, WAITRESS)["p99_ms"] < 1000
    ),
    "help, and still trail gunicorn's processes": lambda: (
        rps(BLOG, WAITRESS) < rps(BLOG, WAITRESS_8) < rps(BLOG, GUNICORN)
    ),
    # Downloads
    "as fast as nginx in this run and with flat memory": lambda: (
        speed(GUNICORN, "send_file")
        >= 0.95 * RESULTS["downloads"]["table"]["nginx (static)"]["MB_per_s"]
        and download(GUNICORN, "send_file")["rss_growth_MiB"] <= 5
    ),
    "it is the only view that answers Range requests": lambda: all(
        download(s, v)["range"] == (v == "send_file")
        for s in SERVERS
        for v in ("send_file", "read()", "generator")
    ),
    "Under waitress it is slower, and memory stays within 2 % of the file's size": lambda: (
        speed(WAITRESS, "send_file") < speed(GUNICORN, "send_file")
        and download(WAITRESS, "send_file")["rss_growth_MiB"] <= 0.02 * FILE_MiB
    ),
    "The generator streams with flat memory too": lambda: all(
        download(s, "generator")["rss_growth_MiB"] <= 25 for s in SERVERS
    ),
    "reaches its 1.2 GB/s target under gunicorn with little to spare": lambda: (
        1200 <= speed(GUNICORN, "generator") < 1.25 * 1200
    ),
    "sends `send_file`'s file in 8 KiB blocks": lambda: (
        inspect.signature(werkzeug.wsgi.wrap_file).parameters["buffer_size"].default == 8192
        and "wsgi.file_wrapper" not in inspect.getsource(werkzeug.serving)
    ),
    "is faster with it than with `send_file`": lambda: (
        speed(DEV, "generator") > speed(DEV, "send_file")
    ),
    "the dev server and gunicorn grew by exactly the file's size": lambda: all(
        abs(download(s, "read()")["rss_growth_MiB"] - FILE_MiB) <= 0.01 * FILE_MiB
        for s in (DEV, GUNICORN)
    ),
    "and waitress by twice that, two copies of the file at once": lambda: (
        abs(download(WAITRESS, "read()")["rss_growth_MiB"] - 2 * FILE_MiB) <= 0.02 * FILE_MiB
    ),
    # Caching
    "(waitress used 5 % of it here)": lambda: (
        round(RESULTS["caching"]["waitress"]["uncached"]["cpu_pct"]) == 5
    ),
    "matches that prediction within a few percent": lambda: (
        abs(caching("waitress", "uncached") / RESULTS["caching"]["littles_law_rps"] - 1) <= 0.05
    ),
    f"gains {gain('waitress', 'cached'):.0f}× over waitress and "
    f"{gain('in-process', 'cached'):.0f}× in-process here, short of the 25× and 100× targets": (
        lambda: gain("waitress", "cached") < 25 and gain("in-process", "cached") < 100
    ),
    f"would gain {gain('in-process', 'cached view'):.0f}× in-process": lambda: (
        gain("in-process", "cached view") > gain("in-process", "cached")
    ),
    f"bounds the in-process gain for this view at {gain('in-process', 'hello world'):.0f}×": (
        lambda: gain("in-process", "hello world") > gain("in-process", "cached view")
    ),
    # Start-up
    "A lesson's own code adds little to start-up": lambda: all(
        ms - STARTUP["hello world"] <= 30 for name, ms in STARTUP.items() if name[:2].isdigit()
    ),
    "takes about five times as long": lambda: (
        4.5
        <= STARTUP["python -c 'import flask', without .pyc"] / STARTUP["python -c 'import flask'"]
        < 5.5
    ),
    # The suite
    "The fast suite misses its 5-second target": lambda: SUITE["fast suite"] > 5,
    "`console` blocks start real processes": lambda: (
        next(iter(SUITE["breakdown"])) == "console blocks"
    ),
}


@pytest.mark.parametrize("words", CLAIMS)
def test_the_performance_page_says_what_its_results_show(words):
    assert words in PAGE, "the page no longer says this: update CLAIMS with it"
    assert CLAIMS[words](), f"results.json does not bear out: {words!r}"
