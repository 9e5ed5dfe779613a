"""Common strengths or weaknesses across a set of reports, grouped into themes.

"What are common weaknesses in services for care leavers across councils rated
inadequate?": the set comes from the question (grade, area, years, types), each report
gives its improvement items and its most critical (or positive) sentences on the area,
near-duplicates across reports are grouped by embedding similarity, and themes are ranked
by how many reports share them, each with one quote per report to drill into.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from assistant import polarity
from assistant.composers.strengths import evaluative_sentences
from assistant.composers.summary import improvement_list
from assistant.draft import Draft
from assistant.evidence import Evidence, when
from assistant.lexical import tokenize
from assistant.quotes import area_name
from assistant.topic_words import CHATTER, GRAMMAR, VAGUE_WORDS
from ingest.core.types import Answer, Passage, ReportMeta, markers_in
from ingest.core.vocabulary import AREA_SECTIONS

# Words every theme shares: they would name all of them.
GENERIC = set(tokenize("children young people child social workers work workers services service local authority "
                       "council leaders managers practice plans plan care ensure improve quality too paragraph "
                       "paragraphs upon especially including particular many some most cases consistently always"))
WORD = re.compile(r"[a-z][a-z'-]+")
# "(outcome 3, national framework)", "(Enabler 2, National Framework)": where an item sits in the
# national framework. Left on, it would group items by their annotation rather than their meaning
# and name the themes "framework, national, outcome"; the quote without it is still on its page.
FRAMEWORK_NOTE = re.compile(r"\s*\((?=[^()]*\b(?:national framework|outcome|enabler)\b)[^()]*\)[\s.]*$", re.I)
LABEL_WORDS = 4  # the longest phrase a theme is named by


def report_set(ev: Evidence) -> tuple[list[ReportMeta], str]:
    """The reports the question describes, and how they were chosen (said in the answer)."""
    grades = list(ev.intent.grades)
    keys = [k for k in ev.intent.judgement_keys if k != "overall_effectiveness"]
    pool = [m for m in ev.scoped_reports() if m.judgements and m.report_type != "focused-visit"
            and (m.report_type == "school") == ev.intent.asks_schools]
    if ev.intent.year_span:  # "2014-2016": inspection years, both ends in
        lo, hi = ev.intent.year_span
        pool = [m for m in pool if m.year and lo <= m.year <= hi]
    if grades:
        def graded(meta: ReportMeta) -> bool:
            key = next((k for k in [*keys, "overall_effectiveness", "send_outcome"] if k in meta.judgements), "")
            return bool(key) and meta.judgements[key].grade in grades

        pool = [m for m in pool if graded(m)]
    how = "graded reports" + (f" judged {' or '.join(grades)}" if grades else "")
    if keys and grades:
        how += f" for {area_name(keys[0])} (overall where that area is not graded)"
    pool.sort(key=when)
    most = ev.settings.themes_max_reports
    if len(pool) > most:
        how += f", the latest {most} of {len(pool)}"
        pool = pool[-most:]
    return pool, how


def findings(ev: Evidence, meta: ReportMeta, sign: int, keys: list[str], per_report: int) -> list[tuple[str, int, Passage | None]]:
    """A report's strongest findings of one side on the asked area (or overall)."""
    side = polarity.WEAKNESS if sign < 0 else polarity.STRENGTH
    found = [f for f in evaluative_sentences(ev, meta, keys, side, ev.settings.themes_sentences_per_section) if polarity.classify(f[1]) == side]
    found.sort(key=lambda f: f[0] * sign, reverse=True)
    out: list[tuple[str, int, Passage | None]] = [(s, page, passage) for _, s, page, passage in found[:per_report]]
    if sign < 0 and not keys:
        out += improvement_list(ev, meta)[:per_report]
    return [(FRAMEWORK_NOTE.sub("", text) or text, page, passage) for text, page, passage in out]


def group(vectors: np.ndarray, similar: float) -> list[list[int]]:
    """Findings grouped by average-linkage clustering on cosine distance: a theme is a set of
    findings close to each other on average, not a chain of neighbours drifting apart."""
    if len(vectors) == 1:
        return [[0]]
    from scipy.cluster.hierarchy import fcluster, linkage

    labels = fcluster(linkage(vectors, method="average", metric="cosine"), t=1 - similar, criterion="distance")
    members: dict[int, list[int]] = {}
    for i, theme in enumerate(labels):
        members.setdefault(int(theme), []).append(i)
    return list(members.values())


def label(texts: list[str], idf) -> str:
    """The theme's name, in its findings' own words: the phrase (up to `LABEL_WORDS` words, no
    stop word at either end) most of them share, one with a rarer word and then a longer one first
    among as many, then a second phrase with none of its words when two thirds as many share it ("management oversight, supervision")."""
    counts: Counter = Counter()
    surface: dict[tuple[str, ...], Counter] = {}
    for text in texts:
        words = WORD.findall(text.lower())
        stems = [tuple(tokenize(w)) for w in words]
        seen = set()
        for n in range(1, LABEL_WORDS + 1):
            for i in range(len(words) - n + 1):
                if not (_edge(words[i], stems[i]) and _edge(words[i + n - 1], stems[i + n - 1])):
                    continue  # "to neglect", "oversight of", "fully": a phrase starts and ends on a telling word
                key = tuple(t for st in stems[i:i + n] for t in st)
                if key in seen or all(t in GENERIC or t.isdigit() for t in key):
                    continue
                seen.add(key)
                counts[key] += 1
                surface.setdefault(key, Counter())[" ".join(words[i:i + n])] += 1
    if not counts:
        return "other"

    def weight(key: tuple[str, ...]) -> float:  # shared by many, its most telling word rare
        return counts[key] * max(idf(t) for t in key if t not in GENERIC)

    shared = [k for k in counts if counts[k] > 1] or list(counts)
    ranked = sorted(shared, key=lambda k: (-weight(k), -len(k)))
    # a term of two words or more ("early help", "management oversight") names a theme better than a
    # word, when at least half as many findings share it
    terms = [k for k in ranked if len(k) > 1 and counts[k] * 2 >= counts[ranked[0]]]
    first = terms[0] if terms else ranked[0]
    names = [first]
    # the second is added only when it reads as a name of its own: "children aged" does not
    second = next((k for k in terms if not set(k) & set(first) and counts[k] * 3 >= counts[first] * 2
                   and k[0] not in GENERIC and k[-1] not in GENERIC), None)
    if second is not None:
        names.append(second)
    return ", ".join(surface[k].most_common(1)[0][0] for k in names)


NOT_A_NAME = GRAMMAR | CHATTER | VAGUE_WORDS | set(tokenize("which well whose where there their benefit benefits "
                                                            "make made making take taken taking given getting"))


def _edge(word: str, stems: tuple[str, ...]) -> bool:
    """A word a theme's name can start or end on: no stop word, grammar, chatter or adverb."""
    return bool(stems) and len(word) > 3 and not word.endswith("ly") and not set(stems) & NOT_A_NAME


def themes_answer(ev: Evidence) -> Answer | None:
    reports, how = report_set(ev)
    if not reports:
        draft = Draft(ev.question, "themes", ev.library)
        draft.note(f"No indexed report is among the {how}, so there are no themes to show.")
        return draft.finish([], abstain_if_empty=False)
    sign = 1 if ev.polarity > 0 else -1
    keys = [k for k in ev.intent.judgement_keys if k in AREA_SECTIONS and k != "overall_effectiveness"]
    per_report = max(1, ev.settings.themes_per_report - (len(reports) > 25))
    items = [(meta, text, page, passage) for meta in reports
             for text, page, passage in findings(ev, meta, sign, keys, per_report)]
    if not items:
        return None
    vectors = np.asarray(ev.library.embed([text for _, text, _, _ in items]), dtype=np.float32)
    groups = group(vectors, ev.settings.themes_similarity)
    ranked = sorted(groups, key=lambda g: (-len({items[i][0].report_id for i in g}), g[0]))
    side = "weaknesses" if sign < 0 else "strengths"
    area = f" in {area_name(keys[0])}" if keys else ""
    draft = Draft(ev.question, "themes", ev.library)
    shared = [g for g in ranked if len({items[i][0].report_id for i in g}) > 1]
    themes = named_themes(shared or ranked[:3], [text for _, text, _, _ in items],
                          [meta.report_id for meta, *_ in items], ev.library.idf)
    shown = ev.settings.themes_quotes_shown
    largest = f"the {min(len(themes), ev.settings.themes_max)} largest, with up to {shown} quotes each (the table " \
              "cites one quote of every report):"
    draft.note(f"Looked at {len(reports)} {how}; {len(items)} {side}{area} found in them, grouped into "
               f"{len(groups)} themes by meaning. "
               + (f"{len(themes)} are shared by two or more reports; {largest}" if shared
                  else f"None is shared by two reports; {largest}"))
    draft.table(["Theme", "Reports", "Quotes"], title=f"Common {side}{area}")
    for n, (name, members) in enumerate(themes[:ev.settings.themes_table_max]):
        if n < ev.settings.themes_max:
            draft.heading(f"{name}:")
        marks, seen = [], set()
        for i in members:
            meta, text, page, passage = items[i]
            if meta.report_id in seen:
                continue  # one quote per report
            seen.add(meta.report_id)
            mark = draft.cite(meta, page, text, passage)
            if n < ev.settings.themes_max and len(seen) <= shown:
                draft.claim(f"- {meta.label}: {text} {mark}", "theme", meta, group=name)
            marks.append(mark)
        draft.row([name, str(len(seen)), " ".join(marks)], partial=True)  # a failed quote leaves the rest
    answer = draft.finish(ev.passages)
    if answer.table is not None:  # counts as shown: a quote that failed verification is not counted
        cited = {c.marker: c.file for c in answer.citations}
        for row in answer.table.rows:
            row[1] = str(len({cited[m] for m in markers_in(row[2]) if m in cited}))
        answer.table.rows = [row for row in answer.table.rows if row[1] != "0"]
    return answer


def named_themes(groups: list[list[int]], texts: list[str], report_of: list[str], idf) -> list[tuple[str, list[int]]]:
    """(name, members) per theme, largest (most reports) first: groups that come out under one
    name are one theme to a reader, so they are merged."""
    merged: dict[str, list[int]] = {}
    for members in groups:
        merged.setdefault(label([texts[i] for i in members], idf), []).extend(members)
    return sorted(merged.items(), key=lambda kv: (-len({report_of[i] for i in kv[1]}), kv[1][0]))
