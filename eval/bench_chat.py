"""Load test of the chat on loopback: concurrent sessions through gradio_client.

python -m eval.bench_chat --index index [--sessions 20] [--questions 5]

Starts `app.py` on a free port, then runs N sessions at once, each about a different
council: a question naming the council and year, then follow-ups that name neither. Every
answer must come back, answer its own question, and cite only its session's council (a
follow-up that picked up another session's context would cite another council). Prints
p50/p95 latency per question and total throughput.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from eval.bench_query import percentile
from scripts.with_chroma_server import free_port

REPO = Path(__file__).resolve().parents[1]
# {council} and {year} only in the first question: the rest must inherit them.
SCRIPT = [
    "What did Ofsted find about management oversight in {council} in {year}?",
    "And what about care leavers?",
    "How were children in care judged?",
    "What did inspectors say about the supervision of social workers?",
    "What needs to improve?",
]
CITED = re.compile(r"`([^`]+\.pdf)`, page \d+")


def sessions_for(index: str, n: int) -> list[tuple[str, int]]:
    """(council, year) of each council's latest ILACS inspection, one council per session."""
    from assistant import Assistant

    latest: dict[str, int] = {}
    for m in Assistant.open(index).reports(report_type="ilacs"):
        if m.authority and m.year:
            latest[m.authority] = max(latest.get(m.authority, 0), m.year)
    councils = sorted(latest)
    if len(councils) < n:
        sys.exit(f"only {len(councils)} councils with an ILACS report in {index}; need {n}")
    step = len(councils) / n  # spread across the alphabet, not just the A's
    return [(councils[int(i * step)], latest[councils[int(i * step)]]) for i in range(n)]


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit(f"the app exited with {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"the app did not answer at {url} within {timeout:.0f} s")


def run_session(url: str, council: str, year: int, questions: int, authority_of: dict[str, str], out: dict) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    chat = []
    for turn, template in enumerate(SCRIPT[:questions]):
        question = template.format(council=council, year=year)
        started = time.perf_counter()
        chat, _sources, export, _download, _box, _table = client.predict(question, chat, [], [], None, None, api_name="/ask")
        out["latency"].append(time.perf_counter() - started)
        if not export.startswith(f"**Q:** {question}"):
            out["problems"].append(f"{council} turn {turn + 1}: got the answer to another question")
        cited = {authority_of.get(f, f) for f in CITED.findall(export)}
        if "do not answer this" in export and not cited:
            out["abstained"].append(f"{council} turn {turn + 1}")
        elif cited != {council}:
            out["problems"].append(f"{council} turn {turn + 1}: cites {sorted(cited)}")
        out["answered"] += 1


def guarded(url, council, year, questions, authority_of, out) -> None:
    try:
        run_session(url, council, year, questions, authority_of, out)
    except Exception as exc:  # noqa: BLE001 - a failed session is a result to report, not a crash
        out["problems"].append(f"{council}: {type(exc).__name__}: {exc}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", default="index")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--questions", type=int, default=5, choices=range(1, len(SCRIPT) + 1))
    args = parser.parse_args()

    from assistant import Assistant

    plan = sessions_for(args.index, args.sessions)
    authority_of = {m.file: m.authority for m in Assistant.open(args.index).reports()}
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--index", args.index, "--port", str(port)],
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(url, server)
        from gradio_client import Client

        Client(url, verbose=False).predict(SCRIPT[0].format(council=plan[0][0], year=plan[0][1]), [], [], [], None, None,
                                           api_name="/ask")  # warm the model, as a running service is
        out = {"latency": [], "problems": [], "abstained": [], "answered": 0}
        threads = [threading.Thread(target=guarded, args=(url, c, y, args.questions, authority_of, out)) for c, y in plan]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    expected = args.sessions * args.questions
    lat = out["latency"]
    print(f"sessions: {args.sessions}  questions each: {args.questions}  answered: {out['answered']}/{expected}")
    if lat:
        print(f"latency per question: p50 {percentile(lat, 0.5):.2f} s  p95 {percentile(lat, 0.95):.2f} s  "
              f"max {max(lat):.2f} s")
    print(f"throughput: {out['answered'] / wall:.2f} questions/s over {wall:.1f} s")
    print(f"abstained: {len(out['abstained'])} {out['abstained'][:5]}")
    for problem in out["problems"]:
        print("PROBLEM", problem)
    if out["problems"] or out["answered"] != expected:
        sys.exit(1)


if __name__ == "__main__":
    main()
