"""Embedding throughput and fidelity per backend on real chunk texts.

    .venv/bin/python -m eval.bench_embed [--n 585] [--time-n 128] [--repeats 3] [--threads 0] [--batch 32]

Chunks: ~180-word pieces of page texts, from /tmp/pages_cache.json ({file: [page texts]}) if it exists,
else read from ../shared/corpus PDFs. Prints chunks/s (median of repeats, interleaved so load drifts hit
all backends alike), cosine min/mean vs sentence-transformers fp32, and /proc/loadavg per timing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from pathlib import Path

import numpy as np

from assistant.embedder import BACKENDS, MIN_COSINE, Embedder

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
PAGES_CACHE = Path("/tmp/pages_cache.json")


def load_chunks(n: int, words: int = 180, seed: int = 0) -> list[str]:
    if PAGES_CACHE.exists():
        docs = [" ".join(pages) for pages in json.loads(PAGES_CACHE.read_text()).values()]
    else:
        from ingest.read import read_pdf

        pdfs = sorted(CORPUS.rglob("*.pdf"))
        random.Random(seed).shuffle(pdfs)
        docs = []
        for p in pdfs[:40]:
            try:
                docs.append(" ".join(pg.text for pg in read_pdf(p).pages))
            except Exception:
                continue
    chunks = []
    for doc in docs:
        w = doc.split()
        chunks += [" ".join(w[i:i + words]) for i in range(0, len(w), words) if len(w[i:i + words]) >= 20]
    random.Random(seed).shuffle(chunks)
    return chunks[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=585, help="chunks for the cosine check")
    ap.add_argument("--time-n", type=int, default=128, help="chunks per timed run")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="0 = library default")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--backends", default=",".join(BACKENDS))
    ap.add_argument("--unsorted", action="store_true", help="also time the ONNX backends without length sorting")
    args = ap.parse_args()

    chunks = load_chunks(args.n)
    embs = {b: Embedder(b, threads=args.threads or None) for b in args.backends.split(",")}
    any_emb = next(iter(embs.values()))
    lens = [any_emb.count_wordpieces(t) for t in chunks]
    print(f"{len(chunks)} chunks; word pieces median {statistics.median(lens):.0f}, max {max(lens)}, "
          f"> {any_emb.max_wordpieces}: {sum(n > any_emb.max_wordpieces for n in lens)}")

    ref = (embs.get("st") or Embedder("st")).encode_documents(chunks, args.batch)
    timed = chunks[:args.time_n]
    variants = [(b, args.batch, True) for b in embs]
    if args.unsorted:
        variants += [(b, args.batch, False) for b in embs if b != "st"]
    times: dict[tuple, list[float]] = {v: [] for v in variants}
    loads = []
    for name in embs:  # warm-up
        embs[name].encode_documents(timed[:8])
    for _ in range(args.repeats):
        for v in variants:
            name, bs, sort = v
            emb = embs[name]
            t0 = time.perf_counter()
            if sort or name == "st":
                emb.encode_documents(timed, bs)
            else:  # feed in input order, one batch at a time, so no cross-batch length sorting
                for i in range(0, len(timed), bs):
                    emb.encode_documents(timed[i:i + bs], bs)
            times[v].append(time.perf_counter() - t0)
            loads.append(os.getloadavg()[0])

    print(f"threads={args.threads or 'default'} batch={args.batch} timed={len(timed)} repeats={args.repeats} "
          f"loadavg(1m) during timing: min {min(loads):.2f} median {statistics.median(loads):.2f} max {max(loads):.2f}")
    print(f"{'backend':<12}{'sorted':<8}{'chunks/s':>10}{'runs':>24}{'cos min':>10}{'cos mean':>10}  ok")
    for v in variants:
        name, bs, sort = v
        cos = None
        if sort:
            cos = np.ones(len(chunks)) if name == "st" else (embs[name].encode_documents(chunks, args.batch) * ref).sum(1)
        rates = [len(timed) / t for t in times[v]]
        cmin = f"{cos.min():.5f}" if cos is not None else "-"
        cmean = f"{cos.mean():.5f}" if cos is not None else "-"
        ok = "yes" if cos is None or cos.min() >= MIN_COSINE else "NO"
        print(f"{name:<12}{str(sort):<8}{statistics.median(rates):>10.1f}{str([round(r, 1) for r in rates]):>24}"
              f"{cmin:>10}{cmean:>10}  {ok}")
    print("auto picks:", Embedder("auto").backend, "| /proc/loadavg:", Path("/proc/loadavg").read_text().strip())


if __name__ == "__main__":
    main()
