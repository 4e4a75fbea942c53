"""The Performance page's prose, claim by claim, against the results it describes.

docs/performance.md includes the bench's own table, but its sentences state figures and
comparisons too. Each one is here as the exact words on the page and a check on the
committed docs/performance/results.json, which holds two runs of every section (A and B)
from one `nox -s bench`. A figure is stated as the mean of the two runs with their range
(bench.spread), and a direction (one contender beats another) is checked in both runs: a
new bench run that changes a figure, or measures a direction in one run only, fails this
until the page says what the new run measured. The Chinese page states the same figures.
"""

import inspect
import json
import re
import sys

import pytest
import werkzeug.serving
import werkzeug.wsgi

import lessons
import servers

sys.path.insert(0, str(lessons.ROOT / "bench"))
import measure  # noqa: E402

import bench  # noqa: E402

DOCS = lessons.ROOT / "docs"
TEXT = (DOCS / "performance.md").read_text(encoding="utf-8")
PAGE = re.sub(r"\s+", " ", TEXT)
RESULTS = json.loads((DOCS / "performance" / "results.json").read_text())
SECTIONS = {
    "servers": "Servers",
    "downloads": "Downloads",
    "caching": "Caching",
    "startup": "Start-up",
    "suite": "The suite",
}
COMPLETE = (
    RESULTS.get("partial") is False
    and RESULTS.get("sections") == list(SECTIONS)
    and all(set(RESULTS["runs"].get(run, {})) == set(SECTIONS) for run in bench.RUNS)
)
RUNS = [RESULTS["runs"][run] for run in bench.RUNS] if COMPLETE else []

HELLO, BLOG = "hello world", "flaskr blog index (lesson 14)"
DEV, WAITRESS, WAITRESS_8 = (
    "flask run (dev server)",
    "waitress (4 threads, default)",
    "waitress (8 threads)",
)
GUNICORN, GUNICORN_THREADS = "gunicorn -w 2 (sync)", "gunicorn -w 2 --threads 4"
SERVERS = (DEV, WAITRESS, GUNICORN)
PAGES = (HELLO, BLOG)
LESSONS = json.loads((lessons.ROOT / "bench" / "lessons.json").read_text())
FAST, NOX = "fast suite", "nox (default sessions)"


def both(check) -> bool:
    """A direction or a bound the page states: it must hold in run A and in run B."""
    return all(check(run) for run in RUNS)


def one_only(check) -> bool:
    """A direction the page says held in one run and not in the other."""
    return sum(bool(check(run)) for run in RUNS) == 1


def figure(value, digits: int = 1, unit: str = "") -> str:
    """A figure as the page states it: the mean of both runs and their range."""
    return bench.spread([value(run) for run in RUNS], digits, unit)


def served(run: dict, page: str, server: str) -> dict:
    return run["servers"]["table"][f"{page} | {server}"]


def rps(run: dict, page: str, server: str) -> float:
    return served(run, page, server)["rps"]


def warnings(run: dict, server: str) -> int:
    return run["servers"]["waitress_queue_warnings"][server]


def download(run: dict, server: str, view: str) -> dict:
    return run["downloads"]["table"][f"{server} | {view}"]


def speed(run: dict, server: str, view: str) -> float:
    return download(run, server, view)["MB_per_s"]


def nginx(run: dict) -> float:
    return run["downloads"]["table"]["nginx (static)"]["MB_per_s"]


def gain(run: dict, where: str, label: str) -> float:
    """How many times the uncached rate ``label`` reaches, in-process or over waitress."""
    if where == "in-process":
        rates = run["caching"]["in_process_rps"]
        return rates[label] / rates["uncached"]
    rates = run["caching"]["waitress"]
    return rates[label]["rps"] / rates["uncached"]["rps"]


def busy_runs(section: str) -> list[str]:
    return [run for run in bench.RUNS if RESULTS["runs"][run][section]["busy"]]


def startup(run: dict) -> dict[str, float]:
    return run["startup"]["ms"]


def no_pyc(run: dict) -> float:
    """How many times longer `import flask` takes without .pyc files."""
    ms = startup(run)
    return ms["python -c 'import flask', without .pyc"] / ms["python -c 'import flask'"]


def above_hello(lesson: str):
    return lambda run: startup(run)[lesson] - startup(run)["hello world"]


def slowest_two(run: dict) -> set[str]:
    ms = {name: value for name, value in startup(run).items() if name[:2].isdigit()}
    return set(sorted(ms, key=ms.get)[-2:])


def suite(job: str, layout: str, what: str = "wall_s"):
    return lambda run: run["suite"][job][layout][what]


def nox_run(layout: str, what: str = "wall_s") -> float:
    """The default nox run, timed in run A only (bench.bench_suite)."""
    return RESULTS["runs"]["A"]["suite"][NOX][layout][what]


def latency(run: dict) -> float:
    return run["caching"]["latency_ms"]


def robustness_share(run: dict) -> float:
    """The robustness tests' share of the fast suite's test time."""
    times = run["suite"]["breakdown"]
    return sum(v for k, v in times.items() if "robustness" in k) / sum(times.values())


def littles(run: dict) -> float:
    """The uncached rate over waitress as a share of Little's law's prediction."""
    return run["caching"]["waitress"]["uncached"]["rps"] / run["caching"]["littles_law_rps"]


def default(function, name: str):
    return inspect.signature(function).parameters[name].default


def source_of(path: str) -> str:
    return (lessons.ROOT / "examples" / path).read_text()


def claims() -> dict:
    """Each sentence of the page that states a figure or a comparison, and its check."""
    file_mib = RUNS[0]["downloads"]["size_MiB"]
    return {
        # How the bench measures, as the page describes it
        "wrk sends requests over 16 connections": lambda: default(measure.wrk, "connections") == 16,
        "The server's memory is sampled every 20 ms": lambda: (
            default(servers.peak_rss_growth, "interval") == 0.02
        ),
        "once the server's memory has held still for 0.2 s": lambda: (
            default(servers.settled_rss, "quiet") == 0.2
        ),
        "(50 ms of pretend work)": lambda: LESSONS["caching"]["config"]["REPORT_DELAY"] == 0.05,
        "A 512 MiB file, generated by the run": lambda: file_mib == 512,
        # Reproducing it
        "it waits up to 20 s": lambda: bench.SETTLE_S == 20,
        "judged over 3-second windows in which the bench does nothing": lambda: bench.PROBE_S == 3,
        "used more than half a core": lambda: measure.BUSY_CORES == 0.5,
        "stole more than 3 % of the CPU time": lambda: measure.BUSY_STEAL_PCT == 3,
        f"This run took {RESULTS['minutes']:.0f} minutes": lambda: RESULTS["minutes"] > 0,
        "other processes used no more than "
        f"{max(r[s]['conditions']['during']['others_cores'] for r in RUNS for s in SECTIONS):.2f}"
        " cores during any section, and no section was marked busy": lambda: all(
            not run[s]["busy"] for run in RUNS for s in SECTIONS
        ),
        # Servers
        "gunicorn's 2 sync workers, as lesson 14 deploys them, served "
        f"{figure(lambda run: rps(run, HELLO, GUNICORN) / rps(run, HELLO, DEV), 2, '×')} the dev "
        "server's rate on hello world and "
        f"{figure(lambda run: rps(run, BLOG, GUNICORN) / rps(run, BLOG, DEV), 2, '×')} on the "
        "blog page, more than 2.5× on both pages in both runs": lambda: both(
            lambda run: all(rps(run, p, GUNICORN) > 2.5 * rps(run, p, DEV) for p in PAGES)
        ),
        "its p99 latency was at most 25 ms in both runs "
        f"({figure(lambda run: served(run, BLOG, GUNICORN)['p99_ms'], 0, ' ms')})": lambda: (
            both(lambda run: served(run, BLOG, GUNICORN)["p99_ms"] <= 25)
            and all(t["pass"] for t in RESULTS["targets"] if t["section"] == "servers")
        ),
        "gunicorn's two processes also served more than waitress, one process, on both pages "
        "in both runs": lambda: both(
            lambda run: all(
                rps(run, p, GUNICORN) > max(rps(run, p, WAITRESS), rps(run, p, WAITRESS_8))
                for p in PAGES
            )
        ),
        "more requests than the sync workers in one run and fewer in the other, on both pages": (
            lambda: all(
                one_only(lambda run, p=p: rps(run, p, GUNICORN_THREADS) > rps(run, p, GUNICORN))
                for p in PAGES
            )
        ),
        "waitress served more than the dev server on both pages in both runs": lambda: both(
            lambda run: all(rps(run, p, WAITRESS) > rps(run, p, DEV) for p in PAGES)
        ),
        "(thousands in each run with 4 threads and with 8, counted in `results.json`)": (
            lambda: both(
                lambda run: warnings(run, WAITRESS) >= 1000 and warnings(run, WAITRESS_8) >= 1000
            )
        ),
        "logged fewer warnings and served more than the default 4 on hello world in both runs, "
        "but fewer on the blog page in both runs": lambda: both(
            lambda run: (
                warnings(run, WAITRESS_8) < warnings(run, WAITRESS)
                and rps(run, HELLO, WAITRESS_8) > rps(run, HELLO, WAITRESS)
                and rps(run, BLOG, WAITRESS_8) < rps(run, BLOG, WAITRESS)
            )
        ),
        # Downloads
        "in both runs the dev server and gunicorn grew by exactly the file's size": lambda: both(
            lambda run: all(
                abs(download(run, s, "read()")["rss_growth_MiB"] - file_mib) <= 0.01 * file_mib
                for s in (DEV, GUNICORN)
            )
        ),
        "and waitress by twice that, two copies of the file at once": lambda: both(
            lambda run: (
                abs(download(run, WAITRESS, "read()")["rss_growth_MiB"] - 2 * file_mib)
                <= 0.02 * file_mib
            )
        ),
        "`send_file` kept memory flat under the dev server and gunicorn": lambda: both(
            lambda run: all(
                download(run, s, "send_file")["rss_growth_MiB"] <= 5 for s in (DEV, GUNICORN)
            )
        ),
        "under waitress it grew by "
        f"{figure(lambda run: download(run, WAITRESS, 'send_file')['rss_growth_MiB'], 0, ' MiB')}"
        ", under 3 % of the file's size": lambda: both(
            lambda run: 5 < download(run, WAITRESS, "send_file")["rss_growth_MiB"] < 0.03 * file_mib
        ),
        "it is the only view that answers Range requests": lambda: both(
            lambda run: all(
                download(run, s, v)["range"] == (v == "send_file")
                for s in SERVERS
                for v in ("send_file", "read()", "generator")
            )
        ),
        "The generator streams with flat memory too": lambda: both(
            lambda run: all(download(run, s, "generator")["rss_growth_MiB"] <= 25 for s in SERVERS)
        ),
        "nginx managed "
        f"{figure(nginx, 0, ' MB/s')}"
        "; `send_file` under gunicorn reached "
        f"{figure(lambda run: speed(run, GUNICORN, 'send_file') / nginx(run), 2, '×')}"
        " of that, meeting its 70 % target in both runs, and the generator under gunicorn "
        "reached "
        f"{figure(lambda run: speed(run, GUNICORN, 'generator') / 1000, 2, ' GB/s')}"
        ", meeting its 1.2 GB/s in one run only": lambda: (
            [t["pass"] for t in RESULTS["targets"] if t["target"].startswith("send_file")]
            == [True, True]
            and [t["pass"] for t in RESULTS["targets"] if t["target"].startswith("gener")].count(
                True
            )
            == 1
        ),
        "waitress and gunicorn sent `send_file`'s file faster than the dev server": lambda: both(
            lambda run: all(
                speed(run, s, "send_file") > speed(run, DEV, "send_file")
                for s in (WAITRESS, GUNICORN)
            )
        ),
        "is faster with the generator than with `send_file`": lambda: both(
            lambda run: speed(run, DEV, "generator") > speed(run, DEV, "send_file")
        ),
        "sends `send_file`'s file in 8 KiB blocks": lambda: (
            inspect.signature(werkzeug.wsgi.wrap_file).parameters["buffer_size"].default == 8192
            and "wsgi.file_wrapper" not in inspect.getsource(werkzeug.serving)
        ),
        "writes each 1 MiB chunk of the generator straight to the socket": lambda: (
            "f.read(1024 * 1024)" in source_of("12_streaming_downloads/__init__.py")
        ),
        # Caching
        f"each busy for one request's latency ({figure(latency, 0, ' ms')} in-process)": lambda: (
            both(lambda run: 50 <= latency(run) < 60)
        ),
        f"the uncached view reached {figure(littles, 2, '×')} of that prediction, below it in "
        "both runs": lambda: both(lambda run: 0.8 <= littles(run) < 1),
        f"gained {figure(lambda run: gain(run, 'waitress', 'cached'), 0, '×')} over waitress, "
        "short of its 25× target in both runs, and "
        f"{figure(lambda run: gain(run, 'in-process', 'cached'), 0, '×')} in-process, past its "
        "100× target in both runs": lambda: both(
            lambda run: (
                gain(run, "waitress", "cached") < 25 and gain(run, "in-process", "cached") >= 100
            )
        ),
        "was lighter in both runs: the same view cached that way would gain "
        f"{figure(lambda run: gain(run, 'in-process', 'cached view'), 0, '×')} in-process": (
            lambda: both(
                lambda run: (
                    gain(run, "in-process", "cached view") > gain(run, "in-process", "cached")
                )
            )
        ),
        # Start-up
        # said in Start-up and in The suite; test_a_section_measured_on_a_busy_machine_says_so
        # checks each section's own
        "Neither run of this section was marked busy": lambda: (
            busy_runs("startup") == busy_runs("suite") == []
        ),
        f"takes about four times as long, {figure(no_pyc, 1, '×')} the time with them": lambda: (
            both(lambda run: 3.5 <= no_pyc(run) < 4.5)
        ),
        "every lesson but 07 and 14 started within 50 ms of hello world in both runs": lambda: both(
            lambda run: all(
                v - startup(run)["hello world"] < 50
                for k, v in startup(run).items()
                if k[:2].isdigit() and k[:2] not in ("07", "14")
            )
        ),
        "The two slowest in both runs were lessons 07 and 14, "
        f"{figure(above_hello('07_view_decorators'), 0, ' ms')} and "
        f"{figure(above_hello('14_packaging_and_deployment'), 0, ' ms')} above hello world": (
            lambda: (
                both(
                    lambda run: (
                        slowest_two(run) == {"07_view_decorators", "14_packaging_and_deployment"}
                    )
                )
                and not any(t["pass"] for t in RESULTS["targets"] if t["section"] == "startup")
            )
        ),
        "both hash a random password with scrypt as they start (`DUMMY_HASH`": lambda: all(
            "\nDUMMY_HASH = generate_password_hash(secrets.token_hex()" in source_of(path)
            for path in (
                "07_view_decorators/users.py",
                "14_packaging_and_deployment/flaskr/auth.py",
            )
        ),
        # The suite
        f"The fast suite took {figure(suite(FAST, 'after'), 0, ' s')} of wall time against "
        f"{figure(suite(FAST, 'before'), 0, ' s')} for the previous layout's, and "
        f"{figure(suite(FAST, 'after', 'cpu_s'), 0, ' s')} of CPU against "
        f"{figure(suite(FAST, 'before', 'cpu_s'), 0, ' s')}": lambda: both(
            lambda run: (
                suite(FAST, "after")(run) > suite(FAST, "before")(run) / 2
                and suite(FAST, "after", "cpu_s")(run) > suite(FAST, "before", "cpu_s")(run)
            )
        ),
        f"the robustness tests take {figure(lambda run: 100 * robustness_share(run), 0, ' %')} "
        "of its test time": lambda: both(lambda run: robustness_share(run) > 0.5),
        f"The default nox run took {nox_run('after') / 60:.1f} min, against "
        f"{nox_run('before') / 60:.1f} min for the previous layout, and "
        f"{nox_run('after', 'cpu_s') / 60:.1f} min of CPU against "
        f"{nox_run('before', 'cpu_s') / 60:.1f}": lambda: (
            nox_run("after") > 5 * 60 and nox_run("after", "cpu_s") > nox_run("before", "cpu_s")
        ),
        f"at least {nox_run('after', 'cpu_s') / 2 / 60:.1f} min however the work is ordered": (
            lambda: RESULTS["machine"]["cores"] == 2 and nox_run("after", "cpu_s") / 2 > 5 * 60
        ),
        "This layout's run also failed one test on every stack and the coverage report": lambda: (
            RESULTS["runs"]["A"]["suite"][NOX]["before"]["passed"]
            and not RESULTS["runs"]["A"]["suite"][NOX]["after"]["passed"]
        ),
    }


CLAIMS = claims() if COMPLETE else {}


def test_the_results_are_one_complete_bench_run():
    """A --quick or --only run is marked partial: the page never describes one."""
    assert COMPLETE, "results.json is partial (a --quick or --only run): run `nox -s bench`"


@pytest.mark.parametrize("section", SECTIONS)
def test_a_section_measured_on_a_busy_machine_says_so(section):
    heading = f"\n## {SECTIONS[section]}\n"
    assert heading in TEXT, f"the page has no section {heading.strip()!r}"
    text = TEXT.split(heading, 1)[1].split("\n## ", 1)[0]
    busy = busy_runs(section) if COMPLETE else []
    said = "**Measured on a busy machine" in text
    assert said == bool(busy), f"{section}: busy in runs {busy or 'none'}, the page says {said}"


@pytest.mark.parametrize("words", CLAIMS or ["results.json is one complete run"])
def test_the_performance_page_says_what_its_results_show(words):
    assert COMPLETE, "results.json is partial: no claim can be checked against it"
    assert words in PAGE, "the page no longer says this: update CLAIMS with it"
    assert CLAIMS[words](), f"results.json does not bear out: {words!r}"
