"""Dense vectors in Chroma, through llama-index's ChromaVectorStore.

Embedded (PersistentClient under the index dir) by default, or a Chroma server when a
URL is configured; the rest of the code cannot tell the difference.
"""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings
from llama_index.core.schema import TextNode
from llama_index.core.vector_stores.types import (
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
    VectorStoreQuery,
)
from llama_index.vector_stores.chroma import ChromaVectorStore

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
        self.store = ChromaVectorStore(chroma_collection=self.collection)

    def add(self, ids: list[str], embeddings, texts: list[str], metadatas: list[dict]) -> None:
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
        filters = None
        if report_ids is not None:
            if not report_ids:
                return []
            filters = MetadataFilters(
                filters=[MetadataFilter(key="report_id", value=list(report_ids), operator=FilterOperator.IN)]
            )
        k = max(1, min(k, self.count()))
        result = self.store.query(
            VectorStoreQuery(query_embedding=[float(x) for x in vector], similarity_top_k=k, filters=filters),
            include=["distances", "metadatas", "documents"],
        )
        # ChromaVectorStore reports exp(-distance); cosine similarity is 1 - distance.
        return [(cid, 1.0 + math.log(sim)) for cid, sim in zip(result.ids, result.similarities)]
