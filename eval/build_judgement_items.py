"""Generate eval/data/v1/judgement.jsonl from the reports' own judgement tables.

How the set was made (kept as documentation; the published JSONL is immutable):

1. For every children's-services report (ILACS 2018+, SIF 2013-2018, SIF re-inspection,
   LAC 2013, LSCB review) and every area SEND report in ``manifest.csv``, the reference
   page texts (``ingest.read.read_pdf(path).pages[n-1].text``) of the first pages are
   normalised with ``ingest.normalize.for_match`` and searched with the judgement
   patterns below. The first page on which a judgement line appears is the gold page.
2. Each grade found is cross-checked against the manifest ``headline_judgement`` and,
   for ILACS/SIF, against ``metadata/ofsted_csc_ilacs_history.csv`` (matched by local
   authority and publication date). A judgement that disagrees with either source is
   dropped (and reported on stderr).
3. The evidence is the verbatim normalised span from the judgement label to the grade,
   padded forward to at least 12 words (never more than 40).
4. Items are selected deterministically (``random.Random(SEED)``): first one item for
   every (framework, area, grade) combination found, then one item per not-yet-used
   report (areas weighted towards rarer grades), until ``TARGET`` items.
5. Questions are phrased from a varied set of templates (per area) naming the council
   and the inspection (year, or month and year when a council has two graded reports in
   the same year).

Run:  .venv/bin/python eval/build_judgement_items.py [--pages-cache /tmp/pages_cache.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.normalize import for_match  # noqa: E402

SEED = 20240611
TARGET = 120
MIN_WORDS, MAX_WORDS = 12, 40
REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
OUT = REPO / "eval" / "data" / "v1" / "judgement.jsonl"
SEARCH_PAGES = 4  # judgement tables are on the first pages

GRADE = r"(requires improvement to be good|requires improvement|inadequate|good|outstanding|adequate)"

# (area key, regex); the grade is the last group. Matched case-insensitively on for_match text.
ILACS_PATTERNS = [
    ("leaders", r"The impact of leaders on (?:social work )?practice with children and families:? " + GRADE + r"\b"),
    ("help_protection", r"The experiences and progress of children who need help and protection:? " + GRADE + r"\b"),
    ("in_care_and_leavers", r"The experiences and progress of children in care and care leavers:? " + GRADE + r"\b"),
    ("in_care", r"The experiences and progress of children in care:? " + GRADE + r"\b"),
    ("care_leavers", r"The experiences and progress of (?:children )?care leavers:? " + GRADE + r"\b"),
    ("overall", r"Overall effectiveness:? " + GRADE + r"\b"),
]
SIF_PATTERNS = [
    ("overall", r"The overall judgement is (?:that children's services are )?" + GRADE + r"\b"),
    ("overall", r"Children's services in [A-Z][\w ,'&-]{1,60}? (?:are|is|require improvement to be good|requires improvement to be good)\s?" + r"(inadequate|good|outstanding|)\b"),
    ("sif_help_protection", r"1\.? Children who need help and protection:? " + GRADE + r"\b"),
    ("sif_looked_after", r"2\.? Children looked after and achieving permanence:? " + GRADE + r"\b"),
    ("adoption", r"2\.1\.? Adoption performance:? " + GRADE + r"\b"),
    ("sif_care_leavers", r"2\.2\.? Experiences and progress of care leavers:? " + GRADE + r"\b"),
    ("leadership", r"3\.? Leadership, management and governance:? " + GRADE + r"\b"),
    ("lscb", r"The effectiveness of the Local Safeguarding Children Board \(LSCB\) is:? " + GRADE + r"\b"),
    ("lscb", r"The Local Safeguarding Children Board (?:is|requires improvement)\s?(inadequate|good|outstanding|to be good|)\b"),
]
LAC_PATTERNS = [
    ("lac_overall", r"Overall effectiveness of services for looked after children and young people Grade \d \((outstanding|good|adequate|inadequate)\)"),
]
SEND_OUTCOMES = [
    ("positive", r"typically lead to positive experiences and outcomes"),
    ("inconsistent", r"lead to inconsistent experiences and outcomes"),
    ("failings", r"widespread and/or systemic failings"),
]
SEND_KEYWORD = {
    "positive": "positive experiences and outcomes",
    "inconsistent": "inconsistent experiences and outcomes",
    "failings": "widespread and/or systemic failings",
}

AREA_LABEL = {
    "overall": "overall effectiveness",
    "leaders": "impact of leaders",
    "help_protection": "help and protection",
    "in_care": "children in care",
    "in_care_and_leavers": "children in care and care leavers",
    "care_leavers": "care leavers",
    "sif_help_protection": "children who need help and protection",
    "sif_looked_after": "children looked after and achieving permanence",
    "adoption": "adoption performance",
    "sif_care_leavers": "care leavers",
    "leadership": "leadership, management and governance",
    "lscb": "LSCB",
    "lac_overall": "looked after children services",
    "send": "area SEND outcome",
}

TEMPLATES = {
    "overall": [
        "What overall effectiveness grade did Ofsted give {la}'s children's services {when}?",
        "How did Ofsted rate {la} children's services overall {when}?",
        "Was {la}'s {when_short} {kind} judged good, requires improvement or inadequate overall?",
        "What was the headline Ofsted judgement for {la} children's services {when}?",
        "Overall, how were {la}'s services for children rated {when}?",
    ],
    "leaders": [
        "How did inspectors grade the impact of leaders on social work practice in {la} {when}?",
        "What grade did {la} get for leadership (impact of leaders on practice) {when}?",
        "Were {la}'s leaders judged to be having a good impact on social work practice {when}?",
        "Ofsted rating for the impact of leaders in {la}, {when_short} inspection?",
    ],
    "help_protection": [
        "How did Ofsted rate {la}'s help and protection for children {when}?",
        "What grade did children who need help and protection receive in {la} {when}?",
        "In the {when_short} inspection of {la}, how were the experiences and progress of children needing help and protection judged?",
        "Was help and protection in {la} rated good {when}?",
    ],
    "in_care": [
        "What grade did {la} get for children in care {when}?",
        "How were the experiences and progress of children in care in {la} judged {when}?",
        "Ofsted's judgement on {la}'s services for children in care, {when_short} inspection?",
        "How did inspectors rate outcomes for looked-after children in {la} {when}?",
    ],
    "in_care_and_leavers": [
        "How did Ofsted grade {la}'s children in care and care leavers {when}?",
        "What rating did the experiences and progress of children in care and care leavers get in {la} {when}?",
        "In {la}'s {when_short} inspection, what was the judgement for children in care and care leavers?",
    ],
    "care_leavers": [
        "What grade did care leavers get in {la}'s {when_short} inspection?",
        "How did Ofsted rate the experiences and progress of care leavers in {la} {when}?",
        "Were services for care leavers in {la} judged good {when}?",
        "What was the care leavers judgement for {la} {when}?",
    ],
    "sif_help_protection": [
        "Under the single inspection framework, how were children who need help and protection rated in {la} {when}?",
        "What grade did {la}'s {when_short} {kind} give for children who need help and protection?",
        "How did Ofsted judge help and protection in {la} {when}?",
    ],
    "sif_looked_after": [
        "How were children looked after and achieving permanence rated in {la} {when}?",
        "What grade did {la} receive for looked-after children and permanence {when}?",
        "In the {when_short} {kind} of {la}, what was the judgement on children looked after?",
    ],
    "adoption": [
        "How did Ofsted rate adoption performance in {la} {when}?",
        "What was {la}'s adoption performance grade {when}?",
        "Was adoption performance in {la} judged good in the {when_short} {kind}?",
    ],
    "sif_care_leavers": [
        "What grade did {la} get for the experiences and progress of care leavers {when}?",
        "How were care leavers' experiences judged in {la}'s {when_short} {kind}?",
        "Ofsted grade for care leavers in {la}, {when_short}?",
    ],
    "leadership": [
        "How did Ofsted rate leadership, management and governance in {la} {when}?",
        "What was the leadership and management grade for {la} children's services {when}?",
        "In {la}'s {when_short} {kind}, how was leadership, management and governance judged?",
    ],
    "lscb": [
        "How effective was {la}'s Local Safeguarding Children Board judged to be {when}?",
        "What grade did Ofsted give the {la} LSCB {when}?",
        "Was the local safeguarding children board in {la} rated good {when}?",
    ],
    "lac_overall": [
        "How did Ofsted rate the overall effectiveness of {la}'s looked after children services {when}?",
        "What was the overall judgement of the {when_short} inspection of looked after children services in {la}?",
    ],
    "send": [
        "What was the outcome of the area SEND inspection of {la} {when}?",
        "How did Ofsted and CQC judge the {la} local area partnership's SEND arrangements {when}?",
        "Did the {when_short} area SEND inspection of {la} find positive, inconsistent or failing arrangements?",
        "What did the joint area SEND inspection conclude about {la} {when}?",
    ],
}

KIND = {
    "ilacs": "ILACS inspection",
    "sif": "SIF inspection",
    "sif-reinspection": "re-inspection",
    "lac-2013": "looked after children inspection",
    "lscb-review": "LSCB review",
    "area-send": "area SEND inspection",
}
VALID_GRADES = {"outstanding", "good", "requires improvement", "inadequate", "adequate"}
MONTHS = "January February March April May June July August September October November December".split()


def canon_grade(g: str) -> str:
    g = g.lower().strip()
    return "requires improvement" if g.startswith("requires improvement") else g


def load_pages(cache_path: str | None):
    cache = {}
    if cache_path and Path(cache_path).exists():
        cache = json.loads(Path(cache_path).read_text(encoding="utf-8"))

    def get(rel: str) -> list[str]:
        if rel not in cache:
            from ingest.read import read_pdf

            cache[rel] = [p.text for p in read_pdf(CORPUS / rel).pages]
        return cache[rel]

    return get


def evidence_span(text: str, start: int, end: int) -> str:
    """Verbatim span of ``text`` (already for_match) from start to end, padded to MIN_WORDS."""
    span = text[start:end]
    while len(span.split()) < MIN_WORDS and end < len(text):
        nxt = text.find(" ", end + 1)
        end = len(text) if nxt == -1 else nxt
        span = text[start:end]
    while len(span.split()) < MIN_WORDS and start > 0:
        prv = text.rfind(" ", 0, start - 1)
        start = 0 if prv == -1 else prv + 1
        span = text[start:end]
    words = span.split()
    if len(words) > MAX_WORDS:
        span = " ".join(words[:MAX_WORDS])
    return span.strip()


def find_judgements(report_type: str, pages: list[str]) -> list[dict]:
    if report_type == "ilacs":
        patterns = ILACS_PATTERNS
    elif report_type in ("sif", "sif-reinspection", "lscb-review"):
        patterns = SIF_PATTERNS
    elif report_type == "lac-2013":
        patterns = LAC_PATTERNS
    else:
        patterns = []
    found: dict[str, dict] = {}
    limit = 8 if report_type == "lac-2013" else SEARCH_PAGES
    for pno, raw in enumerate(pages[:limit], 1):
        text = for_match(raw)
        if report_type == "area-send":
            for key, pat in SEND_OUTCOMES:
                m = re.search(pat, text, re.I)
                if m and "send" not in found:
                    # start the evidence at the beginning of the outcome sentence
                    s = text.rfind(". ", 0, m.start())
                    s = text.find("The local area", s if s >= 0 else 0, m.start())
                    if s < 0 or m.start() - s > 200:
                        s = m.start()
                    found["send"] = {"area": "send", "grade": key, "page": pno,
                                     "evidence": evidence_span(text, s, m.end()),
                                     "keyword": SEND_KEYWORD[key]}
            continue
        for key, pat in patterns:
            if key in found:
                continue
            m = re.search(pat, text, re.I)
            if not m:
                continue
            grade_txt = m.group(m.lastindex) if m.lastindex else ""
            whole = m.group(0).lower()
            if key in ("overall", "lscb") and not grade_txt.strip():
                if "require improvement" in whole or "requires improvement" in whole:
                    grade_txt = "requires improvement"
                else:
                    continue
            if grade_txt.lower() == "to be good":
                grade_txt = "requires improvement"
            grade = canon_grade(grade_txt)
            if grade == "adequate" and report_type != "lac-2013":
                continue
            found[key] = {"area": key, "grade": grade, "page": pno,
                          "evidence": evidence_span(text, m.start(), m.end()),
                          "keyword": grade}
    return list(found.values())


def manifest_grades(row: dict) -> dict[str, str]:
    """Grades stated by the manifest headline_judgement (best effort, used as a check)."""
    h = row["headline_judgement"]
    out: dict[str, str] = {}
    if row["report_type"] == "ilacs":
        for part in h.split(";"):
            if "=" in part:
                k, v = part.split("=", 1)
                out[k.strip()] = canon_grade(v)
        return out
    low = for_match(h).lower()
    for g in ("requires improvement", "require improvement", "inadequate", "outstanding", "good", "adequate"):
        if re.search(r"\b" + g + r"\b", low):
            out["overall"] = "requires improvement" if g.startswith("requir") else g
            break
    return out


MANIFEST_KEY = {"overall": "overall_effectiveness", "leaders": "impact_of_leaders",
                "help_protection": "help_and_protection", "in_care": "in_care",
                "in_care_and_leavers": "in_care", "care_leavers": "care_leavers"}
HISTORY_KEY = {"overall": "overall_effectiveness_grade", "leaders": "impact_of_leaders_grade",
               "help_protection": "help_and_protection_grade", "in_care": "in_care_grade",
               "in_care_and_leavers": "in_care_grade", "care_leavers": "care_leavers_grade"}


def load_history() -> dict[tuple[str, str], dict]:
    hist = {}
    with open(CORPUS / "metadata" / "ofsted_csc_ilacs_history.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            m = re.search(r"(\d{2}) (\w+) (\d{4})", r["pdf_filename"])
            if not m:
                continue
            d = date(int(m.group(3)), MONTHS.index(m.group(2).capitalize()) + 1, int(m.group(1)))
            hist[(r["local_authority"].lower().replace("&", "and").replace(",", ""), d.isoformat())] = r
    return hist


def la_name(row: dict) -> str:
    name = row["local_authority"]
    return re.sub(r"\b(With|And|Of|Upon|On|The)\b", lambda m: m.group(1).lower(), name).replace(" & ", " and ")


def inspection_year_month(row: dict) -> tuple[int, str]:
    """(year, 'Month YYYY') of the end of the inspection, from the manifest's inspection_dates."""
    txt = row["inspection_dates"]
    years = re.findall(r"(20\d\d)", txt)
    months = [m for m in re.findall(r"[A-Z][a-z]+", txt) if m[:3] in [x[:3] for x in MONTHS]]
    year = int(years[-1]) if years else int(row["publication_date"][:4])
    month = next((x for x in MONTHS if months and x[:3] == months[-1][:3]), None)
    return year, (f"{month} {year}" if month else str(year))


def build(cache_path: str | None) -> list[dict]:
    get = load_pages(cache_path)
    rows = list(csv.DictReader(open(CORPUS / "manifest.csv", encoding="utf-8")))
    history = load_history()
    graded_types = set(KIND)
    rows = [r for r in rows if r["report_type"] in graded_types]

    # which (la, year) pairs are ambiguous, and which report is a council's latest
    per_la_year = Counter()
    latest: dict[str, str] = {}
    for r in rows:
        if r["report_type"] == "area-send":
            continue
        y, _ = inspection_year_month(r)
        per_la_year[(r["local_authority"], y)] += 1
        if r["publication_date"] > latest.get(r["local_authority"], ""):
            latest[r["local_authority"]] = r["publication_date"]

    candidates = []  # (row, judgement)
    for r in rows:
        pages = get(r["file"])
        js = find_judgements(r["report_type"], pages)
        mg = manifest_grades(r)
        hkey = (r["local_authority"].lower().replace("&", "and").replace(",", ""), r["publication_date"])
        hrow = history.get(hkey)
        for j in js:
            if j["area"] == "send":
                outcome = for_match(r["headline_judgement"]).lower()
                if outcome and SEND_KEYWORD[j["grade"]].lower() not in outcome:
                    print(f"drop {r['file']} send: manifest says {outcome[:60]!r}", file=sys.stderr)
                    continue
            else:
                refs = {}
                if r["report_type"] == "ilacs":
                    refs["manifest"] = mg.get(MANIFEST_KEY[j["area"]], "")
                    refs["history"] = canon_grade(hrow[HISTORY_KEY[j["area"]]]) if hrow else ""
                elif j["area"] in ("overall", "lac_overall"):
                    refs["manifest"] = mg.get("overall", "")
                    refs["history"] = canon_grade(hrow["overall_effectiveness_grade"]) if hrow else ""
                refs = {k: v for k, v in refs.items() if v in VALID_GRADES}
                if refs and j["grade"] not in refs.values():
                    print(f"drop {r['file']} {j['area']}: text {j['grade']} vs {refs}", file=sys.stderr)
                    continue
                if any(v != j["grade"] for v in refs.values()):
                    print(f"keep {r['file']} {j['area']}: text {j['grade']} (agrees with one source) vs {refs}",
                          file=sys.stderr)
            candidates.append((r, j))

    rng = random.Random(SEED)
    rng.shuffle(candidates)
    fw = lambda r: "send" if r["report_type"] == "area-send" else r["report_type"]  # noqa: E731
    grade_freq = Counter(j["grade"] for _, j in candidates)
    chosen, used_reports, used_keys = [], set(), set()
    # pass 1: every (framework, area, grade) combination once
    for r, j in sorted(candidates, key=lambda c: (c[0]["file"], c[1]["area"])):
        combo = (fw(r), j["area"], j["grade"])
        if combo in used_keys or r["file"] in used_reports:
            continue
        used_keys.add(combo)
        used_reports.add(r["file"])
        chosen.append((r, j))
    # pass 2: one item per unused report, areas weighted towards rarer grades
    by_report = defaultdict(list)
    for r, j in candidates:
        by_report[r["file"]].append((r, j))
    files = sorted(by_report)
    rng.shuffle(files)
    for f in files:
        if len(chosen) >= TARGET:
            break
        if f in used_reports:
            continue
        opts = sorted(by_report[f], key=lambda c: c[1]["area"])
        weights = [1.0 / grade_freq[j["grade"]] for _, j in opts]
        chosen.append(rng.choices(opts, weights=weights, k=1)[0])
        used_reports.add(f)

    items = []
    chosen.sort(key=lambda c: (c[0]["file"], c[1]["area"]))
    for n, (r, j) in enumerate(chosen, 1):
        la = la_name(r)
        year, month_year = inspection_year_month(r)
        is_latest = r["report_type"] != "area-send" and latest.get(r["local_authority"]) == r["publication_date"]
        ambiguous = per_la_year[(r["local_authority"], year)] > 1
        pub_year = int(r["publication_date"][:4])
        when_short = month_year if ambiguous else str(year)
        if r["report_type"] == "area-send":
            styles = [f"in {year}", f"in {month_year}"]
        elif pub_year != year:  # e.g. inspected in November 2017, published in January 2018
            when_short = month_year
            styles = [f"in the inspection carried out in {month_year}", f"in {month_year}"]
        else:
            styles = [f"in {when_short}", f"in its {when_short} inspection", f"at the {when_short} inspection"]
        if is_latest and not ambiguous:
            styles.append("in its most recent inspection")
        when = rng.choice(styles)
        if when == "in its most recent inspection":
            when_short = "most recent"
        template = rng.choice(TEMPLATES[j["area"]])
        q = template.format(la=la, when=when, when_short=when_short, kind=KIND[r["report_type"]])
        q = q[0].upper() + q[1:]
        items.append({
            "id": f"judgement-{n:03d}",
            "type": "judgement",
            "question": q,
            "gold": [{"file": r["file"], "pages": [j["page"]], "evidence": j["evidence"]}],
            "answer_keywords": [j["keyword"]],
        })
    return items


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages-cache", default="/tmp/pages_cache.json")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    items = build(args.pages_cache)
    print(f"{len(items)} items, {len({it['gold'][0]['file'] for it in items})} reports; "
          f"grades {Counter(it['answer_keywords'][0] for it in items)}", file=sys.stderr)
    if not args.dry_run:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as fh:
            for it in items:
                fh.write(json.dumps(it, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
