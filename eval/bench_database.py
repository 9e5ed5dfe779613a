"""The catalog and its lexical search, embedded (SQLite + bm25s) beside PostgreSQL, as the index grows.

    python scripts/with_postgres_server.py -- python -m eval.bench_database --source build/quick-index \
        [--sizes 10000,100000]

Each size is synthesised from a real index (--source, read only): copies of its reports with
new ids, their chunk texts and pages as they are. Both engines get the same reports, one catalog
transaction per report (ingest's own write). At each size, for each engine:

- write: catalog chunks/s (PostgreSQL's includes indexing each chunk's terms; embedded's bm25s
  is built after, timed apart as `lexical build`);
- open: what a new process pays before its first lexical search (bm25s: load the saved index;
  PostgreSQL: read the chunk count, mean length and generation) and the RSS it adds;
- lexical search p50/p95 over the reading set's questions (k=60, as retrieval asks);
- a phrase's coverage across the whole store: the reports holding "care leavers" (embedded: a
  scan of every page; PostgreSQL: an indexed phrase query on the chunks' terms);
- size on disk (the SQLite file + the bm25s folder; the schema's tables and indexes).

Prints one Markdown table (docs/scale.md, section "The catalog on PostgreSQL").
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import replace
from pathlib import Path

from assistant.lexical import DatabaseLexicalIndex, LexicalIndex
from eval.bench_scale import dir_size, pct, rss_mb
from ingest.catalog import ALL_TABLES, Catalog, ChunkRow, meta_from_json
from ingest.databases import PostgresEngine
from ingest.term_index import chunk_text
from ingest.terms import tokenize

REPO = Path(__file__).resolve().parents[1]
PHRASE = "care leavers"


def questions(limit: int = 200) -> list[str]:
    out = []
    for line in (REPO / "eval" / "data" / "reading" / "single.jsonl").read_text(encoding="utf-8").splitlines():
        out.append(json.loads(line)["question"])
    return out[:limit]


class Source:
    def __init__(self, index_dir: Path):
        db = sqlite3.connect(f"file:{index_dir / 'catalog.sqlite3'}?mode=ro", uri=True)
        self.metas = [meta_from_json(r) for (r,) in db.execute("SELECT meta FROM reports ORDER BY report_id")]
        self.chunks: dict[str, list[ChunkRow]] = {}
        for r in db.execute("SELECT * FROM chunks ORDER BY report_id, ordinal"):
            self.chunks.setdefault(r[1], []).append(ChunkRow(*r[:7], json.loads(r[7]), r[8], r[9]))
        self.pages = {m.report_id: [t for (t,) in db.execute("SELECT text FROM pages WHERE report_id=? ORDER BY page",
                                                                (m.report_id,))] for m in self.metas}
        db.close()

    def reports(self, n: int):
        """Copy n of every report: (meta, pages, chunk rows)."""
        for meta in self.metas:
            rid = f"{meta.report_id}-c{n}"
            copy = replace(meta, report_id=rid, file=f"copy{n}/{meta.file}")
            rows = [replace(c, chunk_id=f"{c.chunk_id}-c{n}", report_id=rid) for c in self.chunks.get(meta.report_id, [])]
            yield copy, self.pages[meta.report_id], rows


def grow(source: Source, catalog: Catalog, have: int, target: int, copies: list[int]) -> tuple[int, float]:
    spent = 0.0
    while have < target:
        for meta, pages, rows in source.reports(copies[0]):
            if have >= target:
                break
            started = time.perf_counter()
            catalog.replace_report(meta, f"sha-{meta.report_id}", meta.file, pages, rows, [], None)
            spent += time.perf_counter() - started
            have += len(rows)
        copies[0] += 1
    return have, spent


def timed(fn, items) -> tuple[float, float]:
    ms = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        ms.append(1000 * (time.perf_counter() - started))
    return statistics.median(ms), pct(ms, 0.95)


def phrase_query(phrase: str) -> str:
    return " <-> ".join("'" + t.replace("'", "''") + "'" for t in tokenize(phrase))


def _shared(got: list[float], want: list[float]) -> float:
    """The share of `want`'s scores (a multiset) that `got` holds too."""
    left = Counter(got)
    found = 0
    for score in want:
        if left[score]:
            left[score] -= 1
            found += 1
    return found / len(want)


def found_share(row: dict) -> str:
    return f"{row['top60_found']:.3f} / {row['top10_found']:.3f}" if "top60_found" in row else "(itself)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, default=REPO / "build" / "quick-index")
    ap.add_argument("--sizes", default="10000,100000")
    args = ap.parse_args(argv)
    url = os.environ.get("INSPECTION_ASSISTANT_STORE__DATABASE_URL")
    if not url:
        print("set INSPECTION_ASSISTANT_STORE__DATABASE_URL (or run under scripts/with_postgres_server.py)", file=sys.stderr)
        return 2
    source = Source(args.source)
    asked = questions()
    work = Path(tempfile.mkdtemp(prefix="bench-database-"))
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = PostgresEngine(url, schema)
    embedded, database = Catalog(work / "catalog.sqlite3"), Catalog(engine)
    have = {"embedded": 0, "postgresql": 0}
    copies = {"embedded": [0], "postgresql": [0]}
    rows = []
    reference: dict[str, list[str]] = {}
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            for name, catalog in (("embedded", embedded), ("postgresql", database)):
                before = have[name]
                have[name], spent = grow(source, catalog, have[name], size, copies[name])
                row = {"engine": name, "chunks": have[name], "write_chunks_s": (have[name] - before) / max(spent, 1e-9)}
                gc.collect()
                rss = rss_mb()
                if name == "embedded":
                    chunks = catalog.chunks()
                    metas = {m.report_id: m for m in catalog.reports()}
                    started = time.perf_counter()
                    lexical = LexicalIndex(work / "bm25")
                    lexical.build([c.chunk_id for c in chunks], [chunk_text(metas[c.report_id], c.section, c.text)
                                                                  for c in chunks], catalog.generation())
                    lexical.save()
                    row["lexical_build_s"] = time.perf_counter() - started
                    del chunks, metas, lexical
                    gc.collect()
                    rss = rss_mb()
                    started = time.perf_counter()
                    search = LexicalIndex(work / "bm25")
                    search.load()
                    row["open_s"] = time.perf_counter() - started
                    row["size_mb"] = (dir_size(work / "bm25") + (work / "catalog.sqlite3").stat().st_size) / 2**20
                    pattern = re.compile(r"\bcare\s+leavers?\b", re.I)
                    started = time.perf_counter()
                    found = {rid for (rid, text) in catalog.query("SELECT report_id, text FROM pages") if pattern.search(text)}
                    row["coverage_s"] = time.perf_counter() - started
                else:
                    started = time.perf_counter()
                    search = DatabaseLexicalIndex(catalog)
                    search.load()
                    row["open_s"] = time.perf_counter() - started
                    (size_bytes,), = catalog.query(
                        "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
                        "ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'r'", (schema,))
                    row["size_mb"] = int(size_bytes) / 2**20
                    started = time.perf_counter()
                    found = {rid for (rid,) in catalog.query("SELECT DISTINCT report_id FROM terms WHERE vector @@ ?::tsquery",
                                                             (phrase_query(PHRASE),))}
                    row["coverage_s"] = time.perf_counter() - started
                row["coverage_reports"] = len(found)
                # scores, not chunk ids: the synthetic copies of a report tie, and ties may fall either way
                hits = {q: [round(score, 3) for _, score in search.search(q, 60)] for q in asked}
                if name == "embedded":
                    reference = hits
                else:  # the same chunks, both engines: how much of bm25s's top 60 (and top 10) it finds
                    row["top60_found"] = statistics.mean(_shared(hits[q], reference[q]) for q in asked if reference[q])
                    row["top10_found"] = statistics.mean(_shared(hits[q][:10], reference[q][:10])
                                                         for q in asked if reference[q])
                row["search_p50_ms"], row["search_p95_ms"] = timed(lambda q, s=search: s.search(q, 60), asked)
                row["rss_added_mb"] = rss_mb() - rss
                rows.append(row)
                print(json.dumps(row), flush=True)
    finally:
        engine.drop(ALL_TABLES)
        shutil.rmtree(work, ignore_errors=True)
    print("\n| chunks | engine | write chunks/s | lexical build s | open s | RSS added MB | search p50 / p95 ms | "
          f"bm25s's top 60 / top 10 found | coverage of \u201c{PHRASE}\u201d s (reports) | size MB |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        build = f"{r['lexical_build_s']:.1f}" if "lexical_build_s" in r else "-"
        print(f"| {r['chunks']:,} | {r['engine']} | {r['write_chunks_s']:,.0f} | {build} | {r['open_s']:.2f} | "
              f"{r['rss_added_mb']:.0f} | {r['search_p50_ms']:.1f} / {r['search_p95_ms']:.1f} | "
              f"{found_share(r)} | "
              f"{r['coverage_s']:.2f} ({r['coverage_reports']:,}) | {r['size_mb']:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
