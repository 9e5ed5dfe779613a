"""BM25 (bm25s) over the same chunks as the vectors, persisted beside the index.

bm25s has no in-place update, so ingest rebuilds it when the catalog's generation moves
(about a second per 10k chunks); a reader that finds it stale rebuilds it in memory.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
import re
import threading
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

_STEMMER = Stemmer.Stemmer("english")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOPWORDS = frozenset(bm25s.stopwords.STOPWORDS_EN)


def tokenize(text: str) -> list[str]:
    words = [w.replace("'s", "") for w in _TOKEN.findall(text.lower())]
    return _STEMMER.stemWords([w for w in words if w and w not in _STOPWORDS])


class LexicalIndex:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.ids: list[str] = []
        self.position: dict[str, int] = {}
        self.generation = -1
        self.df: dict[str, int] = {}
        self._bm25: bm25s.BM25 | None = None
        self._lock = threading.Lock()

    def build(self, ids: list[str], texts: list[str], generation: int) -> None:
        model = bm25s.BM25(k1=1.2, b=0.75)
        tokens = [tokenize(t) for t in texts]
        if ids:
            model.index(tokens, show_progress=False)
        df = Counter(term for doc in tokens for term in set(doc))
        self._install(model if ids else None, ids, generation, dict(df))

    def save(self) -> None:
        tmp = self.directory.with_name(self.directory.name + ".tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(tmp))
        (tmp / "ids.json").write_text(json.dumps({"generation": self.generation, "ids": self.ids, "df": self.df}))
        if self.directory.exists():
            old = self.directory.with_name(self.directory.name + ".old")
            os.replace(self.directory, old)
            os.replace(tmp, self.directory)
            for f in old.iterdir():
                f.unlink()
            old.rmdir()
        else:
            os.replace(tmp, self.directory)

    def load(self) -> bool:
        meta = self.directory / "ids.json"
        if not meta.exists():
            return False
        data = json.loads(meta.read_text())
        model = bm25s.BM25.load(str(self.directory)) if data["ids"] else None
        self._install(model, data["ids"], data["generation"], data.get("df", {}))
        return True

    def _install(self, model, ids: list[str], generation: int, df: dict[str, int]) -> None:
        with self._lock:
            self._bm25, self.ids, self.generation, self.df = model, list(ids), generation, df
            self.position = {cid: i for i, cid in enumerate(self.ids)}

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency of a (tokenized) term; 0 for unseen terms."""
        df = self.df.get(term, 0)
        if not df:
            return 0.0
        return math.log(1 + (len(self.ids) - df + 0.5) / (df + 0.5))

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score), best first; only chunks in `allowed` when given."""
        model, ids, position = self._bm25, self.ids, self.position
        if model is None:
            return []
        tokens = [t for t in tokenize(query) if t in model.vocab_dict]
        if not tokens:
            return []
        scores = model.get_scores(tokens)
        if allowed is not None:
            mask = np.zeros(len(ids), dtype=np.float32)
            for cid in allowed:
                if (i := position.get(cid)) is not None:
                    mask[i] = 1.0
            scores = scores * mask
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(ids[i], float(scores[i])) for i in top if scores[i] > 0]
