"""Lesson 12 under real servers: a 256 MiB file, real curl, the server's memory measured.

The file is written to a temp folder (never committed), served by waitress and by gunicorn
on 127.0.0.1, and downloaded whole, in a range, and interrupted then resumed; crafted names
sent as raw request targets never reach the file planted beside the folder.
"""

import hashlib
import os
import subprocess

import pytest

from servers import curl, free_port, peak_rss_growth, serve, waitress_command

pytestmark = pytest.mark.integration

EXAMPLE = "12_streaming_downloads"
MiB = 1024 * 1024
SIZE = 256 * MiB
SECRET = "lesson 12 secret: this file lies beside the download folder, never in it"
# Raw request targets (curl --path-as-is sends them as written): dots, encoded dots and
# slashes, backslashes, NUL, double encoding, overlong UTF-8, absolute paths.
CRAFTED = [
    "../secret.txt",
    "..%2Fsecret.txt",
    "%2e%2e/secret.txt",
    "%2E%2E%2Fsecret.txt",
    "..\\secret.txt",
    "..%5Csecret.txt",
    "big.bin/..%2F..%2Fsecret.txt",
    "....//secret.txt",
    "..%252Fsecret.txt",
    "..%c0%afsecret.txt",
    "secret.txt%00",
    "..%2Fsecret.txt%00.bin",
    "%2Fetc%2Fpasswd",
    "/etc/passwd",
    "../../../../../../../../etc/passwd",
]
VIEWS = ["files", "download", "stream", "traps/naive"]


def sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(MiB):
            digest.update(chunk)
    return digest.hexdigest()


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """256 MiB of random bytes (each MiB rotated, so no two MiB are the same), in a
    download folder with a secret file beside it."""
    folder = tmp_path_factory.mktemp("lesson12") / "downloads"
    folder.mkdir()
    (folder.parent / "secret.txt").write_text(SECRET)
    (folder / "hello.txt").write_text("hello\n")
    path = folder / "big.bin"
    chunk = os.urandom(MiB)
    with path.open("wb") as f:
        for i in range(SIZE // MiB):
            f.write(chunk[i:] + chunk[:i])
    return path


@pytest.fixture(scope="module", params=["waitress", "gunicorn"])
def server(request, big_file):
    """The lesson's app, TRAPS on for the read() view, under a real server."""
    port = free_port()
    commands = {
        "waitress": waitress_command(EXAMPLE, port),
        "gunicorn": [
            *("gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}"),
            *("--pythonpath", "examples", f"{EXAMPLE}:create_app()"),
        ],
    }
    env = {"FLASK_DOWNLOAD_FOLDER": str(big_file.parent), "FLASK_TRAPS": "true"}
    with serve(commands[request.param], port, **env) as proc:
        yield f"http://127.0.0.1:{port}", proc


def test_full_download_is_identical_with_a_length(server, big_file, tmp_path):
    url, _ = server
    headers = curl("-D", "-", "-o", str(tmp_path / "out"), f"{url}/files/big.bin").stdout
    assert f"Content-Length: {SIZE}" in headers
    assert "Transfer-Encoding" not in headers
    assert sha256(tmp_path / "out") == sha256(big_file)


def test_the_generator_is_identical_and_chunked(server, big_file, tmp_path):
    url, _ = server
    headers = curl("-D", "-", "-o", str(tmp_path / "out"), f"{url}/stream/big.bin").stdout
    assert "Transfer-Encoding: chunked" in headers
    assert "Content-Length" not in headers
    assert sha256(tmp_path / "out") == sha256(big_file)


def test_a_range_is_exactly_those_bytes(server, big_file, tmp_path):
    url, _ = server
    first, last = 100 * MiB + 7, 100 * MiB + 4096 + 6
    done = curl(
        "-r",
        f"{first}-{last}",
        "-w",
        "%{http_code}",
        "-o",
        str(tmp_path / "part"),
        f"{url}/files/big.bin",
    )
    assert done.stdout == "206"
    with big_file.open("rb") as f:
        f.seek(first)
        assert (tmp_path / "part").read_bytes() == f.read(last - first + 1)


def test_an_interrupted_download_resumes_identically(server, big_file, tmp_path):
    url, _ = server
    part = tmp_path / "part"
    # Slow it down and give up after a second: curl exits 28 with part of the file.
    stopped = subprocess.run(
        [
            "curl",
            "-sS",
            "--limit-rate",
            "32M",
            "--max-time",
            "1",
            "-o",
            str(part),
            f"{url}/files/big.bin",
        ],
        capture_output=True,
        timeout=30,
    )
    assert stopped.returncode == 28, stopped.stderr
    assert 0 < part.stat().st_size < SIZE
    resumed = curl("-C", "-", "-w", "%{http_code}", "-o", str(part), f"{url}/files/big.bin")
    assert resumed.stdout == "206"
    assert sha256(part) == sha256(big_file)


def test_send_file_memory_stays_flat_and_read_does_not(server, tmp_path):
    url, proc = server

    def fetch(path):
        return lambda: curl("-o", os.devnull, "-w", "%{size_download}", f"{url}{path}").stdout

    size, flat = peak_rss_growth(proc.pid, fetch("/files/big.bin"))
    assert int(size) == SIZE
    assert flat < 32 * MiB, f"send_file grew the server by {flat / MiB:.0f} MiB"
    size, grown = peak_rss_growth(proc.pid, fetch("/traps/naive/big.bin"))
    assert int(size) == SIZE
    assert grown > 200 * MiB, f"read() grew the server by only {grown / MiB:.0f} MiB"


def test_no_crafted_name_leaves_the_folder(server, big_file):
    url, _ = server
    assert (big_file.parent / ".." / "secret.txt").read_text() == SECRET  # a naive join finds it
    names = [*CRAFTED, str(big_file.parent.parent / "secret.txt")]  # and its absolute path
    for view in VIEWS:
        for name in [*names, "hello.txt"]:
            done = curl(
                *("--path-as-is", "--location", "--max-redirs", "3"),
                *("-o", "-", "-w", "\n%{http_code}"),
                f"{url}/{view}/{name}",
            )
            body, status = done.stdout.rsplit("\n", 1)
            assert SECRET not in body, (view, name)
            assert "root:x:0:0" not in body, (view, name)
            if name == "hello.txt":  # the control: a name inside the folder is served
                assert (status, body) == ("200", "hello\n"), view
            else:
                assert status == "404", (view, name, status)
