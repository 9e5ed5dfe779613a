"""Many threads on one Assistant, real Chroma (embedded, or the CHROMA_URL server), real reports.

- `ask` and `search` from 8 threads at once give exactly the single-threaded results;
- a thread re-ingesting a file (its bytes swapped between two real reports, so each run
  replaces the report) while others query never breaks a query: no exception, and every
  passage and citation comes from one complete committed version of a report.
"""

from __future__ import annotations

import random
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ingest.normalize import for_match

pytestmark = pytest.mark.corpus

QUESTIONS = [
    "How did Ofsted rate Haringey's children in care in 2023?",
    "What did Ofsted find about management oversight in Rotherham in 2014?",
    "How did Haringey's overall effectiveness change between 2018 and 2023?",
    "What did the area SEND inspection of Bexley find about EHC plans?",
    "care leavers accommodation in Barnet",
    "What did the 2025 focused visit to Haringey find?",
    "What did Ofsted say about Glasgow's care leavers?",
    "life-story work for children in care in Haringey 2023",
]


def fingerprint(assistant, question: str):
    """Everything a user sees of an answer and a search, comparable across runs."""
    answer = assistant.ask(question)
    hits = assistant.search(question, k=10)
    return (
        answer.text, answer.abstained, answer.kind,
        [(c.marker, c.file, c.page, c.quote) for c in answer.citations],
        [p.chunk_id for p in answer.passages],
        [(h.chunk_id, round(h.score, 5)) for h in hits],
    )


def test_eight_threads_get_the_single_threaded_answers(small_index):
    serial = {q: fingerprint(small_index, q) for q in QUESTIONS}
    assert sum(not s[1] for s in serial.values()) >= 6  # most of them are real, cited answers
    jobs = QUESTIONS * 4
    random.Random(3).shuffle(jobs)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda q: fingerprint(small_index, q), jobs))
    for question, got in zip(jobs, results):
        assert got == serial[question], question


# Small real reports (focused-visit letters): two stay, the swap file alternates between two.
FIXED = ["ofsted-focused-visits/birmingham_2020-03-13_focused-visit.pdf",
         "ofsted-focused-visits/camden_2018-06-08_focused-visit.pdf"]
SWAP = ["ofsted-focused-visits/croydon_2021-07-26_focused-visit.pdf",
        "ofsted-focused-visits/doncaster_2019-01-04_focused-visit.pdf"]
LIVE_QUESTIONS = [
    "What did Ofsted find on the focused visit to Croydon in 2021?",
    "What did the focused visit to Doncaster find about management oversight?",
    "How well do social workers know their children in Camden?",
    "What did inspectors say about the quality of assessments in Birmingham?",
    "supervision and caseloads of social workers",
]


def test_ingest_while_querying_shows_whole_reports_only(corpus, tmp_path):
    from assistant import Assistant

    folder = tmp_path / "in"
    folder.mkdir()
    for name in FIXED:
        shutil.copyfile(corpus / name, folder / name.split("/")[-1])
    swap = folder / "swap.pdf"
    shutil.copyfile(corpus / SWAP[0], swap)
    assistant = Assistant.open(tmp_path / "index")
    assert assistant.ingest(folder, progress=False).count("new") == 3

    # Every version ever committed: report id -> its chunk ids, and its pages' text.
    committed: dict[str, set[str]] = {}
    pages: dict[tuple[str, int], str] = {}

    def record() -> None:
        for meta in assistant.catalog.reports():
            committed[meta.report_id] = set(assistant.catalog.chunk_ids_of(meta.report_id))
            for page in range(1, meta.pages + 1):
                pages[(meta.report_id, page)] = assistant.catalog.page_text(meta.report_id, page)

    record()
    done = threading.Event()
    seen: list[tuple[str, object]] = []

    def writer() -> None:
        try:
            for turn in range(1, 7):
                shutil.copyfile(corpus / SWAP[turn % 2], swap)
                summary = assistant.ingest(folder, progress=False)
                assert summary.count("updated") == 1, summary.format()
                record()
        finally:
            done.set()

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        while not done.is_set():
            question = rng.choice(LIVE_QUESTIONS)
            seen.append(("search", assistant.search(question, k=10)))
            seen.append(("ask", assistant.ask(question)))
            snap = assistant.snapshot()
            by_report: dict[str, set[str]] = {rid: set() for rid in snap.reports}
            for cid, chunk in snap.chunks.items():
                by_report.setdefault(chunk.report_id, set()).add(cid)
            seen.append(("snapshot", by_report))

    with ThreadPoolExecutor(5) as pool:
        readers = [pool.submit(reader, seed) for seed in range(4)]
        pool.submit(writer).result(timeout=600)
        for future in readers:
            future.result(timeout=120)  # re-raises anything a reader hit

    fixed = {assistant.report_for_file(name.split("/")[-1]).report_id for name in FIXED}
    swapped = set(committed) - fixed
    assert len(swapped) == 2  # both versions of swap.pdf were committed in turn
    snapshots = [r for kind, r in seen if kind == "snapshot"]
    searches = [r for kind, r in seen if kind == "search"]
    answers = [r for kind, r in seen if kind == "ask"]
    assert len(searches) >= 6 and any(p.report.report_id in swapped for hits in searches for p in hits)
    for by_report in snapshots:  # whole reports: each with every chunk its version committed
        assert len(set(by_report) & swapped) == 1 and fixed <= set(by_report)
        for rid, ids in by_report.items():
            assert ids == committed[rid], rid
    for passages in searches + [a.passages for a in answers]:
        for p in passages:
            rid = p.report.report_id
            assert p.chunk_id in committed[rid], (p.chunk_id, rid)
            if rid in swapped:
                assert p.report.file == "swap.pdf"
        assert len({p.report.report_id for p in passages} & swapped) <= 1  # one version per result
    for answer in answers:
        for c in answer.citations:  # shown quotes are on their page, in the version they came from
            assert for_match(c.quote) in for_match(pages[(c.passage.report.report_id, c.page)]), c
