"""Start real servers for integration tests: 127.0.0.1 only, a free port, stopped by PID."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import lessons


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 20.0) -> None:
    """Return once 127.0.0.1:port accepts connections; fail if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} within {timeout} s")


@contextlib.contextmanager
def serve(command: list[str], port: int, cwd: Path = lessons.ROOT, log: Path | None = None, **env):
    """Run ``command`` (bound to 127.0.0.1:port) until the block ends; stop it by PID."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        env=lessons.clean_env(**env),
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_port(port, proc)
        yield proc
    finally:
        stop(proc)
        if log:
            out.close()


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM the process group (the server and any workers), then SIGKILL if it lingers."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout)


def curl(*args: str, timeout: float = 60.0) -> subprocess.CompletedProcess:
    """Real curl, silent but showing errors, with a bounded run time."""
    return subprocess.run(
        ["curl", "--silent", "--show-error", "--max-time", str(int(timeout)), *args],
        capture_output=True,
        text=True,
        timeout=timeout + 5,
        check=True,
    )


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its children (a server and its workers), bytes."""
    import psutil

    root = psutil.Process(pid)
    total = 0
    for p in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def settled_rss(pid: int, quiet: float = 0.2, timeout: float = 5.0) -> int:
    """The tree's RSS once it has held still (within 1 MiB) for ``quiet`` seconds.

    A request that has just ended may still be freeing its memory: a baseline taken then
    would hide the next request's growth.
    """
    deadline = time.monotonic() + timeout
    last, since = tree_rss(pid), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.02)
        now = tree_rss(pid)
        if abs(now - last) > 2**20:
            last, since = now, time.monotonic()
    return last


def peak_rss_growth(pid: int, work, interval: float = 0.02):
    """Run ``work()`` while sampling the process tree's RSS; return (its result, peak growth)."""
    import threading

    base = peak = settled_rss(pid)
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(pid))
            time.sleep(interval)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        result = work()
    finally:
        done.set()
        sampler.join(5)
    return result, max(peak, tree_rss(pid)) - base


def waitress_command(example: str, port: int, threads: int = 4) -> list[str]:
    """waitress serving examples/<example> on 127.0.0.1:port, loaded as ``flask --app`` loads
    it: ``waitress-serve --call`` takes only module names that are identifiers."""
    loader = (
        "from flask.cli import ScriptInfo; from waitress import serve; "
        f"serve(ScriptInfo(app_import_path='examples/{example}').load_app(), "
        f"host='127.0.0.1', port={port}, threads={threads})"
    )
    return [sys.executable, "-c", loader]
