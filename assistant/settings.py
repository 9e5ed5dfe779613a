"""One typed settings tree. Every knob the pipeline has lives here, nowhere else.

Overrides: constructor arguments, then environment (CHROMA_URL,
INSPECTION_ASSISTANT_EMBED_BACKEND), then CLI flags.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EmbedSettings(_Strict):
    backend: str = "auto"  # auto | onnx | torch (see assistant.embedder)
    batch_size: int = 32


class ChunkSettings(_Strict):
    # The embedder sees at most this many word pieces (incl. [CLS]/[SEP]); the context
    # line and the chunk text must fit together or the chunk's tail is never embedded.
    window_wordpieces: int = 256
    # Chunks grow to this many word pieces before a paragraph boundary closes them.
    target_wordpieces: int = 220
    min_wordpieces: int = 40


class IngestSettings(_Strict):
    max_file_mb: int = 200
    max_pages: int = 3000
    parse_workers: int = 1  # parsing runs beside embedding; 2 cores leave room for one


class StoreSettings(_Strict):
    # None: embedded PersistentClient under the index dir. CHROMA_URL is the default here, not
    # in from_env, so any StoreSettings() (a helper process, a benchmark) finds the same store.
    chroma_url: str | None = Field(default_factory=lambda: os.environ.get("CHROMA_URL") or None)
    # None: "chunks" embedded; on a server, a collection of this index's own (see assistant.vectors).
    collection: str | None = None


class RetrievalSettings(_Strict):
    dense_candidates: int = 60
    lexical_candidates: int = 60
    rrf_k: int = 60
    rerank: bool = True
    rerank_candidates: int = 40
    # Second stage: fused rank score (scaled to 1 at the top) + these times each feature.
    rerank_coverage: float = 1.0  # IDF-weighted share of the question's content terms present
    rerank_dense: float = 1.0  # cosine similarity of question and chunk
    aware: bool = True  # restrict to the reports a question names


class AnswerSettings(_Strict):
    max_sentences: int = 3
    # Below this reranked score the best evidence is too weak to answer from.
    min_support: float = 0.35


class Settings(_Strict):
    index_dir: Path = Path("index")
    embed: EmbedSettings = Field(default_factory=EmbedSettings)
    chunk: ChunkSettings = Field(default_factory=ChunkSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        settings = cls(**overrides)
        if backend := os.environ.get("INSPECTION_ASSISTANT_EMBED_BACKEND"):
            settings.embed.backend = backend
        return settings
