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
from eval.harness import DEFAULT_CORPUS, REPO_ROOT, gate, load_gates, load_items, run_eval  # noqa: E402
from eval.metrics import REGISTRY, gold_reports, norm_file  # noqa: E402
from eval.split import council_of, load_split  # noqa: E402

SET_DIRS = [REPO_ROOT / "eval" / "data" / "shapes", REPO_ROOT / "eval" / "data" / "reworded"]
SHAPE_METRICS = [n for n, cls in REGISTRY.items() if cls.__module__ == shape_metrics.__name__] + [
    "citation_precision", "citation_consistency"]
# Gated on the test side (eval.run.gate: one item lost fails). Not gated: the two consistency
# checks (themes_counts compares an answer with itself, citation_consistency our store with
# itself) and strengths_polarity (agreement between two word lists; polarity accuracy on
# hand labels is gated instead).
UNGATED = {"themes_counts", "citation_consistency", "strengths_polarity"}
SHAPE_GATED = {"ours": [m for m in SHAPE_METRICS if m not in UNGATED]}
POLARITY_FILES = [shape_metrics.POLARITY_FILE, shape_metrics.POLARITY_FILE.with_name("polarity_second.jsonl")]


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


def load_shape_items() -> list[dict]:
    return [item for folder in SET_DIRS if folder.is_dir() for item in load_items(folder)]


def polarity_labels() -> list[dict]:
    """Hand-labelled sentences of both labellers, each with its side of the frozen split (by
    the council of the report it comes from)."""
    councils = load_split()["councils"]
    rows = []
    for path in POLARITY_FILES:
        if path.exists():
            rows += [{**row, "side": councils[council_of(row["file"])]} for row in shape_metrics.load_polarity(path)]
    return rows


def polarity_by_side() -> dict[str, dict[str, Any]]:
    """{side: {"ours": accuracy dict, "lexicon baseline": accuracy dict}} on hand labels."""
    from assistant.polarity import classify

    rows = polarity_labels()
    out: dict[str, dict[str, Any]] = {}
    for side in ("dev", "test"):
        mine = [r for r in rows if r["side"] == side]
        out[side] = {"ours": shape_metrics.polarity_accuracy(mine, classify),
                     "lexicon baseline": shape_metrics.polarity_accuracy(mine, shape_metrics.lexicon_polarity)}
    return out


def run_shapes(assistant, out_dir: str | Path, systems: list[str], corpus_root: str | Path = DEFAULT_CORPUS,
               progress: bool = True) -> dict[str, Any]:
    indexed = {norm_file(f) for f in assistant.files()}
    items = runnable(load_shape_items(), indexed)
    results = run_eval(assistant, SET_DIRS[0], out_dir, systems=systems, item_filter={i["id"] for i in items},
                       corpus_root=corpus_root, metrics=SHAPE_METRICS, write=False, progress=progress,
                       items=items)
    results["polarity"] = polarity_by_side()
    from eval.report import write_report

    results["paths"] = write_report(results, out_dir, stem="eval_shapes")
    return results


def format_shapes(results: dict[str, Any]) -> str:
    """Per side (dev, test): systems as rows, one column per shape metric (n = applicable
    items); then polarity accuracy on hand labels per side."""
    names = list(SHAPE_METRICS)
    lines = [f"answer shapes: {results['meta']['items']} items {results['meta']['items_by_type']}"]
    first = next(iter(results["systems"].values()), {})
    groups = ["dev", "test", *sorted(g for g in first.get("by_group") or {} if g.startswith("test/"))]
    for side in groups:
        rows = [[side, *names, "s/item"]]
        counts = None
        for system, agg in results["systems"].items():
            summary = ((agg.get("by_side") or {}).get(side) or (agg.get("by_group") or {}).get(side)
                       or {"metrics": {}, "n": {}})
            values = summary["metrics"]
            rows.append([system, *("-" if values.get(m) is None else f"{values[m]:.3f}" for m in names),
                         f"{agg.get('seconds_per_item') or 0:.3f}"])
            counts = counts or summary["n"]
        rows.append(["(n)", *(str((counts or {}).get(m, 0)) for m in names), ""])
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines += ["  ".join(c.rjust(widths[i]) for i, c in enumerate(r)) for r in rows]
    for side, systems in results["polarity"].items():
        for name, acc in systems.items():
            if acc["accuracy"] is None:
                continue
            per = ", ".join(f"{k} {v['accuracy']:.2f} (n={v['n']})" for k, v in acc["per_label"].items())
            lines.append(f"polarity on hand labels, {side}, {name}: accuracy {acc['accuracy']:.3f} of {acc['n']} ({per})")
    return "\n".join(lines)


def shapes_gate(results: dict[str, Any], section: str) -> list[str]:
    """The shape metrics' gates, and polarity on the test side's hand labels: above the
    plain-lexicon baseline, and no more than one sentence below its measured accuracy."""
    failures = gate(results, load_gates(section), SHAPE_GATED)
    test = results["polarity"]["test"]
    ours, baseline = test["ours"], test["lexicon baseline"]
    if ours["accuracy"] is None:
        return failures + ["polarity: no hand-labelled test sentences"]
    if ours["accuracy"] <= baseline["accuracy"]:
        failures.append(f"ours: polarity accuracy {ours['accuracy']:.3f} on test labels is not above the "
                        f"plain-lexicon baseline {baseline['accuracy']:.3f}")
    measured = load_gates(section + "-polarity").get("ours", {}).get("accuracy")
    if not measured:
        failures.append("ours: no measured polarity accuracy: re-measure with --write-gates")
    elif measured["measured"] - ours["accuracy"] >= 1.0 / ours["n"] - 1e-6:
        failures.append(f"ours: polarity accuracy {ours['accuracy']:.3f} on {ours['n']} test labels, "
                        f"measured {measured['measured']:.3f}: at least one sentence worse")
    return failures


def polarity_gate_values(results: dict[str, Any]) -> dict[str, Any]:
    ours = results["polarity"]["test"]["ours"]
    if ours["accuracy"] is None:
        return {}
    return {"ours": {"accuracy": {"measured": round(ours["accuracy"], 6), "n": ours["n"]}}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--out", default=str(REPO_ROOT / "eval" / "out"))
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--systems", default="ours,bm25,naive-llamaindex")
    ap.add_argument("--gate", action="store_true", help="gates of eval/gates.json under --section")
    ap.add_argument("--section", default="quick/shapes", help="the gates' section: quick/shapes or full/shapes")
    args = ap.parse_args(argv)
    from eval.harness import open_assistant

    results = run_shapes(open_assistant(args.index), args.out, [s for s in args.systems.split(",") if s], args.corpus)
    print(format_shapes(results))
    if args.gate:
        failures = shapes_gate(results, args.section)
        for failure in failures:
            print("GATE FAIL:", failure)
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
