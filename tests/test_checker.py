"""The checker that stands between a language model and the user: a sentence is shown only
when the passages it cites support it. Checked on real passages of a real index; the
sentences are written the ways a model goes wrong (a changed number, an invented quote, a
finding from another report, no citation)."""

from __future__ import annotations

import re

import pytest

from assistant.checker import Checker, split_reply
from assistant.verify import quote_on_page
from ingest.sentences import split_sentences

pytestmark = pytest.mark.corpus  # the first test is unit

QUESTION = "What did Ofsted find about management oversight in Rotherham in 2014?"


@pytest.mark.unit
def test_a_reply_splits_into_sentences_with_the_passages_each_cites():
    reply = ("Plans are weak [1]. Managers check them. [2][3] Oversight improved [4, 5]. No marker here. "
             "[1] Rotherham, SIF inspection, Nov 2014, page 3: Echoed text [2] is not cited.")
    assert split_reply(reply) == [("Plans are weak.", [1]), ("Managers check them.", [2, 3]),
                                  ("Oversight improved.", [4, 5]), ("No marker here.", []),
                                  ("Echoed text is not cited.", [])]


@pytest.fixture(scope="module")
def rotherham(small_index):
    passages = small_index.search(QUESTION, k=6)
    assert passages and all(p.report.authority == "Rotherham" for p in passages)
    return passages


def stated(passage) -> str:
    """A sentence of the passage long enough to carry a finding, with a number if it has one."""
    sentences = [s for s in split_sentences(passage.text) if len(s.split()) >= 10 and not s.isupper()]
    return next((s for s in sentences if re.search(r"\d", s)), sentences[0])




def test_a_sentence_the_passage_states_is_supported_and_cited_on_its_page(small_index, rotherham, corpus_pages):
    checker = Checker(small_index, small_index.settings.llm)
    sentence = stated(rotherham[0])
    verdict = checker.check("Inspectors found that " + sentence[0].lower() + sentence[1:], [1], rotherham)
    assert verdict.supported, verdict.reason
    support = verdict.support[0]
    assert support.passage is rotherham[0] and support.similarity >= small_index.settings.llm.min_similarity
    assert quote_on_page(support.sentence, corpus_pages(support.passage.file)[support.page - 1])  # the PDF, read apart


def test_a_changed_number_an_invented_quote_or_another_report_is_caught(small_index, rotherham):
    checker = Checker(small_index, small_index.settings.llm)
    sentence = stated(rotherham[0])
    if re.search(r"\d", sentence):
        changed = re.sub(r"\d+", lambda m: str(int(m.group(0)) + 7), sentence, count=1)
        assert not checker.check(changed, [1], rotherham).supported
    invented = f'Inspectors said that "managers never once read a child\'s file" and {sentence[0].lower()}{sentence[1:]}'
    assert checker.check(invented, [1], rotherham).reason == "quotes words that are not on the cited page"
    elsewhere = small_index.search("What did the area SEND inspection find about waiting times in Bexley?", k=3)
    other = stated(elsewhere[0])
    verdict = checker.check(other, [1], rotherham)  # a Bexley finding, cited to a Rotherham passage
    assert not verdict.supported and verdict.support == []


def test_a_sentence_without_a_citation_or_citing_a_passage_not_given_is_caught(small_index, rotherham):
    checker = Checker(small_index, small_index.settings.llm)
    sentence = stated(rotherham[0])
    assert checker.check(sentence, [], rotherham).reason == "cites no passage"
    assert checker.check(sentence, [len(rotherham) + 1], rotherham).reason == "cites a passage it was not given"
    assert checker.check(sentence, [1], rotherham).supported  # the same sentence, cited, passes
    for markup in ("<img src=x onerror=alert(1)>", "[details](https://example.org)", "![x](data:image/png;base64,AA)"):
        assert checker.check(f"{sentence} {markup}", [1], rotherham).reason == "contains markup or a link"
