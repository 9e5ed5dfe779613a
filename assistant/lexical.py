"""BM25 (bm25s) over the same chunks as the vectors, persisted beside the index.

bm25s has no in-place update, so ingest rebuilds it when the catalog's generation moves
(about a second per 10k chunks); a reader that finds it stale rebuilds it in memory.

Readers on many threads search while another installs a new build: everything a search
needs lives in one immutable state object, swapped in one assignment. Processes share the
saved copy under a file lock (a server reading it while an ingest process writes it).
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import shutil
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

import bm25s
import numpy as np

from ingest.databases import as_pg
from ingest.term_index import Stats, TermIndex, idf_of
from ingest.terms import STOPWORDS, tokenize  # the tokenizer lives in ingest.terms, shared with the catalog

if TYPE_CHECKING:
    from ingest.catalog import Catalog

__all__ = ["STOPWORDS", "DatabaseLexicalIndex", "LexicalIndex", "LexicalSearch", "tokenize"]


class LexicalSearch(Protocol):
    """What retrieval asks of a lexical index, in the index dir (LexicalIndex) or the database."""

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]: ...
    def idf(self, term: str) -> float: ...


@dataclass(frozen=True)
class _State:
    model: bm25s.BM25 | None = None
    ids: list[str] = field(default_factory=list)
    generation: int = -1
    df: dict[str, int] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)


class LexicalIndex:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._state = _State()

    # Read-only views of the current state, for callers that need one field.
    @property
    def ids(self) -> list[str]:
        return self._state.ids

    @property
    def generation(self) -> int:
        return self._state.generation

    @property
    def df(self) -> dict[str, int]:
        return self._state.df

    def build(self, ids: list[str], texts: list[str], generation: int) -> None:
        model = bm25s.BM25(k1=1.2, b=0.75)
        tokens = [tokenize(t) for t in texts]
        if ids:
            model.index(tokens, show_progress=False)
        df = Counter(term for doc in tokens for term in set(doc))
        self._install(model if ids else None, ids, generation, dict(df))

    @contextmanager
    def _file_lock(self, mode: int):
        lock = self.directory.with_name(self.directory.name + ".lock")
        if mode == fcntl.LOCK_SH and not os.access(lock if lock.exists() else lock.parent, os.W_OK):
            # A read-only index: the lock file cannot be opened for writing, and no save by this
            # user can replace the directory while it is read.
            yield
            return
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        with open(lock, "a") as fh:
            fcntl.flock(fh, mode)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def save(self) -> None:
        state = self._state
        tmp = self.directory.with_name(self.directory.name + ".tmp")
        old = self.directory.with_name(self.directory.name + ".old")
        with self._file_lock(fcntl.LOCK_EX):
            # Leftovers of a save killed half-way would make the renames below fail.
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)
            tmp.mkdir(parents=True)
            if state.model is not None:
                state.model.save(str(tmp))
            (tmp / "ids.json").write_text(json.dumps({"generation": state.generation, "ids": state.ids, "df": state.df}))
            if self.directory.exists():
                os.replace(self.directory, old)
            os.replace(tmp, self.directory)
            shutil.rmtree(old, ignore_errors=True)

    def load(self) -> bool:
        with self._file_lock(fcntl.LOCK_SH):
            meta = self.directory / "ids.json"
            if not meta.exists():
                return False
            try:
                data = json.loads(meta.read_text())
                model = bm25s.BM25.load(str(self.directory)) if data["ids"] else None
            except (ValueError, KeyError, TypeError, OSError):
                # Truncated or overwritten: derived from the catalog, so rebuilt like a deleted one.
                return False
        self._install(model, data["ids"], data["generation"], data.get("df", {}))
        return True

    def _install(self, model, ids: list[str], generation: int, df: dict[str, int]) -> None:
        self._state = _State(model, list(ids), generation, df, {cid: i for i, cid in enumerate(ids)})

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency of a (tokenized) term; 0 for unseen terms."""
        state = self._state
        df = state.df.get(term, 0)
        if not df:
            return 0.0
        return math.log(1 + (len(state.ids) - df + 0.5) / (df + 0.5))

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score), best first; only chunks in `allowed` when given."""
        state = self._state
        model, ids, position = state.model, state.ids, state.position
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


T = TypeVar("T")


class _DatabaseFrequencies:
    """`LexicalIndex.df`'s two uses (a term's count, the vocabulary's size), asked of the database."""

    def __init__(self, owner: DatabaseLexicalIndex):
        self.owner = owner

    def get(self, term: str, default: int = 0) -> int:
        return self.owner.frequencies([term]).get(term, default)

    def __len__(self) -> int:
        return self.owner.vocabulary()


class DatabaseLexicalIndex:
    """The same searches as LexicalIndex, answered by the catalog's database (ingest.term_index):
    nothing to build, save or load per process. Per catalog generation it keeps only the chunk
    count, the mean chunk length and the frequencies of terms already asked about."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._generation = -1
        self._stats = Stats(0, 0.0)
        self._df: dict[str, int] = {}
        self._vocabulary: int | None = None
        self.df = _DatabaseFrequencies(self)

    def load(self) -> None:
        """Take the database's state as of now (its generation and statistics): nothing to build,
        the database indexed the chunks as they were written."""
        with self.catalog.read():
            generation = self.catalog.generation()
            stats = self._ask(TermIndex.stats)
        self._generation, self._stats, self._df, self._vocabulary = generation, stats, {}, None

    def frequencies(self, terms: list[str]) -> dict[str, int]:
        cache = self._df  # this generation's: a load() on another thread swaps in a new one, never empties this
        missing = [t for t in terms if t not in cache]
        if missing:
            found = self._ask(TermIndex.df, missing)
            cache.update({t: found.get(t, 0) for t in missing})
        return {t: cache[t] for t in terms}

    def vocabulary(self) -> int:
        self._loaded()
        if self._vocabulary is None:
            self._vocabulary = self._ask(TermIndex.vocabulary)
        return self._vocabulary

    def _ask(self, question: Callable[..., T], *args) -> T:
        engine = self.catalog.engine
        with engine.errors():
            return question(as_pg(engine.connection()), *args)

    def _loaded(self) -> None:
        if self._generation < 0:
            self.load()

    def idf(self, term: str) -> float:
        self._loaded()
        return idf_of(self.frequencies([term])[term], self._stats.chunks)

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        self._loaded()
        tokens = tokenize(query)
        if not tokens or (allowed is not None and not allowed):
            return []
        frequencies = self.frequencies(sorted(set(tokens)))
        idf = {t: idf_of(n, self._stats.chunks) for t, n in frequencies.items()}
        return self._ask(TermIndex.search, tokens, idf, self._stats, k, sorted(allowed) if allowed is not None else None)
