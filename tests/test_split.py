"""The frozen dev/test split (eval/data/split.json) holds every evaluation item, keeps each
council's reports on one side, and does not move when the rule is run again."""

from __future__ import annotations

import pytest

from eval.split import all_items, assign, council_of, item_councils, item_key, load_split

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def items():
    return all_items()


@pytest.fixture(scope="module")
def frozen():
    return load_split()


def test_every_item_is_in_the_frozen_split_and_running_the_rule_again_moves_nothing(items, frozen):
    missing = [item_key(it) for it in items if item_key(it) not in frozen["items"]]
    assert not missing, f"{len(missing)} item(s) not in split.json, e.g. {missing[:3]}: python -m eval.split --assign"
    again = assign(items, frozen)
    assert again["items"] == frozen["items"] and again["councils"] == frozen["councils"]


def test_the_rule_alone_gives_the_frozen_sides(items, frozen):
    """Re-derived from nothing but the councils' sides (new rewordings of new items included),
    every item lands where the file froze it."""
    again = assign(items, {"councils": frozen["councils"], "items": {}})
    assert again["items"] == frozen["items"]


def test_no_council_feeds_both_sides(items, frozen):
    sides: dict[str, set[str]] = {}
    for it in items:
        if frozen["items"][item_key(it)] == "excluded":  # feeds neither side
            continue
        for council in item_councils(it):
            sides.setdefault(council, set()).add(frozen["items"][item_key(it)])
            assert frozen["councils"][council] == frozen["items"][item_key(it)], (item_key(it), council)
    assert all(len(s) == 1 for s in sides.values())


def test_rewordings_sit_with_their_base_and_new_sets_are_test_only(items, frozen):
    reworded = [it for it in items if it.get("rewords")]
    assert len(reworded) >= 80
    assert all(frozen["items"][item_key(it)] == frozen["items"][it["rewords"]] == "test" for it in reworded)
    new = [it for it in items if it["set"] in ("reworded", "v2")]
    assert new and {frozen["items"][item_key(it)] for it in new} == {"test"}


def test_both_sides_have_items_of_every_v1_type(items, frozen):
    for kind in ("judgement", "finding", "fact", "comparison", "unanswerable"):
        sides = {frozen["items"][item_key(it)] for it in items if it["set"] == "v1" and it["type"] == kind}
        assert sides == {"dev", "test"}, kind


def test_council_of_a_corpus_file():
    assert council_of("ofsted-ilacs/barking-and-dagenham_2023-09-04_ilacs.pdf") == "barking-and-dagenham"
    assert council_of("ofsted-schools/rough-hay-primary-school-urn139305_2016-11_school.pdf") == (
        "rough-hay-primary-school-urn139305")


def test_reading_items_keep_a_paraphrase_group_together_and_exclude_only_what_spans_both_sides(items, frozen):
    reading = [it for it in items if it["set"] == "reading"]
    groups: dict[str, set[str]] = {}
    for it in reading:
        if it.get("paraphrase"):
            groups.setdefault(it["paraphrase"], set()).add(frozen["items"][item_key(it)])
    assert len(groups) >= 60 and all(len(s) == 1 for s in groups.values())
    for it in reading:
        spans = {frozen["councils"][c] for c in item_councils(it)}
        assert (frozen["items"][item_key(it)] == "excluded") == (len(spans) > 1), item_key(it)
    assert {frozen["items"][item_key(it)] for it in reading} == {"dev", "test", "excluded"}
