"""Retrieval as small stages behind protocols, composed by `RetrievalPipeline`:

    scope -> candidate generators (dense, lexical) -> fusion -> second stage -> orderings

`Assistant(settings, pipeline=...)` takes a pipeline built from other stages (a different
reranker, another candidate generator), as PaperQA2 injects its stages; `default_pipeline`
builds ours from the settings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

from assistant.intent import Intent
from assistant.lexical import LexicalSearch, tokenize
from assistant.query import wanted_detail
from assistant.retrieve import Scope, resolve_scope, rrf, sentence_support, term_weights
from ingest.catalog import ChunkRow
from ingest.core.settings import RetrievalSettings
from ingest.core.types import Filters, ReportMeta
from ingest.sentences import split_sentences


@dataclass
class Query:
    """What every stage sees: the question, what it names, and the committed chunks in scope."""

    question: str
    intent: Intent
    scope: Scope
    chunks: dict[str, ChunkRow]  # every committed chunk (one catalog generation)
    allowed_chunks: set[str] | None = None  # None: the whole index
    allowed_reports: set[str] | None = None
    aware: bool = True  # report-aware: widen the lexical query with the reports' own words


@dataclass
class Candidates:
    ranking: list[str]  # chunk ids, best first
    scores: dict[str, float] = field(default_factory=dict)


class ScopeStage(Protocol):
    def __call__(self, question: str, intent: Intent, reports: list[ReportMeta], filters: Filters | None) -> Scope: ...


# Which candidate generators run: all of them, or only the one of that name.
Mode = Literal["hybrid", "dense", "lexical"]


class CandidateGenerator(Protocol):
    name: str  # "dense" | "lexical": what `search(mode=...)` selects

    def __call__(self, query: Query) -> Candidates: ...


class Fusion(Protocol):
    def __call__(self, rankings: list[list[str]]) -> dict[str, float]: ...


class SecondStage(Protocol):
    def __call__(self, query: Query, order: list[str], fused: dict[str, float],
                 dense: dict[str, float]) -> dict[str, float]: ...


class Ordering(Protocol):
    def __call__(self, query: Query, order: list[str]) -> list[str]: ...


class VectorSearch(Protocol):
    """The vector store as dense retrieval uses it (assistant.vectors.VectorStore)."""

    exact_scope_ratio: float
    exact_index_max: int

    def query(self, vector, k: int, report_ids: list[str] | None = None,
              chunk_ids: list[str] | None = None, whole: list[str] | None = None) -> list[tuple[str, float]]: ...


class DenseCandidates:
    """Cosine neighbours of the question from the vector store; a small scope is ranked from its
    chunks' vectors fetched by id, which costs what the scope costs, not what the store does."""

    name = "dense"

    def __init__(self, encode: Callable[[str], np.ndarray], vectors: Callable[[], VectorSearch], k: int):
        self.encode, self.vectors, self.k = encode, vectors, k

    def __call__(self, query: Query) -> Candidates:
        store = self.vectors()
        vector = self.encode(query.question)
        allowed = query.allowed_chunks
        if allowed is not None and len(allowed) * store.exact_scope_ratio <= len(query.chunks):
            hits = store.query(vector, self.k, chunk_ids=sorted(allowed))
        elif len(query.chunks) <= store.exact_index_max:  # a small index: every vector, exactly
            ranked = store.query(vector, len(query.chunks), whole=sorted(query.chunks))
            hits = [(cid, s) for cid, s in ranked if allowed is None or cid in allowed][: self.k]
        else:
            reports = sorted(query.allowed_reports) if query.allowed_reports is not None else None
            hits = store.query(vector, self.k, reports)
        hits = [(cid, s) for cid, s in hits if cid in query.chunks]  # committed chunks only
        return Candidates([cid for cid, _ in hits], dict(hits))


# How users say it -> how the reports say it. Used to widen the lexical query only: the
# embedder already knows that "children in care" are "looked after". Only terms and
# abbreviations with a published meaning are here: the statutory terms of the Children Act
# 1989 and the Children (Leaving Care) Act 2000, the glossaries of Working Together to
# Safeguard Children (2023) and of the SEND code of practice (2015), the IRO handbook (2010)
# and the Public Law Outline (Practice Direction 12A). Entries matched to the evaluation's
# wording were taken out after a trial on questions written later by people who never saw
# the table (python -m eval.synonym_trial; docs/evaluation.md): none of them helped there.
SYNONYMS = {
    "children in care": "looked after children looked after",
    "looked after": "children in care",
    "care leavers": "leaving care",
    "b&b": "bed and breakfast",
    "bed and breakfast": "b&b",
    "cse": "child sexual exploitation",
    "child sexual exploitation": "cse",
    "cce": "child criminal exploitation",
    "criminal exploitation": "cce",
    "lado": "designated officer",
    "designated officer": "lado",
    "plo": "public law outline pre-proceedings",
    "pre-proceedings": "public law outline plo",
    "iro": "independent reviewing officer",
    "iros": "independent reviewing officers",
    "independent reviewing officer": "iro iros",
    "ehc": "education, health and care",
    "ehcp": "education, health and care plan",
    "mash": "multi-agency safeguarding hub",
    "send": "special educational needs disabilities",
    "dcs": "director of children's services",
    "uasc": "unaccompanied asylum-seeking children",
    "unaccompanied asylum-seeking children": "uasc",
    "asye": "assessed and supported year in employment",
    "sgo": "special guardianship order",
    "sgos": "special guardianship orders",
    "fgc": "family group conference",
    "camhs": "child and adolescent mental health services",
    "ehe": "elective home education",
    "cme": "children missing education",
    "rhi": "return home interview",
    "rhis": "return home interviews",
    "pep": "personal education plan",
    "peps": "personal education plans",
    "dols": "deprivation of liberty",
}
# The same as index terms: (what is written, what it stands for), for a sentence's terms
SYNONYM_TERMS = [(frozenset(tokenize(k)), frozenset(tokenize(v))) for k, v in SYNONYMS.items()]
_SYNONYM_PATTERNS = [(re.compile(rf"(?<![\w&-]){re.escape(k)}(?![\w&-])", re.I), v) for k, v in SYNONYMS.items()]


def expand(question: str) -> str:
    """The question plus the reports' own words for the terms it uses."""
    extra = [v for pattern, v in _SYNONYM_PATTERNS if pattern.search(question)]
    return " ".join([question, *extra])


class LexicalCandidates:
    name = "lexical"

    def __init__(self, lexical: LexicalSearch, k: int):
        self.lexical, self.k = lexical, k

    def __call__(self, query: Query) -> Candidates:
        text = expand(query.question) if query.aware else query.question
        hits = self.lexical.search(text, self.k, query.allowed_chunks)
        return Candidates([cid for cid, _ in hits if cid in query.chunks], dict(hits))


class ReciprocalRankFusion:
    def __init__(self, k: int = 60):
        self.k = k

    def __call__(self, rankings: list[list[str]]) -> dict[str, float]:
        return rrf(rankings, self.k)


class BestSentenceRerank:
    """Re-score the top candidates by their best-matching sentence, not their average word.

    A chunk that states the finding in one sentence beats one that mentions its words
    scattered across a paragraph; the cosine of question and chunk keeps the meaning.
    """

    def __init__(self, idf: Callable[[str], float], candidates: int, coverage: float, dense: float):
        self.idf, self.candidates, self.coverage, self.dense = idf, candidates, coverage, dense

    def __call__(self, query: Query, order: list[str], fused: dict[str, float], dense: dict[str, float]) -> dict[str, float]:
        weights = term_weights(query.question, self.idf, query.intent)
        wants = wanted_detail(query.intent)
        top_fused = max(fused.values()) if fused else 1.0
        out = {}
        for cid in order[: self.candidates]:
            best = max((sentence_support(s, weights, wants) for s in split_sentences(query.chunks[cid].text)), default=0.0)
            out[cid] = fused[cid] / top_fused + self.coverage * best + self.dense * dense.get(cid, 0.0)
        return out


class PageSpread:
    """Best first, but a chunk whose first page an earlier chunk already showed waits until
    every other page has had its turn: the top of the list covers more of the evidence."""

    def __call__(self, query: Query, order: list[str]) -> list[str]:
        seen: set[tuple[str, int]] = set()
        first: list[str] = []
        later: list[str] = []
        for cid in order:
            key = (query.chunks[cid].report_id, query.chunks[cid].page_start)
            (later if key in seen else first).append(cid)
            seen.add(key)
        return first + later


class ReportAlternation:
    """For a comparison across reports, take each report's best chunk in turn, so every side is near the top."""

    def __call__(self, query: Query, order: list[str]) -> list[str]:
        if not (query.intent.comparison and query.scope.report_ids and len(query.scope.report_ids) > 1):
            return order
        queues: dict[str, list[str]] = {}
        for cid in order:
            queues.setdefault(query.chunks[cid].report_id, []).append(cid)
        out: list[str] = []
        while any(queues.values()):
            for queue in queues.values():
                if queue:
                    out.append(queue.pop(0))
        return out


@dataclass
class RetrievalPipeline:
    scope: ScopeStage
    generators: Sequence[CandidateGenerator]
    fusion: Fusion
    second_stage: SecondStage | None
    orderings: Sequence[Ordering]

    def rank(self, query: Query, mode: Mode = "hybrid", rerank: bool = True) -> tuple[list[str], dict[str, float]]:
        """Chunk ids best first and their scores. A mode other than hybrid runs only the
        generator of that name, without the second stage (the eval's single-retriever baselines)."""
        found = {g.name: g(query) for g in self.generators if mode == "hybrid" or g.name == mode}
        fused = self.fusion([c.ranking for c in found.values()])
        order = sorted(fused, key=lambda cid: -fused[cid])
        scores = {cid: fused[cid] for cid in order}
        if rerank and mode == "hybrid" and self.second_stage is not None:
            dense = found["dense"].scores if "dense" in found else {}
            scores = self.second_stage(query, order, fused, dense)
            order = sorted(scores, key=lambda cid: -scores[cid])
        for ordering in self.orderings:
            order = ordering(query, order)
        return order, scores


def default_pipeline(cfg: RetrievalSettings, encode: Callable[[str], np.ndarray], vectors: Callable[[], VectorSearch],
                     lexical: LexicalSearch) -> RetrievalPipeline:
    return RetrievalPipeline(
        scope=resolve_scope,
        generators=[DenseCandidates(encode, vectors, cfg.dense_candidates), LexicalCandidates(lexical, cfg.lexical_candidates)],
        fusion=ReciprocalRankFusion(cfg.rrf_k),
        second_stage=BestSentenceRerank(lexical.idf, cfg.rerank_candidates, cfg.rerank_coverage, cfg.rerank_dense),
        orderings=[PageSpread(), ReportAlternation()],
    )
