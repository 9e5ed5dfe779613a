"""What a report is, read from its cleaned text: authority, type, dates, lead inspector,
judgements (see ``ingest.judgements``) and the recommendations it makes.

Everything is taken from the page text produced by ``ingest.read.read_pdf``; the file
name (``<authority>_<yyyy-mm-dd>_<type>.pdf``) is used only when the text says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import PurePosixPath

from ingest.core.types import ReportMeta
from ingest.judgements import extract_judgements

REPORT_TYPES = ("ilacs", "sif", "sif-reinspection", "focused-visit", "jtai", "area-send", "lac", "lscb", "school", "other")
# File-name type suffixes that differ from our report_type values.
_FILE_TYPES = {"lac-2013": "lac", "lscb-review": "lscb"}

# English local authorities with children's services (2013-2026, including ones since
# merged or split). Canonical spelling; matching ignores case, punctuation and "&"/"and".
LOCAL_AUTHORITIES = """
Barking and Dagenham|Barnet|Bexley|Brent|Bromley|Camden|City of London|Croydon|Ealing|Enfield|Greenwich|
Hackney|Hammersmith and Fulham|Haringey|Harrow|Havering|Hillingdon|Hounslow|Islington|Kensington and Chelsea|
Kingston upon Thames|Lambeth|Lewisham|Merton|Newham|Redbridge|Richmond upon Thames|Southwark|Sutton|
Tower Hamlets|Waltham Forest|Wandsworth|Westminster|Barnsley|Birmingham|Bolton|Bradford|Bury|Calderdale|
Coventry|Doncaster|Dudley|Gateshead|Kirklees|Knowsley|Leeds|Liverpool|Manchester|Newcastle upon Tyne|
North Tyneside|Oldham|Rochdale|Rotherham|Salford|Sandwell|Sefton|Sheffield|Solihull|South Tyneside|St Helens|
Stockport|Sunderland|Tameside|Trafford|Wakefield|Walsall|Wigan|Wirral|Wolverhampton|Cambridgeshire|Derbyshire|
Devon|East Sussex|Essex|Gloucestershire|Hampshire|Hertfordshire|Kent|Lancashire|Leicestershire|Lincolnshire|
Norfolk|Nottinghamshire|Oxfordshire|Staffordshire|Suffolk|Surrey|Warwickshire|West Sussex|Worcestershire|
Cumbria|Northamptonshire|Bath and North East Somerset|Bedford|Blackburn with Darwen|Blackpool|
Bournemouth, Christchurch and Poole|Bournemouth|Poole|Bracknell Forest|Brighton and Hove|Bristol|Buckinghamshire|
Central Bedfordshire|Cheshire East|Cheshire West and Chester|Cornwall|Cumberland|Darlington|Derby|Dorset|Durham|
East Riding of Yorkshire|Halton|Hartlepool|Herefordshire|Isle of Wight|Isles of Scilly|Kingston upon Hull|
Leicester|Luton|Medway|Middlesbrough|Milton Keynes|North East Lincolnshire|North Lincolnshire|
North Northamptonshire|North Somerset|North Yorkshire|Northumberland|Nottingham|Peterborough|Plymouth|Portsmouth|
Reading|Redcar and Cleveland|Rutland|Shropshire|Slough|Somerset|South Gloucestershire|Southampton|
Southend-on-Sea|Stockton-on-Tees|Stoke-on-Trent|Swindon|Telford and Wrekin|Thurrock|Torbay|Warrington|
West Berkshire|West Northamptonshire|Westmorland and Furness|Wiltshire|Windsor and Maidenhead|Wokingham|York
"""
AUTHORITY_ALIASES = {
    "East Riding": "East Riding of Yorkshire",
    "Hull": "Kingston upon Hull",
    "London Corporation": "City of London",
    "Corporation of London": "City of London",
    "Southend": "Southend-on-Sea",
}

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"])}
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_RANGE_RE = re.compile(
    rf"\b(?P<d1>{_DAY})(?:\s+(?:of\s+)?(?P<m1>{_MONTH}))?(?:\s+(?P<y1>\d{{4}}))?"
    rf"\s*(?:-|to|and|until|till)\s*(?:the\s+)?(?P<d2>{_DAY})(?:\s+of)?\s+(?P<m2>{_MONTH})\s+(?P<y2>\d{{4}})\b",
    re.I,
)
_DATE_RE = re.compile(rf"\b(?P<d>{_DAY})(?:\s+of)?\s+(?P<m>{_MONTH})\s+(?P<y>\d{{4}})\b", re.I)


def _norm(text: str) -> str:
    text = text.lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_LA_BY_KEY = {_norm(n): n.strip() for n in LOCAL_AUTHORITIES.replace("\n", "").split("|") if n.strip()}
_LA_BY_KEY.update({_norm(a): c for a, c in AUTHORITY_ALIASES.items()})
_LA_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _LA_BY_KEY), key=len, reverse=True)) + r")\b")


def find_authority(text: str) -> str | None:
    """The earliest local-authority name in a piece of text (longest at that position)."""
    m = _LA_RE.search(_norm(text))
    return _LA_BY_KEY[m.group(1)] if m else None


def _month(name: str) -> int:
    name = name.lower()[:3]
    return next(i for m, i in _MONTHS.items() if m.startswith(name))


def _mkdate(d: str, m: str, y: str) -> date | None:
    try:
        digits = re.match(r"\d+", d)
        return date(int(y), _month(m), int(digits.group())) if digits else None
    except (ValueError, StopIteration, AttributeError):
        return None


def parse_date(text: str) -> date | None:
    """First 'd Month yyyy' in the text."""
    m = _DATE_RE.search(text or "")
    return _mkdate(m["d"], m["m"], m["y"]) if m else None


def parse_date_range(text: str) -> tuple[date | None, date | None]:
    """'13 to 24 February 2023', '16 September - 8 October 2014', '5 and 6 October 2021',
    '12 September 2016 to 6 October 2016' -> (start, end); a single date gives (d, d)."""
    text = re.sub(r"\s+", " ", text or "")
    r = _RANGE_RE.search(text)
    single = _DATE_RE.search(text)
    if r and (not single or r.start() <= single.start()):
        end = _mkdate(r["d2"], r["m2"], r["y2"])
        m1 = r["m1"] or r["m2"]
        y1 = r["y1"] or str(end.year if end else r["y2"])
        start = _mkdate(r["d1"], m1, y1)
        if start and end and start > end and not r["y1"]:  # '28 December - 3 January 2015'
            start = _mkdate(r["d1"], m1, str(end.year - 1))
        return start, end
    if single:
        d = _mkdate(single["d"], single["m"], single["y"])
        return d, d
    return None, None


def detect_report_type(texts: Sequence[str], rel_path: str = "") -> str:
    head = texts[0][:1500] if texts else ""
    if re.search(r"area\s+SEND\s+inspection|local\s+area\s+partnership\s+report", head, re.I):
        return "area-send"
    if re.search(r"(?im)^focused\s+visit\s+to\b", "\n".join(texts[:1])):
        return "focused-visit"
    if re.search(r"^[^\n]{0,40}joint\s+targeted\s+area\s+inspection", head[:300], re.I):
        return "jtai"
    if re.search(r"(?im)^school\s+report\b|\bURN\b", head):
        return "school"
    if re.search(r"inspection\s+of\s+looked\s+after\s+children", head, re.I):
        return "lac"
    if re.search(r"re-?inspection\s+of\s+services\s+for\s+children", head, re.I):
        return "sif-reinspection"
    if re.search(r"inspection\s+of\s+services\s+for\s+children\s+in\s+need", head, re.I):
        return "sif"
    if re.search(r"review\s+of\s+the\s+effectiveness\s+of\s+the\s+local\s+safeguarding", head, re.I):
        return "lscb"
    if re.search(r"children.s\s+(social\s+care\s+)?services|children\s+and\s+families\s+trust", head, re.I):
        return "ilacs"
    suffix = PurePosixPath(rel_path).stem.rsplit("_", 1)[-1] if "_" in rel_path else ""
    suffix = _FILE_TYPES.get(suffix, suffix)
    return suffix if suffix in REPORT_TYPES else "other"


def _authority_region(texts: Sequence[str], report_type: str) -> str:
    first = texts[0] if texts else ""
    if report_type == "focused-visit":
        m = re.search(r"(?im)^focused\s+visit\s+to\b", first)
        return first[m.start() : m.start() + 500] if m else first[:800]
    return first[:300]


def _school_name(texts: Sequence[str]) -> str:
    for line in texts[0].split("\n")[:6] if texts else []:
        if re.search(r"\b(school|academy|college)\b", line, re.I) and not re.match(r"school report$", line, re.I):
            return line.strip()
    return ""


def _authority(texts: Sequence[str], report_type: str, rel_path: str) -> str:
    if report_type == "school":
        name = _school_name(texts)
        if name:
            return name
    found = find_authority(_authority_region(texts, report_type))
    if found:
        return found
    slug = PurePosixPath(rel_path).name.split("_", 1)[0]
    return find_authority(slug.replace("-", " ")) or slug.replace("-", " ").title()


def _inspection_dates(texts: Sequence[str], report_type: str) -> tuple[date | None, date | None]:
    first = "\n".join(texts[:2])
    m = re.search(r"(?im)^inspection\s+dates?:?\s*(.*\n?.*)", first)
    if m:
        start, end = parse_date_range(m.group(1))
        if start:
            return start, end
    if report_type == "focused-visit":
        text = "\n".join(texts[:2])
        for rx in (r"(?:focused\s+)?visit\b[^.]{0,200}?\b(?:on|between|from)\s+(?:the\s+)?", r"visit\s+(?:took\s+place|was\s+carried\s+out)[^.]{0,80}?\b"):
            m = re.search(rx, text, re.I)
            if m:
                start, end = parse_date_range(text[m.end() : m.end() + 60])
                if start:
                    return start, end
    return None, None


def _published(texts: Sequence[str], rel_path: str) -> date | None:
    m = re.search(r"(?im)^(?:report\s+)?published:?\s*(.{0,40})", "\n".join(texts[:2]))
    if m and parse_date(m.group(1)):
        return parse_date(m.group(1))
    fm = re.search(r"_(\d{4})-(\d{2})-(\d{2})_", PurePosixPath(rel_path).name)
    return date(int(fm[1]), int(fm[2]), int(fm[3])) if fm else None


_NAME = r"((?:(?:Mr|Mrs|Ms|Miss|Dr)\.?[ \t]+)?[A-Z][\w'.\u00c0-\u017f-]*(?:[ \t]+[A-Z][\w'.\u00c0-\u017f-]*){1,3})"


def _clean_name(name: str) -> str:
    name = re.sub(r"^(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+", "", name.strip())
    name = re.sub(r"[,\s]+(?:Senior\s+)?(?:HMI|Her|His|Ofsted|Social Care Regulatory Inspector)\b.*$", "", name)
    return name.strip(" ,")


def _lead_inspector(texts: Sequence[str], report_type: str) -> str:
    full = "\n".join(texts)
    if report_type == "area-send":
        i = full.find("Inspection team")
        block = full[i:i + 700] if i >= 0 else ""
        block = re.sub(r"\s+", " ", block[block.find("Commission") + 10 :] if "Commission" in block else block)
        role_word = r"(?:HMI|Ofsted|CQC|[Ll]ead|[Ii]nspector|\(social care\))"
        ofsted = cqc = ""
        for m in re.finditer(rf"{_NAME}(?:\s+HMI)?,(?P<role>(?:[\s,]+{role_word})+)", block):
            role = m["role"].lower()
            if "lead" not in role:
                continue
            if "cqc" in role:
                cqc = cqc or _clean_name(m.group(1))
            else:
                ofsted = ofsted or _clean_name(m.group(1))
        if ofsted and cqc:
            return f"{ofsted} (Ofsted); {cqc} (CQC)"
        return ofsted or cqc
    patterns = [
        rf"(?m)^[Ll]ead\s+[Ii]nspector:?\s+{_NAME}",
        rf"(?m)^[Rr]eporting\s+[Ii]nspector:?\s+{_NAME}",
        rf"(?m)^{_NAME},?\s+lead\s+inspector",
        rf"(?im)Yours\s+sincerely\s*\n\s*{_NAME}\s*(?:\n|$)",
        rf"(?i)inspectors?\s+(?:for\s+this\s+visit\s+)?were\s+(?:Her|His)\s+Majesty.s\s+Inspectors?\s+{_NAME}",
        rf"(?i)(?:inspectors\s+(?:for\s+this\s+visit\s+)?were|carried\s+out\s+by\s+(?:Her|His)\s+Majesty.s\s+Inspectors)\s+{_NAME}",
    ]
    for p in patterns:
        if found := re.search(p, full):
            return _clean_name(found.group(1))
    return ""


def _inspectorates(texts: Sequence[str], report_type: str) -> list[str]:
    full = "\n".join([*texts[:3], *texts[-3:]])
    found = ["Ofsted"]
    if re.search(r"Care\s+Quality\s+Commission|\bCQC\b", full):
        found.append("CQC")
    if re.search(r"HMICFRS|Inspectorate\s+of\s+Constabulary", full):
        found.append("HMICFRS")
    if re.search(r"Inspectorate\s+of\s+Probation", full):
        found.append("HMI Probation")
    if report_type not in ("area-send", "jtai"):
        return ["Ofsted"]
    return found


def _title(texts: Sequence[str], report_type: str) -> str:
    first = texts[0] if texts else ""
    if report_type == "focused-visit":
        m = re.search(r"(?im)^focused\s+visit\s+to\b.*", first)
        return m.group(0).strip() if m else "Focused visit"
    lines = []
    for line in first.split("\n")[:8]:
        if re.match(r"(?i)(inspection\s+dates?|dates?\s+of|report\s+published|lead\s+inspector)", line):
            break
        if _RANGE_RE.fullmatch(line.strip()) or re.fullmatch(r"\s*(school|local area partnership) report\s*", line, re.I):
            continue
        lines.append(line.strip())
    return re.sub(r"(?<=[a-z])\d\b", "", " ".join(lines)).strip()


def extract_report_meta(pages, rel_path: str, report_id: str) -> ReportMeta:
    """ReportMeta from cleaned pages (``ingest.read.Page`` objects or plain strings)."""
    texts = [p if isinstance(p, str) else p.text for p in pages]
    rtype = detect_report_type(texts, rel_path)
    start, end = _inspection_dates(texts, rtype)
    return ReportMeta(
        report_id=report_id,
        file=rel_path,
        authority=_authority(texts, rtype, rel_path),
        report_type=rtype,
        inspectorates=_inspectorates(texts, rtype),
        inspection_start=start,
        inspection_end=end,
        published=_published(texts, rel_path),
        lead_inspector=_lead_inspector(texts, rtype),
        judgements=extract_judgements(texts, rtype),
        pages=len(texts),
        title=_title(texts, rtype),
    )


# --- recommendations -------------------------------------------------------------------

_REC_HEADING = re.compile(
    r"(?i)^(what\s+needs\s+to\s+improve\b.*|what\s+does\s+the\s+(local\s+authority|lscb|school)\s+need\s+to\s+(do\s+to\s+)?improve.*"
    r"|recommendations|areas\s+for\s+(priority\s+action|improvement)|priority\s+and\s+immediate\s+action)\??\d*$"
)
_SUBHEADING = re.compile(r"(?i)^(areas\s+for\s+(priority\s+action|improvement)|priority\s+and\s+immediate\s+action|immediately|within\s+\w+\s+months|responsible\s+body.*)\s*:?$")
_STOP = re.compile(
    r"(?i)^(the\s+experiences\s+and\s+progress\s+of|the\s+impact\s+of\s+leaders|summary\s+for\s+children|information\s+about|"
    r"inspection\s+(judgements?|findings|team)|local\s+area\s+partnership\s+details|main\s+findings|section\s+\d|"
    r"summary\s+of\s+(key\s+)?findings|executive\s+summary|yours\s+sincerely|ofsted\s+will|the\s+local\s+safeguarding|"
    r"full\s+report|what\s+the\s+inspection|how\s+can\s+|the\s+effectiveness\s+of|key\s+strengths|findings\b|"
    r"outcomes\s+for\s+(looked|children|pupils)|quality\s+of\s+provision|leadership\s+and\s+management|"
    r"capacity\s+to\s+improve|overall\s+effectiveness|grade\s+\d|areas?\s+of\s+strength|strengths\b)"
)
_ITEM = re.compile(r"^(?:•|\d{1,3}\.\s|-\s)\s*")


def _prose(line: str) -> bool:
    """A line of running text (not a name, table header or title)."""
    words = line.split()
    return len(words) >= 6 and sum(w[:1].islower() for w in words) >= len(words) / 2


def extract_recommendations(pages) -> list[tuple[str, int]]:
    """(item text, 1-based page) for each improvement item the report lists.

    Items are bullets or numbered paragraphs after a heading such as "What needs to
    improve?" (ILACS, focused visits), "What does the local authority/LSCB need to
    improve?" or "Recommendations" (SIF), "Areas for improvement" (LAC 2013, area SEND,
    where items are plain paragraphs) or "What does the school need to do to improve
    further?". A block ends at a known section heading or a heading-like line.
    """
    texts = [p if isinstance(p, str) else p.text for p in pages]
    lines = [(i + 1, ln.strip()) for i, t in enumerate(texts) for ln in t.split("\n") if ln.strip()]
    width = max((len(ln) for _, ln in lines), default=80)
    items: list[dict] = []
    in_block = False
    block_kinds: list[str] = []  # number | bullet | para, in the order the block's items came
    cur: dict | None = None
    for page, line in lines:
        if _REC_HEADING.match(line) and not re.search(r"\s\d{1,3}$", line):  # not a contents line
            in_block, cur, block_kinds = True, None, []
            continue
        if not in_block:
            continue
        if (_STOP.match(line) and line[:1].isupper() and not line.endswith(".")) or len(block_kinds) > 40:
            in_block, cur = False, None
            continue
        if _SUBHEADING.match(line):
            cur = None
            continue
        bullet = _ITEM.match(line)
        if bullet and line.startswith("- ") and cur is not None:
            cur["lines"].append(line)  # a sub-point belongs to the item it details
            continue
        if bullet:
            kind = "number" if line[:1].isdigit() else "bullet"
            if block_kinds.count(block_kinds[-1] if block_kinds else kind) >= 2 and kind != block_kinds[-1]:
                in_block, cur = False, None  # e.g. numbered findings after a bulleted list
                continue
            block_kinds.append(kind)
            cur = {"lines": [line[bullet.end():]], "page": page, "para": False}
            items.append(cur)
            continue
        if cur is None:
            if line[:1].isupper() and _prose(line):
                cur = {"lines": [line], "page": page, "para": True}
                items.append(cur)
                block_kinds.append("para")
            continue
        last = cur["lines"][-1]
        joined = " ".join(cur["lines"])
        if joined.count("(") > joined.count(")"):  # '(outcome 1, national' + 'framework)'
            cur["lines"].append(line)
            continue
        ended = bool(re.search(r"[.;!?)]$", last))
        heading_like = len(line) < 0.75 * width and line[:1].isupper() and not re.search(r"[.;:,]$", line)
        if cur["para"]:
            if ended and heading_like and not _prose(line):
                cur = None  # e.g. the responsible-body column of an area SEND table
            elif ended and len(last) < 0.75 * width and line[:1].isupper():
                cur = {"lines": [line], "page": page, "para": True}  # a short line ended the paragraph
                items.append(cur)
                block_kinds.append("para")
            else:
                cur["lines"].append(line)
            continue
        if heading_like and (ended or len(line.split()) <= 4 and len(line) < 40):
            in_block, cur = False, None
            continue
        cur["lines"].append(line)
    out, seen = [], set()
    for it in items:
        text = re.sub(r"\s+", " ", " ".join(it["lines"])).strip()
        intro = text.endswith(":") or re.search(r"(?i)should\s+take\s+the\s+following\s+action", text)
        if text and not intro and text not in seen:
            seen.add(text)
            out.append((text, it["page"]))
    return out
