"""Places: toponyms found and resolved to GeoNames entries, in steps:

1. recognize.py — which spans name places: toponyms, demonyms, toponyms inside organization names;
2. candidates.py — each distinct name's gazetteer candidates (one sense per story), qualifiers;
3. rank.py — a learned ranker (kb/place_ranker.json) reads every candidate with the story's other
   names, its demonyms and its first place;
4. event_place.py — an event's place: the most specific place its clause supports, and the rule.

The stage leaves `doc._.places` (toponyms: (Span, PlaceMention) with role "place", or "actor" when
the name stands for its government: "Washington said"), `doc._.place_refs` (demonyms and
organization parts, kind "demonym" / "org_part") and `doc._.focus_country`.
"""
from __future__ import annotations

from collections import Counter

import numpy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc, Span

from ... import kb
from ...kb.gazetteer import gazetteer
from ...kb.places import place_words
from ...model import PlaceMention
from .candidates import CandidateFinder, Name, subdivision_abbreviations
from .event_place import event_place
from .rank import Ranker, distance_km, shipped_ranker
from .recognize import PLACE_LABELS, Recognizer, is_agent, place_cued

__all__ = ["PlaceResolver", "distance_km", "event_place", "is_agent", "place_cued", "PLACE_LABELS"]

if not Doc.has_extension("place_refs"):
    Doc.set_extension("place_refs", default=[])


@Language.factory("storyline_places")
def make_place_resolver(nlp: Language, name: str) -> "PlaceResolver":
    return PlaceResolver()


class PlaceResolver:
    def __init__(self, ranker: Ranker | None = None) -> None:
        self.gaz = gazetteer()
        self.countries = kb.countries()
        self.words = place_words()
        self.recognizer = Recognizer(self.gaz, self.countries, self.words)
        self.finder = CandidateFinder(self.gaz, self.countries, subdivision_abbreviations())
        self.ranker = ranker or shipped_ranker()
        self._definite_hashes = numpy.array([hash_string(w) for w in self.words.definite], dtype="uint64")

    def __call__(self, doc: Doc) -> Doc:
        found = self.recognize_kinds(doc)
        resolved = self.resolve(doc, [s for s, _ in found], [k for _, k in found])
        places = [(s, pm) for s, pm in resolved if pm.kind == "toponym"]
        places.extend(self._definite(doc, places))
        places.sort(key=lambda x: x[0].start)
        doc._.places = places
        doc._.place_refs = [(s, pm) for s, pm in resolved if pm.kind != "toponym"]
        return doc

    # ---- recognition ----
    def recognize_kinds(self, doc: Doc) -> list[tuple[Span, str]]:
        return self.recognizer(doc)

    def recognize(self, doc: Doc) -> list[Span]:
        """The toponyms alone (no demonyms, no organization parts)."""
        return [s for s, k in self.recognizer(doc) if k == "toponym"]

    # ---- resolution ----
    def names(self, doc: Doc, spans: list[Span]) -> tuple[list[str], list[bool], dict[str, Name]]:
        agents = [is_agent(span) for span in spans]
        keys, names = self.finder.names(doc, spans, agents)
        return keys, agents, names

    def story_demonyms(self, doc: Doc) -> Counter:
        """The countries the story's demonyms name ("Russian forces"), by mentions."""
        dem = self.countries.demonyms
        return Counter(dem[t.lower_] for t in doc if t.is_title and t.lower_ in dem)

    def resolve(self, doc: Doc, spans: list[Span], kinds: list[str] | None = None) -> list[tuple[Span, PlaceMention]]:
        kinds = kinds or ["toponym"] * len(spans)
        keys, agents, names = self.names(doc, spans)
        self.ranker.rank(list(names.values()), self.story_demonyms(doc))
        # the country where the story happens: the most named one among its places; agents
        # ("Russia denies") are left out: they say who acted, not where
        focus = Counter(names[k].best.place.country for k, agent, kind in zip(keys, agents, kinds)
                        if kind == "toponym" and not agent and names[k].best is not None and names[k].best.place.country)
        doc._.focus_country = focus.most_common(1)[0][0] if focus else None
        out = []
        for span, key, agent, kind in zip(spans, keys, agents, kinds):
            name = names[key]
            place = name.best.place if name.best else None
            score = round(max(name.probs), 3) if place else 0.0
            out.append((span, PlaceMention(span.start_char, span.end_char, span.text, place,
                                           "actor" if agent else "place", score, kind)))
        return out

    def _definite(self, doc: Doc, named: list[tuple[Span, PlaceMention]]) -> list[tuple[Span, PlaceMention]]:
        """"the city", "the capital": the most recent named place of that kind before it."""
        out = []
        lower = doc.to_array(LOWER) if len(doc) else numpy.zeros(0, dtype="uint64")
        for i in numpy.flatnonzero(numpy.isin(lower, self._definite_hashes)):
            tok = doc[int(i)]
            kind = self.words.definite[tok.lower_]
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
