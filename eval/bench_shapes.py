"""Answer-shape benchmark over an existing index: p50/p95 of summaries, a report's grades,
comparisons, coverage (every page of every report in scope) and themes (up to 50 reports).

python -m eval.bench_shapes --index index [--out eval/out] [--councils 20]

Questions are made from the index itself (councils with graded reports, their years), so
the benchmark runs on any index; the first question of each shape is not timed (a running
service has its model loaded and its page cache warm).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from eval.bench_query import percentile

PHRASES = ["private fostering", "unregistered", "return home interviews", "bed and breakfast", "edge of care",
           "child sexual exploitation", "life-story work", "pathway plans", "agency social workers", "domestic abuse",
           "county lines", "staying put", "advocacy", "neglect", "corporate parenting"]
THEMES = ["What are common weaknesses among councils rated inadequate?",
          "What are common weaknesses in services for care leavers across councils rated inadequate?",
          "What do outstanding councils do well for children in care?",
          "What are common weaknesses among councils rated requires improvement?",
          "What are common strengths of councils rated good for help and protection?",
          "Common weaknesses in help and protection across councils rated inadequate?"]


def questions(assistant, councils: int) -> dict[str, list[str]]:
    by_council: dict[str, list] = {}
    for meta in assistant.reports():
        if meta.judgements and meta.year and meta.report_type in ("ilacs", "sif", "sif-reinspection"):
            by_council.setdefault(meta.authority, []).append(meta)
    picked = sorted(by_council)[:: max(1, len(by_council) // councils)][:councils]
    out: dict[str, list[str]] = {"summary": [], "grades": [], "comparison": []}
    for council in picked:
        reports = by_council[council]
        out["summary"].append(f"Summarise {council}'s {reports[-1].year} inspection.")
        out["grades"].append(f"What grades did {council} get in {reports[-1].year}?")
    for council, reports in sorted(by_council.items()):
        if len(reports) > 1 and reports[0].year != reports[-1].year and len(out["comparison"]) < councils:
            out["comparison"].append(f"Compare {council}'s {reports[0].year} and {reports[-1].year} inspections.")
    out["coverage"] = [f"Which reports mention {p}?" for p in PHRASES]
    out["themes"] = THEMES
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", default="index")
    parser.add_argument("--out", default="eval/out")
    parser.add_argument("--councils", type=int, default=20)
    args = parser.parse_args()
    from assistant import Assistant

    assistant = Assistant.open(args.index)
    result: dict[str, dict] = {"index": {"reports": assistant.stats()["reports"], "pages": assistant.stats()["pages"]}}
    for shape, qs in questions(assistant, args.councils).items():
        assistant.ask(qs[0])  # warm: model, snapshot, page cache
        times, kinds, rows = [], [], []
        for q in qs:
            t = time.perf_counter()
            answer = assistant.ask(q)
            times.append((time.perf_counter() - t) * 1000)
            kinds.append(answer.kind)
            rows.append(len(answer.table.rows) if answer.table else len(answer.claims))
        result[shape] = {"questions": len(qs), "p50_ms": round(statistics.median(times), 1),
                         "p95_ms": round(percentile(times, 0.95), 1), "max_ms": round(max(times), 1),
                         "answered_as_shape": sum(k == shape for k in kinds), "median_rows": statistics.median(rows)}
        print(f"{shape:>11}: {result[shape]}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_shapes.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
