"""kill -9 at 20 random points of an ingest, each followed by a resume: every time the index ends
equal to a clean ingest (the same chunk rows and ids, the same vectors' ids, the same answers to
a fixed list of questions). Minutes long, so `make test-slow`; tests/test_crash.py kills one
point of a real-report ingest in `make test`."""

from __future__ import annotations

import random
import signal
import time

import pytest

from assistant import Assistant
from tests.adversarial import hostile_pdfs as hostile
from tests.test_crash import cli_ingest, committed_reports, state

pytestmark = pytest.mark.stress

KILLS = 20
REPORTS = 12
QUESTIONS = ["How do managers check the quality of work on private fostering?",
             "What was found about care leavers?",
             "Which audits looked at court work?"]


def report(path, n: int) -> None:
    """Six pages, every line its own: no two reports share a passage, so no ranking ties."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for page in range(6):
        topic = hostile.TOPICS[(n + page) % len(hostile.TOPICS)]
        for i, line in enumerate([f"Report {n}, section {page + 1}: {topic}",
                                  f"In report {n} inspectors found that work on {topic} is improving (page {page + 1}).",
                                  f"Managers in area {n * 10 + page} audit {topic} every {page + 2} weeks.",
                                  f"Leaders of team {n}-{page} know the strengths and gaps in {topic}."]):
            c.drawString(72, 760 - 20 * i, line)
        c.showPage()
    c.save()


def answers(assistant: Assistant) -> list[tuple[str, list[tuple[str, int, str]]]]:
    out = []
    for question in QUESTIONS:
        answer = assistant.ask(question)
        out.append((answer.text, [(c.file, c.page, c.quote) for c in answer.citations]))
    return out


def test_twenty_kills_at_random_points_each_resumed_equal_a_clean_ingest(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(REPORTS):
        report(folder / f"report-{n:02d}.pdf", n)
    start = time.monotonic()
    first = cli_ingest(folder, tmp_path / "clean")
    commits: list[float] = []  # when the clean run's 1st, 2nd, ... report committed
    while first.poll() is None:
        if committed_reports(tmp_path / "clean" / "catalog.sqlite3") > len(commits):
            commits.append(time.monotonic() - start)
        time.sleep(0.01)
    assert first.returncode == 0 and commits
    whole = time.monotonic() - start
    gap = (commits[-1] - commits[0]) / max(1, len(commits) - 1)  # one report's read + embed + write
    clean = Assistant.open(tmp_path / "clean", create=False)
    expected_state, expected_answers = state(clean), answers(clean)
    assert len(clean.files()) == REPORTS

    rng = random.Random(20261204)
    landed = []  # reports committed when each kill landed
    for n in range(KILLS):
        index = tmp_path / f"killed-{n}"
        proc = cli_ingest(folder, index)
        # A random point: after a random number of commits, somewhere inside the next report's
        # read, embed or write (a wall-clock point would mostly land in start-up or after the end).
        target = rng.randrange(REPORTS)
        while committed_reports(index / "catalog.sqlite3") < target and proc.poll() is None:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, gap))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        landed.append(committed_reports(index / "catalog.sqlite3") if proc.returncode == -signal.SIGKILL else REPORTS)
        resume = cli_ingest(folder, index)
        out, _ = resume.communicate(timeout=600)
        assert resume.returncode == 0 and "Traceback" not in out, out
        resumed = Assistant.open(index, create=False)
        assert state(resumed) == expected_state, f"kill {n} after {landed[-1]} reports"
        assert answers(resumed) == expected_answers, f"kill {n} after {landed[-1]} reports"
    mid = sum(0 < k < REPORTS for k in landed)
    print(f"\n{KILLS} kills (clean ingest {whole:.1f} s, commits from {commits[0]:.1f} s to {commits[-1]:.1f} s): "
          f"reports committed when killed {landed}; "
          f"{mid} mid-run, all resumed equal to the clean ingest")
    assert mid >= KILLS // 2, landed  # most points must fall where there is something to lose
