"""Generate eval/data/shapes/*.jsonl: items for the new answer shapes (summary, grades,
comparison, coverage, themes, strengths), scored by eval/shape_metrics.py.

Gold comes only from the publisher's manifest (grades, report types, dates) and from our
own reading of the PDF page texts (improvement lists, phrase occurrences) -- never from
ingest.structure / ingest.judgements extraction or assistant.*, so a bug there cannot
leak into the gold it is measured against.

* Grades: manifest headline_judgement ("key=grade; ..." for ILACS, the overall sentence
  otherwise, via eval.manifest.headline_grades); for non-ILACS rows the metadata history
  csv is consulted for per-area grades (it reports SIF areas as data_unreadable, so SIF
  items carry the overall grade only).
* Improvement items: the list under the first "What needs to improve" (ILACS, focused
  visits), "Areas for improvement" (SIF, LAC, area SEND) or "Recommendations" heading
  (SIF 2016+, re-inspections, LSCB review), parsed by `improvement_items` below.
* Coverage: a report is expected when a page of it, as poppler's pdftotext reads it,
  mentions the phrase by eval.independent_text.page_mentions (letters and digits only,
  whole words, the phrase's last word also with a trailing "s" added/removed) -- a second
  extractor and normalisation, not our reader's text. The gold page and evidence of each
  expected report come from the same text.

Selection is deterministic; questions name the council and the inspection year (the year
the inspection ended) plus the report type when the council has two reports that year.

Run: .venv/bin/python -m eval.build_shape_items --corpus ../shared/corpus --out eval/data/shapes
     [--pages-cache /tmp/shape_pages.json]   (a JSON {file: [page texts]} read/written there)
     [--text-cache /tmp/pdftotext-cache]     (pdftotext page texts kept there)
Re-gold coverage only (every other field and file as it is, no pypdf):
     .venv/bin/python -m eval.build_shape_items --regold-coverage [--text-cache DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections import defaultdict
from pathlib import Path

from eval.check_set import PdfPages
from eval.independent_text import IndependentPages, clean
from eval.independent_text import page_mentions as independent_mentions
from eval.manifest import NOT_A_GRADE, headline_grades, inspection_year, read_manifest, report_type
from ingest.normalize import for_match

QUICK = set("""
ofsted-area-send/haringey_2024-04-03_area-send.pdf ofsted-focused-visits/haringey_2020-01-21_focused-visit.pdf
ofsted-focused-visits/haringey_2021-05-10_focused-visit.pdf ofsted-focused-visits/haringey_2025-03-14_focused-visit.pdf
ofsted-ilacs/birmingham_2014-05-23_sif.pdf ofsted-ilacs/birmingham_2016-11-25_sif-reinspection.pdf
ofsted-ilacs/bradford_2014-05-23_sif.pdf ofsted-ilacs/camden_2017-11-24_sif.pdf ofsted-ilacs/croydon_2017-09-04_sif.pdf
ofsted-ilacs/doncaster_2015-11-27_sif.pdf ofsted-ilacs/doncaster_2018-01-19_sif-reinspection.pdf
ofsted-ilacs/haringey_2014-07-18_sif.pdf ofsted-ilacs/haringey_2018-12-14_ilacs.pdf ofsted-ilacs/haringey_2023-04-11_ilacs.pdf
ofsted-ilacs/haringey_2026-02-24_ilacs.pdf ofsted-ilacs/lambeth_2015-05-12_sif.pdf ofsted-ilacs/lambeth_2018-05-09_sif.pdf
ofsted-ilacs/medway_2013-08-23_lac-2013.pdf ofsted-ilacs/medway_2015-11-27_sif.pdf ofsted-ilacs/norfolk_2015-10-20_sif.pdf
ofsted-ilacs/norfolk_2018-01-19_sif-reinspection.pdf ofsted-ilacs/rotherham_2014-11-19_sif.pdf
ofsted-ilacs/rotherham_2018-01-29_sif-reinspection.pdf ofsted-ilacs/surrey_2015-08-03_lscb-review.pdf
ofsted-schools/rough-hay-primary-school-urn139305_2016-11_school.pdf
""".split())

AREA_NAMES = {
    "overall_effectiveness": "overall effectiveness", "impact_of_leaders": "the impact of leaders",
    "help_and_protection": "children who need help and protection", "in_care": "children in care",
    "care_leavers": "care leavers",
}
TYPE_WORDS = {  # how a question names a report type
    "ilacs": "children's services inspection", "sif": "children's services inspection",
    "sif-reinspection": "children's services re-inspection", "lac": "looked after children inspection",
    "lscb": "LSCB review", "area-send": "area SEND inspection", "focused-visit": "focused visit",
    "school": "school inspection",
}
LIST_HEADINGS = {  # report type -> headings that open its improvement list (first one found wins)
    "ilacs": ("what needs to improve",), "focused-visit": ("what needs to improve in this area of social work practice",),
    "sif": ("areas for improvement", "recommendations"), "sif-reinspection": ("recommendations", "areas for improvement"),
    "lac": ("areas for improvement",), "lscb": ("recommendations",), "area-send": ("areas for improvement",),
}
# Lines that always close a list (the next section's heading).
END_HEADINGS = re.compile(
    r"^(main findings|the experiences and progress|the impact of leaders|information about|summary for children|"
    r"local area partnership details|inspection findings|inspection judgements|key strengths|section \d|the local authority.s strengths|"
    r"the effectiveness of|executive summary|what the inspection judgements mean|findings$)", re.I)
ITEM_WORDS = 30  # expected_improve keeps the first 30 words of each item


# ---------------------------------------------------------------- reading the PDFs


def heading_key(line: str) -> str:
    """A line as a heading: lower-case, without '?', ':' or a footnote digit after '?'."""
    return re.sub(r"\?\d?$|:$", "", line.strip()).strip().lower()


def improvement_items(pages: list[str], rtype: str) -> list[tuple[int, str]]:
    """(page, first words) of each item of the report's improvement list, [] if not found.

    Items are bullets ("•"), sequentially numbered paragraphs ("26.", "27." ...) or, in area
    SEND reports, plain paragraphs. A non-item line after a finished sentence ends the list
    unless the next item start follows within a few lines (a wrapped multi-sentence item)."""
    lines = [(n, ln.strip()) for n, text in enumerate(pages, 1) for ln in text.split("\n") if ln.strip()]
    heads = LIST_HEADINGS.get(rtype, ())
    start = next((i for h in heads for i, (_, ln) in enumerate(lines) if heading_key(ln) == h), None)
    if start is None:
        return []
    body = lines[start + 1:]
    while body and heading_key(body[0][1]) in heads:  # area SEND repeats the heading
        body = body[1:]
    intro = next((i for i, (_, ln) in enumerate(body[:6]) if "following action" in ln), None)
    if intro is not None:  # LAC 2013: "... the local authority should take the following action."
        body = body[intro + 1:]
    items: list[list] = []  # [page, text]
    style, last_num = None, None
    for i, (page, ln) in enumerate(body):
        num = re.match(r"^(\d{1,3})\.\s+(.*)", ln)
        nxt = body[i + 1][1] if i + 1 < len(body) else ""
        ended = not items or items[-1][1].rstrip().endswith((".", ";"))
        if items and END_HEADINGS.match(ln):
            break
        # Sub-headings inside a list ("Immediately:", "1. Quality and effectiveness of practice").
        nxt_num = re.match(r"^(\d{1,3})\.\s", nxt)
        nxt_item = nxt.startswith("•") or (nxt_num and (last_num is None or int(nxt_num.group(1)) == last_num + 1))
        if ended and len(ln) < 80 and nxt_item and not ln.startswith("•") and not num and not ln.endswith((".", ";", ",")):
            continue
        if style is None:
            style = "bullet" if ln.startswith("•") else "number" if num else "para"
        if style == "bullet" and ln.startswith("•"):
            items.append([page, ln.lstrip("• ").strip()])
            continue
        if style == "number" and num and (last_num is None or int(num.group(1)) == last_num + 1):
            last_num = int(num.group(1))
            items.append([page, num.group(2)])
            continue
        if not items:
            if style == "para":
                items.append([page, ln])
                continue
            break
        if ended and len(ln) < 40 and not ln.endswith("."):
            break
        if ended and style == "para":
            items.append([page, ln])
            continue
        if ended and not next_item_soon(body[i + 1:i + 5], style, last_num):
            break
        items[-1][1] += " " + ln
    return [(p, " ".join(for_match(t).split()[:ITEM_WORDS])) for p, t in items if len(t.split()) >= 4]


def next_item_soon(ahead: list[tuple[int, str]], style: str, last_num: int | None) -> bool:
    for _, ln in ahead:
        if style == "bullet" and ln.startswith("•"):
            return True
        if style == "number" and re.match(rf"^{(last_num or 0) + 1}\.\s", ln):
            return True
    return False


def evidence(pages: list[str], page: int, anchor: str = "", words: int = 20, norm=for_match) -> str:
    """A verbatim (after `norm`) run of words from `page`, starting at `anchor` if found."""
    toks = norm(pages[page - 1]).split()
    at = 0
    if anchor:
        a = anchor.lower().split()
        at = next((i for i in range(len(toks)) if [t.lower() for t in toks[i:i + len(a)]] == a), 0)
    return " ".join(toks[at:at + words] if len(toks) - at >= 10 else toks[-words:])


# ---------------------------------------------------------------- the reports


class Corpus:
    def __init__(self, root: Path, cache: Path | None, text_cache: Path | None = None):
        self.root = root
        self.rows = [r for r in read_manifest(root)]
        self.pages = PdfPages.with_cache_file(root, cache)
        self.independent = IndependentPages(root, text_cache)  # coverage gold: pdftotext, not our reader
        self.history = self._history()
        self.by_council: dict[str, list[dict]] = defaultdict(list)
        for r in self.rows:
            r["type"], r["year"] = report_type(r), inspection_year(r)
            r["grades"] = self._grades(r)
            self.by_council[r["local_authority"]].append(r)

    def _history(self) -> dict[tuple[str, str], dict]:
        path = self.root / "metadata" / "ofsted_csc_ilacs_history.csv"
        out = {}
        if path.exists():
            with open(path, newline="", encoding="utf-8") as fh:
                for h in csv.DictReader(fh):
                    out[(h["local_authority"].lower(), h["publication_date"])] = h
        return out

    def _grades(self, row: dict) -> dict[str, str]:
        grades = headline_grades(row)
        if "overall_effectiveness" not in grades and row["type"] in ("sif", "sif-reinspection"):
            # A few manifest rows leave the headline blank; page 1 of the PDF states it.
            said = OVERALL_SAID.search(for_match(self.pages(row["file"])[0]))
            if said:
                grades["overall_effectiveness"] = said.group(1).lower()
        ymd = row["publication_date"].split("-")
        if row["type"] != "ilacs" and len(ymd) == 3:  # the history csv may grade areas the headline omits
            h = self.history.get((row["local_authority"].lower(), f"{ymd[2]}/{ymd[1]}/{ymd[0][2:]}"), {})
            for key in AREA_NAMES:
                g = h.get(f"{key}_grade", "")
                if g and g not in NOT_A_GRADE:
                    grades.setdefault(key, g)
        return grades

    def find(self, prefix: str) -> str:
        """The quick-subset file whose name starts with `prefix` (e.g. "haringey_2014")."""
        return next(f for f in sorted(QUICK) if f.split("/")[1].startswith(prefix))

    def row(self, file: str) -> dict:
        return next(r for r in self.rows if r["file"] == file)

    def when(self, r: dict) -> str:
        """How a question names the report: year, plus the type when that year is ambiguous."""
        same = [o for o in self.by_council[r["local_authority"]] if o["year"] == r["year"]]
        if len(same) == 1:
            return f"{r['year']}"
        return f"{r['year']} {TYPE_WORDS[r['type']]}"

    def gold(self, file: str, page: int = 1, anchor: str = "") -> dict:
        return {"file": file, "pages": [page], "evidence": evidence(self.pages(file), page, anchor)}


OVERALL_SAID = re.compile(r"(?:overall judgement is|children's services in [\w ,'-]+? (?:are|is))\s+(inadequate|"
                          r"requires improvement|good|outstanding)", re.I)


# ---------------------------------------------------------------- item builders


def graded(c: Corpus, rows=None) -> list[dict]:
    return [r for r in (rows or c.rows) if r["grades"] and r["year"]]


def clean_list(items: list[tuple[int, str]]) -> bool:
    """A parsed list we trust: no run-on numbering ("... 12. Ensure") inside an item."""
    return bool(items) and not any(re.search(r"\b\d{1,3}\. [A-Z]", t) for _, t in items)


def summary_items(c: Corpus) -> list[dict]:
    forms = [
        "Summarise the {when} inspection of {la}'s children's services.",
        "Tell me about {la}'s {when} inspection.",
        "What did {la}'s {when} inspection find?",
        "Give me an overview of the {when} Ofsted report on {la}.",
    ]
    send_form = "Summarise {la}'s {year} area SEND inspection."
    out = []
    rows = [r for r in c.rows if r["year"] and r["type"] in LIST_HEADINGS and r["type"] != "focused-visit"]
    rows += [r for r in c.rows if r["file"] in QUICK and r["type"] == "focused-visit" and r["year"]]
    quick = [r for r in rows if r["file"] in QUICK]
    other = [r for r in rows if r["file"] not in QUICK and r["type"] in ("ilacs", "area-send")][::9][:9]
    for i, r in enumerate(quick + other):
        items = improvement_items(c.pages(r["file"]), r["type"])
        if not clean_list(items):
            continue
        la = r["local_authority"]
        if r["type"] == "area-send":
            q = send_form.format(la=la, year=r["year"])
        elif r["type"] == "focused-visit":
            q = f"What did the {r['year']} focused visit to {la} find?"
        else:
            q = forms[i % len(forms)].format(la=la, when=c.when(r))
        out.append({"question": q, "gold": [c.gold(r["file"], items[0][0], items[0][1].split()[0])],
                    "expected_improve": [t for _, t in items], "expected_grades": r["grades"],
                    "answer_keywords": []})
    # "latest" only where the council's newest report is in the quick subset (Haringey).
    newest = max(c.by_council["Haringey"], key=lambda r: r["publication_date"])
    items = improvement_items(c.pages(newest["file"]), newest["type"])
    out.append({"question": "What did the latest inspection of Haringey find?",
                "gold": [c.gold(newest["file"], items[0][0], items[0][1].split()[0])],
                "expected_improve": [t for _, t in items], "expected_grades": newest["grades"], "answer_keywords": []})
    return out


def grades_items(c: Corpus) -> list[dict]:
    out = []
    rows = graded(c)
    quick = [r for r in rows if r["file"] in QUICK]
    other = [r for r in rows if r["file"] not in QUICK and r["type"] == "ilacs"][::12][:6]
    for i, r in enumerate(quick + other):
        la, when, g = r["local_authority"], c.when(r), r["grades"]
        base = {"gold": [c.gold(r["file"])], "manifest_grades": g}
        if r["type"] == "school":
            q = f"What overall grade did {la} get in its {when} inspection?"
        elif r["type"] == "area-send":
            q = f"What was the outcome of {la}'s {r['year']} area SEND inspection?"
        elif r["type"] == "lscb":
            q = f"How was the Local Safeguarding Children Board in {la} judged in {r['year']}?"
        elif len(g) == 1:
            q = [f"What was the overall judgement of {la}'s {when} inspection?",
                 f"How was {la} rated overall in {when}?"][i % 2]
        else:
            q = f"What grades did {la} get in {when}?"
        out.append({**base, "question": q, "expected_grades": g, "answer_keywords": sorted(set(g.values()))})
        if r["type"] != "ilacs":
            continue
        # One single-area question and one "which areas were rated X" question per ILACS report.
        key = list(AREA_NAMES)[1 + i % 4]
        if key in g:
            q = f"How were {AREA_NAMES[key].replace('the impact of leaders', 'leaders')} rated in {la} in {when}?"
            out.append({**base, "question": q, "expected_grades": {key: g[key]}, "answer_keywords": [g[key]]})
        grade = sorted(set(g.values()))[i % len(set(g.values()))]
        areas = sorted(k for k, v in g.items() if v == grade and k != "overall_effectiveness")
        q = f"Which areas were rated {grade} in {la}'s {when} inspection?"
        out.append({**base, "question": q, "asked_grade": grade, "expected_areas": areas, "answer_keywords": []})
    return out


COMPARISONS_QUICK = [  # file-name prefixes compared: one council over time, or several councils
    "haringey_2014 haringey_2018", "haringey_2018 haringey_2023", "haringey_2023 haringey_2026",
    "haringey_2014 haringey_2023 haringey_2026", "rotherham_2014 rotherham_2018", "doncaster_2015 doncaster_2018",
    "lambeth_2015 lambeth_2018", "birmingham_2014 birmingham_2016", "medway_2013 medway_2015", "norfolk_2015 norfolk_2018",
    "haringey_2014 bradford_2014", "camden_2017 croydon_2017", "doncaster_2015 medway_2015 norfolk_2015",
    "rotherham_2014 birmingham_2014", "lambeth_2015 doncaster_2015", "camden_2017 rotherham_2018",
]


def comparison_items(c: Corpus) -> list[dict]:
    groups = [tuple(c.find(p) for p in g.split()) for g in COMPARISONS_QUICK]
    # Non-quick: councils with two graded ILACS reports, compared over time.
    pairs = []
    for la, rows in sorted(c.by_council.items()):
        il = sorted((r for r in rows if r["type"] == "ilacs" and r["grades"]), key=lambda r: r["publication_date"])
        if len(il) >= 2 and il[-2]["year"] != il[-1]["year"]:
            pairs.append((il[-2]["file"], il[-1]["file"]))
    groups += pairs[::2][:8]
    out = []
    for i, files in enumerate(groups):
        rows = [c.row(f) for f in files]
        names = {r["local_authority"] for r in rows}
        if len(names) == 1:
            la = rows[0]["local_authority"]
            whens = [c.when(r) for r in rows]
            q = (f"Compare {la}'s {' and '.join(whens)} inspections." if i % 2 == 0
                 else f"How did {la}'s inspection results change between {whens[0]} and {whens[-1]}?")
            if len(whens) == 3:
                q = f"Compare {la}'s {whens[0]}, {whens[1]} and {whens[2]} inspections."
        else:
            parts = [f"{r['local_authority']} ({c.when(r)})" for r in rows]
            q = f"Compare the inspections of {', '.join(parts[:-1])} and {parts[-1]}."
        out.append({"question": q, "gold": [c.gold(f) for f in files],
                    "expected_grades_by_file": {r["file"]: r["grades"] for r in rows}, "answer_keywords": []})
    return out


COVERAGE_PHRASES = [  # 3-150 matching reports in the whole corpus (checked when built)
    "Lifelong Links", "Mockingbird", "family group conference", "Signs of Safety", "county lines",
    "radicalisation", "female genital mutilation", "Staying Close", "regional adoption agency",
    "Family Drug and Alcohol Court", "House Project", "modern slavery", "children missing education",
    "cost of living", "youth offending", "forced marriage", "Mind of My Own", "special guardianship",
    "independent visitor", "elective home education", "bed and breakfast", "deprivation of liberty",
    "Troubled Families", "kinship care", "unregulated", "trauma-informed", "contextual safeguarding",
]
COVERAGE_SCOPED = [  # (phrase, authorities, report types)
    ("return home interviews", ["Haringey", "Rotherham", "Croydon"], None),
    ("private fostering", ["Haringey", "Lambeth"], None),
    ("staying put", ["Doncaster", "Norfolk", "Medway"], None),
    ("unregistered", None, ["ilacs"]),
    ("private fostering", None, ["sif", "sif-reinspection"]),
    ("staying put", None, ["ilacs"]),
    ("neurodevelopmental", None, ["area-send"]),
    ("child sexual exploitation", None, ["sif", "sif-reinspection", "lac"]),
    ("COVID-19", None, ["focused-visit"]),
    ("Signs of Safety", ["Haringey", "Birmingham", "Bradford"], None),
    ("corporate parenting", None, ["area-send"]),
    ("Staying Close", ["Haringey", "Rotherham", "Doncaster"], None),
    ("Mockingbird", None, ["sif", "sif-reinspection"]),
    ("Lifelong Links", None, ["area-send"]),
    ("Family Drug and Alcohol Court", ["Camden", "Croydon", "Lambeth"], None),
    ("radicalisation", ["Haringey", "Camden"], None),
]


def coverage_files(rows: list[dict], pages: IndependentPages, phrase: str,
                   authorities: list[str] | None, types: list[str] | None) -> list[str]:
    """Reports in scope (manifest rows) with a page mentioning the phrase, as pdftotext reads them."""
    rows = [r for r in rows if (not authorities or r["local_authority"] in authorities)
            and (not types or report_type(r) in types)]
    return sorted(r["file"] for r in rows if any(independent_mentions(t, phrase) for t in pages(r["file"])))


def coverage_items(c: Corpus) -> list[dict]:
    out = []

    def files_for(phrase, authorities, types):
        return coverage_files(c.rows, c.independent, phrase, authorities, types)

    def gold_of(files, phrase):  # first page of each matching report (evidence = the page's words at the phrase)
        gold = []
        for f in files[:50]:
            pages = c.independent(f)
            n = next(i for i, t in enumerate(pages, 1) if independent_mentions(t, phrase))
            gold.append({"file": f, "pages": [n], "evidence": evidence(pages, n, phrase.split()[0], norm=clean)})
        return gold

    forms = ['Which reports mention "{p}"?', "How many reports mention {p}?", "Which reports mention {p}?",
             'How many reports mention "{p}"?', "Which inspections refer to {p}?"]
    for i, phrase in enumerate(COVERAGE_PHRASES):
        files = files_for(phrase, None, None)
        if not 3 <= len(files) <= 150:
            continue
        out.append({"question": forms[i % len(forms)].format(p=phrase), "phrase": phrase, "scope": {},
                    "expected_files": files, "gold": gold_of(files, phrase), "answer_keywords": []})
    type_words = {"ilacs": "ILACS", "sif": "SIF", "area-send": "area SEND", "focused-visit": "focused visit"}
    for i, (phrase, las, types) in enumerate(COVERAGE_SCOPED):
        files = files_for(phrase, las, types)
        p = f'"{phrase}"' if i % 2 else phrase
        if las:
            q = f"Which of {', '.join(las[:-1])} and {las[-1]}'s reports mention {p}?"
        else:
            q = f"Which {type_words.get(types[0], types[0])} reports mention {p}?"
        scope = {k: v for k, v in (("authorities", las), ("report_types", types)) if v}
        out.append({"question": q, "phrase": phrase, "scope": scope, "expected_files": files,
                    "gold": gold_of(files, phrase), "answer_keywords": []})
    return out


CHILDRENS = {"ilacs", "sif", "sif-reinspection", "lac"}


def grade_of(r: dict, area: str | None) -> str | None:
    """The area's grade when the report grades it, else the overall/headline grade."""
    g = r["grades"]
    return g.get(area) or g.get("overall_effectiveness") or g.get("send_outcome")


THEMES = [  # (question, area or None, grade, (from, to) years or None, report types, named prefixes or None)
    ("What are common weaknesses in services for care leavers across councils rated inadequate?",
     "care_leavers", "inadequate", None, CHILDRENS, None),
    ("What do outstanding councils do well for children in care?", "in_care", "outstanding", None, CHILDRENS, None),
    ("Common weaknesses among councils rated inadequate in 2014-2016?", None, "inadequate", (2014, 2016), CHILDRENS, None),
    ("What strengths do councils judged good in 2017 have in common?", None, "good", (2017, 2017), CHILDRENS, None),
    ("What are the recurring weaknesses for children who need help and protection in councils rated requires "
     "improvement in 2023?", "help_and_protection", "requires improvement", (2023, 2023), CHILDRENS, None),
    ("What do councils rated outstanding for the impact of leaders have in common?", "impact_of_leaders",
     "outstanding", None, CHILDRENS, None),
    ("What are common areas for improvement in area SEND inspections that found widespread and/or systemic failings?",
     None, "widespread and/or systemic failings", None, {"area-send"}, None),
    ("What strengths are common to local areas whose SEND arrangements lead to positive experiences and outcomes?",
     None, "positive experiences and outcomes", None, {"area-send"}, None),
    ("What weaknesses did the inadequate inspections of Rotherham (2014), Lambeth (2015) and Doncaster (2015) have "
     "in common?", None, None, None, CHILDRENS, "rotherham_2014 lambeth_2015 doncaster_2015"),
    ("What did the good inspections of Camden (2017), Doncaster (2017) and Rotherham (2017) have in common?",
     None, None, None, CHILDRENS, "camden_2017 doncaster_2018 rotherham_2018"),
    ("Which weaknesses recur across the inadequate inspections of Croydon (2017), Norfolk (2015) and Birmingham (2016)?",
     None, None, None, CHILDRENS, "croydon_2017 norfolk_2015 birmingham_2016"),
    ("What themes are common to the requires improvement inspections of Haringey (2014), Bradford (2014) and Medway (2015)?",
     None, None, None, CHILDRENS, "haringey_2014 bradford_2014 medway_2015"),
]


def themes_items(c: Corpus) -> list[dict]:
    out = []
    for q, area, grade, years, types, files in THEMES:
        if isinstance(files, str):  # named reports of the quick subset
            files = [c.find(p) for p in files.split()]
        else:
            files = sorted(r["file"] for r in graded(c) if r["type"] in types and grade_of(r, area) == grade
                           and (not years or years[0] <= r["year"] <= years[1]))
        gold = [c.gold(f) for f in files] if len(files) <= 5 else []
        out.append({"question": q, "set_files": files, "gold": gold, "answer_keywords": []})
    return out


STRENGTHS = [  # (file-name prefix, polarity asked for); the last two are outside the quick subset
    ("haringey_2014", "weakness"), ("haringey_2023", "strength"), ("haringey_2026", "strength"),
    ("haringey_2018", "weakness"), ("rotherham_2014", "weakness"), ("rotherham_2018", "strength"),
    ("croydon_2017", "weakness"), ("camden_2017", "strength"), ("doncaster_2015", "weakness"),
    ("doncaster_2018", "strength"), ("lambeth_2015", "weakness"), ("birmingham_2016", "weakness"),
    ("norfolk_2015", "weakness"), ("haringey_2024", "strength"),
    ("ofsted-ilacs/barnet_2024-07-23_ilacs.pdf", "strength"), ("ofsted-ilacs/barking-and-dagenham_2023-09-04_ilacs.pdf", "weakness"),
]


def strengths_items(c: Corpus) -> list[dict]:
    out = []
    for i, (f, pol) in enumerate(STRENGTHS):
        r = c.row(f if f.endswith(".pdf") else c.find(f))
        la, when = r["local_authority"], c.when(r)
        if pol == "weakness":
            q = [f"What were the main weaknesses in {la}'s children's services in {when}?",
                 f"What did inspectors criticise in {la}'s {when} inspection?"][i % 2]
        else:
            q = [f"What are {la}'s strengths according to its {when} inspection?",
                 f"What did {la} do well in its {when} inspection?"][i % 2]
        if r["type"] == "area-send":
            q = f"What are the strengths of {la}'s SEND services according to its {r['year']} area SEND inspection?"
        out.append({"question": q, "polarity": pol, "gold": [c.gold(r["file"])], "answer_keywords": []})
    return out


BUILDERS = {"summary": summary_items, "grades": grades_items, "comparison": comparison_items,
            "coverage": coverage_items, "themes": themes_items, "strengths": strengths_items}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "data" / "shapes")
    ap.add_argument("--pages-cache", type=Path, default=None, help="JSON page-text cache (keep it in /tmp)")
    ap.add_argument("--text-cache", type=Path, default=None, help="pdftotext page-text cache directory (in /tmp)")
    ap.add_argument("--regold-coverage", action="store_true",
                    help="only recompute expected_files of the existing coverage items in --out")
    args = ap.parse_args(argv)
    if args.regold_coverage:
        regold_coverage(args.corpus, args.out / "coverage.jsonl", args.text_cache)
        return
    corpus = Corpus(args.corpus, args.pages_cache, args.text_cache)
    args.out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    for kind, build in BUILDERS.items():
        items = []
        for item in build(corpus):
            if item["question"] in seen:  # questions are unique across the whole set
                continue
            seen.add(item["question"])
            items.append({"id": f"{kind}-{len(items) + 1:03d}", "type": kind, **item})
        with open(args.out / f"{kind}.jsonl", "w", encoding="utf-8") as fh:
            for item in items:
                fh.write(json.dumps(item, ensure_ascii=False) + "\n")
        quick = sum(all(f in QUICK for f in item_files(it)) for it in items)
        print(f"{kind}: {len(items)} items ({quick} quick-subset only)")
    if args.pages_cache and corpus.pages.reads:  # keep what was read for the next run
        args.pages_cache.write_text(json.dumps(corpus.pages.cache), encoding="utf-8")


def regold_coverage(root: Path, path: Path, text_cache: Path | None = None) -> list[tuple[str, list[str], list[str]]]:
    """Recompute `expected_files` of every item in coverage.jsonl (same phrase and scope) with
    coverage_files. Ids, questions, scope and key order stay; a gold entry stays unless its
    report is no longer expected or its page no longer mentions the phrase (gold is a sample
    of the expected reports), and none is added. Returns (id, old, new) per item."""
    rows = read_manifest(root)
    pages = IndependentPages(root, text_cache)
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    changes = []
    for item in items:
        scope = item.get("scope") or {}
        new = coverage_files(rows, pages, item["phrase"], scope.get("authorities"), scope.get("report_types"))
        changes.append((item["id"], item["expected_files"], new))
        item["expected_files"] = new
        item["gold"] = [g for g in item["gold"] if g["file"] in new and any(
            independent_mentions(pages(g["file"])[p - 1], item["phrase"]) for p in g["pages"])]
        print(f"{item['id']} {item['phrase']!r}: {len(changes[-1][1])} -> {len(new)} "
              f"(+{len(set(new) - set(changes[-1][1]))} -{len(set(changes[-1][1]) - set(new))})")
    with open(path, "w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    old_n, new_n = sum(len(o) for _, o, _ in changes), sum(len(n) for _, _, n in changes)
    print(f"coverage: {len(items)} items, expected files {old_n} -> {new_n}")
    return changes


def item_files(item: dict) -> set[str]:
    files = {g["file"] for g in item.get("gold", [])} | set(item.get("set_files", []))
    return files | set(item.get("expected_grades_by_file", {}))


if __name__ == "__main__":
    main()
