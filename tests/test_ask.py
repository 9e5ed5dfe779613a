"""The ask side on real ingested reports: retrieval, scoping, answers, abstention, verification."""

from __future__ import annotations

import re

import pytest

from assistant import Filters
from assistant.phrases import ABSTAIN
from assistant.verify import quote_on_page, verify_citations
from eval.independent_text import quote_on_page as on_pdf_page
from ingest.core.types import Citation
from ingest.normalize import for_match
from tests.conftest import CORPUS

pytestmark = pytest.mark.corpus

HARINGEY_2023 = "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf"
HARINGEY_2018 = "ofsted-ilacs/haringey_2018-12-14_ilacs.pdf"
ROTHERHAM_2014 = "ofsted-ilacs/rotherham_2014-11-19_sif.pdf"


def assert_verified(assistant, answer):
    for c in answer.citations:
        assert for_match(c.quote) in for_match(assistant.page_text(c.file, c.page)), c


def test_hybrid_beats_or_matches_each_part_on_a_named_finding(small_index):
    q = "life-story work for children in care in Haringey 2023"
    for mode in ("hybrid", "dense", "lexical"):
        hits = small_index.search(q, k=5, mode=mode)
        assert hits, mode
        assert all(h.file and h.page_start >= 1 for h in hits)
    top = small_index.search(q, k=3)
    assert any(h.file == HARINGEY_2023 and 6 in h.pages for h in top)


def test_report_aware_scoping_restricts_to_the_named_council_and_year(small_index):
    hits = small_index.search("What did inspectors say about management oversight in Rotherham in 2014?", k=10)
    assert hits and all(h.file == ROTHERHAM_2014 for h in hits)
    # A council with several indexed reports: scoped to the year asked, while the same question
    # without report-awareness reaches its other years (so the scoping is what restricts it).
    question = "What did inspectors say about management oversight in Haringey in 2018?"
    assert {h.file for h in small_index.search(question, k=10)} == {HARINGEY_2018}
    assert {h.file for h in small_index.search(question, k=10, aware=False)} - {HARINGEY_2018}


def test_a_scope_ranked_from_its_vectors_agrees_with_chromas_filter(small_index, monkeypatch):
    """Small scopes are ranked from vectors fetched by id (Chroma's filter scans the whole store)."""
    report_id = small_index.report_for_file(ROTHERHAM_2014).report_id
    ids = [c.chunk_id for c in small_index.snapshot().by_report[report_id]]
    vector = small_index.embedder.encode_queries(["management oversight of social work"])[0]
    by_filter = small_index.vectors.query(vector, 20, [report_id])
    by_ids = small_index.vectors.query(vector, 20, chunk_ids=ids + ["no-such-chunk"])
    assert len(by_ids) == len(by_filter) == min(20, len(ids))
    assert by_ids[0][0] == by_filter[0][0]
    assert [s for _, s in by_ids] == pytest.approx([s for _, s in by_filter], abs=1e-4)
    assert small_index.vectors.query(vector, 5, chunk_ids=["no-such-chunk"]) == []

    question = "What did inspectors say about management oversight in Rotherham in 2014?"
    monkeypatch.setattr(small_index.vectors, "exact_scope_ratio", 10**9)  # never small enough: Chroma filters
    monkeypatch.setattr(small_index.vectors, "exact_index_max", 0)  # nor the whole index ranked exactly
    filtered = small_index.search(question, k=10)
    monkeypatch.setattr(small_index.vectors, "exact_scope_ratio", 1)  # always: ranked from vectors fetched by id
    exact = small_index.search(question, k=10)
    assert exact and {p.file for p in exact} == {ROTHERHAM_2014}
    assert len({p.chunk_id for p in exact} & {p.chunk_id for p in filtered}) >= 8


def test_a_small_index_is_ranked_exactly_from_vectors_fetched_once(small_index, monkeypatch):
    """Every vector compared, not Chroma's approximate graph (whose shape depends on the build)."""
    import numpy as np

    store = small_index.vectors
    ids = sorted(c.chunk_id for chunks in small_index.snapshot().by_report.values() for c in chunks)
    assert len(ids) <= small_index.settings.store.exact_index_max
    vector = small_index.embedder.encode_queries(["children missing from care and return home interviews"])[0]
    got = store.query(vector, 10, whole=ids)
    everything = store.collection.get(ids=ids, include=["embeddings"])
    matrix = np.asarray(everything["embeddings"], dtype=np.float32)
    sims = matrix @ vector / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector))
    assert [cid for cid, _ in got] == [everything["ids"][i] for i in np.argsort(-sims, kind="stable")[:10]]
    monkeypatch.setattr(store, "_fetch", lambda chunk_ids: pytest.fail("fetched again for the same chunks"))
    assert store.query(vector, 10, whole=ids) == got


def test_filters_are_applied(small_index):
    hits = small_index.search("care leavers accommodation", k=10, filters=Filters(report_type="area-send"))
    assert hits and all(h.report.report_type == "area-send" for h in hits)
    hits = small_index.search("care leavers accommodation", k=10, filters=Filters(year_from=2023))
    assert hits and all((h.report.year or 0) >= 2023 for h in hits)


def test_judgement_question_is_answered_from_the_grade_page(small_index):
    answer = small_index.ask("How did Ofsted rate Haringey's children in care in 2023?")
    assert not answer.abstained
    assert answer.kind == "judgement"
    assert "requires improvement" in answer.text.lower()
    assert answer.citations[0].file == HARINGEY_2023 and answer.citations[0].page == 1
    assert answer.passages[0].file == HARINGEY_2023 and 1 in answer.passages[0].pages
    assert_verified(small_index, answer)


def test_comparison_cites_each_report(small_index):
    answer = small_index.ask("How did Haringey's overall effectiveness change between 2018 and 2023?")
    assert not answer.abstained
    files = {c.file for c in answer.citations}
    assert {"ofsted-ilacs/haringey_2018-12-14_ilacs.pdf", HARINGEY_2023} <= files
    assert "good" in answer.text.lower() and "requires improvement" in answer.text.lower()
    assert_verified(small_index, answer)


def test_finding_answer_quotes_the_report(small_index):
    answer = small_index.ask("What did Ofsted find about management oversight in Rotherham in 2014?")
    assert not answer.abstained and answer.citations
    assert all(c.file == ROTHERHAM_2014 for c in answer.citations)
    assert "[1]" in answer.text
    assert any("oversight" in c.quote.lower() for c in answer.citations)
    assert_verified(small_index, answer)


@pytest.mark.parametrize("question", [
    "What did Ofsted say about Glasgow's care leavers?",
    "How was Haringey's children's services rated in 2009?",
    "What did the inspection of Rotherham in 2031 find?",
    "What CQC rating did the Royal London Hospital get?",
    "How was Great Ormond Street Hospital rated at its last inspection?",
    "What did HM Inspectorate of Prisons find at HMP Pentonville?",
])
def test_abstains_when_the_reports_do_not_answer(small_index, question):
    answer = small_index.ask(question)
    assert answer.abstained, answer.text
    assert answer.citations == []
    assert ABSTAIN.rstrip(".") in answer.text or "do not" in answer.text


@pytest.mark.parametrize("question, word", [
    ("What do inspectors say about dental checks for children in care?", "dental"),
    ("How well are care leavers supported to go to university?", "universit"),
    ("How do councils work with hospitals when a baby is at risk?", "hospital"),
])
def test_a_question_that_mentions_another_kind_of_body_is_answered(small_index, question, word):
    """A body is out of scope only when it is what is being rated, never because it is named."""
    answer = small_index.ask(question)
    assert not answer.abstained and answer.citations, answer.text
    assert any(word in c.quote.lower() for c in answer.citations), [c.quote for c in answer.citations]
    for c in answer.citations:  # on the page as another extractor reads the PDF, not only in our store
        assert on_pdf_page(c.file, c.page, c.quote, CORPUS), (c.file, c.page, c.quote)


def test_follow_up_inherits_the_council_and_year(small_index):
    first = "How did Ofsted rate Haringey's children's services in 2023?"
    answer = small_index.ask("And what about care leavers?", history=[first])
    assert not answer.abstained
    assert all(c.file == HARINGEY_2023 for c in answer.citations)


def test_verifier_rejects_a_fabricated_quote(small_index):
    page = small_index.page_text(HARINGEY_2023, 6)
    real = "Life-story work is underdeveloped and has been absent for too many children in care."
    fake = "Life-story work is excellent and is completed for every child in care."
    assert quote_on_page(real, page)
    assert not quote_on_page(fake, page)
    kept, dropped = verify_citations(
        [Citation(HARINGEY_2023, 6, real), Citation(HARINGEY_2023, 6, fake), Citation(HARINGEY_2023, 7, real)],
        small_index.page_text,
    )
    assert [c.quote for c in kept] == [real]
    assert len(dropped) == 2  # the fabricated quote, and the real one cited to the wrong page


def test_an_answer_left_without_verified_support_abstains(small_index, monkeypatch):
    """Feed the composer's verifier a page store in which no quote can be found."""
    import assistant.draft as draft_module

    real_verify = draft_module.verify_citations
    monkeypatch.setattr(draft_module, "verify_citations", lambda cits, _pages: real_verify(cits, lambda f, p: ""))
    answer = small_index.ask("What did Ofsted find about management oversight in Rotherham in 2014?")
    assert answer.abstained and answer.citations == []


def test_a_report_silent_on_the_topic_says_so_first_and_marks_the_nearest_passages(small_index):
    silent = small_index.ask("What did Haringey's 2023 inspection say about county lines and forced marriage?")
    opening = silent.text.split("\n", 1)[0]
    assert "does not discuss" in opening and "county lines" in opening and "not an answer" in opening
    assert silent.claims and {c.role for c in silent.claims} == {"nearest"}
    said = small_index.ask("What did Haringey's 2023 inspection say about private fostering?")
    assert "does not discuss" not in said.text and {c.role for c in said.claims} == {"finding"}
    assert any("private fostering" in c.quote.lower() for c in said.citations)


def test_one_reports_answer_on_a_named_topic_quotes_only_that_topic_or_says_it_is_absent(small_index):
    """Every page of the report is read for the topic as meant: "pre-proceedings" is the PLO in
    Haringey's 2018 report; a topic no page names is said to be absent first, with what was
    looked for, even when search finds passages sharing some of its words."""
    found = small_index.ask("Haringey 2018: pre-proceedings?")
    assert found.claims and {c.role for c in found.claims} == {"finding"}
    assert all(re.search(r"\bPLO\b|public law outline|pre-proceedings", c.quote, re.I) for c in found.citations)
    assert {c.file for c in found.citations} == {"ofsted-ilacs/haringey_2018-12-14_ilacs.pdf"}
    absent = small_index.ask("What did Haringey's 2023 inspection say about the pandemic?")
    opening = absent.text.split("\n", 1)[0]
    assert opening.startswith("Haringey, ILACS inspection, Feb 2023 does not discuss pandemic")
    assert "coronavirus" in opening and "12 pages" in opening  # what was looked for, and where
    assert {c.role for c in absent.claims} <= {"nearest"}
    fact = small_index.ask("Was the pre-proceedings process used well in Haringey at the 2018 inspection?")
    assert "sentences on" not in fact.text and fact.claims  # a question of fact: the best sentences found


def test_a_few_reports_and_a_named_topic_each_quote_only_the_topic_or_say_they_do_not_discuss_it(small_index):
    """A council's reports since a year, or set side by side, and a topic: each report's sentences
    on it, never its best sentence on anything else; the reports silent on it are named as such."""
    for question in ("What did Haringey's reports since 2018 say about private fostering?",
                     "Compare Haringey's 2018 and 2023 inspections on private fostering"):
        answer = small_index.ask(question)
        assert answer.claims and {c.role for c in answer.claims} == {"finding"}, question
        assert all(re.search(r"private(ly)? foster", c.quote, re.I) for c in answer.citations), question
        files = {c.file for c in answer.citations}
        said_silent = set(re.findall(r"(Haringey, [^.]*?) does not discuss", answer.text))
        assert len(files) + len(said_silent) >= 2, question  # every report in scope: quoted or said to be silent
    for question in ("What did Haringey's reports since 2018 say about forced marriage?",
                     "What does Haringey's report say about forced marriage?"):  # no year: said, not an abstention
        silent = small_index.ask(question)
        assert not silent.abstained and not silent.citations and silent.text.count("does not discuss") >= 2, question


def test_an_answer_comes_as_events_reading_first_then_its_claims_table_and_the_answer(small_index):
    question = "Compare Haringey's 2018 and 2023 inspections"
    events = list(small_index.answer_events(question))
    kinds = [e.kind for e in events]
    assert kinds[0] == "reading" and kinds[-1] == "done" and "token" not in kinds  # no language model asked
    answer = events[-1].answer
    assert events[0].text == answer.reading and answer.text == small_index.ask(question).text
    assert [e.text for e in events if e.kind == "claim"] == [c.text for c in answer.claims] and answer.claims
    assert [e.table for e in events if e.kind == "table"] == ([answer.table] if answer.table is not None else [])


def test_a_report_before_or_since_a_year_is_chosen_within_that_period(small_index):
    before = small_index.ask("Summarise Haringey's inspection before 2019")
    assert {c.file for c in before.citations} == {"ofsted-ilacs/haringey_2018-12-14_ilacs.pdf"}
    assert "before 2019" in before.reading


def test_recommendations_about_a_topic_are_listed_or_said_to_be_none(small_index):
    none = small_index.ask("What did Ofsted recommend to Haringey in 2023 about county lines?")
    assert none.kind == "aggregate" and none.text.split("\n", 1)[0].startswith("None of its recommendations is about")
    assert none.claims and all(c.role == "improve" for c in none.claims)  # the list follows, each item cited
    every = small_index.ask("What did Ofsted recommend to Haringey in 2023?")
    assert len(every.claims) == len(none.claims)
