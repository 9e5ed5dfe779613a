"""A static embedder distilled on this machine from the packaged all-MiniLM-L6-v2 (the model2vec
recipe, without its package: its distiller pins an older transformers than ours).

Distillation, once per machine (~15 s on 2 cores), cached beside the ONNX export:
  1. every word piece of MiniLM's vocabulary goes through the model alone ([CLS] piece [SEP]),
     mean-pooled like a sentence: one 384-d vector per piece;
  2. PCA to `DIMS` dimensions (fewer dimensions, and the shared direction all pieces have is
     gone, which MiniLM's raw outputs are dominated by);
  3. each vector scaled by a smooth inverse frequency weight, a / (a + p(piece)), with p from
     Zipf's law over the vocabulary's order (BERT's vocabulary is sorted by frequency after its
     first ~2,000 entries), so "the" and "of" barely move a text's vector.
A text's vector is then the mean of its pieces' vectors: a lookup, no network. Ingest spends
~90% of its time in MiniLM (python -m eval.bench_ingest); this costs ~1% of that, at a
retrieval quality the ingest table of docs/speed.md states (`settings.embed.model = "minilm-static"`).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import numpy as np

from assistant.embedder import Embedder, atomic_path, cache_root, export_dir, file_lock, model_dir
from ingest.wordpieces import wordpiece_tokenizer

log = logging.getLogger(__name__)

DIMS = 256
SIF_A = 1e-3
RECIPE = "static-pca256-zipf-sif1e-3-v1"  # bump when the distillation changes
_SPECIAL_OFFSET = 1996  # first ordinary word piece ("the") in the uncased BERT vocabulary


class _Ids:
    """What Embedder.encode_token_ids reads from a tokenizer encoding."""

    __slots__ = ("ids",)

    def __init__(self, ids: list[int]):
        self.ids = ids


def distilled_table(cache_dir: str | Path | None = None) -> Path:
    """This machine's distilled table (made on first use, ~15 s), beside the ONNX export. Its own
    lock file: distilling exports the ONNX teacher, which takes the export folder's lock."""
    path = export_dir(Path(cache_dir) if cache_dir else cache_root(), model_dir()) / f"{RECIPE}.npy"
    if not path.exists():
        with file_lock(path.with_suffix(".lock")):
            if not path.exists():
                _distill(path)
    return path


def _distill(path: Path) -> None:
    log.info("distilling a static embedder into %s (one-off)", path)
    tok = wordpiece_tokenizer()
    teacher = Embedder("onnx")
    vocab_size = tok.get_vocab_size()
    cls_id, sep_id = (int(tok.token_to_id(t) or 0) for t in ("[CLS]", "[SEP]"))
    pieces = [_Ids([cls_id, i, sep_id]) for i in range(vocab_size)]
    vectors = teacher.encode_token_ids(pieces, 512)
    centred = vectors - vectors.mean(0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ components[:DIMS].T
    rank = np.maximum(np.arange(vocab_size) - _SPECIAL_OFFSET, 0) + 1
    zipf = 1.0 / rank
    weight = SIF_A / (SIF_A + zipf / zipf.sum())
    table = (reduced * weight[:, None]).astype(np.float32)
    tmp = atomic_path(path)
    try:
        with open(tmp, "wb") as fh:
            np.save(fh, table)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class StaticEmbedder:
    """Same interface as `Embedder` for the vector store (encode_documents, encode_queries, dim),
    over one table: an index keeps its own copy (assistant.passage_model), so its questions are
    embedded with exactly the table its passages were, whatever this machine distils later."""

    def __init__(self, table: Path):
        self.backend = "static"
        self._tok = wordpiece_tokenizer()  # the pieces ingest counts chunks in
        self.table = np.load(table)
        self.dim = int(self.table.shape[1])

    def encode_documents(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """`batch_size` is Embedder's signature; a lookup needs no batches."""
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, enc in enumerate(self._tok.encode_batch(list(texts), add_special_tokens=False)):
            if enc.ids:
                out[row] = self.table[enc.ids].mean(0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_documents(texts)


_instances: dict[tuple[Path, int], StaticEmbedder] = {}
_instances_lock = threading.Lock()


def get_static_embedder(table: Path) -> StaticEmbedder:
    """One per table file per process (a table is 31 MB); a rebuilt index's new table is loaded anew."""
    key = (table, table.stat().st_mtime_ns)
    with _instances_lock:
        if key not in _instances:
            _instances[key] = StaticEmbedder(table)
        return _instances[key]
