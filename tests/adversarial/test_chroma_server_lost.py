"""A Chroma server that goes away (SIGKILL, also while questions are in flight) is one typed
error through the API and one line from the CLI, never a traceback nor an empty answer shown
as a real one; once it is back on the same port with the same data, the same Assistant (no
restart of the app) and a new CLI process answer exactly as before. A read-only index folder
whose vectors live on the server answers in full: only the catalog and BM25 are read there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant import Assistant
from ingest.core.errors import ChromaServerUnreachable
from scripts.with_chroma_server import CHROMA, free_port, stop, wait_until_ready
from tests.adversarial import hostile_pdfs as hostile
from tests.adversarial.unprivileged import as_user
from tests.conftest import REPO

CLI = Path(sys.executable).with_name("inspection-assistant")
QUESTION = "What do managers review every month for children in care?"


class Server:
    """`chroma run` on one port and one data folder, killed and started again at will."""

    def __init__(self, data: Path):
        self.data, self.port = data, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.data.parent / "chroma.log").open("a")
        self.proc = subprocess.Popen([CHROMA, "run", "--path", self.data, "--host", "127.0.0.1", "--port", str(self.port)],
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_until_ready(f"{self.url}/api/v2/heartbeat", self.proc, 60, "chroma run")

    def kill(self) -> None:
        """Gone at once, as after a crash: no shutdown, no goodbye to open connections."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server, an index of two generated reports whose vectors are on it, the Assistant that
    built it and its answer to QUESTION."""
    root = tmp_path_factory.mktemp("server-lost")
    server = Server(root / "chroma-data")
    server.start()
    try:  # a failed setup must not leave the server running
        folder = root / "pdfs"
        folder.mkdir()
        hostile.text_pdf(folder / "alpha.pdf", pages=2)
        hostile.text_pdf(folder / "beta.pdf", pages=2, line="Leaders have a clear plan for care leavers.")
        index = root / "index"
        assistant = Assistant.open(index, chroma_url=server.url)
        assert assistant.ingest(folder, progress=False).count("new") == 2
        assert not (index / "chroma").exists()  # the vectors are on the server only
        answer = assistant.ask(QUESTION)
        assert not answer.abstained and answer.citations, answer.text
        yield server, index, assistant, answer.text
    finally:
        if server.proc is not None:
            stop(server.proc)


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, cwd=REPO, timeout=300)


def test_a_lost_server_is_one_clear_error_and_the_same_assistant_recovers(served):
    server, index, assistant, answer = served
    outcomes: list[str] = []
    killer = threading.Timer(0.5, server.kill)
    killer.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # ask until the kill lands, maybe in the middle of a question
        try:
            text = assistant.ask(QUESTION).text
        except ChromaServerUnreachable as exc:
            outcomes.append(str(exc))
            break
        outcomes.append("same" if text == answer else f"a different answer: {text}")
    killer.join()
    assert set(outcomes[:-1]) <= {"same"}, outcomes  # no wrong or empty answer while it went away
    error = outcomes[-1]
    assert error.startswith(f"cannot reach the Chroma server at {server.url}") and "\n" not in error, error
    with pytest.raises(ChromaServerUnreachable):
        assistant.search("care leavers")

    started = time.monotonic()
    for command in (("ask", QUESTION), ("search", "care leavers")):
        done = cli(*command, "--index", index, "--chroma-url", server.url)
        assert done.returncode == 1 and "Traceback" not in done.stderr and not done.stdout, done.stderr
        assert len(done.stderr.splitlines()) == 1, done.stderr
        assert done.stderr.startswith(f"Error: cannot reach the Chroma server at {server.url}"), done.stderr
    print(f"\n{len(outcomes) - 1} answers before the kill, then: {error}\nCLI refusals: {time.monotonic() - started:.1f} s for two")

    server.start()  # the same port and data, as a restarted service would be
    assert assistant.ask(QUESTION).text == answer
    back = cli("ask", QUESTION, "--index", index, "--chroma-url", server.url)
    reading, shown = back.stdout.split("\n", 1)  # the CLI prints how the question was read, then the answer
    assert back.returncode == 0 and reading.startswith("Read as:") and shown.startswith(answer), back.stderr


def test_a_read_only_index_folder_answers_from_the_server(served):
    server, index, _, answer = served
    if server.proc is None or server.proc.poll() is not None:  # the test before failed while it was down
        server.start()
    subprocess.run(["chmod", "-R", "a-w", index], check=True)
    try:
        done = subprocess.run([*as_user(), CLI, "ask", QUESTION, "--index", index, "--chroma-url", server.url],
                              capture_output=True, text=True, cwd=REPO, timeout=300)
    finally:
        subprocess.run(["chmod", "-R", "u+w", index], check=True)
    assert done.returncode == 0 and done.stdout.split("\n", 1)[1].startswith(answer), done.stderr
