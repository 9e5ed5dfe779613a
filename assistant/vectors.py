"""Dense vectors in Chroma: written through llama-index's ChromaVectorStore, read directly.

Embedded (PersistentClient under the index dir) by default, or a Chroma server when a
URL is configured; the rest of the code cannot tell the difference. Queries use the Chroma
collection itself: importing llama-index costs seconds that a first question should not pay.

On a server, each index dir gets a collection of its own ("reports-<id>", the id kept in
the catalog's state table): ingest sweeps every vector its catalog does not know, so two
indexes sharing one collection would delete each other's reports.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import chromadb
import chromadb.errors
import httpx
import numpy as np
from chromadb.config import Settings as ChromaSettings

from ingest.catalog import read_only_part
from ingest.core.errors import ChromaServerUnreachable, IndexDamaged, IndexReadOnly, StoreUnavailable
from ingest.core.settings import StoreSettings
from ingest.core.turns import taking_turns
from ingest.index_store import open_catalog

EMBEDDED_COLLECTION = "chunks"
BATCH = 2000  # under Chroma's max batch (5461 in 1.5.9)


def make_client(index_dir: Path, settings: StoreSettings):
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises ValueError or httpx errors for a server that is down
            raise ChromaServerUnreachable(settings.chroma_url, type(exc).__name__) from exc
    store = Path(index_dir) / "chroma"
    # Embedded Chroma writes to its SQLite file as it opens, even to read.
    if store.exists() and (part := read_only_part(store)):
        raise IndexReadOnly(index_dir, part, "search the vectors of")
    try:
        with taking_turns(Path(index_dir) / "chroma.lock"):
            return chromadb.PersistentClient(path=str(store), settings=chroma_settings)
    except chromadb.errors.ChromaError as exc:  # e.g. a truncated chroma.sqlite3: "database disk image is malformed"
        raise IndexDamaged(index_dir, f"vector store unreadable: {exc}") from None


@contextmanager
def reaching(url: str | None) -> Iterator[None]:
    """A server that stopped, or died mid-response, becomes one typed error instead of an httpx
    traceback. The client opens a new connection on the next call, so once the server is back on
    the same port the same VectorStore answers again."""
    try:
        yield
    except httpx.TransportError as exc:
        raise ChromaServerUnreachable(url or "?", type(exc).__name__) from None


def collection_name(index_dir: Path, settings: StoreSettings) -> str:
    """The explicit name if set; else "chunks" embedded, or this index's own name on a server.

    An index dir built in one mode and opened in the other would look empty to dense search
    while its catalog says every file is indexed (and an ingest would skip them all), so that
    is refused with what to do instead.
    """
    if settings.collection:
        return settings.collection
    catalog = open_catalog(Path(index_dir), settings)
    known = catalog.query("SELECT value FROM state WHERE key='chroma_collection'")
    has_chunks = bool(catalog.query("SELECT 1 FROM chunks LIMIT 1"))
    if not settings.chroma_url:
        if known and has_chunks:
            raise StoreUnavailable(f"{index_dir}: its vectors are on a Chroma server (collection {known[0][0]}); "
                               "pass its URL (--chroma-url or CHROMA_URL)")
        return EMBEDDED_COLLECTION
    if known:
        return known[0][0]
    if has_chunks:
        raise StoreUnavailable(f"{index_dir}: its vectors are embedded in {Path(index_dir) / 'chroma'}; to use a "
                           "Chroma server, ingest into a new index dir (or set store.collection to a filled one)")
    # ON CONFLICT DO NOTHING inside one write transaction: two processes opening a new index at
    # once agree on the first id written.
    with catalog.transaction() as db:
        db.execute(
            "INSERT INTO state(key, value) VALUES('chroma_collection', ?) ON CONFLICT DO NOTHING",
            (f"reports-{uuid.uuid4().hex[:16]}",),
        )
    (name,), = catalog.query("SELECT value FROM state WHERE key='chroma_collection'")
    return name


class VectorStore:
    def __init__(self, index_dir: Path, settings: StoreSettings):
        self.client = make_client(index_dir, settings)
        self.name = collection_name(index_dir, settings)
        self.url = settings.chroma_url
        # embedding_function=None: Chroma's default would download an ONNX model.
        with reaching(self.url):
            self.collection = self.client.get_or_create_collection(
                self.name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
            )
        self.exact_scope_ratio = settings.exact_scope_server if settings.chroma_url else settings.exact_scope_embedded
        # Embedded only: against a server every question reads the shared store, as other processes write it.
        self.exact_index_max = 0 if settings.chroma_url else settings.exact_index_max
        self._whole: tuple[tuple[str, ...], list[str], np.ndarray] | None = None  # (chunk ids, ids, vectors)
        self._store = None
        self._store_lock = threading.Lock()

    @property
    def store(self):
        """The llama-index ChromaVectorStore over the same collection (for writes)."""
        with self._store_lock:
            if self._store is None:
                from llama_index.vector_stores.chroma import ChromaVectorStore

                self._store = ChromaVectorStore(chroma_collection=self.collection)
            return self._store

    def add(self, ids: list[str], embeddings, texts: list[str], metadatas: list[dict]) -> None:
        from llama_index.core.schema import TextNode

        nodes = [
            TextNode(id_=cid, text=text, metadata=meta, embedding=[float(x) for x in vec])
            for cid, vec, text, meta in zip(ids, embeddings, texts, metadatas, strict=True)
        ]
        for i in range(0, len(nodes), BATCH):
            with reaching(self.url):
                self.store.add(nodes[i : i + BATCH])

    def delete(self, ids: list[str]) -> None:
        for i in range(0, len(ids), BATCH):
            with reaching(self.url):
                self.store.delete_nodes(node_ids=ids[i : i + BATCH])

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            with reaching(self.url):
                got = self.collection.get(include=[], limit=5000, offset=offset)["ids"]
            out.update(got)
            if len(got) < 5000:
                return out
            offset += len(got)

    def count(self) -> int:
        with reaching(self.url):
            return self.collection.count()

    def query(self, vector, k: int, report_ids: list[str] | None = None,
              chunk_ids: list[str] | None = None, whole: list[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), best first; optionally only within some reports.

        A scope given as chunk ids is ranked exactly from their stored vectors, at a cost that
        grows with the scope; given report ids, Chroma's `report_id $in` filter scans every
        record's metadata (1 s at 1M chunks). The caller picks the cheaper for the scope's size
        (`exact_scope_ratio`). `whole`: every chunk of a small index (`exact_index_max`), ranked
        exactly from vectors fetched once and kept while the index holds the same chunks.
        """
        if chunk_ids is not None:
            return self._rank_within(vector, k, chunk_ids)
        if whole is not None:
            return self._rank_whole(vector, k, whole)
        where = None
        if report_ids is not None:
            if not report_ids:
                return []
            where = {"report_id": {"$in": list(report_ids)}}
        # Chroma returns fewer than n_results when fewer match (or the collection is empty),
        # so no count() round trip is needed first.
        with reaching(self.url):
            result = self.collection.query(
                query_embeddings=[[float(x) for x in vector]], n_results=max(1, k), where=where, include=["distances"]
            )
        # Cosine space: distance = 1 - cosine similarity.
        return [(cid, 1.0 - dist) for cid, dist in zip(result["ids"][0], result["distances"][0], strict=True)]

    def _rank_whole(self, vector, k: int, chunk_ids: list[str]) -> list[tuple[str, float]]:
        key = tuple(chunk_ids)
        cached = self._whole
        if cached is None or cached[0] != key:
            ids, matrix = self._fetch(chunk_ids)
            cached = self._whole = (key, ids, matrix)
        return _rank(cached[1], cached[2], vector, k)

    def _rank_within(self, vector, k: int, chunk_ids: list[str]) -> list[tuple[str, float]]:
        return _rank(*self._fetch(chunk_ids), vector, k)

    def _fetch(self, chunk_ids: list[str]) -> tuple[list[str], np.ndarray]:
        ids, vectors = [], []
        for i in range(0, len(chunk_ids), BATCH):
            with reaching(self.url):
                got = self.collection.get(ids=list(chunk_ids[i : i + BATCH]), include=["embeddings"])
            if got["ids"]:  # ids not (or no longer) in the store are simply not returned
                ids += got["ids"]
                vectors.append(np.asarray(got["embeddings"], dtype=np.float32))
        return ids, (np.concatenate(vectors) if vectors else np.zeros((0, 0), dtype=np.float32))


def _rank(ids: list[str], matrix: np.ndarray, vector, k: int) -> list[tuple[str, float]]:
    """(id, cosine similarity) of the k rows of `matrix` closest to `vector`, best first."""
    if not ids:
        return []
    query = np.asarray(vector, dtype=np.float32)
    sims = matrix @ query / np.maximum(np.linalg.norm(matrix, axis=1) * np.linalg.norm(query), 1e-12)
    top = np.argsort(-sims, kind="stable")[:k]
    return [(ids[i], float(sims[i])) for i in top]
