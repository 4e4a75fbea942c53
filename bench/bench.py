"""``nox -s bench``: the lessons' advice, measured side by side on this machine in one run.

Each comparison runs its contenders interleaved (A B C, A B C, ...) with repeats and
reports medians and ratios, so a noisy neighbour hurts every contender alike. The whole
bench is measured twice in the one invocation (run A and run B, see RUNS) and keeps both;
before and during each section it records how busy the machine was (bench/measure.py) and
marks a section measured on a busy machine. A full run writes docs/performance/:
results.json (with the machine and versions), one SVG per comparison (drawn by
bench/plots.py, which can redraw them from results.json), and results.md, which the
Performance page includes.

    python bench/bench.py [--quick] [--only servers,downloads,caching,startup,suite] [--out DIR]

--quick makes every run short and skips timing the whole default nox runs. A quick run or
an --only run is marked partial and goes to a temporary folder unless --out says otherwise;
the page test refuses a partial results.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import measure  # noqa: E402
from measure import MiB, download, median_of, nginx, range_works, rate, wrk  # noqa: E402

import lessons  # noqa: E402
from servers import free_port, redis_server, serve  # noqa: E402

BENCH = ROOT / "bench"
OUT = ROOT / "docs" / "performance"
# Run A and run B alternate section by section (servers A, servers B, downloads A, ...),
# rather than the whole bench A then the whole bench B: each section's two runs are then
# minutes apart, not half an hour, so their spread shows how repeatable the measurement is
# and each section's busy mark describes both its runs' stretch of time. Run B takes the
# contenders in the reverse order, so a drift within a section favours no contender.
RUNS = ("A", "B")
RESULTS: dict = {"targets": [], "runs": {run: {} for run in RUNS}}
# Before each section's run: wait at most SETTLE_S seconds for the machine to settle,
# judged over windows of PROBE_S seconds in which the bench does nothing (measure.settle).
SETTLE_S, PROBE_S = 20, 3
CURRENT = {"section": "", "run": ""}  # recorded with each target


def target(name: str, measured: str, ok: bool) -> None:
    """Record and print one target with its measured figure and PASS/MISS."""
    RESULTS["targets"].append({**CURRENT, "target": name, "measured": measured, "pass": ok})
    print(f"{'PASS' if ok else 'MISS'}  run {CURRENT['run']}  {name}: {measured}", flush=True)


def spread(values: list[float], digits: int = 1, unit: str = "") -> str:
    """A figure as the page states it: the mean of the runs and their range,
    ``3.3× (3.1-3.5 over two runs)``."""
    mean, low, high = statistics.mean(values), min(values), max(values)
    return f"{mean:.{digits}f}{unit} ({low:.{digits}f}-{high:.{digits}f} over two runs)"


def ordered(items: list, reverse: bool) -> list:
    return list(reversed(items)) if reverse else list(items)


def per_run(data: dict, table, figure=lambda entry: entry) -> dict:
    """One plot's bars: each contender's figure in run A, then in run B. ``table`` picks
    a run's table of contenders, ``figure`` the figure of one entry."""
    first = table(data[RUNS[0]])
    return {f"{key}, run {run}": figure(table(data[run])[key]) for key in first for run in RUNS}


# ---------------------------------------------------------------- servers


def server_commands(port: int, workers: int = 2) -> dict[str, list[str]]:
    """Every way of serving bench/wsgi.py:app that a lesson mentions."""
    bind = f"127.0.0.1:{port}"
    return {
        "flask run (dev server)": ["flask", "--app", "wsgi", "run", "--port", str(port)],
        "waitress (4 threads, default)": ["waitress-serve", f"--listen={bind}", "wsgi:app"],
        "waitress (8 threads)": ["waitress-serve", f"--listen={bind}", "--threads=8", "wsgi:app"],
        "gunicorn -w 2 (sync)": ["gunicorn", "-w", str(workers), "-b", bind, "wsgi:app"],
        "gunicorn -w 2 --threads 4": [
            *("gunicorn", "-w", str(workers), "--threads", "4", "-b", bind, "wsgi:app"),
        ],
    }


RECOMMENDED = "gunicorn -w 2 (sync)"  # what lesson 14 deploys with: --workers 2
DEV = "flask run (dev server)"


@contextlib.contextmanager
def served(name: str, app: str, config: dict | None = None, log: Path | None = None, **env):
    port = free_port()
    command = server_commands(port)[name]
    extra = {"BENCH_APP": app, "BENCH_CONFIG": json.dumps(config or {}), **env}
    with serve(command, port, cwd=BENCH, log=log, **extra) as proc:
        yield f"http://127.0.0.1:{port}", proc


def prepared(entry: dict, tmp: str) -> dict:
    """An app's config with ``{tmp}`` filled in, after sending its ``seed`` form posts
    (register, log in, write posts...) through a test client, so the page has content."""
    config = {k: v.format(tmp=tmp) if isinstance(v, str) else v for k, v in entry["config"].items()}
    if entry.get("seed"):
        module = lessons.import_example(entry["app"].split("/")[-1])
        client = module.create_app({**config, "TESTING": True}).test_client()
        for path, form in entry["seed"]:
            assert client.post(path, data=form).status_code < 400, path
    return config


def bench_servers(seconds: int, repeats: int, apps: dict[str, dict], reverse: bool) -> dict:
    """Every server against every app, interleaved, ``repeats`` times."""
    names = ordered(list(server_commands(0)), reverse)
    runs: dict = {(a, s): [] for a in apps for s in server_commands(0)}
    queue_warnings: dict = {s: 0 for s in server_commands(0)}
    with tempfile.TemporaryDirectory() as tmp:
        configs = {name: prepared(entry, tmp) for name, entry in apps.items()}
        for _ in range(repeats):
            for app_name, entry in apps.items():
                for server in names:
                    with tempfile.NamedTemporaryFile(suffix=".log") as log:
                        served_app = served(server, entry["app"], configs[app_name], Path(log.name))
                        with served_app as (url, _):
                            wrk(url + entry["path"], 1)  # warm up
                            runs[(app_name, server)].append(wrk(url + entry["path"], seconds))
                        warnings = Path(log.name).read_text().count("Task queue depth")
                        queue_warnings[server] += warnings
    table = {f"{a} | {s}": median_of(r) for (a, s), r in runs.items()}
    return {"table": table, "waitress_queue_warnings": queue_warnings}


def servers_targets(data: dict, apps: dict) -> None:
    table = data["table"]
    for app_name in apps:
        dev, best = table[f"{app_name} | {DEV}"], table[f"{app_name} | {RECOMMENDED}"]
        ratio = best["rps"] / dev["rps"]
        target(
            f"{app_name}: {RECOMMENDED} ≥ 2.5× the dev server's req/s, p99 ≤ 25 ms, no errors",
            f"{ratio:.2f}× ({best['rps']:.0f} vs {dev['rps']:.0f} req/s), "
            f"p99 {best['p99_ms']:.1f} ms, {best['errors']:.0f} errors",
            ratio >= 2.5 and best["p99_ms"] <= 25 and best["errors"] == 0,
        )


def servers_plots(data: dict) -> None:
    plot_bars(
        "servers.png",
        "Requests per second (median), 16 connections",
        per_run(data, lambda run: run["table"], lambda entry: entry["rps"]),
        "req/s",
    )


# ---------------------------------------------------------------- downloads


def bench_downloads(size_mib: int, repeats: int, lesson: dict, reverse: bool) -> dict:
    """send_file, a naive read() and a generator, under each server, against nginx."""
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        big, small = folder / lesson["file"], folder / "small.bin"
        small.write_bytes(os.urandom(64 * 1024))
        with big.open("wb") as f:
            chunk = os.urandom(MiB)
            for _ in range(size_mib):
                f.write(chunk)
        config = {
            key: value.format(folder=folder) if isinstance(value, str) else value
            for key, value in lesson["config"].items()
        }
        servers = [DEV, "waitress (4 threads, default)", RECOMMENDED]
        runs: dict = {"nginx (static)": []}
        runs |= {f"{server} | {view}": [] for server in servers for view in lesson["views"]}
        for _ in range(repeats):
            for server in ordered(["nginx (static)", *servers], reverse):
                if server == "nginx (static)":
                    with nginx(folder) as (url, proc):
                        runs[server].append(download(f"{url}/{big.name}", proc.pid))
                    continue
                with served(server, lesson["app"], config) as (url, proc):
                    for view, path in lesson["views"].items():
                        # A small file first warms the view up, so the memory figure is the
                        # download's, not the first request's imports; the range request
                        # comes after, as it is a whole second download for read().
                        range_works(url + path.format(name=small.name))
                        result = download(url + path.format(name=big.name), proc.pid)
                        result["range"] = range_works(url + path.format(name=big.name))
                        runs[f"{server} | {view}"].append(result)
    return {"size_MiB": size_mib, "table": {k: median_of(v) for k, v in runs.items()}}


def downloads_targets(data: dict, lesson: dict) -> None:
    table = data["table"]
    ceiling = table["nginx (static)"]["MB_per_s"]
    best = table[f"{RECOMMENDED} | send_file"]
    target(
        f"send_file under {RECOMMENDED} ≥ 70 % of nginx, RSS growth ≤ 5 MiB",
        f"{best['MB_per_s'] / ceiling:.0%} of nginx "
        f"({best['MB_per_s']:.0f} vs {ceiling:.0f} MB/s), "
        f"+{best['rss_growth_MiB']:.1f} MiB",
        best["MB_per_s"] >= 0.7 * ceiling and best["rss_growth_MiB"] <= 5,
    )
    gen = table[f"{RECOMMENDED} | generator"]
    target(
        f"generator under {RECOMMENDED} ≥ 1.2 GB/s, RSS growth ≤ 25 MiB",
        f"{gen['MB_per_s'] / 1000:.2f} GB/s, +{gen['rss_growth_MiB']:.1f} MiB",
        gen["MB_per_s"] >= 1200 and gen["rss_growth_MiB"] <= 25,
    )


def downloads_plots(data: dict) -> None:
    plot_bars(
        "downloads.png",
        "Download speed (MB/s, median)",
        per_run(data, lambda run: run["table"], lambda entry: entry["MB_per_s"]),
        "MB/s",
    )
    plot_bars(
        "downloads-rss.png",
        "Server RSS growth while serving (MiB, median)",
        per_run(data, lambda run: run["table"], lambda entry: entry["rss_growth_MiB"]),
        "MiB",
    )


# ---------------------------------------------------------------- caching


CACHE_SERVER = "waitress (4 threads, default)"


def bench_caching(seconds: int, repeats: int, lesson: dict, reverse: bool) -> dict:
    """The expensive view uncached vs cached: in-process, and over waitress with wrk.

    In-process, two more contenders show what a cache hit costs: a ``@cache.cached`` view
    (one lookup returns the stored response) and hello world (no cache: the test client's
    own cost, which no cached view can beat). Over waitress, hello world is measured too,
    in the same section, as the bound of what a cached view can reach there.
    """
    from wsgi import hello_app, with_uncached_report

    module = lessons.import_example(lesson["app"].split("/")[-1])
    in_process: dict = {"uncached": [], "cached": [], "cached view": [], "hello world": []}
    for _ in range(repeats):
        app = with_uncached_report(module.create_app({**lesson["config"], "TESTING": True}))
        client = app.test_client()
        for label in ordered(list(in_process), reverse):
            app = hello_app().test_client() if label == "hello world" else client
            in_process[label].append(rate(app, lesson.get(label, "/"), min(seconds, 2)))
    served_runs: dict = {"uncached": [], "cached": [], "hello world": []}
    uncached_too = {"BENCH_UNCACHED_REPORT": "1"}  # bench/wsgi.py adds the uncached route
    for _ in range(repeats):
        for label in ordered(list(served_runs), reverse):
            hello = label == "hello world"
            app, config = ("hello", {}) if hello else (lesson["app"], lesson["config"])
            with served(CACHE_SERVER, app, config, **({} if hello else uncached_too)) as (url, _):
                wrk(url + lesson.get(label, "/"), 1)
                served_runs[label].append(wrk(url + lesson.get(label, "/"), seconds))
    ip = {k: statistics.median(v) for k, v in in_process.items()}
    # Little's law: 4 waitress threads, each busy for one request's latency, measured
    # in-process (the view's sleep plus Flask's own work), serve 4 / latency requests a second.
    latency = 1 / ip["uncached"]
    return {
        "in_process_rps": ip,
        "waitress": {k: median_of(v) for k, v in served_runs.items()},
        "latency_ms": latency * 1000,
        "littles_law_rps": 4 / latency,
    }


def caching_targets(data: dict, lesson: dict) -> None:
    ip, sv, latency = data["in_process_rps"], data["waitress"], data["latency_ms"] / 1000
    # In-process, a hit can go no faster than hello world through the same test client.
    target(
        "cached ≥ 100× uncached, in-process",
        f"{ip['cached'] / ip['uncached']:.0f}× (a @cache.cached view: "
        f"{ip['cached view'] / ip['uncached']:.0f}×), "
        f"at most {ip['hello world'] * latency:.0f}× for this view here",
        ip["cached"] >= 100 * ip["uncached"],
    )
    ratio = sv["cached"]["rps"] / sv["uncached"]["rps"]
    # Uncached, Little's law gives threads / latency; cached, the server can go no faster
    # than it serves hello world. So the ratio cannot pass hello_rps * latency / threads.
    bound = sv["hello world"]["rps"] * latency / 4
    target(
        "cached ≥ 25× uncached, over waitress",
        f"{ratio:.0f}×, at most {bound:.0f}× for this view here",
        ratio >= 25,
    )
    littles = data["littles_law_rps"]
    off = abs(sv["uncached"]["rps"] - littles) / littles
    target(
        "uncached throughput = threads ÷ latency (Little's law) within 10 %",
        f"{sv['uncached']['rps']:.1f} req/s measured, {littles:.1f} predicted ({off:.0%} off)",
        off <= 0.10,
    )


def caching_plots(data: dict) -> None:
    values = {}
    for run in RUNS:
        values |= {f"in-process {k}, run {run}": v for k, v in data[run]["in_process_rps"].items()}
        values |= {f"waitress {k}, run {run}": v["rps"] for k, v in data[run]["waitress"].items()}
    plot_bars("caching.png", "Expensive view, req/s (median)", values, "req/s", log=True)


# ---------------------------------------------------------------- start-up


def bench_startup(repeats: int, reverse: bool) -> dict:
    """``flask --app examples/NN routes`` for every lesson, against a hello-world app."""
    # An empty PYTHONPYCACHEPREFIX with -B: no .pyc is read or written, every start compiles.
    no_pyc = {"PYTHONPYCACHEPREFIX": tempfile.mkdtemp(), "PYTHONDONTWRITEBYTECODE": "1"}
    commands = {
        "python -c 'import flask'": (["python", "-c", "import flask"], {}),
        "python -c 'import flask', without .pyc": (["python", "-c", "import flask"], no_pyc),
        "hello world": (["flask", "--app", "bench/wsgi:hello_app", "routes"], {}),
    }
    for example in lessons.example_names():
        page = lessons.read_page(lessons.page_for(example))
        env = {k: str(v) for k, v in (page.meta.get("env") or {}).items()}
        commands[example] = (["flask", "--app", f"examples/{example}", "routes"], env)
    times: dict = {name: [] for name in commands}
    for _ in range(repeats):
        for name in ordered(list(commands), reverse):
            command, env = commands[name]
            start = time.perf_counter()
            subprocess.run(
                command, cwd=ROOT, env=lessons.clean_env(**env), capture_output=True, check=True
            )
            times[name].append((time.perf_counter() - start) * 1000)
    os.rmdir(no_pyc["PYTHONPYCACHEPREFIX"])  # still empty: nothing was written
    return {"ms": {name: statistics.median(t) for name, t in times.items()}}


def startup_targets(data: dict, _) -> None:
    table = data["ms"]
    hello = table["hello world"]
    worst = max((n for n in table if n[:2].isdigit()), key=table.get)
    target(
        "every lesson starts within 30 ms of hello world",
        f"slowest {worst}: {table[worst]:.0f} ms vs {hello:.0f} ms "
        f"(+{table[worst] - hello:.0f} ms)",
        table[worst] - hello <= 30,
    )


def startup_plots(data: dict) -> None:
    values = per_run(data, lambda run: run["ms"])
    plot_bars("startup.png", "flask routes, wall time (ms, median)", values, "ms")


# ---------------------------------------------------------------- the suite

# The layout before issue 12: tests, matrix (2.3, 3.0, 3.1), coverage (the fast suite and
# the integration tests again), docs, integration. Its Redis tests want redis-server on PATH.
BEFORE = "0dc53c1"
# Each layout's fast suite as its noxfile selects it (the previous layout had no browser or
# exercises tests; given this layout's expression, its xdist run crashed at once).
FAST = {"before": "not integration", "after": "not integration and not browser and not exercises"}
FAST_SUITE = ["-m", "pytest", "-q", "-W", "error", "-n", "auto"]
NEXT_WHEEL = ROOT.parent / "shared" / "wheels" / "flask-3.2.0.dev0-py3-none-any.whl"


def suite_breakdown(junit: Path) -> dict[str, float]:
    """Seconds of test time per kind of test, from pytest's JUnit XML report."""
    import xml.etree.ElementTree as ET

    langs = {}
    for example in lessons.example_names():
        page = lessons.read_page(lessons.page_for(example))
        langs |= {f"{example}:{block.id}": block.lang for block in page.executable}
    kinds: dict[str, float] = {}
    for case in ET.parse(junit).iter("testcase"):  # noqa: S314 - our own pytest wrote it
        name, seconds = case.get("name"), float(case.get("time"))
        if name.startswith("test_block["):
            kind = f"{langs.get(name[len('test_block[') : -1], 'other')} blocks"
        elif case.get("classname").endswith("test_robustness"):
            kind = f"robustness: {name.split('[')[0]}"
        else:
            kind = f"{case.get('classname').split('.')[-1]}"
        kinds[kind] = kinds.get(kind, 0) + seconds
    return dict(sorted(kinds.items(), key=lambda kv: -kv[1]))


def fresh_clone(into: Path, commit: str) -> Path:
    """A fresh clone of this repository at ``commit``: no .nox, no caches, no site; with
    ``shared`` (the study notes, the wheels) beside it, as CI has it."""
    shared = into.parent / "shared"
    if not shared.exists():
        shared.symlink_to(ROOT.parent / "shared", target_is_directory=True)
    subprocess.run(["git", "clone", "-q", str(ROOT), str(into)], check=True)
    subprocess.run(["git", "-C", str(into), "checkout", "-q", "--detach", commit], check=True)
    return into


def suite_env(layout: str, redis_bin: Path) -> dict:
    """The caller's environment, minus the bench session's own venv; Flask's coming
    release for a `next` entry; for the previous layout, redis-server on PATH."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    if NEXT_WHEEL.exists():
        env["FLASK_NEXT"] = str(NEXT_WHEEL)
    if layout == "before":
        env["PATH"] = f"{redis_bin}{os.pathsep}{env['PATH']}"
    return env


def bench_suite(full_nox: bool, reverse: bool) -> dict:
    """The fast suite, and the whole default nox run, each in a fresh clone of the previous
    layout (BEFORE) and of this one (the commit the bench started on), side by side: wall
    time and CPU time of each, its children included."""
    commits = {"before": BEFORE, "after": RESULTS["commit"]}
    jobs = [("fast suite", layout) for layout in commits]
    # The whole default nox run takes about half an hour for both layouts: it is timed in
    # run A only, so its figure has no spread (the page says so).
    jobs += [("nox (default sessions)", layout) for layout in commits if full_nox and not reverse]
    data: dict = {"commits": commits, "fast suite": {}, "nox (default sessions)": {}}
    # Without the uv package beside nox, nox falls back to virtualenv and pip: not the
    # README's path (it installs nox and uv together), and slower.
    from uv import find_uv_bin

    data["uv"] = subprocess.run(
        [find_uv_bin(), "--version"], capture_output=True, text=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        redis_bin = Path(tmp) / "bin"
        redis_bin.mkdir()
        (redis_bin / "redis-server").symlink_to(redis_server())
        for n, (job, layout) in enumerate(ordered(jobs, reverse)):
            clone = fresh_clone(Path(tmp) / f"{n}-{layout}", commits[layout])
            junit = Path(tmp) / f"{n}.xml"
            if job == "fast suite":
                command = [sys.executable, *FAST_SUITE, "-m", FAST[layout], f"--junitxml={junit}"]
            else:
                command = [sys.executable, "-m", "nox"]
            log = Path(tmp) / f"{n}.log"
            result = measure.timed(command, clone, suite_env(layout, redis_bin), log, 3600)
            data[job][layout] = result
            print(f"      {job}, {layout} ({commits[layout]}): {result}", flush=True)
            if not result["passed"]:
                print(log.read_text()[-3000:], flush=True)
            if job == "fast suite" and layout == "after":
                data["breakdown"] = suite_breakdown(junit)
    return data


def suite_targets(data: dict, _) -> None:
    fast = data["fast suite"]
    after, before = fast["after"]["wall_s"], fast["before"]["wall_s"]
    target(
        "the fast suite in at most half the previous layout's wall time",
        f"{after:.1f} s vs {before:.1f} s ({after / before:.0%}); "
        f"CPU {fast['after']['cpu_s']:.0f} s vs {fast['before']['cpu_s']:.0f} s"
        + ("" if fast["before"]["passed"] else "; the previous layout's run failed")
        + ("" if fast["after"]["passed"] else "; this layout's run failed"),
        after <= before / 2 and fast["after"]["passed"],
    )
    nox = data["nox (default sessions)"]
    if nox:
        after, before = nox["after"]["wall_s"] / 60, nox["before"]["wall_s"] / 60
        target(
            "the default nox run of a fresh clone in at most 5 min",
            f"{after:.1f} min (previous layout: {before:.1f} min); "
            f"CPU {nox['after']['cpu_s'] / 60:.1f} vs {nox['before']['cpu_s'] / 60:.1f} min"
            + ("" if nox["before"]["passed"] else "; the previous layout's run failed")
            + ("" if nox["after"]["passed"] else "; this layout's run failed"),
            after <= 5 and nox["after"]["passed"],
        )


def suite_plots(data: dict) -> None:
    values = per_run(data, lambda run: run["breakdown"])
    plot_bars("suite.png", "Fast suite: test time by kind of test (s)", values, "s")


# ---------------------------------------------------------------- output


def plot_bars(name: str, title: str, values: dict, unit: str, log: bool = False) -> None:
    """Draw one plot as SVG (bench/plots.py), and record it in results.json to redraw later."""
    import plots

    stem = Path(name).stem
    plot = {
        "section": CURRENT["section"],
        "title": title,
        "unit": unit,
        "log": log,
        "values": values,
    }
    RESULTS.setdefault("plots", {})[stem] = plot
    plots.draw(stem, plot, RESULTS["targets"])


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.machine()


def machine() -> dict:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_GiB": round(psutil.virtual_memory().total / 2**30),
        "python": platform.python_version(),
        "versions": {
            p: version(p) for p in ("flask", "werkzeug", "waitress", "gunicorn", "flask-caching")
        },
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0],
        "nginx": subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip(),
    }


def write_markdown() -> None:
    m = RESULTS["machine"]
    lines = [
        f"Measured by one `nox -s bench` run started {RESULTS['started']}, "
        f"{RESULTS['minutes']:.0f} minutes long, with runs A and B section by section, "
        f"on {m['cpu']}, {m['cores']} cores, {m['memory_GiB']} GiB, Python {m['python']}, "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + f", {m['wrk']}, {m['nginx']}.",
        "",
        "| target | run A | run B |",
        "|---|---|---|",
    ]
    rows: dict = {}
    for t in RESULTS["targets"]:
        cell = f"{'PASS' if t['pass'] else 'MISS'}: {t['measured']}"
        rows.setdefault((t["section"], t["target"]), {})[t["run"]] = cell
    for (_, name), runs in rows.items():
        lines.append(f"| {name} | {' | '.join(runs.get(r, '') for r in RUNS)} |")
    lines += [
        "",
        "How busy the machine was: other processes' CPU use (in cores) in the settled window "
        "before each section and during it, CPU time stolen by the hypervisor and waiting "
        "for I/O during it, and the 1-minute load average before and after.",
        "",
        "| section, run | others before | others during | steal | iowait | load | busy |",
        "|---|---|---|---|---|---|---|",
    ]
    for section in RESULTS["sections"]:
        for run in RUNS:
            c = RESULTS["runs"][run][section]["conditions"]
            b, d = c["before"], c["during"]
            why = "; ".join(RESULTS["runs"][run][section]["busy"])
            lines.append(
                f"| {section}, {run} | {b['others_cores']:.2f} | {d['others_cores']:.2f} | "
                f"{d['steal_pct']:.1f} % | {d['iowait_pct']:.1f} % | "
                f"{d['load_1min_before']:.2f} → {d['load_1min_after']:.2f} | "
                f"{'**busy**: ' + why if why else 'no'} |"
            )
    (OUT / "results.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    global OUT
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="short runs, to try the script")
    parser.add_argument("--only", default="servers,downloads,caching,startup,suite")
    parser.add_argument("--out", type=Path, help="where to write (a partial run: a temp folder)")
    args = parser.parse_args()
    config = json.loads((BENCH / "lessons.json").read_text())
    q = args.quick
    seconds, repeats = (1, 1) if q else (3, 2)
    settle = (3, 1) if q else (SETTLE_S, PROBE_S)
    sections = {
        "servers": (
            lambda rev: bench_servers(seconds, repeats, config["servers"], rev),
            servers_targets,
            servers_plots,
        ),
        "downloads": (
            lambda rev: bench_downloads(64 if q else 512, 1, config["downloads"], rev),
            downloads_targets,
            downloads_plots,
        ),
        "caching": (
            lambda rev: bench_caching(seconds, repeats, config["caching"], rev),
            caching_targets,
            caching_plots,
        ),
        "startup": (lambda rev: bench_startup(2 if q else 5, rev), startup_targets, startup_plots),
        "suite": (lambda rev: bench_suite(not q, rev), suite_targets, suite_plots),
    }
    only = [name for name in sections if name in args.only.split(",")]
    RESULTS["partial"] = q or only != list(sections)
    RESULTS["quick"] = q
    RESULTS["sections"] = only
    RESULTS["machine"] = machine()
    RESULTS["commit"] = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    OUT = args.out or (
        Path(tempfile.gettempdir()) / "flask-concepts-bench" if RESULTS["partial"] else OUT
    )
    OUT.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    RESULTS["started"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    for name in only:
        measure_it, targets, plots = sections[name]
        for n, run in enumerate(RUNS):
            CURRENT.update(section=name, run=run)
            print(f"---- {name}, run {run}", flush=True)
            before = measure.settle(*settle)
            watch = measure.Watch()
            data = measure_it(n % 2 == 1)
            during = watch.stop()
            data["conditions"] = {"before": before, "during": during}
            data["busy"] = measure.busy(before, during)
            if data["busy"]:
                print(f"      busy: {'; '.join(data['busy'])}", flush=True)
            RESULTS["runs"][run][name] = data
            targets(data, config.get(name))
            # Kept as it goes, marked partial until the end, so a run cut short leaves its
            # figures for a look but never a results.json the page test accepts.
            (OUT / "results.json").write_text(json.dumps({**RESULTS, "partial": True}, indent=2))
        plots({run: RESULTS["runs"][run][name] for run in RUNS})
    RESULTS["minutes"] = round((time.monotonic() - start) / 60, 1)
    (OUT / "results.json").write_text(json.dumps(RESULTS, indent=2) + "\n")
    write_markdown()
    print(f"wrote {OUT} after {RESULTS['minutes']} min", flush=True)
    shutil.rmtree(BENCH / "__pycache__", ignore_errors=True)


if __name__ == "__main__":
    main()
