"""Shipped, versioned knowledge: countries, roles, known actors, event and speech verbs.

Everything here is data read from the TSV files beside this module; the code only loads it.
Bump KB_VERSION when a file changes meaning, so stored analyses can say what coded them.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from . import actorbook
from .actorbook import ActorBook, ActorFileError, KnownActor  # noqa: F401  (re-exported)

KB_VERSION = "2026.11.11"


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines, delimiter="\t",
                                                                                    quoting=csv.QUOTE_NONE)]


def _header_rows(name: str, header: list[str]) -> list[dict[str, str]]:
    """Files whose header is a comment line (hand-kept files start with documentation)."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    out = []
    for ln in text.splitlines():
        if not ln.strip() or ln.startswith("#"):
            continue
        cells = ln.split("\t")
        out.append({h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)})
    return out


@dataclass(frozen=True)
class Country:
    alpha3: str
    alpha2: str
    name: str
    geonameid: int | None
    population: int
    lat: float | None
    lon: float | None
    capital: str


@dataclass
class Countries:
    by_alpha3: dict[str, Country]
    by_alpha2: dict[str, str]
    names: dict[str, str]  # lower-cased name or alias -> alpha3
    demonyms: dict[str, str]  # lower-cased demonym -> alpha3

    def lookup(self, text: str) -> str | None:
        key = text.lower().removeprefix("the ").strip()
        return self.names.get(key) or self.demonyms.get(key)


@lru_cache(maxsize=1)
def countries() -> Countries:
    by3, by2, names, dem = {}, {}, {}, {}
    points = {r["alpha3"]: (float(r["lat"]), float(r["lon"]))
              for r in _header_rows("country_points.tsv", ["alpha3", "lat", "lon", "why"])}
    rows = _rows("countries.tsv")
    # a demonym several countries share ("American": USA, American Samoa, Northern Mariana
    # Islands) means the most populous of them
    rows.sort(key=lambda r: -int(r["population"] or 0))
    for r in rows:
        lat, lon = points.get(r["alpha3"], (float(r["lat"]) if r["lat"] else None,
                                            float(r["lon"]) if r["lon"] else None))
        c = Country(r["alpha3"], r["alpha2"], r["name"], int(r["geonameid"]) if r["geonameid"] else None,
                    int(r["population"] or 0), lat, lon, r["capital"])
        by3[c.alpha3] = c
        by2[c.alpha2] = c.alpha3
        for n in [c.name, *r["aliases"].split("|")]:
            if n:
                names.setdefault(n.lower(), c.alpha3)
        for d in r["demonyms"].split("|"):
            if d:
                dem.setdefault(d.lower(), c.alpha3)
    for r in _header_rows("country_aliases.tsv", ["alias", "alpha3", "kind"]):
        (dem if r["kind"] == "demonym" else names)[r["alias"].lower()] = r["alpha3"]
    # a people named by the plural of its demonym ("the Czechs", "Iraqis", "the Palestinians");
    # forms that take no -s ("Chinese", "Swiss", "British") are left; "Frenchs" is a key no text uses
    for d, a3 in list(dem.items()):
        if not d.endswith(("s", "ese", "sh")):
            dem.setdefault(d + "s", a3)
    return Countries(by3, by2, names, dem)


@dataclass(frozen=True)
class Role:
    role: str
    kind: str  # person, group, org


@lru_cache(maxsize=1)
def roles() -> dict[str, Role]:
    out: dict[str, Role] = {}
    # hand-kept rows first; the generated Phoenix agent nouns (scripts/build_kb.py) fill in the rest
    for r in [*_header_rows("roles.tsv", ["lemma", "role", "kind"]),
              *_header_rows("roles_phoenix.tsv", ["lemma", "role", "kind", "source"])]:
        out.setdefault(r["lemma"].lower(), Role(r["role"], r["kind"]))
    return out


@lru_cache(maxsize=4)
def actors(user_files: tuple[str, ...] = ()) -> ActorBook:
    """The actor knowledge base (kb/actorbook.py): generated Phoenix rows, hand-kept rows, then
    the user's dictionaries (paths), each layer overriding the one before."""
    return actorbook.build(set(countries().by_alpha3), user_files)


@dataclass(frozen=True)
class HistoricalCountry:
    successor: str
    predecessor: str
    until: dt.date
    names: tuple[str, ...]  # lower case; empty: every actor of the successor country


@lru_cache(maxsize=1)
def historical_countries() -> list[HistoricalCountry]:
    """kb/historical_countries.tsv: the Soviet Union, Czechoslovakia, East Germany, Yugoslavia."""
    return [HistoricalCountry(r["successor"], r["predecessor"], dt.date.fromisoformat(r["until"]),
                              tuple(n.lower() for n in r["names"].split("|") if n))
            for r in _header_rows("historical_countries.tsv", ["successor", "predecessor", "until", "names"])]


@lru_cache(maxsize=1)
def not_actors() -> dict[str, str]:
    """Words that name no actor even when tagged as an organization: currency and unit
    abbreviations of business news ("cts", "dlrs", "mln"), table words (kb/not_actors.tsv)."""
    return {r["word"].lower(): r["kind"] for r in _header_rows("not_actors.tsv", ["word", "kind"])}


@lru_cache(maxsize=1)
def deploy_verbs() -> frozenset[str]:
    """Verbs whose subject commands the forces that are their object: kb/deploy_verbs.tsv."""
    return frozenset(r["lemma"].lower() for r in _header_rows("deploy_verbs.tsv", ["lemma"]))


@lru_cache(maxsize=1)
def relation_nouns() -> frozenset[str]:
    """Nouns of relations between actors ("war", "relations", "contacts"): kb/relation_nouns.tsv."""
    return frozenset(r["lemma"].lower() for r in _header_rows("relation_nouns.tsv", ["lemma", "note"]))


@dataclass(frozen=True)
class CameoCode:
    code: str
    description: str
    goldstein: float | None
    plover: str
    mode: str
    context: str

    @property
    def quad_class(self) -> int:
        """GDELT/ICEWS quad class: 1 verbal coop., 2 material coop., 3 verbal conflict, 4 material conflict."""
        root = int(self.code[:2])
        return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4


@lru_cache(maxsize=1)
def cameo() -> dict[str, CameoCode]:
    return {r["cameo"]: CameoCode(r["cameo"], r["description"],
                                  float(r["goldstein"]) if r["goldstein"] else None,
                                  r["plover"], r["mode"], r["context"]) for r in _rows("cameo.tsv")}


@dataclass(frozen=True)
class Trigger:
    pos: str
    lemma: str
    particle: str
    objects: tuple[str, ...]
    cameo: str
    plover: str
    mode: str
    flags: frozenset[str]


@lru_cache(maxsize=1)
def triggers() -> dict[tuple[str, str], list[Trigger]]:
    header = ["pos", "lemma", "particle", "object", "cameo", "plover", "mode", "flags", "note"]
    out: dict[tuple[str, str], list[Trigger]] = {}
    for r in [*_header_rows("verbs.tsv", header), *_header_rows("nouns.tsv", header)]:
        t = Trigger(r["pos"], r["lemma"], r["particle"], tuple(o for o in r["object"].split("|") if o),
                    r["cameo"], r["plover"], r["mode"], frozenset(f for f in r["flags"].split(",") if f))
        out.setdefault((t.pos, t.lemma), []).append(t)
    for rows in out.values():  # a row with a particle or object condition is tried before the plain one
        rows.sort(key=lambda t: not (t.particle or t.objects))
    return out


@lru_cache(maxsize=1)
def speech_verbs() -> dict[str, str]:
    return {r["lemma"]: r["kind"] for r in _header_rows("speech.tsv", ["lemma", "kind"])}


@lru_cache(maxsize=1)
def modality_words() -> dict[str, frozenset[str]]:
    """Word -> its kinds (a word may have several: "should" is hypothetical and an obligation)."""
    out: dict[str, set[str]] = {}
    for r in _header_rows("modality.tsv", ["word", "kind"]):
        out.setdefault(r["word"], set()).add(r["kind"])
    return {w: frozenset(k) for w, k in out.items()}


@lru_cache(maxsize=1)
def intent_codes() -> dict[str, str]:
    """PLOVER type -> the CAMEO code of its stated intention (AGREE 03x, THREATEN 13x)."""
    return {r["plover"]: r["cameo"] for r in _header_rows("intent.tsv", ["plover", "cameo", "note"])}


@dataclass(frozen=True)
class EventPrepositions:
    place: frozenset[str]
    target: frozenset[str]
    source: frozenset[str]
    noun_target: frozenset[str]
    recipient: dict[str, frozenset[str]]  # preposition -> PLOVER types whose recipient it names
    condition: frozenset[str] = frozenset()  # words that open a condition ("if Y acts", "unless Y lifts")

    def recipient_preps(self, plover: str) -> set[str]:
        return {p for p, types in self.recipient.items() if plover in types}


@lru_cache(maxsize=1)
def event_prepositions() -> EventPrepositions:
    by_role: dict[str, set[str]] = {}
    recipient: dict[str, frozenset[str]] = {}
    for r in _header_rows("prepositions.tsv", ["preposition", "role", "types"]):
        if r["role"] == "recipient":
            recipient[r["preposition"]] = frozenset(t for t in r["types"].split("|") if t)
        else:
            by_role.setdefault(r["role"], set()).add(r["preposition"])
    get = lambda role: frozenset(by_role.get(role, ()))  # noqa: E731
    return EventPrepositions(get("place"), get("target"), get("source"), get("noun-target"), recipient,
                             get("condition"))


@dataclass(frozen=True)
class Frame:
    """Where a trigger's target and source are named: slots tried in order (kb/frames.tsv)."""

    target: tuple[str, ...]
    source: tuple[str, ...]
    foreign: bool  # a country the source belongs to is no recipient (a leader visiting a town of their own)


@lru_cache(maxsize=1)
def frames() -> dict[tuple[str, str], Frame]:
    """(key, pos) -> Frame; key is a lemma, "type:PLOVER" or "type:*"."""
    out: dict[tuple[str, str], Frame] = {}
    for r in _header_rows("frames.tsv", ["key", "pos", "target", "source", "places", "note"]):
        out[(r["key"], r["pos"])] = Frame(tuple(s for s in r["target"].split("|") if s),
                                          tuple(s for s in r["source"].split("|") if s), r["places"] == "foreign")
    return out


@lru_cache(maxsize=1)
def cameo_frames() -> dict[str, tuple[str, ...]]:
    """Verb lemma -> the target prepositions its CAMEO 2.0 patterns mark (kb/cameo_frames.tsv, built
    by scripts/build_event_kb.py from the patterns' "+" markers), as frame slots."""
    return {r["lemma"]: tuple(x for x in r["target"].split("|") if x)
            for r in _header_rows("cameo_frames.tsv", ["lemma", "target", "block", "marked"])}


# frame slots that name the act's own object, tried before any preposition
OBJECT_SLOTS = ("iobj", "dobj", "comp", "subjpass")


@lru_cache(maxsize=4096)
def frame_for(lemma: str, pos: str, plover: str) -> Frame:
    """The trigger's argument frame: its own hand-kept row, else its type's (or the default) with
    the target prepositions CAMEO's patterns mark for the verb tried right after the object slots."""
    table = frames()
    own = table.get((lemma, pos))
    if own is not None:
        return own
    frame = table.get((f"type:{plover}", pos)) or table[("type:*", pos)]
    cameo = cameo_frames().get(lemma) if pos == "VERB" else None
    if not cameo:
        return frame
    objects = tuple(s for s in frame.target if s in OBJECT_SLOTS)
    rest = tuple(s for s in frame.target if s not in OBJECT_SLOTS and s not in cameo)
    return Frame(objects + cameo + rest, frame.source, frame.foreign)


@lru_cache(maxsize=1)
def support_verbs() -> dict[str, frozenset[str]]:
    """Support verb lemma -> its particles ("" for none): "launched an offensive", "carried out a raid"."""
    out: dict[str, set[str]] = {}
    for r in _header_rows("support_verbs.tsv", ["lemma", "particle", "note"]):
        out.setdefault(r["lemma"], set()).add(r["particle"])
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def complement_types() -> frozenset[str]:
    """PLOVER types whose trigger's complement act is not coded on its own (kb/complements.tsv)."""
    return frozenset(r["plover"] for r in _header_rows("complements.tsv", ["plover"]))


@lru_cache(maxsize=1)
def ethnic_words() -> frozenset[str]:
    """Words that make a demonym an ethnic group's ("ethnic Albanians", kb/ethnic_words.tsv)."""
    return frozenset(r["word"].lower() for r in _header_rows("ethnic_words.tsv", ["word"]))


@lru_cache(maxsize=1)
def adjunct_types() -> dict[str, dict[str, frozenset[str]]]:
    """Governor PLOVER type -> {adjunct PLOVER type: dependency labels}: acts told in an adjunct
    clause that are the governor's own content ("protested, demanding ...", kb/adjuncts.tsv)."""
    out: dict[str, dict[str, frozenset[str]]] = {}
    for r in _header_rows("adjuncts.tsv", ["governor", "adjunct", "deps"]):
        out.setdefault(r["governor"], {})[r["adjunct"]] = frozenset(r["deps"].split("|"))
    return out


@lru_cache(maxsize=1)
def senses() -> dict[str, str]:
    """Trigger lemma or "type:PLOVER" -> what its direct object must be (person, target)."""
    return {r["key"]: r["object"] for r in _header_rows("senses.tsv", ["key", "object", "note"])}


@lru_cache(maxsize=1)
def object_nouns() -> dict[str, str]:
    """Noun lemma -> person or target (kb/object_nouns.tsv, besides kb/roles.tsv's role nouns)."""
    return {r["lemma"]: r["kind"] for r in _header_rows("object_nouns.tsv", ["lemma", "kind"])}


@lru_cache(maxsize=1)
def organization_words() -> dict[str, str]:
    """Word of an organization's name -> political or business."""
    return {r["word"]: r["kind"] for r in _header_rows("organizations.tsv", ["word", "kind"])}


@lru_cache(maxsize=1)
def business_cues() -> frozenset[str]:
    return frozenset(r["lemma"] for r in _header_rows("business_cues.tsv", ["lemma"]))


@lru_cache(maxsize=1)
def cameo_triggers() -> dict[tuple[str, str], list[Trigger]]:
    """Broad verb triggers converted from the CAMEO 2.0 dictionary (kb/cameo_verbs.tsv, built by
    scripts/build_event_kb.py): candidates for the learned layer, flagged "cameo"."""
    out: dict[tuple[str, str], list[Trigger]] = {}
    for r in _header_rows("cameo_verbs.tsv", ["lemma", "particle", "object", "cameo", "block", "pattern_no"]):
        t = Trigger("VERB", r["lemma"], r["particle"], tuple(o for o in r["object"].split("|") if o), r["cameo"],
                    "", "", frozenset({"cameo"}))
        out.setdefault(("VERB", t.lemma), []).append(t)
    for rows in out.values():
        rows.sort(key=lambda t: not (t.particle or t.objects))
    return out


@lru_cache(maxsize=1)
def type_codes() -> dict[str, str]:
    """PLOVER type -> the CAMEO code of an event the learned layer typed (kb/type_codes.tsv)."""
    return {r["plover"]: r["cameo"] for r in _header_rows("type_codes.tsv", ["plover", "cameo", "recipient"])}


@lru_cache(maxsize=1)
def recipient_required() -> frozenset[str]:
    """PLOVER types that need a recipient (the manual: COOPERATE, AID, SANCTION)."""
    return frozenset(r["plover"] for r in _header_rows("type_codes.tsv", ["plover", "cameo", "recipient"])
                     if r["recipient"] == "required")
