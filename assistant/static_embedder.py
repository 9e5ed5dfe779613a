"""A static embedder distilled on this machine from the packaged all-MiniLM-L6-v2 (the model2vec
recipe, without its package: its distiller pins an older transformers than ours).

Distillation, once per machine (about 30 s on 2 cores), cached beside the ONNX export:
  1. every word piece of MiniLM's vocabulary goes through the model alone ([CLS] piece [SEP]),
     mean-pooled like a sentence: one 384-d vector per piece;
  2. PCA to `DIMS` dimensions (fewer dimensions, and the shared direction all pieces have is
     gone, which MiniLM's raw outputs are dominated by);
  3. each vector scaled by a smooth inverse frequency weight, a / (a + p(piece)), with p from
     Zipf's law over the vocabulary's order (BERT's vocabulary is sorted by frequency after its
     first ~2,000 entries), so "the" and "of" barely move a text's vector.
A text's vector is then the mean of its pieces' vectors: a lookup, no network. Ingest spends
~90% of its time in MiniLM (python -m eval.bench_ingest); this costs ~1% of that, at a
retrieval quality the README's ingest table states (`settings.embed.model = "minilm-static"`).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

import numpy as np

from assistant.embedder import Embedder, _atomic_path, _file_lock, cache_root, export_dir, model_dir

log = logging.getLogger(__name__)

DIMS = 256
SIF_A = 1e-3
RECIPE = "static-pca256-zipf-sif1e-3-v1"  # bump when the distillation changes
_SPECIAL_OFFSET = 1996  # first ordinary word piece ("the") in the uncased BERT vocabulary


class _Ids:
    """What Embedder._encode_onnx reads from a tokenizer encoding."""

    __slots__ = ("ids",)

    def __init__(self, ids: list[int]):
        self.ids = ids


class StaticEmbedder:
    """Same interface as `Embedder` for the vector store: encode_documents, encode_queries, dim."""

    def __init__(self, cache_dir: str | Path | None = None):
        from tokenizers import Tokenizer

        teacher = model_dir()
        self.path = export_dir(Path(cache_dir) if cache_dir else cache_root(), teacher) / f"{RECIPE}.npy"
        self.backend = "static"
        self._tok = Tokenizer.from_file(str(teacher / "tokenizer.json"))
        self._tok.no_truncation()
        self._tok.no_padding()
        if not self.path.exists():
            with _file_lock(self.path.parent / ".lock"):
                if not self.path.exists():
                    self._distill()
        self.table = np.load(self.path)
        self.dim = int(self.table.shape[1])

    def _distill(self) -> None:
        log.info("distilling a static embedder from %s (one-off)", self.path.parent)
        teacher = Embedder("onnx")
        vocab_size = self._tok.get_vocab_size()
        cls_id, sep_id = (int(self._tok.token_to_id(t) or 0) for t in ("[CLS]", "[SEP]"))
        pieces = [_Ids([cls_id, i, sep_id]) for i in range(vocab_size)]
        vectors = teacher._encode_onnx(pieces, 512, teacher._main_session())
        centred = vectors - vectors.mean(0)
        _, _, components = np.linalg.svd(centred, full_matrices=False)
        reduced = centred @ components[:DIMS].T
        rank = np.maximum(np.arange(vocab_size) - _SPECIAL_OFFSET, 0) + 1
        zipf = 1.0 / rank
        weight = SIF_A / (SIF_A + zipf / zipf.sum())
        table = (reduced * weight[:, None]).astype(np.float32)
        tmp = _atomic_path(self.path)
        try:
            with open(tmp, "wb") as fh:
                np.save(fh, table)
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)
        (self.path.parent / f"{RECIPE}.json").write_text(json.dumps({"dims": DIMS, "vocab": vocab_size}))

    def encode_documents(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, enc in enumerate(self._tok.encode_batch(list(texts), add_special_tokens=False)):
            if enc.ids:
                out[row] = self.table[enc.ids].mean(0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_documents(texts)


_instance: StaticEmbedder | None = None
_instance_lock = threading.Lock()


def get_static_embedder() -> StaticEmbedder:
    """One per process: the table is 31 MB."""
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = StaticEmbedder()
        return _instance
