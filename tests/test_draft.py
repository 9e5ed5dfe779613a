"""An answer is a list of cited claims verified in one place: a claim whose quote is not on
its page disappears with its sentence, its heading goes if nothing is left under it, table
rows resting on it go, and the markers that remain are numbered 1, 2, 3 in reading order."""

import pytest

from assistant.draft import Draft
from ingest.core.types import ReportMeta

pytestmark = pytest.mark.unit  # no model, no corpus: `make test-fast`

PAGES = {("a.pdf", 1): "Plans are reviewed regularly. Managers check every plan.",
         ("a.pdf", 2): "Supervision is regular and reflective."}


A = ReportMeta("a", "a.pdf", "Anytown")


class Pages:
    """The two calls a Draft makes of the index: a page's text and the chunk showing a quote."""

    def page_text(self, file, page):
        return PAGES.get((file, page))

    def page_passage(self, meta, page, quote):
        return None


def test_a_dropped_claim_takes_its_sentence_and_the_markers_are_renumbered():
    draft = Draft("q", "finding", Pages())
    draft.note("Two findings:")
    first = draft.cite(A, 1, "Plans are reviewed regularly.")
    draft.claim(f"- Plans are reviewed regularly. {first}")
    draft.heading("Invented:")
    fake = draft.cite(A, 1, "Nobody ever reads a plan.")
    draft.claim(f"- Nobody ever reads a plan. {fake}")
    draft.heading("Supervision:")
    last = draft.cite(A, 2, "Supervision is regular and reflective.")
    draft.claim(f"- Supervision is regular and reflective. {last}", role="strength")
    draft.table(["Finding", "Source"])
    draft.row(["plans", first], requires=[first])
    draft.row(["invented", fake], requires=[fake])
    draft.row(["supervision", last], requires=[last])
    answer = draft.finish([])

    assert answer.text.splitlines() == ["Two findings:", "- Plans are reviewed regularly. [1]", "Supervision:",
                                        "- Supervision is regular and reflective. [2]"]
    assert [(c.marker, c.page) for c in answer.citations] == [(1, 1), (2, 2)]
    assert [c.text for c in answer.claims] == ["- Plans are reviewed regularly. [1]", "- Supervision is regular and reflective. [2]"]
    assert answer.claims[1].role == "strength" and answer.claims[1].citations[0].marker == 2
    assert answer.table.rows == [["plans", "[1]"], ["supervision", "[2]"]]
    assert "plans,[1]" in answer.table.to_csv()


def test_no_verified_claim_abstains_unless_an_empty_answer_is_an_answer():
    draft = Draft("q", "coverage", Pages())
    draft.note(lambda kept, dropped: f"{len(kept)} shown, {dropped} dropped.")
    draft.claim(f"- {draft.cite(A, 2, 'Not on the page at all.')}")
    assert draft.finish([]).abstained
    answer = draft.finish([], abstain_if_empty=False)
    assert not answer.abstained and answer.text == "0 shown, 1 dropped." and answer.citations == []


def test_a_claim_needing_two_quotes_goes_if_either_fails():
    draft = Draft("q", "aggregate", Pages())
    good = draft.cite(A, 1, "Managers check every plan.")
    bad = draft.cite(A, 2, "Managers check every plan.")  # right words, wrong page
    draft.claim(f"- from {good} to {bad}")
    draft.claim(f"- kept {draft.cite(A, 2, 'Supervision is regular')}")
    answer = draft.finish([])
    assert answer.text == "- kept [1]" and len(answer.citations) == 1
