"""How cost grows with the corpus: embedded Chroma vs a Chroma server, 10k to 1M chunks.

nice -n 10 python -m eval.bench_scale [--sizes 10000,100000,1000000] [--modes embedded,server]

Larger corpora are synthesised from the real index (--source, read only): each copy of a
real report gets a new report id and file, keeps the chunk texts and metadata, and its
vectors are the real ones plus Gaussian noise, re-normalised (cosine to the original ~0.95),
so the HNSW graph sees realistic, clustered but distinct points. One store per mode grows
through every size; at each size we record
- add throughput (chunks/s through our VectorStore.add, i.e. llama-index ChromaVectorStore)
  over the chunks added since the previous size,
- dense query p50/p95 (VectorStore.query, k=60 as retrieval uses), unscoped, and scoped to
  the reports a question names two ways: Chroma's metadata `$in` filter, and ranking the
  scope's chunks from their vectors fetched by id (what search does for a small scope),
- the full `Assistant.search` path p50/p95 in a fresh process (model, catalog snapshot and
  BM25 over every chunk), up to --search-max chunks,
- vector store size on disk, this process's RSS and, in server mode, the server's RSS.
Writes docs/scale.json, docs/scale.md and the log-log chart docs/scale.png.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import replace
from itertools import groupby
from pathlib import Path

import numpy as np

from assistant.vectors import VectorStore
from eval.bench_ingest import dir_size
from eval.check_set import load_set
from ingest.catalog import Catalog, ChunkRow, meta_from_json
from ingest.core.settings import StoreSettings
from ingest.pipeline import sweep_orphans

REPO = Path(__file__).resolve().parents[1]
NOISE = 0.3  # per-vector noise norm before re-normalising: cosine to the real vector ~0.95

SEARCH_CHILD = """
import json, statistics, sys, time
from pathlib import Path
from assistant import Assistant
index, url, questions = sys.argv[1], sys.argv[2] or None, json.loads(sys.argv[3])
t = time.perf_counter()
a = Assistant.open(index, chroma_url=url)
a.search(questions[0], k=10)
open_s = time.perf_counter() - t
ms = []
for q in questions:
    t = time.perf_counter()
    a.search(q, k=10)
    ms.append((time.perf_counter() - t) * 1000)
ms.sort()
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec.
hwm = next(int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM:"))
print(json.dumps({"open_s": open_s, "p50": statistics.median(ms), "p95": ms[round(0.95 * (len(ms) - 1))],
                  "rss_mb": hwm / 1024}))
"""


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[round(q * (len(values) - 1))]


class Source:
    """The real index, read only: chunk rows, report metadata and vectors."""

    def __init__(self, index_dir: Path, work: Path):
        db = sqlite3.connect(f"file:{index_dir / 'catalog.sqlite3'}?mode=ro", uri=True)
        self.metas = {m.report_id: m for m in (meta_from_json(r) for (r,) in db.execute("SELECT meta FROM reports"))}
        rows = db.execute("SELECT * FROM chunks ORDER BY report_id, ordinal").fetchall()
        self.chunks = [ChunkRow(*r[:7], json.loads(r[7]), r[8], r[9]) for r in rows]
        self.by_report = {rid: list(group) for rid, group in groupby(self.chunks, key=lambda c: c.report_id)}
        db.close()
        # Chroma may write to a store it opens: read a copy, never the real index.
        shutil.copytree(index_dir / "chroma", work / "source" / "chroma")
        store = VectorStore(work / "source", StoreSettings(chroma_url=None, collection="chunks"))
        by_id = {}
        while len(by_id) < store.count():
            got = store.collection.get(include=["embeddings"], limit=5000, offset=len(by_id))
            by_id.update(zip(got["ids"], got["embeddings"]))
        self.vectors = np.array([by_id[c.chunk_id] for c in self.chunks], dtype=np.float32)
        del store
        shutil.rmtree(work / "source")

    def copy(self, n: int, rng: np.random.Generator):
        """Copy n of the corpus: (catalog reports, chunk rows, vectors, texts, Chroma metadata)."""
        reports, rows, metadatas = {}, [], []
        for c in self.chunks:
            rid = f"{c.report_id}-c{n}"
            if rid not in reports:
                meta = self.metas[c.report_id]
                reports[rid] = replace(meta, report_id=rid, file=f"copy{n}/{meta.file}")
            meta = reports[rid]
            rows.append(replace(c, chunk_id=f"{c.chunk_id}-c{n}", report_id=rid))
            metadatas.append({"report_id": rid, "file": meta.file, "authority": meta.authority,
                              "report_type": meta.report_type, "year": meta.year or 0,
                              "page_start": c.page_start, "page_end": c.page_end, "section": c.section})
        noise = rng.standard_normal(self.vectors.shape).astype(np.float32)
        noise *= NOISE / np.linalg.norm(noise, axis=1, keepdims=True)
        vectors = self.vectors + noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return reports, rows, vectors, [r.text for r in rows], metadatas


def grow(source: Source, index_dir: Path, store: VectorStore, have: int, target: int, rng) -> tuple[int, float]:
    """Add synthetic reports until the store holds >= `target` chunks (whole reports only).

    Returns (chunks now held, seconds spent in VectorStore.add)."""
    catalog = Catalog(index_dir / "catalog.sqlite3")
    spent = 0.0
    while have < target:
        n, start = divmod(have, len(source.chunks))
        reports, rows, vectors, texts, metadatas = source.copy(n, rng)
        end = min(len(rows), start + target - have)
        while end < len(rows) and rows[end].report_id == rows[end - 1].report_id:
            end += 1
        t = time.perf_counter()
        store.add([r.chunk_id for r in rows[start:end]], vectors[start:end], texts[start:end], metadatas[start:end])
        spent += time.perf_counter() - t
        for rid, mine in groupby(rows[start:end], key=lambda r: r.report_id):
            catalog.replace_report(reports[rid], f"synthetic-{rid}", "", [], list(mine), [], replaces=None)
        have += end - start
    return have, spent


def dense_latency(store: VectorStore, queries: np.ndarray, scopes: list[list[str]],
                  scope_chunks: list[list[str]]) -> dict[str, float]:
    """Unscoped; scoped to every copy of one report by Chroma's `$in` filter; and the same
    scope ranked from its chunks' stored vectors (what `search` does for a small scope)."""
    out = {}
    for name, scoped in (("dense", None), ("dense_scoped", "filter"), ("dense_within", "ids")):
        ms = []
        for vector, scope, chunks in zip(queries, scopes, scope_chunks):
            t = time.perf_counter()
            if scoped == "ids":
                store.query(vector, 60, chunk_ids=chunks)
            else:
                store.query(vector, 60, scope if scoped else None)
            ms.append((time.perf_counter() - t) * 1000)
        out[f"{name}_p50_ms"], out[f"{name}_p95_ms"] = statistics.median(ms), pct(ms, 0.95)
    return out


def search_latency(index_dir: Path, url: str | None, questions: list[str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", SEARCH_CHILD, str(index_dir), url or "", json.dumps(questions)],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    got = json.loads(out.strip().splitlines()[-1])
    return {"search_p50_ms": got["p50"], "search_p95_ms": got["p95"], "search_open_s": got["open_s"],
            "search_rss_mb": got["rss_mb"]}


def run_mode(mode: str, source: Source, sizes: list[int], work: Path, queries, scopes, questions, search_max: int,
             on_row):
    from scripts.with_chroma_server import chroma_server

    index_dir = work / f"index-{mode}"
    with ExitStack() as stack:
        url, proc = (None, None)
        if mode == "server":
            url, proc = stack.enter_context(chroma_server(data_dir=work / "server-data", timeout=120))
        store = VectorStore(index_dir, StoreSettings(chroma_url=url))
        # A resumed run (--work of a stopped one) goes on from its last committed report; the
        # vectors of a batch cut short are swept first, as ingest sweeps them after a crash.
        sweep_orphans(Catalog(index_dir / "catalog.sqlite3"), store)
        have = store.count()
        rng = np.random.default_rng(7 + have)
        for size in (s for s in sizes if s > have):
            held, spent = grow(source, index_dir, store, have, size, rng)
            row = {"mode": mode, "chunks": held, "add_chunks_per_s": (held - have) / spent}
            have = held
            assert store.count() == held, (store.count(), held)
            store.query(queries[0], 60)  # the first query after a bulk add may load or flush the index
            copies = -(-held // len(source.chunks))
            scope_chunks = [[f"{c.chunk_id}-c{n}" for n in range(copies) for c in source.by_report[rid]] for rid in scopes]
            row.update(dense_latency(store, queries, [[f"{rid}-c{n}" for n in range(copies)] for rid in scopes],
                                     scope_chunks))
            store_dir = work / "server-data" if proc else index_dir / "chroma"
            row["store_mb"] = dir_size(store_dir) / 2**20
            row["catalog_mb"] = dir_size(index_dir) / 2**20 - (0 if proc else row["store_mb"])
            row["process_rss_mb"] = rss_mb()
            row["server_rss_mb"] = rss_mb(proc.pid) if proc else None
            row["load_1m"] = os.getloadavg()[0]  # the machine is shared: latencies need this beside them
            if size <= search_max:
                row.update(search_latency(index_dir, url, questions))
            print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()}), flush=True)
            on_row(row)


def write_outputs(rows: list[dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.json").write_text(json.dumps(rows, indent=1))
    cols = [("chunks", "chunks", "{:,}"), ("mode", "mode", "{}"), ("add_chunks_per_s", "add chunks/s", "{:,.0f}"),
            ("dense_p50_ms", "dense p50 ms", "{:.1f}"), ("dense_p95_ms", "dense p95 ms", "{:.1f}"),
            ("dense_scoped_p50_ms", "scoped p50 ms", "{:.1f}"), ("dense_scoped_p95_ms", "scoped p95 ms", "{:.1f}"),
            ("dense_within_p50_ms", "by ids p50 ms", "{:.1f}"), ("dense_within_p95_ms", "by ids p95 ms", "{:.1f}"),
            ("search_p50_ms", "search p50 ms", "{:.0f}"), ("search_p95_ms", "search p95 ms", "{:.0f}"),
            ("store_mb", "vectors MB", "{:,.0f}"), ("catalog_mb", "catalog+bm25 MB", "{:,.0f}"),
            ("process_rss_mb", "bench RSS MB", "{:,.0f}"), ("server_rss_mb", "server RSS MB", "{:,.0f}"),
            ("search_rss_mb", "search process peak RSS MB", "{:,.0f}"), ("load_1m", "load", "{:.1f}")]
    lines = ["| " + " | ".join(c[1] for c in cols) + " |", "|" + "---|" * len(cols)]
    for row in sorted(rows, key=lambda r: (r["chunks"], r["mode"])):
        lines.append("| " + " | ".join(f.format(row[k]) if row.get(k) is not None else "-" for k, _, f in cols) + " |")
    table = "\n".join(lines)
    (out / "scale.md").write_text(
        "# Scaling benchmark (`python -m eval.bench_scale`)\n\n"
        "Copies of the real index's 11,340 chunks under new report ids (vectors perturbed, "
        "re-normalised); 120 evaluation questions. dense: VectorStore.query, k=60; scoped: the "
        "same with a `report_id $in` filter over every copy of one report; by ids: the same scope "
        "ranked from its chunks' vectors fetched by id (what search does when a scope is at most "
        "1/70 of the store, 1/120 on a server; - where not measured); search: "
        "Assistant.search in a fresh process (model, catalog snapshot, BM25). add: chunks/s "
        "through VectorStore.add since the previous size. load: 1-minute load average of the "
        "shared 2-core machine when measured.\n\n" + table + "\n")

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    for mode, style in (("embedded", "o-"), ("server", "s--")):
        mine = sorted((r for r in rows if r["mode"] == mode), key=lambda r: r["chunks"])
        if not mine:
            continue
        x = [r["chunks"] for r in mine]
        for key, label in (("dense_p50_ms", "dense p50"), ("dense_p95_ms", "dense p95"),
                           ("dense_scoped_p50_ms", "scoped p50"), ("dense_within_p50_ms", "by ids p50"),
                           ("search_p50_ms", "search p50")):
            pts = [(xi, r[key]) for xi, r in zip(x, mine) if r.get(key) is not None]
            if pts:
                axes[0].plot(*zip(*pts), style, label=f"{mode} {label}")
        axes[1].plot(x, [r["add_chunks_per_s"] for r in mine], style, label=mode)
        axes[2].plot(x, [r["store_mb"] for r in mine], style, label=f"{mode} vectors on disk")
        rss = [r["server_rss_mb"] if mode == "server" else r["process_rss_mb"] for r in mine]
        axes[2].plot(x, rss, style, alpha=0.6, label="server RSS" if mode == "server" else "embedded: whole process RSS")
    for ax, title, unit in zip(axes, ("query latency", "add throughput", "size"), ("ms", "chunks/s", "MB")):
        ax.set(xscale="log", yscale="log", title=title, xlabel="chunks", ylabel=unit)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "scale.png", dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default="index", help="the real index to copy from (read only)")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--modes", default="embedded,server")
    parser.add_argument("--search-max", type=int, default=100_000, help="largest size to time Assistant.search at")
    parser.add_argument("--questions", type=int, default=120)
    parser.add_argument("--work", default=None, help="scratch dir (default: a temp dir, removed after)")
    parser.add_argument("--out", default="docs")
    parser.add_argument("--keep", action="store_true", help="keep the scratch dir (implied by --work)")
    parser.add_argument("--render", nargs="+", metavar="JSON",
                        help="only merge the rows of earlier runs' scale.json files into --out")
    args = parser.parse_args()
    if args.render:
        write_outputs([row for f in args.render for row in json.loads(Path(f).read_text())], REPO / args.out)
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        source = Source(Path(args.source), work)
        questions = [item["question"] for item in load_set(REPO / "eval/data/v1")][: args.questions]
        from assistant.embedder import get_embedder

        queries = get_embedder().encode_queries(questions)
        real = sorted(source.metas)
        scopes = [real[i * 7 % len(real)] for i in range(len(questions))]  # one real report per question
        previous = REPO / args.out / "scale.json"
        rows: list[dict] = json.loads(previous.read_text()) if args.work and previous.exists() else []

        def on_row(row: dict) -> None:  # written as it comes: a long run keeps what it measured
            rows.append(row)
            write_outputs(rows, REPO / args.out)

        for mode in args.modes.split(","):
            run_mode(mode, source, sizes, work, queries, scopes, questions, args.search_max, on_row)
        print((REPO / args.out / "scale.md").read_text())
    finally:
        if not (args.keep or args.work):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
