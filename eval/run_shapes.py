"""Evaluate the answer shapes (eval/data/shapes): summaries, a report's grades, comparisons,
coverage, themes, strengths and weaknesses, for ours and the baselines, and gate ours.

    .venv/bin/python -m eval.run_shapes --index index [--quick] [--systems ours,bm25,naive-llamaindex] [--gate]

Gold comes from the PDFs and the publisher's manifest (eval/build_shape_items.py), never from
our extraction. Coverage gold is restricted to the reports the index holds; other items are
run when every report they need is indexed. The polarity classifier is scored on the
hand-labelled sentences of eval/data/polarity.jsonl.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval import shape_metrics  # noqa: E402  (registers the shape metrics)
from eval.metrics import REGISTRY, gold_reports, norm_file  # noqa: E402
from eval.run import DEFAULT_CORPUS, REPO_ROOT, gate, load_items, run_eval  # noqa: E402

SET_DIR = REPO_ROOT / "eval" / "data" / "shapes"
SHAPE_METRICS = [n for n, cls in REGISTRY.items() if cls.__module__ == shape_metrics.__name__] + ["citation_precision"]
# Set a little below what the quick set measured (README, "Answer shapes"); citation precision is never traded.
THRESHOLDS: dict[str, dict[str, Any]] = {
    "ours": {
        "summary_improve_recall": 0.85,
        "summary_grades": 0.95,
        "grades_correct": 0.95,
        "comparison_reports": 0.95,
        "comparison_grades": 0.9,
        "coverage_recall": 0.9,
        "coverage_precision": 0.9,
        "coverage_count": 0.9,
        "themes_in_set": 0.95,
        "themes_counts": 1.0,
        "strengths_polarity": 0.8,
        "citation_precision": 1.0,
    }
}
MIN_POLARITY_ACCURACY = 0.8


def runnable(items: list[dict], indexed: set[str]) -> list[dict]:
    """Items this index can answer; coverage gold cut to the indexed reports."""
    out = []
    for item in items:
        if item["type"] == "coverage":
            out.append({**item, "expected_files": [f for f in item["expected_files"] if norm_file(f) in indexed]})
        elif item["type"] == "themes":
            if len({norm_file(f) for f in item["set_files"]} & indexed) >= 2:
                out.append(item)
        elif set(gold_reports(item)) <= indexed:
            out.append(item)
    return out


def run_shapes(assistant, out_dir: str | Path, systems: list[str], corpus_root: str | Path = DEFAULT_CORPUS,
               progress: bool = True) -> dict[str, Any]:
    indexed = {norm_file(f) for f in assistant.files()}
    items = runnable(load_items(SET_DIR), indexed)
    results = run_eval(assistant, SET_DIR, out_dir, systems=systems, item_filter={i["id"] for i in items},
                       corpus_root=corpus_root, metrics=SHAPE_METRICS, write=False, progress=progress,
                       items=items)
    from assistant.polarity import classify

    results["polarity"] = {"ours": shape_metrics.polarity_accuracy(None, classify),
                           "lexicon baseline": shape_metrics.polarity_accuracy(None, shape_metrics.lexicon_polarity)}
    from eval.report import write_report

    results["paths"] = write_report(results, out_dir, stem="eval_shapes")
    return results


def format_shapes(results: dict[str, Any]) -> str:
    """Systems as rows, one column per shape metric (n = applicable items), then polarity."""
    names = [m for m in SHAPE_METRICS]
    head = ["system", *names, "s/item"]
    rows = [head]
    for system, agg in results["systems"].items():
        overall = agg["overall"]
        rows.append([system, *("-" if overall.get(m) is None else f"{overall[m]:.3f}" for m in names),
                     f"{agg.get('seconds_per_item') or 0:.3f}"])
    first = next(iter(results["systems"].values()))
    rows.append(["(n)", *(str(first["n"].get(m, 0)) for m in names), ""])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [f"answer shapes: {results['meta']['items']} items {results['meta']['items_by_type']}"]
    lines += ["  ".join(c.rjust(widths[i]) for i, c in enumerate(r)) for r in rows]
    for name, acc in results["polarity"].items():
        per = ", ".join(f"{k} {v['accuracy']:.2f} (n={v['n']})" for k, v in acc["per_label"].items())
        lines.append(f"polarity, {name}: accuracy {acc['accuracy']:.3f} on {acc['n']} labelled sentences ({per})")
    return "\n".join(lines)


def shapes_gate(results: dict[str, Any]) -> list[str]:
    failures = gate(results, THRESHOLDS)
    accuracy = results["polarity"]["ours"]["accuracy"]
    if accuracy < MIN_POLARITY_ACCURACY:
        failures.append(f"ours: polarity accuracy = {accuracy:.3f}, need >= {MIN_POLARITY_ACCURACY}")
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--out", default=str(REPO_ROOT / "eval" / "out"))
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--systems", default="ours,bm25,naive-llamaindex")
    ap.add_argument("--gate", action="store_true")
    args = ap.parse_args(argv)
    from eval.run import open_assistant

    results = run_shapes(open_assistant(args.index), args.out, [s for s in args.systems.split(",") if s], args.corpus)
    print(format_shapes(results))
    if args.gate:
        failures = shapes_gate(results)
        for failure in failures:
            print("GATE FAIL:", failure)
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
