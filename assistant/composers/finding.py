"""The answers every route ends with (assistant/composers/route.py): a headline grade from the
extracted judgements (cited to the page stating it), one line per report when reports are set
side by side, and the finding answer (the best-matching sentences of the best passages). Each
returns None when the question is not its kind, so the next one answers.
"""

from __future__ import annotations

from assistant import phrases
from assistant.composers.grounding import Grounding, ground
from assistant.draft import Draft, abstain
from assistant.evidence import Evidence, latest_of_kind, when
from assistant.lexical import tokenize
from assistant.query import ASKING_WORDS, wanted_detail
from assistant.quotes import area_name, best_sentences, cite_grade, sentences_of
from assistant.retrieve import coverage, term_weights
from assistant.stages import SYNONYM_TERMS
from assistant.topic_words import topic_words
from ingest.core.types import Answer, Passage, ReportMeta
from ingest.core.vocabulary import ABOUT_THE_INSPECTION, REPORT_TYPE_LABELS


def judgement_answer(ev: Evidence) -> Answer | None:
    """"How was X rated?": the headline grade (or the area's) of the report in scope."""
    intent = ev.intent
    if not ((intent.asks_grade and (intent.judgement_keys or not intent.grade_topic))
            or "overall_effectiveness" in intent.judgement_keys):
        return None
    return _judgement_answer(ev, _scoped_reports(ev))


def side_by_side_answer(ev: Evidence) -> Answer | None:
    """Reports set side by side that no shape composer took: one line per report."""
    if not (ev.intent.comparison and len({p.report.report_id for p in ev.passages}) > 1 and ev.scope.report_ids):
        return None
    if len(ev.scope.report_ids) <= GROUNDED_REPORTS and (each := _each_grounded(ev, "comparison")) is not None:
        return each  # a topic named: each report's sentences on it, never its best sentence on anything
    return _comparison_answer(ev, _scoped_reports(ev))


def finding_answer(ev: Evidence) -> Answer:
    """The end of every route: the best sentences of the best passages, or an abstention."""
    return _finding_answer(ev)


def _scoped_reports(ev: Evidence) -> list[ReportMeta]:
    if ev.scope.report_ids is not None:
        return ev.scoped_reports()
    reports = ev.library.all_reports()
    ids = dict.fromkeys(p.report.report_id for p in ev.passages[:3])
    return sorted((reports[i] for i in ids if i in reports), key=when)


def _judgement_answer(ev: Evidence, reports: list[ReportMeta]) -> Answer | None:
    intent = ev.intent
    keys = intent.judgement_keys or ["overall_effectiveness"]
    if any(r.report_type == "area-send" for r in reports) and not intent.judgement_keys:
        keys = ["send_outcome", "overall_effectiveness"]
    graded = [r for r in reports if any(k in r.judgements for k in keys)]
    if not graded:
        return None
    if not intent.comparison and len(graded) > 1 and not intent.years:
        graded = graded[-1:]  # "How did Ofsted rate X?" means the latest graded inspection
    draft = Draft(ev.question, "judgement", ev.library, sep=" ")
    lines = 0
    for meta in graded[:6]:
        for key in keys:
            judgement = meta.judgements.get(key)
            if judgement is None:
                continue
            if (cited := cite_grade(draft, meta, key)) is None:
                continue
            mark = cited[0]
            when_ = meta.when
            draft.claim(phrases.JUDGEMENT_LINE.format(
                authority=meta.authority, report_type=REPORT_TYPE_LABELS.get(meta.report_type, "report"),
                when=when_.strftime("%B %Y") if when_ else "undated", area=area_name(key),
                grade=judgement.grade, cite=mark),
                role="grade", report=meta, area=key, grade=judgement.grade, group=meta.label)
            lines += 1
            break
    if not lines:
        return None
    draft.kind = "comparison" if lines > 1 else "judgement"
    return draft.finish(ev.passages)


def _comparison_answer(ev: Evidence, reports: list[ReportMeta]) -> Answer:
    by_report: dict[str, list[Passage]] = {}
    for p in ev.passages:
        by_report.setdefault(p.report.report_id, []).append(p)
    draft = Draft(ev.question, "comparison", ev.library, sep="\n")
    weights = term_weights(ev.question, ev.library.idf, ev.intent)
    for meta in (r for r in reports if r.report_id in by_report):
        for cand in best_sentences(by_report[meta.report_id], weights, limit=1, wants=wanted_detail(ev.intent)):
            mark = draft.cite(meta, cand.page, cand.quote, cand.passage)
            draft.claim(f"{meta.label}: {cand.quote} {mark}", report=meta, group=meta.label)
    return draft.finish(ev.passages)


def _finding_answer(ev: Evidence) -> Answer:
    """Best sentences of the best passages. A question about a named, indexed report gets its
    closest sentences; an unscoped one must clear `min_support` or the assistant abstains."""
    weights = term_weights(ev.question, ev.library.idf, ev.intent)
    cfg = ev.settings
    only = ev.scoped_reports() if len(ev.scope.report_ids or []) == 1 else []
    if only and (grounding := ground(ev, only[0], _topic(ev))) is not None:
        return _grounded_answer(ev, only[0], grounding, weights)
    best = best_sentences(ev.passages[:5], weights, limit=cfg.max_sentences, wants=wanted_detail(ev.intent))
    if not best or best[0].score <= 0 or (not ev.scope.report_ids and best[0].score < cfg.min_support):
        several = 1 < len(ev.scope.report_ids or []) <= GROUNDED_REPORTS
        if several and (each := _each_grounded(ev)) is not None:
            return each  # "What does Warrington's report say about staying put?": each report read, not an abstention
        return abstain(ev.question, ev.passages, phrases.ABSTAIN)
    if len(ev.intent.authorities) == 1 and not ev.intent.years and len(ev.scope.report_ids or []) > 1:
        return _latest_first(ev, {t: w for t, w in weights.items() if t not in ASKING_WORDS})
    if 1 < len(ev.scope.report_ids or []) <= GROUNDED_REPORTS and (each := _each_grounded(ev)) is not None:
        return each
    draft = Draft(ev.question, "finding", ev.library, sep=" ")
    silent = bool(only) and not discusses(ev, only[0])
    current = None
    for cand in best:
        label = cand.passage.report.label
        if label != current:
            draft.heading(phrases.SILENT.format(report=label, topic=_topic(ev)) if silent
                          else phrases.FINDING_INTRO.format(report=label))
            current = label
        mark = draft.cite(cand.passage.report, cand.page, cand.quote, cand.passage)
        draft.claim(f"{cand.quote} {mark}", role="nearest" if silent else "finding", report=cand.passage.report,
                    group=label)
    return draft.finish(ev.passages)


GROUNDED_REPORTS = 6  # a few reports in scope (a council's reports since a year): each read for the topic


def _each_grounded(ev: Evidence, kind: str = "finding") -> Answer | None:
    """A few reports and a named topic ("what does Warrington's say about staying put since
    2023"): each report's sentences on the topic, newest first, and which of them do not discuss
    it; None when the question names no topic (its best sentences answer it)."""
    reports = sorted(ev.scoped_reports(), key=when, reverse=True)
    found: list[tuple[ReportMeta, Grounding]] = []
    for meta in reports:
        if (grounding := ground(ev, meta, _topic(ev))) is None:
            return None  # the question names no topic, or asks a question of fact: the same for every report
        found.append((meta, grounding))
    draft = Draft(ev.question, kind, ev.library, sep="\n" if kind == "comparison" else " ")
    most = ev.settings.max_sentences
    for meta, grounding in found:
        if not grounding.silent:
            draft.heading(phrases.FINDING_INTRO.format(report=meta.label))
            for page, quote in sorted(grounding.quotes[:most]):
                draft.claim(f"{quote} {draft.cite(meta, page, quote)}", "finding", meta, group=meta.label)
    for meta, grounding in found:
        if grounding.silent:
            draft.note(phrases.SILENT_NOTHING_NEAR.format(report=meta.label, topic=grounding.topic,
                                                          counted=grounding.counted, pages=grounding.pages))
    return draft.finish(ev.passages, abstain_if_empty=False)


def _grounded_answer(ev: Evidence, meta: ReportMeta, grounding: Grounding, weights: dict[str, float]) -> Answer:
    """One report and a named topic: its sentences on the topic, or first that it does not discuss
    it, then the nearest passages marked as not an answer."""
    draft = Draft(ev.question, "finding", ev.library, sep=" ")
    most = ev.settings.max_sentences
    if not grounding.silent:
        shown = grounding.quotes[:most]
        draft.heading(phrases.ON_TOPIC_INTRO.format(report=meta.label, shown=len(shown), found=len(grounding.quotes),
                                                    topic=grounding.topic)
                      if len(grounding.quotes) > most else phrases.FINDING_INTRO.format(report=meta.label))
        for page, quote in sorted(shown):
            draft.claim(f"{quote} {draft.cite(meta, page, quote)}", "finding", meta, group=meta.label)
        return draft.finish(ev.passages)
    near = [c for c in best_sentences(ev.passages[:5], weights, limit=most, wants=wanted_detail(ev.intent)) if c.score > 0]
    said = {"report": meta.label, "topic": grounding.topic, "counted": grounding.counted, "pages": grounding.pages}
    draft.note((phrases.SILENT_LOOKED if near else phrases.SILENT_NOTHING_NEAR).format(**said))
    for cand in near:
        draft.claim(f"{cand.quote} {draft.cite(meta, cand.page, cand.quote, cand.passage)}", "nearest", meta,
                    group=meta.label)
    return draft.finish(ev.passages, abstain_if_empty=False)


def discusses(ev: Evidence, meta: ReportMeta) -> bool:
    """The report discusses the question's topic: one of its sentences holds `topic_present` of the
    topic's words, IDF-weighted, an acronym asked counting as its expansion written and the other
    way round (every sentence of the report read, not only the passages found).
    A question with no topic of its own ("summarise X") is about the whole report."""
    terms = ev.intent.topic_terms
    if not terms:
        return True
    weights = {t: ev.library.idf(t) for t in terms}
    named = [(key, meant) for key, meant in SYNONYM_TERMS if key <= weights.keys()]  # "UASC" asked
    for passage in ev.library.report_passages(meta.report_id):
        for quote, _ in sentences_of(passage):
            said = set(tokenize(quote))
            for key, meant in named:  # "unaccompanied asylum-seeking children" written
                said |= key if meant <= said else set()
            if coverage(weights, said) >= ev.settings.topic_present:
                return True
    return False


def _topic(ev: Evidence) -> str:
    return ev.intent.topic or topic_words(ev.question, ev.intent.topic_terms) or "this"


def _latest_first(ev: Evidence, weights: dict[str, float]) -> Answer:
    """A council's topic without a year: its latest report first (searched on its own, so it
    is never crowded out by older ones), then each earlier report's best sentence, dated."""
    reports = sorted(ev.scoped_reports(), key=when, reverse=True)
    latest = ev.latest or latest_of_kind(reports, ev.passages)  # searched on its own before composing
    if latest is None:
        return abstain(ev.question, ev.passages, phrases.ABSTAIN)
    found = ev.latest_passages if ev.latest is not None else [p for p in ev.passages if p.report == latest]
    wants = wanted_detail(ev.intent)
    own = [p for p in found if _about_the_work(p)]
    draft = Draft(ev.question, "finding", ev.library, sep=" ")
    grounding = ground(ev, latest, _topic(ev), found)
    silent = grounding.silent if grounding is not None else not discusses(ev, latest)
    near = [c for c in best_sentences(own, weights, limit=ev.settings.max_sentences, wants=wants) if c.score > 0]
    if silent and not near and len(reports) <= GROUNDED_REPORTS and (each := _each_grounded(ev)) is not None:
        return each  # nothing near the topic in the latest report: say which reports do not discuss it
    draft.heading(phrases.SILENT.format(report=latest.label, topic=_topic(ev)) if silent
                  else phrases.LATEST_INTRO.format(report=latest.label))
    if grounding is not None and not silent:  # the latest report's sentences on the topic
        for page, quote in sorted(grounding.quotes[: ev.settings.max_sentences]):
            draft.claim(f"{quote} {draft.cite(latest, page, quote)}", "finding", latest, group=latest.label)
    else:  # its best sentences: the nearest passages, when it does not discuss the topic
        for cand in near:
            draft.claim(f"{cand.quote} {draft.cite(cand.passage.report, cand.page, cand.quote, cand.passage)}",
                        role="nearest" if silent else "finding", report=latest, group=latest.label)
    by_report: dict[str, list[Passage]] = {}
    for p in filter(_about_the_work, ev.passages):
        by_report.setdefault(p.report.report_id, []).append(p)
    for meta in reports[1:]:
        best = best_sentences(by_report.get(meta.report_id, []), weights, limit=1, wants=wants)
        if best and best[0].score >= ev.settings.min_support:
            draft.heading(phrases.EARLIER_INTRO.format(report=meta.label))
            cand = best[0]
            draft.claim(f"{cand.quote} {draft.cite(cand.passage.report, cand.page, cand.quote, cand.passage)}",
                        report=meta, group=meta.label)
    return draft.finish(own + ev.passages)


def _about_the_work(passage: Passage) -> bool:
    return not ABOUT_THE_INSPECTION.search(passage.section or "")
