"""Dense vectors in Chroma: written through llama-index's ChromaVectorStore, read directly.

Embedded (PersistentClient under the index dir) by default, or a Chroma server when a
URL is configured; the rest of the code cannot tell the difference. Queries use the Chroma
collection itself: importing llama-index costs seconds that a first question should not pay.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings

from assistant.settings import StoreSettings


def make_client(index_dir: Path, settings: StoreSettings):
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or 8000,
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    return chromadb.PersistentClient(path=str(Path(index_dir) / "chroma"), settings=chroma_settings)


class VectorStore:
    def __init__(self, index_dir: Path, settings: StoreSettings):
        self.client = make_client(index_dir, settings)
        # embedding_function=None: Chroma's default would download an ONNX model.
        self.collection = self.client.get_or_create_collection(
            settings.collection,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
        )
        self._store = None

    @property
    def store(self):
        """The llama-index ChromaVectorStore over the same collection (for writes)."""
        if self._store is None:
            from llama_index.vector_stores.chroma import ChromaVectorStore

            self._store = ChromaVectorStore(chroma_collection=self.collection)
        return self._store

    def add(self, ids: list[str], embeddings, texts: list[str], metadatas: list[dict]) -> None:
        from llama_index.core.schema import TextNode

        nodes = [
            TextNode(id_=cid, text=text, metadata=meta, embedding=[float(x) for x in vec])
            for cid, vec, text, meta in zip(ids, embeddings, texts, metadatas)
        ]
        for i in range(0, len(nodes), 2000):
            self.store.add(nodes[i : i + 2000])

    def delete(self, ids: list[str]) -> None:
        for i in range(0, len(ids), 2000):
            self.store.delete_nodes(node_ids=ids[i : i + 2000])

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(include=[], limit=5000, offset=offset)["ids"]
            out.update(got)
            if len(got) < 5000:
                return out
            offset += len(got)

    def count(self) -> int:
        return self.collection.count()

    def query(self, vector, k: int, report_ids: list[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), best first; optionally only within some reports."""
        where = None
        if report_ids is not None:
            if not report_ids:
                return []
            where = {"report_id": {"$in": list(report_ids)}}
        k = max(1, min(k, self.count()))
        result = self.collection.query(
            query_embeddings=[[float(x) for x in vector]], n_results=k, where=where, include=["distances"]
        )
        # Cosine space: distance = 1 - cosine similarity.
        return [(cid, 1.0 - dist) for cid, dist in zip(result["ids"][0], result["distances"][0])]
