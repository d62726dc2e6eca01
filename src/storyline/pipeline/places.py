"""Places: GPE/LOC/FAC mentions resolved to GeoNames entries, disambiguated by the story's
country focus, population and feature type; a name used as a speaker or agent ("Washington
said", "Russia denies") is marked as an actor (metonymy), not a place where something happened."""
from __future__ import annotations

import math
import re
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import kb
from ..kb.gazetteer import gazetteer
from ..model import Place, PlaceMention

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Natural features the city gazetteer cannot hold: never resolve "Dnipro River" to the city Dnipro.
_FEATURE_WORDS = re.compile(r"\b(river|sea|ocean|mountains?|lake|gulf|bay|strait|valley|desert|island|"
                            r"peninsula|basin|coast|region|square|street|building)s?\b", re.IGNORECASE)


_DEFINITE = {"city": "P", "town": "P", "capital": "P", "village": "P", "country": "A"}


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


class PlaceResolver:
    def __init__(self) -> None:
        self.gaz = gazetteer()
        self.countries = kb.countries()

    def __call__(self, doc: Doc) -> Doc:
        spans = [e for e in doc.ents if e.label_ in PLACE_LABELS and e.text.lower() not in self.countries.demonyms]
        focus = self._focus(doc, spans)
        doc._.focus_country = focus.most_common(1)[0][0] if focus else None
        out = []
        for span in spans:
            text = span.text.removeprefix("the ").removeprefix("The ")
            place, score = (None, 0.0) if _FEATURE_WORDS.search(text) else self._resolve(text, focus)
            role = "actor" if is_agent(span) else "place"
            out.append((span, PlaceMention(span.start_char, span.end_char, span.text, place, role, score)))
        out.extend(self._definite(doc, out))
        out.sort(key=lambda x: x[0].start)
        doc._.places = out
        return doc

    @staticmethod
    def _definite(doc: Doc, named: list[tuple[Span, PlaceMention]]) -> list[tuple[Span, PlaceMention]]:
        """"the city", "the capital": the most recent named place of that kind before it."""
        out = []
        for tok in doc:
            kind = _DEFINITE.get(tok.lower_)
            if kind is None or tok.i == 0 or doc[tok.i - 1].lower_ != "the" or tok.ent_type_:
                continue
            if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "of":
                continue  # "the city of X": X itself is named
            before = [(s, pm) for s, pm in named if s.end <= tok.i and pm.place is not None
                      and pm.place.feature_class == kind]
            if before:
                s, pm = before[-1]
                span = doc[tok.i - 1:tok.i + 1]
                out.append((span, PlaceMention(span.start_char, span.end_char, span.text, pm.place, "place",
                                               pm.score * 0.8)))
        return out

    def _focus(self, doc: Doc, spans: list[Span]) -> Counter:
        """Countries where the story happens: its unambiguous place names, counted. Demonyms are left
        out: "Russian forces" in Ukraine say who acted, not where."""
        focus: Counter = Counter()
        for span in spans:
            if is_agent(span):
                continue
            cands = self.gaz.candidates(span.text)
            if len({c.country for c in cands}) == 1 and cands[0].country:
                focus[cands[0].country] += 1
        return focus

    def _resolve(self, text: str, focus: Counter) -> tuple[Place | None, float]:
        cands = self.gaz.candidates(text)
        if not cands:
            return None, 0.0
        total = sum(focus.values()) or 1

        def score(p: Place) -> float:
            s = math.log10(p.population + 10) / 8
            s += 2.0 * focus.get(p.country, 0) / total
            if p.feature_code == "PCLI":
                s += 1.0
            return s

        best = max(cands, key=score)
        return best, round(min(1.0, score(best) / 2), 3)
