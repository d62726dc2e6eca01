"""Places: toponyms found and resolved to GeoNames entries.

Recognition: spaCy's GPE/LOC/FAC entities (after the entities stage's corrections), plus proper
names the gazetteer knows that the context marks as places ("in Cottonport", "the city of X",
"X, La."). Demonyms ("Russian") are actors' attributes, never places.

Resolution is collective, over the whole story: every candidate gets a prior (its own name or an
alternate one, feature type, population), then the story's other toponyms vote: their countries,
their first-level subdivisions and their distance. A qualifier in the text ("Alexandria, La.",
"Paris, Texas") restricts the candidates outright. One sense per story: a name resolves the same
way each time it occurs.

A name used as a speaker or agent ("Washington said", "Russia denies") is kept with role
"actor" (metonymy): it names a government, not the place where something happened.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy
from spacy.attrs import IS_TITLE, LOWER, POS
from spacy.language import Language
from spacy.parts_of_speech import PROPN
from spacy.strings import hash_string
from spacy.tokens import Doc, Span

from .. import kb
from ..kb.gazetteer import Candidate, gazetteer, normalize
from ..model import Place, PlaceMention

PLACE_LABELS = {"GPE", "LOC", "FAC"}
_DEFINITE = {"city": "P", "town": "P", "capital": "P", "village": "P", "country": "A"}
_DEFINITE_HASHES = numpy.array([hash_string(w) for w in _DEFINITE], dtype="uint64")
_PROPN = int(PROPN)
# Words before a name that make it a place ("in Cottonport", "the town of Pandi").
_PLACE_CUES = {"in", "at", "from", "to", "near", "outside", "across", "into", "toward", "towards", "via",
               "of", "between", "around", "throughout"}
_PLACE_NOUNS = {"city", "town", "village", "province", "region", "county", "district", "state", "parish",
                "port", "capital", "suburb", "oblast", "governorate", "municipality", "island", "river"}

# Feature types, by how readily a bare name means them. Administrative divisions are matched
# mostly by alias ("Kherson" for Khersonska oblast), so the city of that name is preferred.
_KIND = {"PCLI": 3.0, "CONT": 2.5, "ADM1": 1.4, "PPLC": 1.0, "ADM2": 0.2}
_FEATURE_KIND = 1.5  # rivers, seas, regions (kb/features.tsv): only matched by their full names
# Tuned on LGL (GeoVirus as the check that moves with it): benchmarks/geoparse.py.
W_POP, W_OWN, W_COUNTRY, W_ADMIN, W_NEAR, W_CAPITAL_AGENT, W_NAMESAKE = 0.35, 0.8, 2.0, 2.0, 1.5, 1.5, 1.5
_EARTH_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): a dozen lines are cheaper than a geodesy dependency."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def _nearest_km(points: numpy.ndarray, others: numpy.ndarray) -> numpy.ndarray:
    """For each point (lat, lon in radians), the great-circle distance to the nearest of others."""
    dlat = others[None, :, 0] - points[:, None, 0]
    dlon = others[None, :, 1] - points[:, None, 1]
    a = numpy.sin(dlat / 2) ** 2 + numpy.cos(points[:, None, 0]) * numpy.cos(others[None, :, 0]) * numpy.sin(dlon / 2) ** 2
    return (2 * _EARTH_KM * numpy.arcsin(numpy.sqrt(numpy.clip(a, 0, 1)))).min(axis=1)


@Language.factory("storyline_places")
def make_place_resolver(nlp: Language, name: str) -> "PlaceResolver":
    return PlaceResolver()


def is_agent(span: Span) -> bool:
    """True when a place name is the subject of an act a place cannot do ("Washington said")."""
    root = span.root
    if root.dep_ not in ("nsubj", "poss"):
        return False
    head = root.head
    if root.dep_ == "poss":
        return head.lemma_ in ("troops", "force", "forces", "army", "government", "military", "official")
    if head.pos_ == "VERB":
        return True
    return head.lemma_ == "be" and any(c.dep_ == "acomp" for c in head.children)


def place_cued(span: Span) -> bool:
    """The words around a name mark it as a place: "in Cottonport", "the town of Pandi",
    "Kherson city", "Alexandria, La.", "Pandi, Bulacan"."""
    doc = span.doc
    prev = doc[span.start - 1] if span.start > 0 else None
    nxt = doc[span.end] if span.end < len(doc) else None
    if prev is not None and prev.lower_ in _PLACE_CUES and prev.dep_ == "prep":
        if prev.lower_ != "of" or (span.start >= 2 and doc[span.start - 2].lower_ in _PLACE_NOUNS):
            return True
    if nxt is not None and nxt.lower_ in _PLACE_NOUNS:
        return True
    return nxt is not None and nxt.text == "," and span.end + 1 < len(doc) and doc[span.end + 1].ent_type_ == "GPE"


@dataclass
class _Name:
    """One distinct toponym of a story, with its candidates and its current reading."""
    key: str
    cands: tuple[Candidate, ...]
    restrict: set = field(default_factory=set)  # ids / alpha3 codes a qualifier allows
    namesakes: set = field(default_factory=set)  # regions holding a town of this very name
    agent: bool = True  # every mention is a speaker or agent: a capital stands for its government
    best: Candidate | None = None
    weights: list[float] = field(default_factory=list)
    coords: numpy.ndarray | None = None  # candidates' (lat, lon) in radians
    margin: float = 0.0


class PlaceResolver:
    def __init__(self) -> None:
        self.gaz = gazetteer()
        self.countries = kb.countries()
        self.us_abbrev = _us_state_abbreviations()

    def __call__(self, doc: Doc) -> Doc:
        spans = self.recognize(doc)
        out = self.resolve(doc, spans)
        out.extend(self._definite(doc, out))
        out.sort(key=lambda x: x[0].start)
        doc._.places = out
        return doc

    # ---- recognition ----
    def recognize(self, doc: Doc) -> list[Span]:
        spans = [e for e in doc.ents if e.label_ in PLACE_LABELS and e.text.lower() not in self.countries.demonyms]
        taken = {i for e in doc.ents for i in range(e.start, e.end)}
        # runs of capitalized proper nouns outside any entity; token attributes read as one array,
        # since making a Token object per word costs more than the rest of this stage
        if not len(doc):
            return spans
        arr = doc.to_array([POS, IS_TITLE])
        free = [int(i) for i in numpy.flatnonzero((arr[:, 0] == _PROPN) & (arr[:, 1] == 1)) if i not in taken]
        k = 0
        while k < len(free):
            i = j = free[k]
            while k < len(free) and free[k] == j:
                j += 1
                k += 1
            span = doc[i:j]
            if place_cued(span) and self.gaz.lookup(span.text):
                spans.append(Span(doc, i, j, label="GPE"))
        return sorted(spans, key=lambda s: s.start)

    # ---- resolution ----
    def resolve(self, doc: Doc, spans: list[Span]) -> list[tuple[Span, PlaceMention]]:
        names: dict[str, _Name] = {}
        keys = [normalize(span.text) for span in spans]
        agents = [is_agent(span) for span in spans]
        for span, key, agent in zip(spans, keys, agents):
            name = names.get(key)
            if name is None:
                name = names[key] = _Name(key, self._lookup(span.text))
            name.restrict |= self._qualifier(doc[span.end:span.end + 6].text)
            name.agent &= agent
        self._collective(names)
        # the country where the story happens: the most named one among its places; agents
        # ("Russia denies") are left out: they say who acted, not where
        focus = Counter(names[k].best.place.country for k, agent in zip(keys, agents)
                        if not agent and names[k].best is not None and names[k].best.place.country)
        doc._.focus_country = focus.most_common(1)[0][0] if focus else None
        out = []
        for span, key, agent in zip(spans, keys, agents):
            name = names[key]
            place = name.best.place if name.best else None
            score = round(1 / (1 + math.exp(-name.margin)), 3) if place else 0.0
            out.append((span, PlaceMention(span.start_char, span.end_char, span.text, place,
                                           "actor" if agent else "place", score)))
        return out

    def _lookup(self, text: str) -> tuple[Candidate, ...]:
        """Gazetteer candidates. A demonym ("Sudanese", when the text gives it as a place) stands
        for its country, a state abbreviation ("Ky.") for its state; an acronym ("EU") is only
        read as a country or state, never as the village of Eu."""
        text = text.removeprefix("the ").removeprefix("The ")
        a3 = self.countries.demonyms.get(text.lower())
        c = self.countries.by_alpha3.get(a3) if a3 else None
        if c is not None and c.geonameid:
            return tuple(x for x in self.gaz.lookup(c.name) if x.place.geonameid == c.geonameid)
        cands = self.gaz.lookup(self.us_abbrev.get(text, text))
        if text.isupper() and len(text.replace(".", "")) <= 3:
            cands = tuple(x for x in cands if x.place.feature_code in ("PCLI", "ADM1"))
        return cands

    def _qualifier(self, after: str) -> set:
        """The words after a name: ', La.' -> {Louisiana's id}; ', France' -> {'FRA'}."""
        m = re.match(r",\s*((?:[A-Z][\w.]*\.?)(?:\s[A-Z][\w.]*){0,2})", after)
        if not m:
            return set()
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            cand = " ".join(words[:n])
            state = self.us_abbrev.get(cand)
            for c in self.gaz.lookup(state or cand):
                if c.own_name and c.place.feature_code == "ADM1":
                    return {c.place.geonameid}
                if c.place.feature_code == "PCLI":
                    return {c.place.country}
        return set()

    @staticmethod
    def _prior(c: Candidate, name: _Name) -> float:
        p = c.place
        kind = _KIND.get(p.feature_code, _FEATURE_KIND if p.geonameid < 0 else 0.0)
        if name.agent and p.feature_code == "PPLC":
            kind += W_CAPITAL_AGENT  # "Washington said": the seat of a government
        if not c.own_name and p.geonameid in name.namesakes:
            kind -= W_NAMESAKE  # "Kherson" is the city, not Khersonska oblast named after it
        return W_POP * math.log10(p.population + 1) + kind + (W_OWN if c.own_name else -W_OWN)

    def _collective(self, names: dict[str, _Name]) -> None:
        """Each name's candidates get weights (a softmax of their scores); every other name then
        supports a candidate by the weight it puts on the same country and the same state or
        province, and the nearest reading of the others pulls it closer. Three rounds."""
        for name in names.values():
            if name.restrict:
                kept = tuple(c for c in name.cands if c.place.admin1_id in name.restrict
                             or c.place.country in name.restrict)
                name.cands = kept or name.cands
            name.namesakes = {i for c in name.cands if c.own_name and c.place.feature_class == "P"
                              for i in (c.place.admin1_id, c.place.admin2_id) if i}
            self._choose(name, [self._prior(c, name) for c in name.cands])
        live = [n for n in names.values() if n.cands]
        if len(live) < 2:
            return
        for n in live:
            n.coords = numpy.radians([(c.place.lat, c.place.lon) for c in n.cands])
        for _ in range(3):
            country_w: list[Counter] = []
            admin_w: list[Counter] = []
            for n in live:
                cw: Counter = Counter()
                aw: Counter = Counter()
                for c, w in zip(n.cands, n.weights):
                    p = c.place
                    if p.country:
                        cw[p.country] += w
                    aw[p.geonameid if p.feature_code == "ADM1" else p.admin1_id] += w
                country_w.append(cw)
                admin_w.append(aw)
            readings = numpy.radians([(n.best.place.lat, n.best.place.lon) for n in live])
            others = len(live) - 1
            for i, n in enumerate(live):
                rest = numpy.delete(readings, i, axis=0)
                near = _nearest_km(n.coords, rest)
                scores = []
                for c, d in zip(n.cands, near):
                    p = c.place
                    own_admin = p.geonameid if p.feature_code == "ADM1" else p.admin1_id
                    country = sum(cw.get(p.country, 0.0) for j, cw in enumerate(country_w) if j != i)
                    admin = sum(aw.get(own_admin, 0.0) for j, aw in enumerate(admin_w) if j != i) if own_admin else 0.0
                    s = self._prior(c, n) + W_COUNTRY * country / others + W_ADMIN * min(1.0, admin)
                    if p.feature_code not in ("PCLI", "CONT"):
                        s += W_NEAR * max(0.0, 1 - math.log10(1 + d) / 4)
                    scores.append(s)
                self._choose(n, scores)

    @staticmethod
    def _choose(name: _Name, scores: list[float]) -> None:
        if not name.cands:
            return
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        name.weights = [e / total for e in exp]
        order = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
        name.best = name.cands[order[0]]
        name.margin = scores[order[0]] - scores[order[1]] if len(order) > 1 else 3.0

    @staticmethod
    def _definite(doc: Doc, named: list[tuple[Span, PlaceMention]]) -> list[tuple[Span, PlaceMention]]:
        """"the city", "the capital": the most recent named place of that kind before it."""
        out = []
        lower = doc.to_array(LOWER) if len(doc) else numpy.zeros(0, dtype="uint64")
        for i in numpy.flatnonzero(numpy.isin(lower, _DEFINITE_HASHES)):
            tok = doc[int(i)]
            kind = _DEFINITE[tok.lower_]
            if tok.i == 0 or doc[tok.i - 1].lower_ != "the" or tok.ent_type_:
                continue
            if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "of":
                continue  # "the city of X": X itself is named
            before = [(s, pm) for s, pm in named if s.end <= tok.i and pm.place is not None
                      and pm.place.feature_class == kind]
            if before:
                s, pm = before[-1]
                span = doc[tok.i - 1:tok.i + 1]
                out.append((span, PlaceMention(span.start_char, span.end_char, span.text, pm.place, "place",
                                               round(pm.score * 0.8, 3))))
        return out


def _us_state_abbreviations() -> dict[str, str]:
    """AP style ("La.", "Calif.") and postal ("LA") abbreviations -> state name, from the `us` package.
    Case-sensitive, so that "In" or "Me" after a comma is not a state."""
    import us

    out = {}
    for s in us.states.STATES_AND_TERRITORIES + [us.states.DC]:
        out[s.abbr] = s.name
        if s.ap_abbr and "." in s.ap_abbr:
            out[s.ap_abbr] = s.name
    return out
