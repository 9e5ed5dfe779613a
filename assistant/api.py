"""The one service layer: the CLI, the chat and the evaluation all call `Assistant`."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.acronyms import defined
from assistant.composers import COMPOSERS
from assistant.composers.llm import LLMComposer
from assistant.composers.route import compose
from assistant.conversation import Reading, turns_of
from assistant.conversation import read as read_conversation
from assistant.evidence import Composer, Evidence, latest_of_kind, when
from assistant.intent import Intent, ParserFactory, QuestionParser, Shape
from assistant.lexical import DatabaseLexicalIndex, LexicalIndex
from assistant.llm import OnToken
from assistant.parser import QueryParser
from assistant.passage_model import RECORD, TABLE, passage_embedder, record_model, recorded_model
from assistant.reading import reading_line
from assistant.retrieve import Scope, apply_filters, report_years
from assistant.shapes import answer_label
from assistant.stages import Mode, Query, RetrievalPipeline, default_pipeline
from assistant.suggest import suggestions
from ingest.catalog import ALL_TABLES, FILE, ChunkRow, read_only_part
from ingest.core.errors import BadQuestion, BadSetting, IndexDamaged, IndexNotFound, IndexReadOnly
from ingest.core.settings import Settings
from ingest.core.types import Answer, AnswerEvent, Filters, Passage, Recommendation, ReportMeta
from ingest.databases import PostgresEngine, schema_of
from ingest.index_store import catalog_exists, open_catalog
from ingest.normalize import for_match

for _var, _value in (("HF_HUB_OFFLINE", "1"), ("HF_HUB_DISABLE_TELEMETRY", "1"),
                     ("ANONYMIZED_TELEMETRY", "False"), ("GRADIO_ANALYTICS_ENABLED", "False"),
                     ("TOKENIZERS_PARALLELISM", "false")):
    os.environ.setdefault(_var, _value)


EMBED_CACHE = 50_000  # sentences; ~77 MB of vectors
MAX_QUESTION_CHARS = 2_000  # a question, not a document: longer ones are refused in one line
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def checked_question(question) -> str:
    """The question as text the pipeline can take, or BadQuestion saying why not."""
    if not isinstance(question, str):
        raise BadQuestion(f"the question must be text, not {type(question).__name__}")
    question = " ".join(_CONTROL.sub(" ", question).split())
    if not question:
        raise BadQuestion("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise BadQuestion(f"the question is {len(question):,} characters; ask in at most {MAX_QUESTION_CHARS:,}")
    return question


def checked_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, int):
        raise BadQuestion(f"k must be a whole number, not {type(k).__name__}")
    if k < 0:
        raise BadQuestion(f"k must be 0 or more (got {k})")
    return k


@dataclass
class _Snapshot:
    """What readers see: one committed catalog generation, swapped atomically."""

    generation: int
    chunks: dict[str, ChunkRow]
    reports: dict[str, ReportMeta]
    by_file: dict[str, str]
    parser: QuestionParser
    by_report: dict[str, list[ChunkRow]]  # each report's chunks in order: a cited page's chunk without a scan
    pages: dict[str, list[str]] = field(default_factory=dict)  # report id -> page texts for matching, filled on use
    acronyms: dict[str, str] | None = None  # those the reports define, read on first use


class Assistant:
    def __init__(self, settings: Settings, pipeline: RetrievalPipeline | None = None,
                 composers: dict[Shape, Composer] | None = None, parser: ParserFactory = QueryParser,
                 llm: LLMComposer | None = None, create: bool = True):
        """Each stage can be swapped: `parser` builds the question parser from the indexed
        authorities, `pipeline` holds the retrieval stages, `composers` answer each shape (the
        defaults: `assistant.parser.QueryParser`, `assistant.stages.default_pipeline`,
        `assistant.composers.COMPOSERS`); `llm` writes answers when asked (default: an
        `assistant.composers.llm.LLMComposer` for `settings.llm`, made on first use)."""
        self.make_parser = parser
        self._llm = llm
        self.settings = settings
        self.index_dir = Path(settings.index_dir)
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
        except PermissionError:
            where = next(p for p in self.index_dir.absolute().parents if p.exists())
            raise IndexReadOnly(self.index_dir, where, "create") from None
        self.catalog = open_catalog(self.index_dir, settings.store, create=create)  # a reader never makes one
        self.lexical: LexicalIndex | DatabaseLexicalIndex = (
            DatabaseLexicalIndex(self.catalog) if self.catalog.terms else LexicalIndex(self.index_dir / "bm25"))
        self._vectors = None
        self._snapshot: _Snapshot | None = None
        self._lock = threading.RLock()
        self._embedded: dict[str, object] = {}  # sentence -> vector, for composers that group findings
        self.pipeline = pipeline or default_pipeline(
            settings.retrieval, lambda q: self.passage_embedder.encode_queries([q])[0], lambda: self.vectors, self.lexical)
        self.composers = {**COMPOSERS, **(composers or {})}  # a shape not given keeps its default

    @classmethod
    def open(cls, index_dir: str | Path = "index", chroma_url: str | None = None, settings: Settings | None = None,
             create: bool = True, database_url: str | None = None) -> Assistant:
        """Open (or, with `create`, create) an index directory. `chroma_url` puts the vectors on a
        Chroma server, `database_url` the catalog on a PostgreSQL database (ingest.databases). `settings` is copied, never changed: one Settings may open several indexes.
        Readers pass create=False: a mistyped path raises IndexNotFound instead of a new empty index."""
        settings = (settings or Settings.from_env()).model_copy(deep=True)
        settings.index_dir = Path(index_dir)
        if chroma_url:
            settings.store.chroma_url = chroma_url
        if database_url:
            settings.store.database_url = database_url
        if not create and not catalog_exists(Path(index_dir), settings.store):
            raise IndexNotFound(index_dir)
        return cls(settings, create=create)

    @staticmethod
    def wipe(index_dir: str | Path, settings: Settings | None = None) -> None:
        """Throw away what ingest derived (catalog, BM25, vectors) to rebuild a damaged index;
        uploaded PDFs under <index>/uploads are the user's and stay."""
        import shutil

        from assistant.vectors import collection_name, make_client

        index_dir = Path(index_dir)
        if part := read_only_part(index_dir, skip=("uploads",)):  # before the server's copy is deleted
            raise IndexReadOnly(index_dir, part, "rebuild")
        store = (settings or Settings.from_env()).store
        if store.chroma_url:
            client = make_client(index_dir, store)
            if collection_name(index_dir, store) in [c.name for c in client.list_collections()]:
                client.delete_collection(collection_name(index_dir, store))
        if store.database_url and (schema := schema_of(index_dir, store.database_schema, create=False)):
            PostgresEngine(store.database_url, schema).drop(ALL_TABLES)
        for name in (FILE, f"{FILE}-wal", f"{FILE}-shm", RECORD, TABLE):
            (index_dir / name).unlink(missing_ok=True)
        for name in ("bm25", "chroma"):
            shutil.rmtree(index_dir / name, ignore_errors=True)

    # -- parts, created on first use -----------------------------------------------------
    @property
    def vectors(self):
        with self._lock:
            if self._vectors is None:
                from assistant.vectors import VectorStore

                self._vectors = VectorStore(self.index_dir, self.settings.store)
            return self._vectors

    @property
    def embedder(self):
        """MiniLM, for sentences compared at answer time (grouping findings, checking the model)."""
        from assistant.embedder import get_embedder

        return get_embedder(self.settings.embed.backend)

    @property
    def passage_embedder(self):
        """What this index's passage vectors were made with, for them and the questions searched
        against them (assistant.passage_model)."""
        return passage_embedder(self.index_dir, self.embed_model(), self.settings.embed.backend)

    def embed_model(self) -> str:
        has_reports = bool(self.catalog.query("SELECT 1 FROM reports LIMIT 1"))
        return recorded_model(self.index_dir, has_reports, self.settings.embed.model)

    def snapshot(self) -> _Snapshot:
        generation = self.catalog.generation()
        snap = self._snapshot
        if snap is not None and snap.generation == generation:
            return snap
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation:
                self._snapshot = self._load_snapshot()
            return self._snapshot

    def _load_snapshot(self) -> _Snapshot:
        # One read transaction: an ingest committing between these queries would otherwise
        # give chunks of the old report beside the report list of the new generation.
        with self.catalog.read():
            generation = self.catalog.generation()
            chunks = {c.chunk_id: c for c in self.catalog.chunks()}
            reports = {m.report_id: m for m in self.catalog.reports()}
            by_file = {file: rid for file, rid, _, _ in self.catalog.files()}
        if chunks and (stored := self._stored_vectors()) is not None and stored < len(chunks):
            # Vectors are written before their report commits, so fewer than the catalog's chunks
            # means they were lost (a deleted store): dense retrieval would silently miss them.
            raise IndexDamaged(self.index_dir, f"{len(chunks) - stored:,} of {len(chunks):,} passages have no vector")
        if isinstance(self.lexical, DatabaseLexicalIndex):
            self.lexical.load()
        elif self.lexical.generation != generation and not (self.lexical.load() and self.lexical.generation == generation):
            self._rebuild_lexical(self.lexical, generation, chunks, reports)
        by_report: dict[str, list[ChunkRow]] = {}
        for chunk in sorted(chunks.values(), key=lambda c: c.ordinal):
            by_report.setdefault(chunk.report_id, []).append(chunk)
        parser = self.make_parser([m.authority for m in reports.values() if m.authority])
        return _Snapshot(generation, chunks, reports, by_file, parser, by_report)

    def _stored_vectors(self) -> int | None:
        """None when embedded Chroma cannot open in a read-only index (it writes as it opens): `reports`
        still answers from the catalog, and `search` names the read-only part when it needs vectors."""
        try:
            return self.vectors.count()
        except IndexReadOnly:
            return None

    def _rebuild_lexical(self, lexical: LexicalIndex, generation: int, chunks: dict[str, ChunkRow],
                         reports: dict[str, ReportMeta]) -> None:
        from ingest.term_index import chunk_text  # the text both lexical indexes index

        ids = sorted(chunks)
        texts = [chunk_text(reports[chunks[c].report_id], chunks[c].section, chunks[c].text) for c in ids]
        lexical.build(ids, texts, generation)
        if not self.catalog.read_only:  # a read-only index keeps it in memory, rebuilt on each open
            lexical.save()

    # -- ingest ----------------------------------------------------------------------------
    def ingest(self, paths, root=None, prune: bool = False, progress=True, sidecar=None, prefer_sidecar: bool = False):
        """Index PDFs (files or folders, recursive). Same code path as the CLI and the chat upload.
        `sidecar`: a CSV or JSON of each file's publisher's address (else manifest.csv, metadata.csv
        or metadata.json at the top of a folder given); `prefer_sidecar`: its council and date win
        over the text's where they disagree."""
        from ingest.pipeline import run_ingest

        if isinstance(paths, (str, Path)):
            paths = [paths]
        # Refused before any write: one refused half-way would leave vectors without catalog rows.
        if part := read_only_part(self.index_dir, skip=("uploads",)):
            raise IndexReadOnly(self.index_dir, part, "ingest into")
        record_model(self.index_dir, self.embed_model())
        embedder = self.passage_embedder
        summary = run_ingest(
            paths, self.catalog, self.vectors,
            lambda texts: embedder.encode_documents(texts, batch_size=self.settings.embed.batch_size),
            self.settings, root=root, prune=prune, progress=progress, sidecar=sidecar, prefer_sidecar=prefer_sidecar,
        )
        self.snapshot()  # rebuild the lexical index now, not on the first question
        return summary

    def add_uploads(self, files, progress=True, max_mb: float | None = None):
        """Keep uploaded PDFs under `<index>/uploads/` (safe names, never overwriting another
        file) and ingest them; a file over `max_mb` or one that fails is reported, not kept."""
        from assistant.uploads import MAX_UPLOAD_MB, add_uploads

        return add_uploads(self, files, MAX_UPLOAD_MB if max_mb is None else max_mb, progress)

    # -- reading ---------------------------------------------------------------------------
    def files(self) -> list[str]:
        return sorted(self.snapshot().by_file)

    def reports(self, authority=None, report_type=None, year=None, judgement=None, grade=None) -> list[ReportMeta]:
        out = []
        for meta in sorted(self.snapshot().reports.values(), key=lambda m: (m.authority, when(m))):
            if authority and meta.authority.lower() != authority.lower():
                continue
            if report_type and meta.report_type != report_type:
                continue
            if year and year not in report_years(meta):
                continue
            if judgement and judgement not in meta.judgements:
                continue
            if grade and not any(j.grade == grade and (not judgement or k == judgement) for k, j in meta.judgements.items()):
                continue
            out.append(meta)
        return out

    def recommendations(self, authority=None, report_type=None, year=None) -> list[Recommendation]:
        """Each report's "What needs to improve?" items with their page, reports in date order."""
        out = []
        for meta in self.reports(authority, report_type, year):
            out += [Recommendation(meta.file, page, text, meta) for text, page in self.catalog.recommendations(meta.report_id)]
        return out

    def report_for_file(self, file: str) -> ReportMeta | None:
        snap = self.snapshot()
        rid = snap.by_file.get(file)
        return snap.reports.get(rid) if rid else None

    def page_text(self, file: str, page: int) -> str | None:
        rid = self.snapshot().by_file.get(file)
        return self.catalog.page_text(rid, page) if rid else None

    def publisher_link(self, file: str, page: int | None = None) -> str | None:
        """The address the report behind `file` was published at (from its metadata sidecar), at
        `page` ("#page=N", which browsers' PDF viewers open at); None when none is known."""
        url = self.catalog.source_url(file)
        return f"{url}#page={page}" if url and page and "#" not in url else url  # its own fragment stays

    def source_path(self, file: str) -> Path | None:
        """Where the indexed PDF behind `file` lies on disk (None if unknown or gone)."""
        for name, _, path, _ in self.catalog.files():
            if name == file:
                return Path(path) if os.path.exists(path) else None
        return None

    def page_image(self, file: str, page: int, highlight: str | None = None, scale: float = 1.5):
        """The PDF page rendered as a PIL image, with `highlight` (a quote on it) marked."""
        from assistant.pages import render_page

        path = self.source_path(file)
        return render_page(path, page, highlight, scale) if path else None

    def stats(self) -> dict[str, int]:
        return self.catalog.stats()

    # -- search ----------------------------------------------------------------------------
    def search(self, question: str, k: int = 10, filters: Filters | None = None, *, mode: Mode = "hybrid",
               aware: bool | None = None, rerank: bool | None = None, history=None) -> list[Passage]:
        """Passages best first. mode: hybrid | dense | lexical; aware: restrict to named reports."""
        question, k = checked_question(question), checked_k(k)
        if k == 0:
            return []
        passages, _, _ = self._retrieve(question, k, filters, mode, aware, rerank, history)
        return passages

    def _retrieve(self, question, k, filters, mode="hybrid", aware=None, rerank=None, history=None):
        cfg = self.settings.retrieval
        aware = cfg.aware if aware is None else aware
        rerank = cfg.rerank if rerank is None else rerank
        snap = self.snapshot()
        reading = self.read(question, history)
        question, intent = reading.question, reading.intent
        scope = self.pipeline.scope(question, intent if aware else Intent(), list(snap.reports.values()), filters)
        if aware and reading.pinned_files:  # the report(s) the last answer drew on, within the user's filters
            allowed = {m.report_id for m in apply_filters(list(snap.reports.values()), filters)}
            if kept := [snap.by_file[f] for f in reading.pinned_files if snap.by_file.get(f) in allowed]:
                scope = Scope(kept)
        if not snap.chunks or (scope.report_ids is not None and not scope.report_ids):
            return [], reading, scope
        query = Query(question, intent, scope, snap.chunks, aware=aware)
        if scope.report_ids is not None:
            query.allowed_reports = set(scope.report_ids)
            query.allowed_chunks = {c.chunk_id for rid in query.allowed_reports for c in snap.by_report.get(rid, [])}
        order, scores = self.pipeline.rank(query, mode, rerank)
        passages = [self._passage(snap, cid, scores[cid]) for cid in order[:k]]
        return passages, reading, scope

    def read(self, question: str, history=None) -> Reading:
        """How the question is read after the earlier turns (assistant.conversation)."""
        return read_conversation(checked_question(question), history, self.snapshot().parser.parse)

    def _passage(self, snap: _Snapshot, cid: str, score: float) -> Passage:
        chunk = snap.chunks[cid]
        meta = snap.reports[chunk.report_id]
        return Passage(
            file=meta.file, page_start=chunk.page_start, page_end=chunk.page_end,
            pages=list(range(chunk.page_start, chunk.page_end + 1)), text=chunk.text, score=float(score),
            section=chunk.section, report=meta, chunk_id=cid, paragraphs=chunk.paragraphs,
        )

    # -- ask ---------------------------------------------------------------------------------
    def ask(self, question: str, history=None, filters: Filters | None = None, *,
            composer: str = "extractive", on_token: OnToken | None = None) -> Answer:
        """An answer whose every citation quote has been verified on its page.

        composer="llm": a language model (`settings.llm.url`) writes it from the passages the
        extractive answer chose, every sentence checked against its cited page; `on_token`
        sees the model's text as it streams (unchecked until the answer returns)."""
        for event in self.answer_events(question, history, filters, composer=composer):
            if event.kind == "token" and on_token is not None:
                on_token(event.text)
            elif event.kind == "done" and event.answer is not None:
                return event.answer
        raise AssertionError("answer_events always ends with the answer")  # pragma: no cover

    def answer_events(self, question: str, history=None, filters: Filters | None = None, *,
                      composer: str = "extractive") -> Iterator[AnswerEvent]:
        """The answer as it is made, for a display to show as it comes: how the question was read,
        a language model's text as it writes (unchecked), each verified claim, the table, and
        last the whole answer (`ask`'s). Nothing runs until the first event is asked for."""
        if composer not in ("extractive", "llm"):
            raise BadSetting(f"unknown composer {composer!r}: use 'extractive' or 'llm'")
        question = checked_question(question)
        evidence = self.evidence(question, history, filters)
        answer = compose(evidence, self.composers)
        line = reading_line(evidence, answer)
        yield AnswerEvent("reading", line)
        if composer == "llm":
            steps = self.llm_composer.stream(evidence, answer, [t.asked for t in turns_of(history)])
            while True:
                try:
                    yield AnswerEvent("token", next(steps))
                except StopIteration as written:
                    answer = written.value
                    line = reading_line(evidence, answer)
                    break
        answer.question = question  # as asked; the reading line gives it as read
        answer.reading = line
        snap = self.snapshot()
        for c in answer.citations:  # the same text elsewhere (a copy of the report, a compilation) is listed
            if (rid := snap.by_file.get(c.file)) is not None:
                c.also_in = [f"{file} p.{page}" for file, page in self.catalog.copies_of(rid, c.page)]
            c.url = self.publisher_link(c.file, c.page)
        answer.suggestions = suggestions(evidence)
        for claim in answer.claims:
            yield AnswerEvent("claim", claim.text, claim.role)
        if answer.table is not None:
            yield AnswerEvent("table", table=answer.table)
        yield AnswerEvent("done", answer=answer)

    def evidence(self, question: str, history=None, filters: Filters | None = None) -> Evidence:
        """What the composers are given for this question: what it names, its scope, the passages."""
        passages, reading, scope = self._retrieve(question, 10, filters, history=history)
        evidence = Evidence(reading.question, reading.intent, scope, passages, self, self.settings.answer, filters, reading)
        intent = reading.intent
        if intent.across is not None and intent.across.kind == "findings":  # what the reports say on a topic
            evidence.across_passages = self.search(intent.across.topic or reading.question, k=60, filters=filters)
        elif (answer_label(intent) == "finding" and len(intent.authorities) == 1 and not intent.years
              and len(scope.report_ids or []) > 1):  # a council's topic without a year: its latest report first
            evidence.latest = latest_of_kind(evidence.scoped_reports(), passages)
            if evidence.latest is not None:
                evidence.latest_passages = self.search(reading.question, k=5, filters=Filters(file=evidence.latest.file))
        return evidence

    @property
    def llm_composer(self) -> LLMComposer:
        """The language-model composer for `settings.llm` (or the one injected)."""
        with self._lock:
            if self._llm is None:
                self._llm = LLMComposer(self.settings.llm)
            return self._llm

    # -- the read side composers see (assistant.evidence.Library) -------------------------------
    def all_reports(self) -> dict[str, ReportMeta]:
        return self.snapshot().reports

    def report_pages(self, report_id: str, snap: _Snapshot | None = None) -> list[str]:
        # Kept per catalog generation: an exhaustive scan reads every page of the corpus.
        snap = snap or self.snapshot()
        if (pages := snap.pages.get(report_id)) is None:
            pages = snap.pages[report_id] = [for_match(t) for t in self.catalog.pages(report_id)]
        return pages

    def acronyms(self) -> dict[str, str]:
        snap = self.snapshot()
        if snap.acronyms is None:
            # read once a generation, over the pages a topic question reads anyway (two threads may both read them)
            snap.acronyms = defined(page for report_id in snap.reports for page in self.report_pages(report_id, snap))
        return snap.acronyms

    def report_passages(self, report_id: str) -> list[Passage]:
        snap = self.snapshot()
        return [self._passage(snap, c.chunk_id, 1.0) for c in snap.by_report.get(report_id, [])]

    def improvement_items(self, report_id: str) -> list[tuple[str, int]]:
        return self.catalog.recommendations(report_id)

    def page_passage(self, meta: ReportMeta, page: int, quote: str) -> Passage | None:
        """The chunk of this report that shows the quote (else the page's first chunk)."""
        snap = self.snapshot()
        chunks = [c for c in snap.by_report.get(meta.report_id, []) if c.page_start <= page <= c.page_end]
        if not chunks:
            return None
        needle = for_match(quote)
        best = min(chunks, key=lambda c: (needle not in for_match(c.text), c.ordinal))
        return self._passage(snap, best.chunk_id, 1.0)

    def idf(self, term: str) -> float:
        return self.lexical.idf(term)

    def document_frequency(self, term: str) -> int:
        return self.lexical.df.get(term, 0)

    def vocabulary_size(self) -> int:
        return len(self.lexical.df)

    def embed(self, texts: list[str]):
        """Unit-length document embeddings, one row per text (kept: themes re-read the same findings)."""
        import numpy as np

        if len(self._embedded) > EMBED_CACHE:
            self._embedded.clear()
        missing = [t for t in dict.fromkeys(texts) if t not in self._embedded]
        if missing:
            vectors = self.embedder.encode_documents(missing, batch_size=self.settings.embed.batch_size)
            self._embedded.update(zip(missing, np.asarray(vectors, dtype=np.float32), strict=True))
        return np.stack([np.asarray(self._embedded[t]) for t in texts]) if texts else np.zeros((0, 0), dtype=np.float32)
