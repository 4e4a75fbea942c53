"""The console blocks' ``flask`` commands, without paying for ``import flask`` each time.

Every ``flask`` command starts a Python that imports Flask, Werkzeug, Click and Jinja before
it reads its arguments: 0.3-0.4 s of CPU here, for each of the pages' 45 commands, in each
stack's run. This server does those imports once. The ``flask`` first on the console blocks'
PATH is a small client (CLIENT below): it hands its arguments, environment, folder and
standard streams to the server, which forks a child that runs the venv's own ``flask`` script
with them, so the child prints, fails and exits as that command does. A command the server
cannot stand in for exactly (its environment sets a ``PYTHON*`` variable differently from the
server's, read as Python starts), or any command when the server is not running, runs the
real ``flask``. ``tests/test_harness.py`` runs the same commands both ways.

Run as ``python tests/forkserver.py SOCKET``; the suite starts it with ``start(folder, env)``.
"""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import selectors
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

FLASK = Path(sys.executable).parent / "flask"  # the venv's own entry point script

# The client: a Python without site-packages (20 ms, where `flask` takes 350).
CLIENT = """#!{python} -S
import json, os, socket, sys
real, wanted = {flask!r}, {python_env!r}
here = {{k: v for k, v in os.environ.items() if k.startswith("PYTHON")}}
server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
try:
    if here != wanted:
        raise OSError("a Python setting differs from the server's")
    server.connect({socket!r})
except OSError:
    os.execv(real, [real, *sys.argv[1:]])
command = {{"argv": [real, *sys.argv[1:]], "cwd": os.getcwd(), "env": dict(os.environ)}}
socket.send_fds(server, [json.dumps(command).encode()], [0, 1, 2])
code = int(server.recv(16) or b"1")
sys.exit(code if code >= 0 else 128 - code)
"""


def python_env(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith("PYTHON")}


def start(folder: Path, env: dict[str, str]) -> tuple[subprocess.Popen, dict[str, str]]:
    """Start the server in ``folder``; return it and the environment whose PATH finds the
    client as ``flask``. Stop it with ``.terminate()``."""
    sock, bin_dir = folder / "flask.sock", folder / "bin"
    bin_dir.mkdir()
    client = bin_dir / "flask"
    client.write_text(
        CLIENT.format(
            python=sys.executable, flask=str(FLASK), python_env=python_env(env), socket=str(sock)
        )
    )
    client.chmod(0o755)
    # The server itself is never measured: a forked child would write to the data file its
    # parent has open. Each child starts coverage of its own where the command's would.
    unmeasured = {k: v for k, v in env.items() if not k.startswith("COVERAGE_")}
    with (folder / "server.log").open("w") as log:
        server = subprocess.Popen(
            [sys.executable, __file__, str(sock)],
            env=unmeasured,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    deadline = time.monotonic() + 30
    while not sock.exists() and server.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    return server, {**env, "PATH": os.pathsep.join([str(bin_dir), env["PATH"]])}


def serve(path: str) -> None:
    """Fork a child per command; answer each client with its child's exit code."""
    # The imports every command makes first (`flask.cli`), or as it reads its arguments.
    import importlib.metadata  # noqa: F401

    import dotenv  # noqa: F401
    import flask.cli  # noqa: F401

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(path + ".new")
    listener.listen()
    os.rename(path + ".new", path)  # the socket appears only once it accepts
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    running: dict[int, socket.socket] = {}  # pid -> the client waiting for it
    while True:
        for key, _ in selector.select():
            if key.fileobj is listener:
                client, _ = listener.accept()
                message, fds, _, _ = socket.recv_fds(client, 1 << 20, 3)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:  # the child becomes the command, and ends as it ends
                    for other in [*selector.get_map().values()]:
                        os.close(other.fd)
                    client.close()
                    run(json.loads(message), fds)
                for fd in fds:
                    os.close(fd)
                running[pid] = client
                selector.register(os.pidfd_open(pid), selectors.EVENT_READ, data=pid)
                selector.register(client, selectors.EVENT_READ, data=pid)
            elif isinstance(key.fileobj, int):  # a pidfd: its child exited
                client = running.pop(key.data)
                selector.unregister(key.fileobj)
                os.close(key.fileobj)
                if client in selector.get_map():
                    selector.unregister(client)
                _, status = os.waitpid(key.data, 0)
                with contextlib.suppress(OSError):  # unless the client is gone
                    client.send(str(os.waitstatus_to_exitcode(status)).encode())
                client.close()
            elif key.data in running:  # the client went away (a timeout killed it)
                selector.unregister(key.fileobj)
                os.kill(key.data, signal.SIGKILL)


def run(command: dict, fds: list[int]) -> None:
    """In the child: take the client's streams, folder, environment and arguments, and run
    the venv's ``flask`` script as ``__main__``; its SystemExit ends this process."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(command["cwd"])
    os.environ.clear()
    os.environ.update(command["env"])
    sys.argv = command["argv"]
    sys.path[0] = str(FLASK.parent)  # as for a script run from the venv's bin folder
    sys.excepthook = from_the_script
    if "COVERAGE_PROCESS_CONFIG" in os.environ:  # the suite under coverage: as a new Python
        import coverage  # would, with a data file of this command's own

        coverage.process_startup()
    runpy.run_path(str(FLASK), run_name="__main__")
    sys.exit(0)


def from_the_script(kind, error, traceback) -> None:
    """Print an uncaught error as the real command does: from the script's frame on."""
    start = traceback
    while start and start.tb_frame.f_code.co_filename != str(FLASK):
        start = start.tb_next
    sys.__excepthook__(kind, error.with_traceback(start or traceback), start or traceback)


if __name__ == "__main__":
    serve(sys.argv[1])
