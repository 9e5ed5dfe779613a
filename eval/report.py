"""Reports of an evaluation run: terminal tables, JSON (aggregates + per-item rows), PNG chart."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

TABLE_METRICS = [
    ("hit@1", "hit@1"),
    ("hit@3", "hit@3"),
    ("hit@5", "hit@5"),
    ("hit@10", "hit@10"),
    ("mrr@10", "MRR"),
    ("ndcg@10", "nDCG"),
    ("keyword_accuracy", "kw-acc"),
    ("citation_precision", "cit-prec"),
    ("citation_consistency", "cit-store"),
    ("citation_recall", "cit-recall"),
    ("abstention_rate", "abstain"),
    ("false_abstention_rate", "false-abstain"),
]
HIT_KS = [1, 3, 5, 10]


def _fmt(v: Any) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.3f}"


def _grid(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(  # noqa: E731
        str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths))
    )
    return "\n".join([line(header), "  ".join("-" * w for w in widths)] + [line(r) for r in rows])


def _types(results: dict[str, Any]) -> list[str]:
    types: set[str] = set()
    for agg in results.get("systems", {}).values():
        types |= set(agg.get("by_type", {}))
    return sorted(types)


def format_table(results: dict[str, Any]) -> str:
    """Systems as rows: overall metrics, then hit@5 by question type (n = applicable items)."""
    systems = results.get("systems", {})
    meta = results.get("meta", {})
    header = ["system", "side"] + [label for _, label in TABLE_METRICS] + ["err", "s/item"]
    rows = []
    for name, agg in systems.items():
        groups = [*sorted((agg.get("by_side") or {}).items())]
        if len(agg.get("by_group") or {}) > len(groups):  # several sets: each set of each side too
            groups += [(f"  {g}", v) for g, v in sorted(agg["by_group"].items())]
        for side, summary in [*groups, ("all", {"metrics": agg.get("overall", {}), "items": agg.get("items")})]:
            values = summary.get("metrics", {})
            rows.append(
                [name, f"{side} ({summary.get('items', '?')})"]
                + [_fmt(values.get(m)) for m, _ in TABLE_METRICS]
                + [str(agg.get("errors", 0)), _fmt(agg.get("seconds_per_item"))]
            )
    title = (
        f"{'quick' if meta.get('quick') else 'full'} eval: {meta.get('items', '?')} items "
        f"{meta.get('items_by_type', {})}, {meta.get('indexed_files', '?')} indexed files; "
        "headline figures are the test side's (eval/data/split.json); cit-prec checks quotes against "
        "pdftotext's reading of the PDF, cit-store against our own stored text (a consistency check)"
    )
    out = [title, _grid(header, rows)]

    types = _types(results)
    if types:
        t_rows = []
        for name, agg in systems.items():
            by = agg.get("by_type", {})
            t_rows.append(
                [name] + [_fmt(by.get(t, {}).get("metrics", {}).get("hit@5")) for t in types]
            )
        counts = []
        for t in types:
            ns = [agg.get("by_type", {}).get(t, {}).get("n", {}).get("hit@5", 0) for agg in systems.values()]
            counts.append(f"{t} (n={max(ns) if ns else 0})")
        out += ["", "hit@5 by question type", _grid(["system"] + counts, t_rows)]
    return "\n".join(out)


def write_json(results: dict[str, Any], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {k: v for k, v in results.items() if k != "paths"}
    path.write_text(json.dumps(payload, indent=1, default=str, ensure_ascii=False), encoding="utf-8")
    return path


def write_chart(results: dict[str, Any], path: str | Path) -> Path:
    """hit@k curves per system (left) and hit@5 by question type, bars per system (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    systems = results.get("systems", {})
    types = _types(results)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5))

    for name, agg in systems.items():
        overall = agg.get("overall", {})
        ys = [overall.get(f"hit@{k}") for k in HIT_KS]
        if all(y is None for y in ys):
            continue
        ax1.plot(HIT_KS, [y if y is not None else float("nan") for y in ys], marker="o", label=name)
    ax1.set_xticks(HIT_KS)
    ax1.set_xlabel("k")
    ax1.set_ylabel("hit@k (page level)")
    ax1.set_ylim(0, 1.02)
    ax1.set_title("hit@k by system")
    ax1.grid(alpha=0.3)
    if ax1.get_legend_handles_labels()[0]:
        ax1.legend(fontsize=8)

    n_sys = max(1, len(systems))
    width = 0.8 / n_sys
    for i, (name, agg) in enumerate(systems.items()):
        by = agg.get("by_type", {})
        vals = [by.get(t, {}).get("metrics", {}).get("hit@5") for t in types]
        xs = [j + (i - (n_sys - 1) / 2) * width for j in range(len(types))]
        ax2.bar(xs, [v if v is not None else 0.0 for v in vals], width=width, label=name)
    ax2.set_xticks(range(len(types)))
    ax2.set_xticklabels(types, rotation=20)
    ax2.set_ylim(0, 1.02)
    ax2.set_ylabel("hit@5")
    ax2.set_title("hit@5 by question type")
    ax2.grid(axis="y", alpha=0.3)
    if systems and types:
        ax2.legend(fontsize=8)

    meta = results.get("meta", {})
    fig.suptitle(f"{'quick' if meta.get('quick') else 'full'} eval, {meta.get('items', '?')} items")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(results: dict[str, Any], out_dir: str | Path, stem: str = "eval") -> dict[str, str]:
    """Writes <stem>.json, <stem>.png (next to it) and <stem>.txt (the tables)."""
    out_dir = Path(out_dir)
    paths = {
        "json": write_json(results, out_dir / f"{stem}.json"),
        "png": write_chart(results, out_dir / f"{stem}.png"),
    }
    table = out_dir / f"{stem}.txt"
    table.write_text(format_table(results) + "\n", encoding="utf-8")
    paths["table"] = table
    return {k: str(v) for k, v in paths.items()}
