"""One typed settings tree. Every knob of the pipeline that a user may turn lives here.

Overrides, last wins: the defaults below, a named preset (`Settings.preset("fast")`, from
ingest/core/configs/<name>.json), the environment (`INSPECTION_ASSISTANT_<GROUP>__<FIELD>`,
e.g. INSPECTION_ASSISTANT_RETRIEVAL__RERANK=false; CHROMA_URL for the store), then explicit
arguments and CLI flags. Settings are never changed in place: `Assistant.open` works on a copy.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ingest.core.errors import BadSetting, UnknownPreset

ENV_PREFIX = "INSPECTION_ASSISTANT_"
PRESETS = Path(__file__).with_name("configs")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


EmbedModel = Literal["minilm", "minilm-static"]
EMBED_MODELS: tuple[str, ...] = get_args(EmbedModel)


class EmbedSettings(_Strict):
    model: EmbedModel = Field(
        "minilm", description="What a new index's passages are embedded with: all-MiniLM-L6-v2, or a static model "
        "distilled from it on this machine (assistant.static_embedder: ingest ~2x faster, retrieval a little weaker; "
        "docs/speed.md, the ingest table). An index keeps the model it was built with; change it with ingest --rebuild.")
    backend: str = Field("auto", description="auto | onnx-int8 | onnx | st: how all-MiniLM-L6-v2 runs (assistant.embedder).")
    batch_size: int = Field(32, ge=1, description="Texts embedded per batch.")


class ChunkSettings(_Strict):
    window_wordpieces: int = Field(
        256, ge=32, description="The embedder sees at most this many word pieces (with [CLS]/[SEP]); the context "
        "line and the chunk text must fit together or the chunk's tail is never embedded.")
    target_wordpieces: int = Field(220, ge=16, description="Chunks grow to this size before a paragraph boundary closes them.")
    min_wordpieces: int = Field(40, ge=1, description="Smaller chunks are merged into a neighbour.")


class IngestSettings(_Strict):
    max_file_mb: int = Field(200, ge=1, description="Larger files are refused with a reason.")
    max_pages: int = Field(3000, ge=1, description="Files with more pages are refused with a reason.")
    parse_workers: int = Field(1, ge=1, description="Reader processes parsing beside embedding; 2 cores leave room for one.")
    ocr: bool = Field(True, description="Read scanned pages (no text layer, an image) with Tesseract when it is installed.")
    ocr_dpi: int = Field(300, ge=72, le=600, description="Resolution a scanned page is rendered at for OCR.")
    ocr_timeout_s: float = Field(60.0, gt=0, description="Longest OCR of one page; past it the page is skipped with a warning.")
    read_timeout_s: float = Field(
        120.0, gt=0, description="Longest a file may take to read, describe and chunk (the corpus's longest, 51 pages, takes ~2 s), "
        "plus ocr_timeout_s per scanned page; past it its reader process is killed and the file refused.")
    max_parse_mb: int = Field(
        2048, ge=64, description="Heap (MiB) the reader process may use for one file (RLIMIT_DATA; every corpus "
        "report reads within 64); past it the file is refused.")


class StoreSettings(_Strict):
    # CHROMA_URL is the default here, not in from_env, so any StoreSettings() (a helper
    # process, a benchmark) finds the same store.
    chroma_url: str | None = Field(
        default_factory=lambda: os.environ.get("CHROMA_URL") or None,
        description="A Chroma server (http://host:port); None keeps the vectors embedded under the index dir.")
    collection: str | None = Field(
        None, description='None: "chunks" embedded; on a server, a collection of this index\'s own (assistant.vectors).')
    # Read here too, like CHROMA_URL: a helper process or a benchmark finds the same catalog.
    database_url: str | None = Field(
        default_factory=lambda: os.environ.get("INSPECTION_ASSISTANT_STORE__DATABASE_URL") or None,
        description="A PostgreSQL database (postgresql://user:password@host:port/name) for the catalog; None keeps "
        "it in a SQLite file in the index dir (ingest.databases).")
    database_schema: str | None = Field(
        None, pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="The schema holding this index's catalog on the database. None: a schema of this index dir's "
        "own, made on first use and recorded in the index dir (catalog-schema); name one to share an index between "
        "machines that do not share the index dir.")
    exact_scope_embedded: int = Field(
        70, ge=1, description="A scope holding at most 1/N of the store is ranked from its chunks' vectors fetched by "
        "id, not by Chroma's metadata filter. At 1M chunks (docs/scale.md) a vector by id costs ~68 us embedded, "
        "the filter ~1 us per stored chunk.")
    exact_scope_server: int = Field(120, ge=1, description="The same ratio against a server (~120 us a vector, JSON over HTTP).")
    exact_index_max: int = Field(
        5000, ge=0, description="An index of at most this many chunks is ranked exactly, every vector compared (kept "
        "in memory: 7.5 MB at 5,000 MiniLM vectors), not by Chroma's approximate HNSW graph, whose shape depends on "
        "how the build went: two builds of the same reports then answer alike, which the evaluation's per-item "
        "gates rely on. Larger indexes use the graph, and so does a Chroma server (every question reads the "
        "shared store).")


class RetrievalSettings(_Strict):
    dense_candidates: int = Field(60, ge=1, description="Chunks the vector search returns before fusion.")
    lexical_candidates: int = Field(60, ge=1, description="Chunks BM25 returns before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")
    rerank: bool = Field(True, description="Re-score the top candidates by their best-matching sentence.")
    rerank_candidates: int = Field(40, ge=1, description="How many fused candidates the second stage re-scores.")
    rerank_coverage: float = Field(1.0, description="Weight of the IDF-weighted share of question terms in the best sentence.")
    rerank_dense: float = Field(1.0, description="Weight of the question-chunk cosine in the second stage.")
    aware: bool = Field(True, description="Restrict retrieval to the reports a question names.")


class AnswerSettings(_Strict):
    max_sentences: int = Field(3, ge=1, description="Sentences in a finding answer.")
    topic_present: float = Field(
        0.3, ge=0, le=1, description="A report discusses a question's topic when one of its sentences holds this "
        "IDF-weighted share of the topic's words; below it, the answer says first that the report does not.")
    topic_words_together: float = Field(
        0.8, ge=0, le=1, description="When a named topic's phrase is not found in a report, a sentence holding this "
        "IDF-weighted share of its words in any order still discusses it (assistant/composers/grounding.py); "
        "measured on the topic set's dev items: 0.6 says 17 of 25 absent topics are absent, 0.8 says 22 and calls 2 of "
        "17 discussed ones absent, 1.0 says 23 and calls 3 absent.")
    min_support: float = Field(0.35, description="Below this reranked score the best evidence is too weak to answer from.")
    themes_similarity: float = Field(
        0.55, gt=0, lt=1, description="Cosine at which two findings are one theme (average linkage, MiniLM).")
    themes_max_reports: int = Field(50, ge=2, description="Reports a themes answer reads (the latest of its set).")
    themes_per_report: int = Field(
        3, ge=1, description="Findings one report brings to a themes answer (one fewer past 25 reports), so one long "
        "report does not make every theme.")
    themes_sentences_per_section: int = Field(
        12, ge=1, description="Sentences a themes answer reads per judged section: its first sentences carry the "
        "judgement, and reading only those keeps 50 reports fast.")
    themes_max: int = Field(8, ge=1, description="Themes shown with quotes; further shared themes are rows of the table only.")
    themes_quotes_shown: int = Field(2, ge=1, description="Quotes a theme shows in the answer's text; the table cites every report's.")
    themes_table_max: int = Field(20, ge=1, description="Themes the table lists (those shown first).")
    strengths_per_side: int = Field(6, ge=1, description="Strengths, and weaknesses, listed for one report.")
    summary_sentences_per_section: int = Field(
        2, ge=1, description="Opening sentences a summary quotes from each key section (reports without judged areas).")
    comparison_max_reports: int = Field(4, ge=2, description="Reports set side by side in one comparison.")
    coverage_quote_words: int = Field(60, ge=10, description="Longest quote a coverage row shows, centred on the match.")
    across_max_rows: int = Field(40, ge=1, description="Rows an answer across reports lists; it says how many more.")
    across_max_councils: int = Field(12, ge=1, description="Councils a findings-by-council answer lists.")
    across_recommendation_match: float = Field(
        0.99, gt=0, le=1, description="IDF-weighted share of a topic an improvement item must contain to be listed.")
    across_min_support: float = Field(
        0.6, ge=0, description="A council is listed only if one sentence covers this much of the topic: a list invites "
        "skimming, so each line must stand on its own.")


class LLMSettings(_Strict):
    """An optional language model that writes the answer in prose from the passages the
    extractive answer chose; every sentence it writes is checked against its cited page."""

    url: str | None = Field(
        None, description="An OpenAI-compatible chat endpoint (http://127.0.0.1:8080/v1 for a llama.cpp server, "
        "http://localhost:11434/v1 for Ollama); None: answers stay extractive.")
    model: str = Field("local", description="The model name the endpoint expects (Ollama: e.g. llama3.1; "
                       "llama.cpp's server answers with the model it loaded whatever the name).")
    api_key_env: str = Field(
        "INSPECTION_ASSISTANT_LLM_API_KEY", description="The environment variable holding the API key, if the "
        "endpoint needs one. The key itself is never stored in settings, logs or the index.")
    timeout_s: float = Field(60.0, gt=0, description="Longest wait for a whole answer; past it, the extractive answer.")
    max_tokens: int = Field(350, ge=16, description="Longest answer the model may write.")
    temperature: float = Field(0.0, ge=0, le=2, description="0 gives the most literal answer.")
    passages: int = Field(8, ge=1, description="Passages the model is given: the extractive answer's cited ones first.")
    constrain: Literal["none", "copy"] = Field(
        "none", description="none: the model writes freely. copy: for small local models that cannot yet write a "
        "sentence the checker passes (e.g. Gemma 3 270M): each request carries a GBNF grammar, built from the numbered "
        "passages, under which the model can only reply with 1 to 3 sentences each copied verbatim from a passage and "
        "followed by that passage's marker ('Supervision records are brief. [2]'), or NOT ANSWERED. Only the "
        "passages' complete sentences of 4 to 40 words that lie on one page are offered, so the grammar stays small "
        "(a few KB for 8 passages). The checker still checks every sentence, as for free text. The grammar travels "
        "as the `grammar` field of the chat request, which llama.cpp's server (llama-server, llama-cpp-python) "
        "honours; an endpoint that refuses it falls back to the extractive answer, one that ignores it lets the model "
        "write freely. Environment: INSPECTION_ASSISTANT_LLM__CONSTRAIN=copy.")
    min_similarity: float = Field(
        0.7, gt=0, lt=1, description="A sentence must be this close (MiniLM cosine) to a sentence of a passage it "
        "cites. Set on the quick set (python -m eval.calibrate_checker): with min_term_share 0.6 it passes 85% of "
        "reworded supported sentences and 2% of findings from elsewhere in the same report.")
    min_term_share: float = Field(
        0.6, gt=0, le=1, description="IDF-weighted share of a sentence's distinctive words that its cited passages "
        "must contain.")


class Settings(_Strict):
    index_dir: Path = Field(Path("index"), description="The index directory: catalog, BM25, embedded vectors.")
    embed: EmbedSettings = Field(default_factory=EmbedSettings, description="The embedder.")
    chunk: ChunkSettings = Field(default_factory=ChunkSettings, description="How reports are cut into chunks.")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="Limits per file.")
    store: StoreSettings = Field(default_factory=StoreSettings, description="Where the vectors live.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Hybrid retrieval.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Composing answers.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="The optional language-model composer.")

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> Settings:
        """A named preset (ingest/core/configs/<name>.json), then the environment, then `overrides`."""
        path = PRESETS / f"{name}.json"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in PRESETS.glob("*.json")))
            raise UnknownPreset(f"unknown preset {name!r}; known presets: {known}")
        return cls.from_env(json.loads(path.read_text(encoding="utf-8")), **overrides)

    @classmethod
    def from_env(cls, base: dict | None = None, **overrides: Any) -> Settings:
        """Defaults (or `base`), then INSPECTION_ASSISTANT_<GROUP>__<FIELD> variables, then `overrides`."""
        data: dict[str, Any] = json.loads(json.dumps(base or {}))
        if backend := os.environ.get("INSPECTION_ASSISTANT_EMBED_BACKEND"):  # the name used before groups
            data.setdefault("embed", {})["backend"] = backend
        for name, value in os.environ.items():
            if name.startswith(ENV_PREFIX) and "__" in name:
                group, _, field = name[len(ENV_PREFIX):].lower().partition("__")
                data.setdefault(group, {})[field] = value
        data.update(overrides)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:  # a mistyped environment variable or preset: say which, in one line
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise BadSetting(f"setting {where}: {first['msg']} (got {first.get('input')!r})") from None
