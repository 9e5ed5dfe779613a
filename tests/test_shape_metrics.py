"""Unit tests of eval/shape_metrics.py on hand-made answers (no model, no index)."""

from __future__ import annotations

import pytest

from eval.metrics import Result, get_metric
from eval.shape_metrics import (  # importing registers the shape metrics
    first_number,
    lexicon_polarity,
    polarity_accuracy,
)
from ingest.core.types import Answer, Citation, Claim, Passage, ReportMeta, Table

pytestmark = pytest.mark.unit  # no model, no corpus: `make test-fast`

F = "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf"
G = "ofsted-ilacs/haringey_2018-12-14_ilacs.pdf"


def cite(file=F, quote="q", page=2):
    return Citation(file=file, page=page, quote=quote)


def grade(area, g, file=F):
    return Claim(text=f"{area}: {g}", citations=[cite(file, g)], role="grade", area=area, grade=g)


def result(claims=(), text="", table=None, kind="summary"):
    cits = [c for cl in claims for c in cl.citations]
    return Result(answer=Answer(text=text, citations=cits, abstained=False, passages=[], kind=kind,
                                claims=list(claims), table=table), expects_answer=True)


def score(name, item, res, **kw):
    return get_metric(name, **kw).compute(item, res, None)


SUMMARY = {"type": "summary", "gold": [{"file": F, "pages": [2], "evidence": ""}],
           "expected_improve": ["The identification of and response to children in private fostering arrangements.",
                                "The understanding and knowledge of frontline workers about adoption."],
           "expected_grades": {"overall_effectiveness": "good", "in_care": "requires improvement"}}


def test_summary_improve_recall():
    good = Claim(text="x", citations=[cite(quote="The identification of and response to children in private "
                                               "fostering arrangements.")], role="improve")
    assert score("summary_improve_recall", SUMMARY, result([good])) == 0.5
    wrong_role = Claim(text="x", citations=good.citations, role="finding")
    assert score("summary_improve_recall", SUMMARY, result([wrong_role])) == 0.0
    unrelated = Claim(text="x", citations=[cite(quote="Leaders know their services well.")], role="improve")
    assert score("summary_improve_recall", SUMMARY, result([unrelated])) == 0.0
    assert score("summary_improve_recall", {**SUMMARY, "type": "grades"}, result([good])) is None


def test_summary_grades_needs_gold_file_and_right_grade():
    both = [grade("overall_effectiveness", "good"), grade("in_care", "requires improvement to be good")]
    assert score("summary_grades", SUMMARY, result(both)) == 1.0
    assert score("summary_grades", SUMMARY, result([grade("overall_effectiveness", "good", file=G)])) == 0.0
    assert score("summary_grades", SUMMARY, result([grade("overall_effectiveness", "inadequate")])) == 0.0


def test_grades_correct_and_precision():
    item = {"type": "grades", "gold": [{"file": F, "pages": [1], "evidence": ""}],
            "expected_grades": {"care_leavers": "good"}, "manifest_grades": {"care_leavers": "good", "in_care": "requires improvement"}}
    assert score("grades_correct", item, result([grade("care_leavers", "good")])) == 1.0
    assert score("grades_correct", item, result([grade("care_leavers", "outstanding")])) == 0.0
    mixed = [grade("care_leavers", "good"), grade("in_care", "good")]
    assert score("grades_precision", item, result(mixed)) == 0.5
    which = {"type": "grades", "gold": item["gold"], "asked_grade": "good", "expected_areas": ["care_leavers", "help_and_protection"]}
    assert score("grades_correct", which, result([grade("care_leavers", "good")])) == 0.5


def test_grades_from_passages_for_retrieval_only_systems():
    item = {"type": "grades", "gold": [{"file": F, "pages": [1], "evidence": ""}], "expected_grades": {"care_leavers": "good"}}
    meta = ReportMeta(report_id="r", file=F)
    hit = Passage(file=F, page_start=1, page_end=1, pages=[1], text="The experiences and progress of care leavers: Good",
                  score=1.0, section="", report=meta)
    miss = Passage(file=G, page_start=1, page_end=1, pages=[1], text="care leavers good", score=1.0, section="", report=meta)
    assert score("grades_correct", item, Result(passages=[hit])) == 1.0
    assert score("grades_correct", item, Result(passages=[miss])) == 0.0


def test_comparison_metrics():
    item = {"type": "comparison", "gold": [{"file": F, "pages": [1], "evidence": ""}, {"file": G, "pages": [1], "evidence": ""}],
            "expected_grades_by_file": {F: {"overall_effectiveness": "good"}, G: {"overall_effectiveness": "requires improvement"}}}
    full = [grade("overall_effectiveness", "good", F), grade("overall_effectiveness", "requires improvement", G)]
    assert score("comparison_reports", item, result(full)) == 1.0
    assert score("comparison_grades", item, result(full)) == 1.0
    swapped = [grade("overall_effectiveness", "requires improvement", F), grade("overall_effectiveness", "good", G)]
    assert score("comparison_grades", item, result(swapped)) == 0.0
    assert score("comparison_reports", item, result(full[:1])) == 0.0


def mention(file):
    return Claim(text=file, citations=[cite(file, "private fostering")], role="mention")


def test_coverage_recall_precision_and_indexed_restriction():
    item = {"type": "coverage", "phrase": "private fostering", "expected_files": [F, G]}
    assert score("coverage_recall", item, result([mention(F)])) == 0.5
    assert score("coverage_recall", item, result([mention(F)]), indexed={F}) == 1.0
    other = "ofsted-ilacs/barnet_2024-07-23_ilacs.pdf"
    assert score("coverage_precision", item, result([mention(F), mention(other)])) == 0.5
    nowhere = {"type": "coverage", "phrase": "x", "expected_files": []}
    assert score("coverage_precision", nowhere, result([])) == 1.0
    assert score("coverage_precision", nowhere, result([mention(F)])) == 0.0
    assert score("coverage_recall", nowhere, result([])) is None


def test_coverage_count():
    item = {"type": "coverage", "phrase": "p", "expected_files": [F, G]}
    assert score("coverage_count", item, result([mention(F), mention(G)], text="2 reports mention it [1][2].")) == 1.0
    assert score("coverage_count", item, result([mention(F), mention(G)], text="Three reports mention it.")) == 0.0
    # the gold count, not the answer's own list: two listed reports stated as two still fail
    # when a third indexed report mentions it
    three = {**item, "expected_files": [F, G, "ofsted-ilacs/x_2020-01-01_ilacs.pdf"]}
    assert score("coverage_count", three, result([mention(F), mention(G)], text="2 reports mention it [1][2].")) == 0.0
    assert score("coverage_count", item, result([], text="No report mentions it.")) == 0.0
    nowhere = {**item, "expected_files": []}
    assert score("coverage_count", nowhere, result([], text="No report mentions it.")) == 1.0
    assert first_number("[1] Twelve reports") == 12


def test_themes_in_set_and_counts():
    item = {"type": "themes", "set_files": [F, G]}
    t1 = Claim(text="a", citations=[cite(F)], role="theme", group="Supervision")
    t2 = Claim(text="b", citations=[cite(G)], role="theme", group="Supervision")
    out = Claim(text="c", citations=[cite("ofsted-ilacs/barnet_2024-07-23_ilacs.pdf")], role="theme", group="Drift")
    assert score("themes_in_set", item, result([t1, t2])) == 1.0
    assert score("themes_in_set", item, result([t1, out])) == 0.5
    t1.citations[0].marker, t2.citations[0].marker = 1, 2
    # the count is of the reports the row cites, whether or not the text quotes them all
    ok = Table(columns=["Theme", "Reports", "Quotes"], rows=[["Supervision", "2", "[1] [2]"]])
    assert score("themes_counts", item, result([t1, t2], table=ok)) == 1.0
    assert score("themes_counts", item, result([t1], table=ok)) == 0.0  # [2] cites nothing of the answer
    wrong = Table(columns=["Theme", "Reports", "Quotes"], rows=[["Supervision", "3", "[1] [2]"]])
    assert score("themes_counts", item, result([t1, t2], table=wrong)) == 0.0
    assert score("themes_counts", item, result([t1, t2])) == 0.0


def test_strengths_polarity():
    item = {"type": "strengths", "polarity": "weakness", "gold": [{"file": F, "pages": [1], "evidence": ""}]}
    weak = Claim(text="w", citations=[cite(quote="Too many children wait too long to be adopted.")], role="weakness")
    mislabelled = Claim(text="s", citations=[cite(quote="Leaders provide strong and effective support.")], role="weakness")
    assert score("strengths_polarity", item, result([weak])) == 1.0
    assert score("strengths_polarity", item, result([weak, mislabelled])) == 0.5
    assert score("strengths_polarity", item, result([])) == 0.0


def test_polarity_helpers():
    assert lexicon_polarity("Supervision is not consistently good.") == "weakness"
    assert lexicon_polarity("Children benefit from effective support.") == "strength"
    rows = [{"sentence": "Plans are poor.", "label": "weakness"}, {"sentence": "Work is good.", "label": "weakness"}]
    acc = polarity_accuracy(rows, lexicon_polarity)
    assert acc["accuracy"] == 0.5 and acc["per_label"]["weakness"]["n"] == 2
    full = polarity_accuracy(None, lexicon_polarity)  # the hand-labelled file
    assert full["n"] >= 100 and set(full["per_label"]) == {"weakness", "strength", "neutral"}


def test_metrics_never_raise_on_missing_answer():
    item = {"type": "summary", "expected_improve": ["x y z"], "gold": []}
    assert score("summary_improve_recall", item, Result()) is None
    assert score("coverage_count", {"type": "coverage"}, Result()) is None


def test_the_polarity_gate_needs_the_lexicon_beaten_and_no_sentence_lost(monkeypatch):
    from eval import run_shapes

    def results(ours: float, baseline: float, n: int = 100) -> dict:
        acc = lambda a: {"accuracy": a, "n": n, "per_label": {}}  # noqa: E731
        return {"systems": {"ours": {"by_side": {}, "errors": 0}},
                "polarity": {"test": {"ours": acc(ours), "lexicon baseline": acc(baseline)}}}

    monkeypatch.setattr(run_shapes, "SHAPE_GATED", {"ours": []})
    gates = {"quick/shapes": {"ours": {}}, "quick/shapes-polarity": {"ours": {"accuracy": {"measured": 0.70, "n": 100}}}}
    monkeypatch.setattr(run_shapes, "load_gates", lambda section: gates.get(section, {}))
    assert run_shapes.shapes_gate(results(0.70, 0.65), "quick/shapes") == []
    assert run_shapes.shapes_gate(results(0.695, 0.65), "quick/shapes") == []  # half a sentence
    lost = run_shapes.shapes_gate(results(0.69, 0.65), "quick/shapes")  # one sentence
    assert len(lost) == 1 and "at least one sentence worse" in lost[0]
    beaten = run_shapes.shapes_gate(results(0.70, 0.70), "quick/shapes")
    assert len(beaten) == 1 and "not above the plain-lexicon baseline" in beaten[0]
