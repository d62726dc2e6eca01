"""Step 2: candidates. Each distinct name of a story gets its gazetteer candidates: by its own text,
as a demonym's country ("Sudanese" -> Sudan), as a US state abbreviation ("Ky.", "W.Va."); an
acronym ("EU") is only read as a country, a state or a region, never as the village of Eu. A
qualifier after a name ("Alexandria, La.", "Paris, Texas") restricts its candidates outright.
One sense per story: a name is one `Name` however often it occurs."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from ...kb.gazetteer import Candidate, Gazetteer, normalize

# The most populous candidates of a name are kept: "Washington" has hundreds of namesakes, and a
# reading outside the first few dozen is one no context in a news story can pick out.
MAX_CANDIDATES = 40


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


class CandidateFinder:
    def __init__(self, gaz: Gazetteer, countries, us_abbrev: dict[str, str]):
        self.gaz = gaz
        self.countries = countries
        self.us_abbrev = us_abbrev

    def lookup(self, text: str) -> tuple[tuple[Candidate, ...], str]:
        text = text.removeprefix("the ").removeprefix("The ")
        a3 = self.countries.demonyms.get(text.lower())
        c = self.countries.by_alpha3.get(a3) if a3 else None
        if c is not None and c.geonameid:
            return tuple(x for x in self.gaz.lookup(c.name) if x.place.geonameid == c.geonameid), "demonym"
        state = self.us_abbrev.get(text)
        cands = self.gaz.lookup(state or text)
        if text.isupper() and len(text.replace(".", "")) <= 3:
            cands = tuple(x for x in cands if x.place.feature_code in ("PCLI", "ADM1", "RGN"))
        return cands[:MAX_CANDIDATES], "abbreviation" if state else "name"

    def qualifier(self, after: str) -> set:
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
    return out
