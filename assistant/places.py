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

# Kinds of inspected body our corpus does not cover.
OUT_OF_SCOPE = re.compile(
    r"\b(hospitals?|nhs (foundation )?trusts?|prisons?|hmp\b|young offender institutions?|police forces?|"
    r"constabulary|peel|care homes?|gp (practice|surgery)|universit(y|ies)|probation service|"
    r"hmicfrs|hmi prisons|hmi probation|dental|ambulance|fire (and rescue )?service|nursing homes?)",
    re.I,
)


def canonical_key(name: str) -> str:
    """Lower-case, '&' as 'and', punctuation and hyphens as spaces: the form names are compared in."""
    name = re.sub(r"['\u2019]s\b", "", name.lower()).replace("&", " and ").replace("'", "").replace("\u2019", "")
    name = re.sub(r"[^a-z0-9]+", " ", name)
    return re.sub(r"\s+", " ", name).strip()


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
    for alias in ALIASES.get(authority.lower(), []) + ALIASES.get(key, []):
        out.add(canonical_key(alias))
    return {v for v in out if v}
