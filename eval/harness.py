"""The evaluation harness: items, systems run on them, scores, gates. One home for what the
findings evaluation (eval/run.py), the answer shapes (eval/run_shapes.py), the reading
(eval/run_reading.py) and the LLM run share; none of them imports another.

    from eval.harness import run_eval, gate, load_gates
    results = run_eval(assistant, "eval/data/v1", "eval/out", quick=True)
    failures = gate(results, load_gates("quick/findings"), GATED_METRICS)  # [] when no gated metric lost an item

run_eval ingests nothing; the caller builds the index first.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.independent_text import independent_verifier  # noqa: E402
from eval.items import DEFAULT_CORPUS, REPO_ROOT, load_items  # noqa: E402
from eval.metrics import (  # noqa: E402
    DEFAULT_METRICS,
    REGISTRY,
    Result,
    Verifier,
    aggregate,
    field_of,
    gold_reports,
    item_type,
    norm_file,
    page_verifier,
    score_item,
)
from eval.split import side_of  # noqa: E402
from eval.systems import ALL_SYSTEMS, System, make_system  # noqa: E402

# Quick mode: a fixed subset of reports (every report type; several items of every
# question type in eval/data/v1). The caller ingests exactly these files.
QUICK_FILES: tuple[str, ...] = (
    "ofsted-area-send/haringey_2024-04-03_area-send.pdf",
    "ofsted-focused-visits/haringey_2020-01-21_focused-visit.pdf",
    "ofsted-focused-visits/haringey_2021-05-10_focused-visit.pdf",
    "ofsted-focused-visits/haringey_2025-03-14_focused-visit.pdf",
    "ofsted-ilacs/birmingham_2014-05-23_sif.pdf",
    "ofsted-ilacs/birmingham_2016-11-25_sif-reinspection.pdf",
    "ofsted-ilacs/bradford_2014-05-23_sif.pdf",
    "ofsted-ilacs/camden_2017-11-24_sif.pdf",
    "ofsted-ilacs/croydon_2017-09-04_sif.pdf",
    "ofsted-ilacs/doncaster_2015-11-27_sif.pdf",
    "ofsted-ilacs/doncaster_2018-01-19_sif-reinspection.pdf",
    "ofsted-ilacs/haringey_2014-07-18_sif.pdf",
    "ofsted-ilacs/haringey_2018-12-14_ilacs.pdf",
    "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf",
    "ofsted-ilacs/haringey_2026-02-24_ilacs.pdf",
    "ofsted-ilacs/lambeth_2015-05-12_sif.pdf",
    "ofsted-ilacs/lambeth_2018-05-09_sif.pdf",
    "ofsted-ilacs/medway_2013-08-23_lac-2013.pdf",
    "ofsted-ilacs/medway_2015-11-27_sif.pdf",
    "ofsted-ilacs/norfolk_2015-10-20_sif.pdf",
    "ofsted-ilacs/norfolk_2018-01-19_sif-reinspection.pdf",
    "ofsted-ilacs/rotherham_2014-11-19_sif.pdf",
    "ofsted-ilacs/rotherham_2018-01-29_sif-reinspection.pdf",
    "ofsted-ilacs/surrey_2015-08-03_lscb-review.pdf",
    "ofsted-schools/rough-hay-primary-school-urn139305_2016-11_school.pdf",
    # for questions naming no council (eval/data/v2) whose answers the reports above lack
    "ofsted-area-send/wakefield_2024-07-26_area-send.pdf",
    "ofsted-ilacs/lincolnshire_2023-06-14_ilacs.pdf",
)

# The release gate: every gated metric of ours on the TEST side of the frozen split (eval/split.py)
# must stay above its measured value minus one item, so losing a single item fails the build.
# The measured values live in eval/gates.json, written from a measured run by --write-gates.
GATES_FILE = REPO_ROOT / "eval" / "gates.json"
GATED_METRICS: dict[str, list[str]] = {
    "ours": ["hit@5", "mrr@10", "keyword_accuracy", "citation_precision", "citation_recall",
             "abstention_rate", "false_abstention_rate"],
}


def quick_items(items: list[dict], files: Iterable[str] = QUICK_FILES) -> list[dict]:
    """Items whose gold files are all in `files`, plus every unanswerable item. An item whose
    gold reports are alternatives ("gold_any": a question naming no council, which any of
    them answers) is kept with its gold cut to `files`, when any is left."""
    allowed = {norm_file(f) for f in files}
    out = []
    for it in items:
        gold = set(gold_reports(it))
        if it.get("gold_any") and gold & allowed:
            out.append({**it, "gold": [g for g in it["gold"] if norm_file(g["file"]) in allowed]})
        elif item_type(it) == "unanswerable" or (gold and gold <= allowed):
            out.append(it)
    return out


def _item_filter(spec: Any) -> Callable[[dict], bool]:
    if spec is None:
        return lambda it: True
    if callable(spec):
        return spec
    if isinstance(spec, str):  # a question type, or "type1,type2"
        types = {s.strip() for s in spec.split(",")}
        return lambda it: item_type(it) in types or field_of(it, "id") in types
    ids = {str(s) for s in spec}  # a collection of item ids
    return lambda it: str(field_of(it, "id")) in ids


def _passage_row(p: Any) -> dict[str, Any]:
    return {"file": p.file, "pages": list(p.pages or []), "score": round(float(p.score or 0.0), 4)}


def item_row(system: str, item: dict, result: Result, scores: dict, verify: Verifier | None) -> dict:
    row: dict[str, Any] = {
        "system": system,
        "id": field_of(item, "id"),
        "set": field_of(item, "set"),
        "side": side_of(item),
        "type": item_type(item),
        "question": field_of(item, "question"),
        **scores,
        "error": result.error,
        "seconds": round(result.seconds, 3),
        "gold": [[f, sorted(p)] for f, p in gold_reports(item).items()],
        "top": [_passage_row(p) for p in (result.passages or [])[:10]],
    }
    if result.answer is not None:
        a = result.answer
        cites = []
        for c in a.citations or []:
            try:
                ok = bool(verify and c.quote and verify(c.file, int(c.page), c.quote))
            except Exception:
                ok = False
            cites.append({"marker": c.marker, "file": c.file, "page": c.page, "quote": c.quote, "verified": ok})
        row.update(answer=a.text, abstained=a.abstained, kind=a.kind, citations=cites)
    return row


def open_assistant(index_dir: str | Path) -> Any:
    from assistant import Assistant

    return Assistant.open(index_dir)


def run_eval(
    index_dir: str | Path | Any,
    set_dir: str | Path,
    out_dir: str | Path,
    systems: Iterable[str | System] | None = None,
    quick: bool = False,
    item_filter: Any = None,
    *,
    corpus_root: str | Path = DEFAULT_CORPUS,
    cache_dir: str | Path | None = None,
    metrics: Iterable[str] | None = None,
    write: bool = True,
    progress: bool = True,
    items: list[dict] | None = None,
) -> dict[str, Any]:
    """Evaluate `systems` (names from eval.systems.ALL_SYSTEMS, or System objects).

    index_dir: the Assistant's index directory (or an already-open Assistant-like object).
    quick: only items whose gold files are all in QUICK_FILES, plus unanswerable items.
    item_filter: callable(item) -> bool, a type name ("fact" / "fact,comparison"), or ids.
    Quotes are checked against another extractor's text of the source PDF (citation
    precision) and against our stored text (citation consistency, labelled as such).
    items: the items to run instead of set_dir's (eval.run_shapes passes its runnable ones).
    Writes eval_<quick|full>.json / .png / .txt into out_dir (see eval.report)."""
    log = print if progress else (lambda *a, **k: None)
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    assistant = open_assistant(index_dir) if isinstance(index_dir, (str, Path)) else index_dir
    metrics = list(metrics or DEFAULT_METRICS)

    all_items = list(items) if items is not None else load_items(set_dir)
    items = quick_items(all_items) if quick else list(all_items)
    keep = _item_filter(item_filter)
    items = [it for it in items if keep(it)]

    indexed = {norm_file(f) for f in assistant.files()}
    missing = sorted({f for it in items for f in gold_reports(it) if f not in indexed})
    if missing:
        log(f"warning: {len(missing)} gold file(s) are not in the index, e.g. {missing[:3]}")
    if quick and not {norm_file(f) for f in QUICK_FILES} <= indexed:
        log("warning: quick mode but the index lacks some QUICK_FILES")

    verify = independent_verifier(corpus_root)
    verifiers = {"independent": verify, "store": page_verifier(assistant.page_text)}

    names = list(systems or ALL_SYSTEMS)
    rows: list[dict] = []
    summary: dict[str, Any] = {}
    for spec in names:
        ts = time.perf_counter()
        if isinstance(spec, System):
            system = spec
        else:
            system = make_system(
                spec,
                assistant,
                corpus_root=corpus_root,
                cache_dir=cache_dir or out_dir / "cache",
                progress=progress,
                log=log,
            )
        sys_rows = []
        for i, item in enumerate(items, 1):
            result = system.run(item)
            metric_errors: list[str] = []
            scores = score_item(item, result, metrics, verifiers, metric_errors)
            sys_rows.append(item_row(system.name, item, result, scores, verify) | {"metric_errors": metric_errors})
            if progress and (i % 50 == 0 or i == len(items)):
                log(f"  {system.name}: {i}/{len(items)} items")
        agg = aggregate(sys_rows, metrics)
        errors = [r for r in sys_rows if r["error"]]
        agg["errors"] = len(errors)
        agg["first_errors"] = sorted({r["error"] for r in errors})[:5]
        agg["metric_errors"] = sorted({e for r in sys_rows for e in r["metric_errors"]})
        agg["seconds_per_item"] = (
            round(sum(r["seconds"] for r in sys_rows) / len(sys_rows), 3) if sys_rows else None
        )
        agg["seconds_total"] = round(time.perf_counter() - ts, 1)
        summary[system.name] = agg
        rows.extend(sys_rows)
        log(f"{system.name}: done in {agg['seconds_total']} s, {len(errors)} error(s)")

    results: dict[str, Any] = {
        "meta": {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "index_dir": str(
                index_dir if isinstance(index_dir, (str, Path)) else getattr(index_dir, "index_dir", type(index_dir).__name__)
            ),
            "set_dir": str(set_dir),
            "quick": quick,
            "items": len(items),
            "items_in_set": len(all_items),
            "items_by_type": _count(item_type(it) for it in items),
            "indexed_files": len(indexed),
            "gold_files_not_indexed": missing,
            "citations_checked_by": "pdftotext (poppler), eval.independent_text",
            "metrics": metrics,
            "metric_labels": {m: REGISTRY[m].label for m in metrics},
            "seconds": round(time.perf_counter() - t0, 1),
        },
        "systems": summary,
        "items": rows,
    }
    if write:
        from eval.report import write_report

        results["paths"] = write_report(results, out_dir, stem="eval_quick" if quick else "eval_full")
    return results


def _count(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


def load_gates(section: str) -> dict[str, dict[str, dict[str, float]]]:
    """{system: {metric: {"measured": value, "n": items}}} measured on the test side."""
    gates = json.loads(GATES_FILE.read_text(encoding="utf-8")) if GATES_FILE.exists() else {}
    return gates.get(section) or {}


def _scores_by_item(results: dict[str, Any], system: str, metric: str, side: str) -> dict[str, float]:
    """`<set>/<id>` -> this system's score on one side, for the items the metric applies to."""
    return {f"{r.get('set')}/{r['id']}": round(float(r[metric]), 6) for r in results.get("items") or []
            if r.get("system") == system and r.get("side") == side and r.get(metric) is not None}


def measured_gates(results: dict[str, Any], gated: dict[str, list[str]], side: str = "test") -> dict[str, Any]:
    """The values a run measured for the gated metrics on one side, in the gates file's form:
    the mean, the number of items and each item's score."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for system, names in gated.items():
        summary = ((results.get("systems") or {}).get(system) or {}).get("by_side", {}).get(side) or {}
        for metric in names:
            value, n = (summary.get("metrics") or {}).get(metric), (summary.get("n") or {}).get(metric, 0)
            if value is not None and n:
                out.setdefault(system, {})[metric] = {"measured": round(value, 6), "n": n,
                                                      "items": _scores_by_item(results, system, metric, side)}
    return out


def write_gates(section: str, measured: dict[str, Any]) -> None:
    gates = json.loads(GATES_FILE.read_text(encoding="utf-8")) if GATES_FILE.exists() else {}
    gates[section] = measured
    GATES_FILE.write_text(json.dumps(gates, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def gate(results: dict[str, Any], gates: dict[str, dict[str, dict[str, Any]]],
         gated: dict[str, list[str]] | None = None, side: str = "test") -> list[str]:
    """Failure messages ([] = pass). A gated metric fails when any item it was measured on now
    scores worse than it did, or is no longer scored (a drop of one item fails, whatever the
    others do); when its mean is one item (1/n) or more below the measured one (above, for a
    lower-is-better metric); when it has no applicable item; and when `gated` names a metric
    the gates file has no measured value for. Any metric that raised, and any item that
    raised, fail too."""
    failures: list[str] = []
    if not gates:
        return ["no gates measured for this evaluation: write them with --write-gates from a measured run"]
    for system, names in (gated or {}).items():
        missing = [m for m in names if m not in (gates.get(system) or {})]
        if missing:
            failures.append(f"{system}: no measured value for {', '.join(missing)}: re-measure with --write-gates")
    for system, checks in gates.items():
        agg = (results.get("systems") or {}).get(system)
        if agg is None:
            failures.append(f"{system}: not evaluated")
            continue
        summary = (agg.get("by_side") or {}).get(side) or {}
        for metric, spec in checks.items():
            got, n = (summary.get("metrics") or {}).get(metric), (summary.get("n") or {}).get(metric, 0)
            want = float(spec["measured"])
            if got is None or not n:
                failures.append(f"{system}: {metric} has no applicable {side} items (measured {want:.3f})")
                continue
            higher = REGISTRY[metric].higher_is_better if metric in REGISTRY else True
            lost = (want - got) if higher else (got - want)
            if lost >= 1.0 / n - 1e-6:
                failures.append(f"{system}: {metric} = {got:.3f} on {n} {side} items, measured {want:.3f}: "
                                f"{lost * n:.1f} item(s) worse")
            now = _scores_by_item(results, system, metric, side)
            worse = [key for key, was in (spec.get("items") or {}).items()
                     if key not in now or (was - now[key] if higher else now[key] - was) > 1e-6]
            if worse:
                failures.append(f"{system}: {metric} worse on {len(worse)} {side} item(s) than measured, "
                                f"e.g. {', '.join(worse[:3])}")
        if agg.get("errors"):
            failures.append(f"{system}: {agg['errors']} item(s) raised, e.g. {agg['first_errors'][:1]}")
        if agg.get("metric_errors"):
            failures.append(f"{system}: a metric raised: {agg['metric_errors'][0]}")
    return failures


def load_sets(spec: str) -> list[dict]:
    """Items of comma-separated set folders (names under eval/data, or paths)."""
    out: list[dict] = []
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        packaged = REPO_ROOT / "eval" / "data" / part
        path = packaged if "/" not in part and packaged.is_dir() else Path(part)
        out += load_items(path)
    return out
