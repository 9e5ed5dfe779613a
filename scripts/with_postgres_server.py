"""Run a command against a real PostgreSQL server, started for it and stopped after it.

    python scripts/with_postgres_server.py -- pytest tests/test_catalog_database.py

The server is Debian's PostgreSQL (`make install-postgres`), in a fresh cluster of its own
(initdb into a temporary folder), listening on 127.0.0.1 on a free port; the command sees
INSPECTION_ASSISTANT_STORE__DATABASE_URL. Run as root, the cluster belongs to the `postgres`
user (PostgreSQL refuses to run as root). The server is stopped and its data removed however
the command ends, and the command's exit code is returned.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.with_chroma_server import free_port, run_beside  # noqa: E402

VARIABLE = "INSPECTION_ASSISTANT_STORE__DATABASE_URL"
USER = "inspection"


def bin_dir() -> Path | None:
    """The newest installed PostgreSQL's programs (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _ready(programs: Path, port: int, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"postgres exited with {proc.returncode} before answering")
        if subprocess.call([str(programs / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)]) == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"postgres did not answer on port {port} within {timeout:.0f}s")


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder, on one port for its whole life, so a
    test can stop it and start it again under a running client."""

    def __init__(self, timeout: float = 60):
        self.programs = bin_dir()
        if self.programs is None:
            raise RuntimeError("PostgreSQL is not installed (make install-postgres, or apt-get install postgresql)")
        self.timeout = timeout
        self.work = Path(tempfile.mkdtemp(prefix="postgres-server-"))
        self.data, self.sockets = self.work / "data", self.work / "sockets"
        self.sockets.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.work, "postgres")
            shutil.chown(self.sockets, "postgres")
            self.work.chmod(0o700)
        self.port = free_port()
        self.url = f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"
        self.log = (self.work.parent / f"{self.work.name}.log").open("w")
        self.proc: subprocess.Popen | None = None
        try:
            subprocess.run(_as_owner([str(self.programs / "initdb"), "-D", str(self.data), "-U", USER, "--auth=trust",
                                      "-E", "UTF8", "--locale=C"]), check=True, stdout=self.log, stderr=subprocess.STDOUT)
        except BaseException:
            self.remove()
            raise

    def start(self) -> None:
        # fsync off: a throwaway cluster, lost with its folder anyway
        self.proc = subprocess.Popen(
            _as_owner([str(self.programs / "postgres"), "-D", str(self.data), "-p", str(self.port), "-k",
                       str(self.sockets), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                       "-c", "max_connections=200"]),
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        _ready(self.programs, self.port, self.proc, self.timeout)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGINT)  # a fast shutdown: clients are cut off
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def remove(self) -> None:
        self.stop()
        self.log.close()
        shutil.rmtree(self.work, ignore_errors=True)
        Path(self.log.name).unlink(missing_ok=True)


@contextmanager
def postgres_server(timeout: float = 60):
    """Yield (url, cluster) for a fresh PostgreSQL cluster on a free local port, removed after."""
    cluster = Cluster(timeout)
    try:
        cluster.start()
        yield cluster.url, cluster
    finally:
        cluster.remove()


def main(argv: list[str]) -> int:
    return run_beside(argv, postgres_server, VARIABLE, "postgres server", __doc__ or "")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
