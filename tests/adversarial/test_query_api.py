"""The query API under hostile input: non-text, empty and huge questions, control characters,
right-to-left text and emoji, result counts of 0, negative, huge or not numbers, filters
carrying SQL. Each gets a typed error (`BadQuestion`, one line) or an empty result, never a
traceback from deep inside, and the index is unchanged after."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingest.core.errors import AssistantError, BadQuestion
from ingest.core.types import Filters
from tests.conftest import REPO

pytestmark = pytest.mark.corpus

REFUSED = [None, 42, 3.5, ["a question"], b"bytes", "", "   ", "\x00\x07\x1b", "x" * 100_000]


@pytest.mark.parametrize("question", REFUSED, ids=lambda q: repr(q)[:20])
def test_a_question_that_is_not_one_is_refused_with_a_typed_one_line_error(small_index, question):
    for call in (small_index.ask, small_index.search):
        with pytest.raises(BadQuestion) as raised:
            call(question)
        assert isinstance(raised.value, AssistantError) and "\n" not in str(raised.value)


@pytest.mark.parametrize("question", [
    "What did\x00 Ofsted find about\x07 care leavers in Haringey in 2023?",  # control characters inside
    "ما الذي وجده Ofsted حول care leavers في Haringey?",  # right-to-left
    "Care leavers in Haringey 2023 😀🙈 ‮reversed‬",  # emoji and a bidi override
    "' OR 1=1; DROP TABLE reports; -- what about care leavers?",
])
def test_odd_but_real_questions_are_answered_or_abstained(small_index, question):
    answer = small_index.ask(question)
    assert answer.abstained or answer.citations
    for c in answer.citations:
        assert c.quote and small_index.page_text(c.file, c.page)


def test_result_counts(small_index):
    question = "care leavers"
    assert small_index.search(question, k=0) == []
    for bad in (-1, "5", 2.5, True):
        with pytest.raises(BadQuestion):
            small_index.search(question, k=bad)
    everything = small_index.search(question, k=10**9)
    assert 0 < len(everything) <= small_index.stats()["chunks"]


def test_filters_carrying_sql_or_paths_match_nothing_and_change_nothing(small_index):
    before = small_index.stats()
    for filters in (Filters(authority="x' OR 1=1; DROP TABLE reports;--"), Filters(report_type="'; DELETE FROM chunks;--"),
                    Filters(file="../../../../etc/passwd"), Filters(authority=["%", "_", "*"])):
        assert small_index.search("care leavers", filters=filters) == []
        assert small_index.ask("What about care leavers?", filters=filters).abstained
    assert small_index.stats() == before


def test_the_cli_refuses_them_in_one_line(small_index):
    cli = Path(sys.executable).with_name("inspection-assistant")
    for question in ("", "x" * 100_000):
        done = subprocess.run([cli, "ask", question, "--index", small_index.index_dir], capture_output=True, text=True,
                              cwd=REPO, timeout=300)
        assert done.returncode != 0 and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "question" in done.stderr, done.stderr
