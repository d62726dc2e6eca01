"""Knowledge the place stages read: cue words and place nouns (place_words.tsv), feature types
with their ranker group and specificity (place_types.tsv), demonyms and abbreviations of
subdivisions (place_demonyms.tsv, place_abbreviations.tsv), and the trained ranker
(place_ranker.json, two LightGBM models written by scripts/train_place_ranker.py)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from . import _header_rows

RANKER_FILE = "place_ranker.json"


@dataclass(frozen=True)
class PlaceWords:
    cues: frozenset[str]  # "in Cottonport"
    nouns: frozenset[str]  # "Kherson city", "the town of Pandi"
    definite: dict[str, str]  # "the city" -> feature class P


@lru_cache(maxsize=1)
def place_words() -> PlaceWords:
    rows = _header_rows("place_words.tsv", ["word", "kind", "fclass"])
    return PlaceWords(frozenset(r["word"] for r in rows if r["kind"] == "cue"),
                      frozenset(r["word"] for r in rows if r["kind"] == "noun"),
                      {r["word"]: r["fclass"] for r in rows if r["kind"] == "definite"})


@dataclass(frozen=True)
class PlaceType:
    group: str
    specificity: int


class PlaceTypes:
    """Feature code -> group and specificity; a code not listed takes its feature class's row."""

    def __init__(self, rows: list[dict[str, str]]):
        self.by_code = {(r["fclass"], r["fcode"]): PlaceType(r["group"], int(r["specificity"])) for r in rows}
        self.groups = sorted({t.group for t in self.by_code.values()})
        self.group_index = {g: i for i, g in enumerate(self.groups)}

    def get(self, fclass: str, fcode: str) -> PlaceType:
        return (self.by_code.get((fclass, fcode)) or self.by_code.get((fclass, "*"))
                or PlaceType("spot", 7))


@lru_cache(maxsize=1)
def place_types() -> PlaceTypes:
    return PlaceTypes(_header_rows("place_types.tsv", ["fcode", "fclass", "group", "specificity"]))


@lru_cache(maxsize=1)
def place_demonyms() -> dict[str, tuple[str, str]]:
    """Lower-cased demonym of a subdivision -> (its name, its country): "texan" -> ("Texas", "USA")."""
    return {r["demonym"].lower(): (r["place"], r["country"])
            for r in _header_rows("place_demonyms.tsv", ["demonym", "place", "country"])}


@lru_cache(maxsize=1)
def place_abbreviations() -> dict[str, tuple[str, str]]:
    """Abbreviation (case as written) -> (subdivision name, country): "B.C." -> ("British Columbia", "CAN")."""
    return {r["abbreviation"]: (r["place"], r["country"])
            for r in _header_rows("place_abbreviations.tsv", ["abbreviation", "place", "country"])}


def ranker_text() -> str | None:
    """The shipped ranker model, or None when it has not been trained yet."""
    f = resources.files(__package__).joinpath(RANKER_FILE)
    return f.read_text(encoding="utf-8") if f.is_file() else None
