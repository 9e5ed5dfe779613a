"""Ingest benchmark: the whole corpus cold into a fresh index, then again unchanged.

python -m eval.bench_ingest [--corpus ../shared/corpus] [--index DIR] [--out eval/out]
                            [--limit N] [--model minilm,minilm-static] [--naive]
Prints pages/s, chunks/s, wall seconds, peak RSS and index size, and where the cold ingest's
time went: wall and CPU seconds per stage (read, structure, chunk, embed, write); writes
bench_ingest.json. --limit N ingests only every k-th report, N in all (a quick profile).
--model runs each passage embedder in turn (settings.embed.model); --naive also times the
naive LlamaIndex build (eval.systems.NaiveLlamaIndex: SimpleDirectoryReader-style pages,
SentenceSplitter, HuggingFaceEmbedding, Chroma) on the same files, for the ratio.
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
from ingest.core.settings import EMBED_MODELS, Settings


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def cold_ingest(index_dir: Path, sources: list, corpus: str, model: str) -> dict:
    settings = Settings.from_env({"embed": {"model": model}})
    started = time.perf_counter()
    cold = Assistant.open(index_dir, settings=settings).ingest(sources, root=corpus, progress=True)
    cold_s = time.perf_counter() - started
    started = time.perf_counter()
    again = Assistant.open(index_dir, settings=settings).ingest(sources, root=corpus, progress=False)
    warm_s = time.perf_counter() - started
    print(cold.format())
    return {
        "model": model, "files": len(cold.results), "failed": cold.count("failed"), "pages": cold.pages,
        "chunks": cold.chunks, "cold_seconds": round(cold_s, 1), "pages_per_s": round(cold.pages / cold_s, 1),
        "chunks_per_s": round(cold.chunks / cold_s, 1), "unchanged_reingest_seconds": round(warm_s, 2),
        "unchanged_reembedded_chunks": again.chunks, "index_mb": round(dir_size(index_dir) / 2**20, 1),
        "process_cpu_seconds": round(cold.cpu_seconds, 1),
        "stages": {name: {"wall_s": round(w, 1), "thread_cpu_s": round(c, 1)} for name, (w, c) in cold.stages.items()},
    }


def naive_build(files: list[str], corpus: str, work: Path) -> dict:
    from eval.systems import NaiveLlamaIndex

    started = time.perf_counter()
    NaiveLlamaIndex(files, corpus, work, progress=True).retriever()
    return {"files": len(files), "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="../shared/corpus")
    parser.add_argument("--index", default=None, help="Fresh index dir (default: a temp dir, removed after).")
    parser.add_argument("--out", default="eval/out")
    parser.add_argument("--limit", type=int, default=0, help="Only N reports, spread over the corpus.")
    parser.add_argument("--model", default="minilm", help="Comma-separated passage embedders to time in turn.")
    parser.add_argument("--naive", action="store_true", help="Also time the naive LlamaIndex build on the same files.")
    args = parser.parse_args()
    models = [m for m in args.model.split(",") if m]
    if unknown := set(models) - set(EMBED_MODELS):
        raise SystemExit(f"unknown --model {', '.join(sorted(unknown))}; choose from {', '.join(EMBED_MODELS)}")
    root = Path(args.index or tempfile.mkdtemp(prefix="bench-index-"))
    if root.exists() and any(root.iterdir()):
        raise SystemExit(f"{root} is not empty: the benchmark needs a cold index")
    pdfs = sorted(Path(args.corpus).glob("ofsted-*/*.pdf"))
    if args.limit:
        pdfs = pdfs[:: max(1, len(pdfs) // args.limit)][: args.limit]
    sources: list = [*pdfs] if args.limit else [args.corpus]
    result: dict = {"runs": [cold_ingest(root / model, sources, args.corpus, model) for model in models]}
    if args.naive:
        result["naive_llamaindex"] = naive_build([p.relative_to(args.corpus).as_posix() for p in pdfs], args.corpus,
                                                 root / "naive")
        for run in result["runs"]:
            run["ratio_to_naive"] = round(run["cold_seconds"] / result["naive_llamaindex"]["seconds"], 2)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result, indent=1))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_ingest.json").write_text(json.dumps(result, indent=2))
    if not args.index:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
