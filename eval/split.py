"""The frozen dev/test split of every evaluation set (eval/data/split.json).

Development and tuning look at dev items only; headline numbers come from test. Items are
split by council, which is stricter than by report: every report of a council sits on one
side, so no report (and no earlier or later report of the same council) feeds both. Items
that name several councils (comparisons across councils) tie those councils together first.
Items with no report of their own (coverage and themes across the corpus, unanswerable
questions) are split by their id; a rewording (`"rewords": "<set>/<id>"`) sits with its base,
a phrasing with the rest of its paraphrase group. An item written after its councils were frozen
on both sides (a conversation moving from a dev council to a test one) is "excluded": neither.

The rule only assigns items the file does not hold yet: an item's side never changes once
frozen. `python -m eval.split --assign` adds new items (a new set, new questions) by the
rule and writes the file; `tests/test_split.py` fails when an item is missing from it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.items import DEFAULT_CORPUS, load_items  # noqa: E402
from eval.metrics import field_of, gold_reports  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
SPLIT_FILE = DATA / "split.json"
TEST_SHARE = 0.5  # of councils (and of corpus-wide items)
SALT = "inspection-eval-split-v1"  # fixed once; changing it would move every item


def council_of(file: str) -> str:
    """The council (or school) a corpus file belongs to: its name up to the first '_'."""
    return Path(str(file)).name.split("_", 1)[0].lower()


def _on_test_side(key: str) -> bool:
    digest = hashlib.sha256(f"{SALT}:{key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < TEST_SHARE


def item_key(item: Any) -> str:
    """`<set>/<id>`: ids repeat across sets (v1 and shapes both have comparison-001)."""
    return f"{field_of(item, 'set') or '?'}/{field_of(item, 'id')}"


def item_councils(item: Any) -> set[str]:
    """The councils whose reports an item is about; empty for corpus-wide items."""
    if field_of(item, "type") in ("coverage", "themes"):
        return set()
    if (named := _named_councils(item)) is not None:  # a reading item: the councils its labels name
        return named
    about = field_of(item, "about_file")  # an unanswerable question about a real report
    return {council_of(f) for f in gold_reports(item)} | ({council_of(about)} if about else set())


def _words(text: Any) -> str:
    return " ".join(str(text or "").lower().split())


def _unnamed_key(item: Any, key: str, phrasings: dict[str, str]) -> str:
    """What an item naming no council is split by: a reading item by its words (the same question
    written twice, in two files, is one question), a phrasing of a need by its paraphrase group;
    any other by its key."""
    if field_of(item, "set") != "reading":
        return key
    first = (field_of(item, "turns") or [item])[0]
    words = _words(field_of(first, "question"))
    return field_of(item, "paraphrase") or phrasings.get(words) or words


def _named_councils(item: Any) -> set[str] | None:
    """The councils a reading item (eval/data/reading) is labelled with, every turn of a
    conversation together, as the corpus files name them; None for other items."""
    turns = field_of(item, "turns") or ([item] if field_of(item, "councils") is not None else None)
    if turns is None:
        return None
    keys = _council_keys()
    return {keys.get(name, name.lower()) for turn in turns for name in field_of(turn, "councils") or []}


def _council_keys() -> dict[str, str]:
    """Council name (as the manifest writes it) -> the key its corpus files start with."""
    if "keys" not in _CACHE:
        import csv


        manifest = Path(DEFAULT_CORPUS) / "manifest.csv"
        rows = list(csv.DictReader(manifest.open(encoding="utf-8", newline=""))) if manifest.exists() else []
        _CACHE["keys"] = {row["local_authority"]: council_of(row["file"]) for row in rows}
    return _CACHE["keys"]


class _Groups:
    """Union-find over councils, so councils compared in one item share a side."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, c: str) -> str:
        self.parent.setdefault(c, c)
        while self.parent[c] != c:
            self.parent[c] = self.parent[self.parent[c]]
            c = self.parent[c]
        return c

    def union(self, councils: Iterable[str]) -> None:
        roots = sorted({self.find(c) for c in councils})
        for r in roots[1:]:
            self.parent[r] = roots[0]


_CACHE: dict[str, dict[str, str]] = {}


def load_split(path: Path = SPLIT_FILE) -> dict[str, Any]:
    if not path.exists():
        return {"councils": {}, "items": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def assign(items: list[dict], frozen: dict[str, Any]) -> dict[str, Any]:
    """The frozen split plus sides for items (and councils) it does not hold yet."""
    councils: dict[str, str] = dict(frozen.get("councils") or {})
    sides: dict[str, str] = dict(frozen.get("items") or {})
    groups = _Groups()
    for item in items:
        groups.union(item_councils(item))
    phrasings = {_words(field_of(it, "question")): field_of(it, "paraphrase") for it in items
                 if field_of(it, "paraphrase") and field_of(it, "question")}
    for item in items:
        for council in item_councils(item):
            if council in councils:
                continue
            # a new council joins the side of a frozen council it is compared with, if any
            group = [c for c in groups.parent if groups.find(c) == groups.find(council)]
            known = sorted({councils[c] for c in group if c in councils})
            root = groups.find(council)
            side = known[0] if len(known) == 1 else ("test" if _on_test_side(root) else "dev")
            for c in group:
                councils.setdefault(c, side)
    # rewordings last: each sits with the item it rewords, which may be new itself
    for item in sorted(items, key=lambda it: bool(field_of(it, "rewords"))):
        key = item_key(item)
        if key in sides:
            continue
        if base := field_of(item, "rewords"):
            sides[key] = sides[base]
            continue
        mine = {councils[c] for c in item_councils(item)}
        if len(mine) > 1:
            # councils frozen on both sides before this item was written (a conversation that
            # moves from a dev council to a test one): it may feed neither side
            sides[key] = "excluded"
            continue
        sides[key] = mine.pop() if mine else ("test" if _on_test_side(_unnamed_key(item, key, phrasings)) else "dev")
    return {"about": __doc__.strip().splitlines()[0], "councils": dict(sorted(councils.items())),
            "items": dict(sorted(sides.items()))}


def side_of(item: Any) -> str | None:
    """'dev' or 'test' from the frozen file; None for an item of no frozen set (a caller's
    own items). tests/test_split.py holds every item under eval/data to the file."""
    if "items" not in _CACHE:
        _CACHE["items"] = load_split()["items"]
    return _CACHE["items"].get(item_key(item))


def all_items() -> list[dict]:
    """Every item of every set under eval/data (one folder a set), tagged with its set."""

    out = []
    for folder in sorted(p for p in DATA.iterdir() if p.is_dir()):
        out += load_items(folder)
    return out


def corpus_councils() -> list[str]:
    """Every council (or school) of the corpus manifest, when the corpus is beside the repo."""
    import csv


    manifest = Path(DEFAULT_CORPUS) / "manifest.csv"
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8", newline="") as fh:
        return sorted({council_of(row["file"]) for row in csv.DictReader(fh)})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assign", action="store_true", help="add items missing from the split file, then write it")
    args = ap.parse_args(argv)
    items = all_items()
    split = assign(items, load_split())
    for council in corpus_councils():  # every council gets its side now, before items name it
        split["councils"].setdefault(council, "test" if _on_test_side(council) else "dev")
    split["councils"] = dict(sorted(split["councils"].items()))
    counts: dict[str, dict[str, int]] = {}
    for item in items:
        side = split["items"][item_key(item)]
        counts.setdefault(str(field_of(item, "set")), {}).setdefault(side, 0)
        counts[str(field_of(item, "set"))][side] += 1
    for name, c in sorted(counts.items()):
        print(f"{name}: dev {c.get('dev', 0)}, test {c.get('test', 0)}")
    if args.assign:
        SPLIT_FILE.write_text(json.dumps(split, indent=1) + "\n", encoding="utf-8")
        print("written:", SPLIT_FILE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
