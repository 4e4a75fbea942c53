"""How bench.py measures: the machine's conditions around a section, and the tools that
time one contender (wrk, curl, the test client, a subprocess)."""

from __future__ import annotations

import contextlib
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from servers import free_port, peak_rss_growth, serve  # noqa: E402

MiB = 1024 * 1024

# ---------------------------------------------------------------- is the machine busy?

# A section is `busy` when other processes kept more than half a core busy just before it
# (after waiting up to the settle time for them to stop), or while it ran, or when the
# hypervisor stole more than 3 % of the CPU time while it ran.
BUSY_CORES = 0.5
BUSY_STEAL_PCT = 3.0
TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks() -> dict[str, int]:
    """The machine's CPU time so far, in clock ticks, from the first line of /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    names = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")
    return dict(zip(names, map(int, fields), strict=True))


def own_cpu() -> float:
    """CPU seconds used by the bench and every child it has waited for (servers, wrk...)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Watch:
    """CPU time on the whole machine between start and stop, split into the bench's own
    and everyone else's, with steal and iowait as shares of all cores' time."""

    def __init__(self) -> None:
        self.ticks, self.own, self.wall = cpu_ticks(), own_cpu(), time.monotonic()
        self.load_before = os.getloadavg()[0]

    def stop(self) -> dict:
        ticks = {k: v - self.ticks[k] for k, v in cpu_ticks().items()}
        wall = time.monotonic() - self.wall
        total = sum(ticks.values()) or 1
        # user + nice + system is what the kernel also charges to processes (getrusage);
        # irq and softirq time (the loopback network, mostly) belongs to nobody.
        working = (ticks["user"] + ticks["nice"] + ticks["system"]) / TICK
        return {
            "seconds": round(wall, 1),
            "load_1min_before": self.load_before,
            "load_1min_after": os.getloadavg()[0],
            "others_cores": round(max(0.0, working - (own_cpu() - self.own)) / wall, 2),
            "steal_pct": round(100 * ticks["steal"] / total, 1),
            "iowait_pct": round(100 * ticks["iowait"] / total, 1),
        }


def settle(max_wait: float, probe: float) -> dict:
    """Wait (at most ``max_wait`` seconds) until others keep at most BUSY_CORES busy over a
    ``probe``-second window in which the bench does nothing; return the last window.

    The 1-minute load average is recorded but not used to decide: it still counts the
    bench's own previous section for minutes after it ends.
    """
    deadline = time.monotonic() + max_wait
    while True:
        watch = Watch()
        time.sleep(probe)
        window = watch.stop()
        window["waited_s"] = round(max_wait - max(0.0, deadline - time.monotonic()), 1)
        if window["others_cores"] <= BUSY_CORES or time.monotonic() >= deadline:
            return window


def busy(before: dict, during: dict) -> list[str]:
    """Why a section counts as measured on a busy machine (empty: it does not)."""
    reasons = []
    if before["others_cores"] > BUSY_CORES:
        reasons.append(f"others used {before['others_cores']} cores before it")
    if during["others_cores"] > BUSY_CORES:
        reasons.append(f"others used {during['others_cores']} cores during it")
    if during["steal_pct"] > BUSY_STEAL_PCT:
        reasons.append(f"{during['steal_pct']} % of CPU time stolen during it")
    return reasons


# ---------------------------------------------------------------- one contender


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
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}"]
        + ["-r", "0-1023", url],
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


def rate(client, path: str, seconds: float) -> float:
    """Requests a second for one path through the test client, its cache filled first."""
    client.get(path)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        assert client.get(path).status_code == 200
        n += 1
    return n / (time.perf_counter() - start)


def timed(command: list[str], cwd: Path, env: dict, log: Path, timeout: float) -> dict:
    """Run a command to the end: its wall time, the CPU time (user + sys) of it and all its
    children, and whether it passed. Its output goes to ``log``."""
    cpu, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    with log.open("wb") as out:
        done = subprocess.run(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout
        )
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime - cpu.ru_utime + after.ru_stime - cpu.ru_stime
    return {"wall_s": round(wall, 1), "cpu_s": round(used, 1), "passed": done.returncode == 0}
