"""Run a command against a real `chroma run` server, started for it and stopped after it.

    python scripts/with_chroma_server.py -- pytest tests/test_ingest.py

The server listens on 127.0.0.1 on a free port with its own temporary data dir; the
command sees CHROMA_URL. The server is stopped and its data removed however the command
ends (failure, Ctrl-C, SIGTERM from CI), and the command's exit code is returned.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMA = Path(sys.executable).with_name("chroma")  # the CLI chromadb installs beside python


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(probe: str, proc: subprocess.Popen, timeout: float, name: str,
                     ready=lambda response: response.status == 200) -> None:
    """Poll `probe` until `ready(response)`; fail if the server exits first or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if ready(response):
                    return
        except (OSError, ValueError):  # not up yet, or not answering sense yet
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer {probe} within {timeout:.0f}s")


@contextmanager
def chroma_server(data_dir: Path | None = None, timeout: float = 60):
    """Yield (url, server process) for a fresh `chroma run` on a free local port."""
    own_dir = data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="chroma-server-")) if own_dir else Path(data_dir)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (data_dir.parent / f"{data_dir.name}.log").open("w")
    # A session of its own: the server is stopped by signalling its whole group.
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(data_dir), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_until_ready(f"{url}/api/v2/heartbeat", proc, timeout, "chroma run")
        yield url, proc
    finally:
        stop(proc)
        log.close()
        if own_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
            Path(log.name).unlink(missing_ok=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def run_beside(argv: list[str], server, variable: str, name: str, usage: str) -> int:
    """Run the command in `argv` (after "--") with `server()` up and its URL in `variable`."""
    command = argv[1:] if argv and argv[0] == "--" else argv
    if not command:
        print(usage, file=sys.stderr)
        return 2
    # SIGTERM (a CI timeout) becomes an exception, so the finally blocks stop the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with server() as (url, _):
        print(f"{name} at {url}", file=sys.stderr, flush=True)
        return subprocess.call(command, env=dict(os.environ, **{variable: url}))


def main(argv: list[str]) -> int:
    return run_beside(argv, chroma_server, "CHROMA_URL", "chroma server", __doc__ or "")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
