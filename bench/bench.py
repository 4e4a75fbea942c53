"""``nox -s bench``: the lessons' advice, measured side by side on this machine in one run.

Each comparison runs its contenders interleaved (A B C, A B C, ...) with repeats and
reports medians and ratios, so a noisy neighbour hurts every contender alike. Results go
to docs/performance/: results.json (with the machine and versions), one SVG per
comparison (drawn by bench/plots.py, which can redraw them from results.json), and
results.md, which the Performance page includes.

    python bench/bench.py [--quick] [--only servers,downloads,caching,startup,suite]

--quick makes every run short and skips timing the whole default nox run (about 10 minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
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

import lessons  # noqa: E402
from servers import free_port, peak_rss_growth, serve  # noqa: E402

BENCH = ROOT / "bench"
OUT = ROOT / "docs" / "performance"
MiB = 1024 * 1024
RESULTS: dict = {"targets": []}
SECTION = {"name": ""}  # the comparison being measured, recorded with each target


def target(name: str, measured: str, ok: bool, note: str = "") -> None:
    """Record and print one target with its measured figure and PASS/MISS."""
    RESULTS["targets"].append(
        {"section": SECTION["name"], "target": name, "measured": measured, "pass": ok, "note": note}
    )
    print(f"{'PASS' if ok else 'MISS'}  {name}: {measured} {note}", flush=True)


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


def wrk(url: str, seconds: int, connections: int = 16) -> dict:
    """One bounded wrk run: req/s, p50, p99 (ms), errors, and how busy the CPUs were."""
    psutil.cpu_percent()  # start the CPU-time window
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    )
    out = done.stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = sum(
        int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|errors: .*?):?\s+(\d+)", out)
    )
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors += sum(int(n) for n in socket.groups()) if socket else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    cpu = psutil.cpu_percent()  # all cores, server and wrk together, over the run
    return {"rps": rps, "p50_ms": ms("50%"), "p99_ms": ms("99%"), "errors": errors, "cpu_pct": cpu}


def median_of(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


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


def bench_servers(seconds: int, repeats: int, apps: dict[str, dict]) -> None:
    """Every server against every app, interleaved, ``repeats`` times."""
    names = list(server_commands(0))
    runs: dict = {(a, s): [] for a in apps for s in names}
    queue_warnings: dict = {s: 0 for s in names}
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
    RESULTS["servers"] = {"table": table, "waitress_queue_warnings": queue_warnings}
    for app_name in apps:
        dev, best = table[f"{app_name} | {DEV}"], table[f"{app_name} | {RECOMMENDED}"]
        ratio = best["rps"] / dev["rps"]
        target(
            f"{app_name}: {RECOMMENDED} ≥ 2.5× the dev server's req/s, p99 ≤ 25 ms, no errors",
            f"{ratio:.2f}× ({best['rps']:.0f} vs {dev['rps']:.0f} req/s), "
            f"p99 {best['p99_ms']:.1f} ms, {best['errors']:.0f} errors",
            ratio >= 2.5 and best["p99_ms"] <= 25 and best["errors"] == 0,
        )
    plot_bars(
        "servers.png",
        "Requests per second (median), 16 connections",
        {k: v["rps"] for k, v in table.items()},
        "req/s",
    )


# ---------------------------------------------------------------- downloads


def download(url: str, server_pid: int, timeout: float = 120) -> dict:
    """curl the URL to /dev/null while sampling the server's RSS every 20 ms."""

    def fetch():
        return subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}"]
            + ["--max-time", str(int(timeout)), url],
            capture_output=True,
            text=True,
            timeout=timeout + 10,
            check=True,
        )

    done, growth = peak_rss_growth(server_pid, fetch)
    code, size, seconds = done.stdout.split()
    return {
        "status": int(code),
        "MB_per_s": int(size) / float(seconds) / 1e6,
        "rss_growth_MiB": growth / MiB,
        "bytes": int(size),
    }


def range_works(url: str) -> bool:
    done = subprocess.run(
        [
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{size_download}",
            "-r",
            "0-1023",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout == "206 1024"


@contextlib.contextmanager
def nginx(folder: Path):
    """nginx serving ``folder`` statically on 127.0.0.1: the ceiling for a file download."""
    port = free_port()
    conf = folder.parent / "nginx.conf"
    conf.write_text(
        f"daemon off; pid {folder.parent}/nginx.pid; error_log {folder.parent}/error.log;\n"
        "events {}\nhttp { access_log off; sendfile on; tcp_nopush on;\n"
        f"  client_body_temp_path {folder.parent}; proxy_temp_path {folder.parent};\n"
        f"  server {{ listen 127.0.0.1:{port}; root {folder}; }} }}\n"
    )
    with serve(["nginx", "-c", str(conf), "-p", str(folder.parent)], port) as proc:
        yield f"http://127.0.0.1:{port}", proc


def bench_downloads(size_mib: int, repeats: int, lesson: dict) -> None:
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
        runs: dict = {}
        for _ in range(repeats):
            with nginx(folder) as (url, proc):
                runs.setdefault("nginx (static)", []).append(
                    download(f"{url}/{big.name}", proc.pid)
                )
            for server in servers:
                with served(server, lesson["app"], config) as (url, proc):
                    for view, path in lesson["views"].items():
                        # A small file first warms the view up, so the memory figure is the
                        # download's, not the first request's imports; the range request
                        # comes after, as it is a whole second download for read().
                        range_works(url + path.format(name=small.name))
                        result = download(url + path.format(name=big.name), proc.pid)
                        result["range"] = range_works(url + path.format(name=big.name))
                        runs.setdefault(f"{server} | {view}", []).append(result)
        table = {k: median_of(v) for k, v in runs.items()}
        RESULTS["downloads"] = {"size_MiB": size_mib, "table": table}
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
    plot_bars(
        "downloads.png",
        "Download speed (MB/s, median)",
        {k: v["MB_per_s"] for k, v in table.items()},
        "MB/s",
    )
    plot_bars(
        "downloads-rss.png",
        "Server RSS growth while serving (MiB, median)",
        {k: v["rss_growth_MiB"] for k, v in table.items()},
        "MiB",
    )


# ---------------------------------------------------------------- caching


CACHE_SERVER = "waitress (4 threads, default)"


def rate(client, path: str, seconds: float) -> float:
    """Requests a second for one path through the test client, its cache filled first."""
    client.get(path)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        assert client.get(path).status_code == 200
        n += 1
    return n / (time.perf_counter() - start)


def bench_caching(seconds: int, repeats: int, lesson: dict) -> None:
    """The expensive view uncached vs cached: in-process, and over waitress with wrk.

    In-process, two more contenders show what a cache hit costs: a ``@cache.cached`` view
    (one lookup returns the stored response) and hello world (no cache: the test client's
    own cost, which no cached view can beat).
    """
    from wsgi import hello_app, with_uncached_report

    module = lessons.import_example(lesson["app"].split("/")[-1])
    in_process: dict = {"uncached": [], "cached": [], "cached view": [], "hello world": []}
    for _ in range(repeats):
        app = module.create_app({**lesson["config"], "TESTING": True})
        client = with_uncached_report(app).test_client()
        for label in ("uncached", "cached", "cached view"):
            in_process[label].append(rate(client, lesson[label], min(seconds, 2)))
        in_process["hello world"].append(rate(hello_app().test_client(), "/", min(seconds, 2)))
    served_runs: dict = {"uncached": [], "cached": []}
    uncached_too = {"BENCH_UNCACHED_REPORT": "1"}  # bench/wsgi.py adds the uncached route
    for _ in range(repeats):
        with served(CACHE_SERVER, lesson["app"], lesson["config"], **uncached_too) as (url, _):
            for label in served_runs:
                wrk(url + lesson[label], 1)
                served_runs[label].append(wrk(url + lesson[label], seconds))
    ip = {k: statistics.median(v) for k, v in in_process.items()}
    sv = {k: median_of(v) for k, v in served_runs.items()}
    # Little's law: 4 waitress threads, each busy for one request's latency, measured
    # in-process (the view's sleep plus Flask's own work), serve 4 / latency requests a second.
    latency = 1 / ip["uncached"]
    littles = 4 / latency
    RESULTS["caching"] = {
        "in_process_rps": ip,
        "waitress": sv,
        "latency_ms": latency * 1000,
        "littles_law_rps": littles,
    }
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
    hello = RESULTS.get("servers", {}).get("table", {}).get("hello world | " + CACHE_SERVER)
    bound = f", at most {hello['rps'] * latency / 4:.0f}× for this view here" if hello else ""
    target("cached ≥ 25× uncached, over waitress", f"{ratio:.0f}×{bound}", ratio >= 25)
    off = abs(sv["uncached"]["rps"] - littles) / littles
    target(
        "uncached throughput = threads ÷ latency (Little's law) within 10 %",
        f"{sv['uncached']['rps']:.1f} req/s measured, {littles:.1f} predicted ({off:.0%} off)",
        off <= 0.10,
    )
    plot_bars(
        "caching.png",
        "Expensive view, req/s (median)",
        {f"in-process {k}": v for k, v in ip.items()}
        | {f"waitress {k}": v["rps"] for k, v in sv.items()},
        "req/s",
        log=True,
    )


# ---------------------------------------------------------------- start-up


def bench_startup(repeats: int) -> None:
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
        for name, (command, env) in commands.items():
            start = time.perf_counter()
            subprocess.run(
                command, cwd=ROOT, env=lessons.clean_env(**env), capture_output=True, check=True
            )
            times[name].append((time.perf_counter() - start) * 1000)
    table = {name: statistics.median(t) for name, t in times.items()}
    RESULTS["startup_ms"] = table
    hello = table["hello world"]
    worst = max((n for n in table if n[:2].isdigit()), key=table.get)
    target(
        "every lesson starts within 30 ms of hello world",
        f"slowest {worst}: {table[worst]:.0f} ms vs {hello:.0f} ms "
        f"(+{table[worst] - hello:.0f} ms)",
        table[worst] - hello <= 30,
    )
    plot_bars("startup.png", "flask routes, wall time (ms, median)", table, "ms")
    os.rmdir(no_pyc["PYTHONPYCACHEPREFIX"])  # still empty: nothing was written


# ---------------------------------------------------------------- the suite


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
            kind = f"{langs[name[len('test_block[') : -1]]} blocks"
        elif case.get("classname").endswith("test_robustness"):
            kind = f"robustness: {name.split('[')[0]}"
        else:
            kind = f"{case.get('classname').split('.')[-1]}"
        kinds[kind] = kinds.get(kind, 0) + seconds
    return dict(sorted(kinds.items(), key=lambda kv: -kv[1]))


def bench_suite(full_nox: bool) -> None:
    """Wall time of the fast suite, where that time goes, and the whole default nox run."""
    sys.path.insert(0, str(ROOT))
    from noxfile import FAST  # pytest's arguments, as `nox -s tests` runs the fast suite

    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", *FAST, f"--junitxml={junit}"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        fast = time.perf_counter() - start
        kinds = suite_breakdown(junit)
    RESULTS["suite_s"] = {"fast suite": fast, "breakdown": kinds}
    target("the fast suite for all lessons runs in ≤ 5 s", f"{fast:.1f} s", fast <= 5)
    for kind, seconds in kinds.items():
        print(f"      {seconds:6.1f} s  {kind}")
    plot_bars("suite.png", "Fast suite: test time by kind of test (s)", kinds, "s")
    if full_nox:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nox"], cwd=ROOT, check=True, capture_output=True)
        RESULTS["suite_s"]["nox (default sessions)"] = whole = time.perf_counter() - start
        print(f"      the whole default nox run: {whole / 60:.1f} min", flush=True)


# ---------------------------------------------------------------- output


def plot_bars(name: str, title: str, values: dict, unit: str, log: bool = False) -> None:
    """Draw one plot as SVG (bench/plots.py), and record it in results.json to redraw later."""
    import plots

    stem = Path(name).stem
    plot = {"section": SECTION["name"], "title": title, "unit": unit, "log": log, "values": values}
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
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
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
        "Measured "
        + ", ".join(f"{section} {when}" for section, when in RESULTS["when"].items())
        + f" on {m['cpu']}, {m['cores']} cores, {m['memory_GiB']} GiB, Python {m['python']}, "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + f", {m['wrk']}, {m['nginx']}.",
        "",
        "| | target | measured |",
        "|---|---|---|",
    ]
    lines += [
        f"| {'PASS' if t['pass'] else 'MISS'} | {t['target']} | {t['measured']} |"
        for t in RESULTS["targets"]
    ]
    (OUT / "results.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="short runs, to try the script")
    parser.add_argument("--only", default="servers,downloads,caching,startup,suite")
    args = parser.parse_args()
    only = set(args.only.split(","))
    seconds, repeats = (2, 1) if args.quick else (5, 3)
    config = json.loads((BENCH / "lessons.json").read_text())
    OUT.mkdir(parents=True, exist_ok=True)
    previous = OUT / "results.json"
    if previous.exists():  # a partial run (--only) keeps the other sections' results
        RESULTS.update(json.loads(previous.read_text()))
        RESULTS["targets"] = [t for t in RESULTS["targets"] if t["section"] not in only]
    RESULTS["machine"] = machine()
    sections = {
        "servers": lambda: bench_servers(seconds, repeats, config["servers"]),
        "downloads": lambda: bench_downloads(
            64 if args.quick else 1024, 1 if args.quick else 2, config["downloads"]
        ),
        "caching": lambda: bench_caching(seconds, repeats, config["caching"]),
        "startup": lambda: bench_startup(3 if args.quick else 7),
        "suite": lambda: bench_suite(full_nox=not args.quick),
    }
    for name, run in sections.items():
        if name in only:
            SECTION["name"] = name
            RESULTS.setdefault("when", {})[name] = RESULTS["machine"]["when"]
            run()
    order = list(sections)
    RESULTS["targets"].sort(key=lambda t: order.index(t["section"]))
    (OUT / "results.json").write_text(json.dumps(RESULTS, indent=2) + "\n")
    write_markdown()
    shutil.rmtree(BENCH / "__pycache__", ignore_errors=True)


if __name__ == "__main__":
    main()
