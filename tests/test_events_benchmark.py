"""The PLOVER gold-standard benchmark's reading of gold actors and its matching."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import events as bench  # noqa: E402


def test_gold_actors_take_lists_empty_strings_and_sectors():
    assert bench.gold_actors("") == []
    assert bench.gold_actors(None) == []
    assert bench.gold_actors([{"actorText": "Hungarian", "code": "HUN", "sector": "GOV"},
                              {"actorText": "Tokyo", "code": "JAP"}]) == [("HUN", "GOV"), ("JAP", None)]


def test_actor_match_by_country_and_by_full_code():
    assert bench.actor_match("HUNGOV", [("HUN", "GOV")]) == (True, True)
    assert bench.actor_match("HUNMIL", [("HUN", "GOV")]) == (True, False)
    assert bench.actor_match("ROUGOV", [("HUN", None)]) == (False, None)
    assert bench.actor_match(None, [("HUN", "GOV")]) == (False, None)


def test_old_categories_map_to_the_sixteen():
    assert {bench.OLD_TO_NEW[k] for k in ("DEMAND", "DISAPPROVE", "INVESTIGATE", "FIGHT")} == {
        "REQUEST", "ACCUSE", "ASSAULT"}
