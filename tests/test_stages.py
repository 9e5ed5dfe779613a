"""Retrieval stages and answer composers are swapped through the Assistant constructor."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant import Assistant
from assistant.parser import QueryParser
from assistant.intent import Shape
from assistant.retrieve import resolve_scope
from assistant.stages import LexicalCandidates, PageSpread, ReciprocalRankFusion, RetrievalPipeline, default_pipeline

pytestmark = pytest.mark.corpus

QUESTION = "What did Ofsted find about management oversight in Rotherham in 2014?"


def test_an_injected_pipeline_is_the_one_that_ranks(small_index):
    lexical_only = RetrievalPipeline(scope=resolve_scope, generators=[LexicalCandidates(small_index.lexical, 60)],
                                     fusion=ReciprocalRankFusion(60), second_stage=None, orderings=[PageSpread()])
    swapped = Assistant(small_index.settings, pipeline=lexical_only)
    got = [p.chunk_id for p in swapped.search(QUESTION, k=8)]
    assert got == [p.chunk_id for p in small_index.search(QUESTION, k=8, mode="lexical", rerank=False)]
    assert got != [p.chunk_id for p in small_index.search(QUESTION, k=8)]  # the default pipeline differs


def test_the_default_pipeline_is_what_search_uses(small_index):
    rebuilt = default_pipeline(small_index.settings.retrieval, lambda q: small_index.embedder.encode_queries([q])[0],
                               lambda: small_index.vectors, small_index.lexical)
    again = Assistant(small_index.settings, pipeline=rebuilt)
    assert [p.chunk_id for p in again.search(QUESTION, k=8)] == [p.chunk_id for p in small_index.search(QUESTION, k=8)]


def test_an_injected_composer_answers_its_shape(small_index):
    seen = []

    def refuse(evidence):
        seen.append(evidence.shape)
        return None  # declining lets the finding answer respond

    swapped = Assistant(small_index.settings, composers={Shape.SUMMARY: refuse})
    answer = swapped.ask("Summarise Haringey's 2023 inspection.")
    assert seen == [Shape.SUMMARY] and answer.kind in ("finding", "abstain")
    assert small_index.ask("Summarise Haringey's 2023 inspection.").kind == "summary"


def test_an_injected_question_parser_decides_the_shape(small_index):
    class EveryQuestionIsAGradeTable:
        """Another parser: reads the question as ours does, then always asks for the grade table."""

        def __init__(self, authorities):
            self.ours = QueryParser(authorities)

        def parse(self, question):
            return replace(self.ours.parse(question), shape=Shape.GRADES)  # a reading is frozen: a new one

    swapped = Assistant(small_index.settings, parser=EveryQuestionIsAGradeTable)
    question = "Summarise Haringey's 2023 inspection."
    assert swapped.ask(question).kind == "grades"
    assert small_index.ask(question).kind == "summary"


def test_answer_sizes_come_from_the_settings(small_index):
    question = "What were the strengths and weaknesses in Haringey's 2023 inspection?"
    tight = small_index.settings.model_copy(deep=True)
    tight.answer.strengths_per_side = 1
    roles = [c.role for c in Assistant(tight).ask(question).claims]
    default = [c.role for c in small_index.ask(question).claims]
    assert roles.count("strength") == 1 and roles.count("weakness") == 1
    assert default.count("strength") > 1


def test_every_route_ends_with_the_finding_answer_and_a_composer_may_pass(small_index):
    from assistant.composers.finding import finding_answer
    from assistant.composers.route import FALLBACKS, ROUTES

    assert set(ROUTES) == set(Shape) and all(r[-1] is finding_answer and r[-len(FALLBACKS):] == FALLBACKS
                                              for r in ROUTES.values())
    passing = Assistant(small_index.settings, composers={Shape.SUMMARY: lambda ev: None})
    question = "Summarise Haringey's 2023 inspection."
    assert small_index.ask(question).kind == "summary" and passing.ask(question).kind != "summary"
