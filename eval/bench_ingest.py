"""Ingest benchmark: the whole corpus cold into a fresh index, then again unchanged.

python -m eval.bench_ingest [--corpus ../shared/corpus] [--index DIR] [--out eval/out]
Prints pages/s, chunks/s, wall seconds, peak RSS and index size, and where the cold ingest's
time went: wall and CPU seconds per stage (read, structure, chunk, embed, write); writes
bench_ingest.json. --limit N ingests only every k-th report, N in all (a quick profile).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

from assistant import Assistant


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="../shared/corpus")
    parser.add_argument("--index", default=None, help="Fresh index dir (default: a temp dir, removed after).")
    parser.add_argument("--out", default="eval/out")
    parser.add_argument("--limit", type=int, default=0, help="Only N reports, spread over the corpus.")
    args = parser.parse_args()
    index_dir = Path(args.index or tempfile.mkdtemp(prefix="bench-index-"))
    if index_dir.exists() and any(index_dir.iterdir()):
        raise SystemExit(f"{index_dir} is not empty: the benchmark needs a cold index")
    started = time.perf_counter()
    assistant = Assistant.open(index_dir)
    sources = [args.corpus]
    if args.limit:
        pdfs = sorted(Path(args.corpus).glob("ofsted-*/*.pdf"))
        sources = pdfs[:: max(1, len(pdfs) // args.limit)][: args.limit]
    cold = assistant.ingest(sources, root=args.corpus, progress=True)
    cold_s = time.perf_counter() - started
    started = time.perf_counter()
    again = Assistant.open(index_dir).ingest(sources, root=args.corpus, progress=False)
    warm_s = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "files": len(cold.results), "failed": cold.count("failed"), "pages": cold.pages, "chunks": cold.chunks,
        "cold_seconds": round(cold_s, 1), "pages_per_s": round(cold.pages / cold_s, 1),
        "chunks_per_s": round(cold.chunks / cold_s, 1), "unchanged_reingest_seconds": round(warm_s, 2),
        "unchanged_reembedded_chunks": again.chunks, "peak_rss_mb": round(peak_mb),
        "index_mb": round(dir_size(index_dir) / 2**20, 1),
        "process_cpu_seconds": round(cold.cpu_seconds, 1),
        "stages": {name: {"wall_s": round(w, 1), "thread_cpu_s": round(c, 1)} for name, (w, c) in cold.stages.items()},
    }
    print(cold.format())
    for key, value in result.items():
        print(f"{key:>28}: {value}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_ingest.json").write_text(json.dumps(result, indent=2))
    if not args.index:
        shutil.rmtree(index_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
