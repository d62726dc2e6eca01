"""Step 2: candidates. Each distinct name of a story gets its gazetteer candidates: by its own text,
as a demonym's country ("Sudanese", "Canadians" -> Sudan, Canada) or subdivision ("Texan",
"Ontarians"; kb/place_demonyms.tsv), as a subdivision's abbreviation ("Ky.", "W.Va.", "Calif",
"B.C."; the `us` package and kb/place_abbreviations.tsv); an acronym ("EU") is only read as a
country, a state or a region, never as the village of Eu. A qualifier after a name ("Alexandria,
La.", "Paris, Texas") restricts its candidates outright. One sense per story: a name is one
`Name` however often it occurs."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from ...kb.gazetteer import Candidate, Gazetteer, normalize
from ...kb.places import place_abbreviations, place_demonyms

# The most populous candidates of a name are kept: "Washington" has hundreds of namesakes, and a
# reading outside the first few dozen is one no context in a news story can pick out.
MAX_CANDIDATES = 40
ACRONYM_CITY = 1_000_000


@dataclass
class Name:
    """One distinct toponym of a story, with its candidates and its current reading."""
    key: str
    text: str
    cands: tuple[Candidate, ...]
    via: str = "name"  # name, demonym or abbreviation: how the text led to the candidates
    first: int = 0  # token index of the first mention
    mentions: int = 0
    restrict: set = field(default_factory=set)  # ids / alpha3 codes a qualifier allows
    qualified: bool = False
    agent: bool = True  # every mention is a speaker or agent: a capital stands for its government
    probs: list[float] = field(default_factory=list)  # the ranker's reading, summing to one
    best: Candidate | None = None
    margin: float = 0.0


class Demonyms:
    """Demonyms of countries (kb.countries) and of subdivisions (kb/place_demonyms.tsv), singular
    or plural ("Syrian", "Syrians"; "Texan", "Texans"), looked up lower-cased."""

    def __init__(self, countries):
        self.countries = countries.demonyms
        self.subdivisions = place_demonyms()

    @staticmethod
    def _get(table: dict, low: str):
        found = table.get(low)
        if found is None and low.endswith("s"):
            found = table.get(low[:-1])
        return found

    def country(self, low: str) -> str | None:
        return self._get(self.countries, low)

    def subdivision(self, low: str) -> tuple[str, str] | None:
        return self._get(self.subdivisions, low)

    def __contains__(self, low: str) -> bool:
        return self.country(low) is not None or self.subdivision(low) is not None


class CandidateFinder:
    def __init__(self, gaz: Gazetteer, countries, abbreviations: dict[str, str]):
        self.gaz = gaz
        self.countries = countries
        self.abbreviations = abbreviations
        self.demonyms = Demonyms(countries)

    def lookup(self, text: str) -> tuple[tuple[Candidate, ...], str]:
        text = text.removeprefix("the ").removeprefix("The ")
        low = text.lower()
        a3 = self.demonyms.country(low)
        c = self.countries.by_alpha3.get(a3) if a3 else None
        if c is not None and c.geonameid:
            return tuple(x for x in self.gaz.lookup(c.name) if x.place.geonameid == c.geonameid), "demonym"
        sub = self.demonyms.subdivision(low)
        if sub is not None:
            # the subdivision's own entries in its country, areas before towns of that name
            cands = sorted((x for x in self.gaz.lookup(sub[0]) if x.place.country == sub[1]),
                           key=lambda x: x.place.feature_class != "A")
            if cands:
                return tuple(cands[:MAX_CANDIDATES]), "demonym"
        state = self.abbreviations.get(text)
        cands = self.gaz.lookup(state or text)
        if text.isupper() and len(text.replace(".", "")) <= 3:
            # "L.A.", "KL", "NYC": an acronym of a city of millions is how news writes it
            cands = tuple(x for x in cands if x.place.feature_code in ("PCLI", "ADM1", "RGN")
                          or x.place.population >= ACRONYM_CITY)
        return cands[:MAX_CANDIDATES], "abbreviation" if state else "name"

    def qualifier(self, after: str) -> set:
        """The words after a name: ', La.' -> {Louisiana's id}; ', France' -> {'FRA'}."""
        m = re.match(r",\s*((?:[A-Z][\w.]*\.?)(?:\s[A-Z][\w.]*){0,2})", after)
        if not m:
            return set()
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            cand = " ".join(words[:n])
            state = self.abbreviations.get(cand)
            for c in self.gaz.lookup(state or cand):
                if c.own_name and c.place.feature_code == "ADM1":
                    return {c.place.geonameid}
                if c.place.feature_code == "PCLI":
                    return {c.place.country}
        return set()

    def names(self, doc: Doc, spans: list[Span], agents: list[bool]) -> tuple[list[str], dict[str, Name]]:
        """The story's distinct names (one sense per story), and each span's name key."""
        names: dict[str, Name] = {}
        keys = []
        for span, agent in zip(spans, agents):
            key = normalize(span.text)
            keys.append(key)
            name = names.get(key)
            if name is None:
                cands, via = self.lookup(span.text)
                name = names[key] = Name(key, span.text, cands, via, first=span.start)
            name.mentions += 1
            name.restrict |= self.qualifier(doc[span.end:span.end + 6].text)
            name.agent &= agent
        for name in names.values():
            if name.restrict:
                kept = tuple(c for c in name.cands if c.place.admin1_id in name.restrict
                             or c.place.geonameid in name.restrict or c.place.country in name.restrict)
                name.qualified = bool(kept)
                name.cands = kept or name.cands
        return keys, names


def subdivision_abbreviations() -> dict[str, str]:
    """The US states' abbreviations (below) and those of kb/place_abbreviations.tsv ("B.C.", "NSW"),
    each also without its final period when it keeps one inside or is five letters or more ("N.Y",
    "W. Va", "Calif": a sentence's last period is often the abbreviation's), never a shorter one
    ("La", "Man" are words)."""
    out = us_state_abbreviations()
    for abbr, (name, _) in place_abbreviations().items():
        out.setdefault(abbr, name)
    for abbr, name in list(out.items()):
        bare = abbr.rstrip(".")
        if bare != abbr and ("." in bare or len(bare) >= 5):
            out.setdefault(bare, name)
    return out


def us_state_abbreviations() -> dict[str, str]:
    """AP style ("La.", "Calif.") and postal ("LA") abbreviations -> state name, from the `us` package.
    Case-sensitive, so that "In" or "Me" after a comma is not a state."""
    import us

    out = {}
    for s in us.states.STATES_AND_TERRITORIES + [us.states.DC]:
        out[s.abbr] = s.name
        if s.ap_abbr and "." in s.ap_abbr:
            out[s.ap_abbr] = s.name
            out[s.ap_abbr.replace(". ", ".")] = s.name  # "W. Va." is also written "W.Va."
            out[re.sub(r"\.(?=\w)", ". ", s.ap_abbr)] = s.name  # and the other way round
    return out
