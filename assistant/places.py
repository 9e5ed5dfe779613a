"""Place names: how users name indexed authorities, and councils we know are not indexed.

The second list lets the assistant say "not in the indexed reports" for a council it has
never seen, instead of answering about whichever council the words happen to match.
"""

from __future__ import annotations

import re

# Informal names users type for authorities whose formal names differ.
ALIASES = {
    "bath and north east somerset": ["banes", "b&nes", "bath", "bath and ne somerset"],
    "barking and dagenham": ["barking"],
    "bournemouth, christchurch and poole": ["bcp", "bournemouth", "poole", "christchurch"],
    "brighton and hove": ["brighton"],
    "kingston upon hull": ["hull", "hull city"],
    "kingston upon thames": ["kingston"],
    "richmond upon thames": ["richmond"],
    "southend-on-sea": ["southend"],
    "stoke-on-trent": ["stoke"],
    "redcar and cleveland": ["redcar"],
    "telford and wrekin": ["telford"],
    "windsor and maidenhead": ["windsor", "rbwm", "royal borough of windsor and maidenhead"],
    "hammersmith and fulham": ["hammersmith", "lbhf"],
    "kensington and chelsea": ["kensington", "rbkc"],
    "newcastle upon tyne": ["newcastle"],
    "county durham": ["durham"],
    "durham": ["county durham"],
    "herefordshire": ["county of herefordshire"],
    "bristol": ["city of bristol", "bristol city"],
    "bristol, city of": ["bristol", "city of bristol"],
    "st helens": ["st. helens", "saint helens"],
    "east riding of yorkshire": ["east riding", "east yorkshire"],
    "isle of wight": ["iow", "the island"],
    "cheshire west and chester": ["cheshire west", "chester"],
    "north east lincolnshire": ["ne lincolnshire", "nel"],
    "blackburn with darwen": ["blackburn"],
    "leicester": ["leicester city"],
    "nottingham": ["nottingham city"],
    "westmorland and furness": ["westmorland"],
    "cumberland": [],
    # the counties' usual short forms, and the cities' nicknames
    "hertfordshire": ["herts"], "hampshire": ["hants"], "nottinghamshire": ["notts"], "warwickshire": ["warks"],
    "oxfordshire": ["oxon"], "gloucestershire": ["glos"], "cambridgeshire": ["cambs"], "lancashire": ["lancs"],
    "leicestershire": ["leics"], "lincolnshire": ["lincs"], "worcestershire": ["worcs"], "wiltshire": ["wilts"],
    "north yorkshire": ["north yorks", "n yorks"], "west berkshire": ["west berks"], "milton keynes": ["mk"],
    "birmingham": ["brum"],
}

# Words that are also ordinary English words: matched only when capitalised.
COMMON_WORDS = {"reading", "bury", "halton", "sutton", "wrekin"}

# Councils and places that are not English children's-services authorities in this corpus
# (Wales, Scotland, Northern Ireland, abolished English councils, and big cities abroad).
NOT_INDEXED = [
    # Wales
    "Anglesey", "Isle of Anglesey", "Blaenau Gwent", "Bridgend", "Caerphilly", "Cardiff", "Carmarthenshire",
    "Ceredigion", "Conwy", "Denbighshire", "Flintshire", "Gwynedd", "Merthyr Tydfil", "Monmouthshire",
    "Neath Port Talbot", "Newport", "Pembrokeshire", "Powys", "Rhondda Cynon Taf", "Swansea", "Torfaen",
    "Vale of Glamorgan", "Wrexham",
    # Scotland
    "Aberdeen", "Aberdeenshire", "Angus", "Argyll and Bute", "Clackmannanshire", "Dumfries and Galloway",
    "Dundee", "East Ayrshire", "East Dunbartonshire", "East Lothian", "East Renfrewshire", "Edinburgh",
    "Falkirk", "Fife", "Glasgow", "Highland", "Inverclyde", "Midlothian", "Moray", "North Ayrshire",
    "North Lanarkshire", "Orkney", "Perth and Kinross", "Renfrewshire", "Scottish Borders", "Shetland",
    "South Ayrshire", "South Lanarkshire", "Stirling", "West Dunbartonshire", "West Lothian",
    "Western Isles", "Inverness",
    # Northern Ireland
    "Belfast", "Derry", "Londonderry", "Lisburn", "Newry", "Armagh", "Antrim", "Fermanagh", "Omagh",
    "Causeway Coast", "Mid Ulster", "Ards",
    # Crown dependencies and former English councils
    "Jersey", "Guernsey", "Isle of Man", "Northamptonshire", "Cumbria", "Allerdale", "Carlisle",
    "Bournemouth Borough", "Poole Borough", "Christchurch Borough",
    # Elsewhere
    "Dublin", "Cork", "Paris", "New York",
]

# Out of scope means the thing being RATED is not in the corpus, never that a word appears:
# "How do councils work with hospitals?" is answered by many reports; "How was Great Ormond
# Street Hospital rated?" is not. Two readings count as being rated:
#   - another inspectorate is the one asking or rating (and Ofsted is not named with it);
#   - a named body of another kind (a capitalised name before Hospital, Police, Prison...,
#     or "HMP X") beside a rating word.
OTHER_INSPECTORATE = re.compile(
    r"\b(cqc|care quality commission|hmicfrs|peel (grade|inspection|assessment|rating)s?|"
    r"hm inspectorate of (prisons|probation|constabulary)|hmi (prisons|probation)|"
    r"care inspectorate( wales)?|estyn)\b",
    re.I,
)
# Ofsted named, or an inspection Ofsted makes with others (area SEND with the CQC, joint
# targeted area inspections): then another inspectorate beside it is no reason to refuse.
_OFSTED = re.compile(r"\b(ofsted|area send|local area|joint (targeted|area|inspection)|jtai)\b", re.I)
_NAMED_BODY = re.compile(
    r"\b(?:[A-Z][\w'\u2019&-]*\s+){1,5}(?:NHS\s+)?(?:Hospitals?|Police|Constabulary|Prisons?|"
    r"(?:NHS\s+|Foundation\s+)Trust|University|Care\s+Homes?|Young\s+Offender\s+Institution|Probation\s+Service)\b"
    r"|\bHMP\s+[A-Z]\w+"
)
_RATING = re.compile(r"\b(rat(e|ed|es|ing|ings)|grade[ds]?|judged|judgements?|scored?|inspection of|inspected|find at|found at)\b", re.I)


def out_of_scope(question: str) -> str:
    """What makes a question ask for a rating the corpus cannot hold, or '' when nothing does."""
    if (m := OTHER_INSPECTORATE.search(question)) and not _OFSTED.search(question):
        name = "HMICFRS (PEEL)" if m.group(0).lower().startswith("peel") else m.group(0)
        return f"inspections by {name}"
    for m in _NAMED_BODY.finditer(question):  # a rating word within four words of the body
        before, after = question[: m.start()].split()[-4:], question[m.end():].split()[:4]
        if _RATING.search(" ".join(before + ["|"] + after)):
            return f"ratings of {m.group(0).strip()}"
    return ""


def canonical_key(name: str) -> str:
    """Lower-case, '&' as 'and', punctuation and hyphens as spaces: the form names are compared in."""
    name = re.sub(r"['\u2019]s\b", "", name.lower()).replace("&", " and ").replace("'", "").replace("\u2019", "")
    name = re.sub(r"[^a-z0-9]+", " ", name)
    return re.sub(r"\s+", " ", name).strip()


# The aliases under each name's canonical form: the index writes "Bournemouth, Christchurch and
# Poole" where the manifest writes "Bournemouth, Christchurch & Poole".
_ALIASES_BY_KEY: dict[str, list[str]] = {}
for _name, _aliases in ALIASES.items():
    _ALIASES_BY_KEY.setdefault(canonical_key(_name), []).extend(_aliases)

def variants(authority: str) -> set[str]:
    """Every way a user may write this authority, in canonical_key form."""
    key = canonical_key(authority)
    out = {key}
    for prefix in ("london borough of ", "royal borough of ", "city of ", "county of ", "borough of "):
        if key.startswith(prefix):
            out.add(key[len(prefix):])
    for suffix in (" council", " county council", " city council", " borough council"):
        if key.endswith(suffix):
            out.add(key[: -len(suffix)])
    for alias in _ALIASES_BY_KEY.get(key, []):
        out.add(canonical_key(alias))
    return {v for v in out if v}
