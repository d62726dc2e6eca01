"""Step 1: recognition. Which spans of a story name places, and of what kind:

- toponym: spaCy's GPE/LOC/FAC entities (after the entities stage's corrections); runs of proper
  nouns the gazetteer knows that the context marks as places ("in Cottonport", "the town of
  Pandi", "X, La.") or that name a country, a first-level subdivision or a region outright; a
  name runs on over a place noun when the gazetteer knows the longer name ("Salinas Valley");
- demonym: "Russian", "Palestinians", "Sri Lankan" — the country as an attribute of people;
- org_part: a toponym inside an organization's name ("Texas" in "University of Texas").

Demonyms and organization parts are reported apart (PlaceMention.kind) so that a scorer can
count or skip them; only toponyms are places where something happens.
"""
from __future__ import annotations

import numpy
from spacy.attrs import IS_TITLE, POS
from spacy.parts_of_speech import PROPN
from spacy.tokens import Doc, Span

from ...kb.gazetteer import Gazetteer
from ...kb.places import PlaceWords
from .candidates import Demonyms

PLACE_LABELS = {"GPE", "LOC", "FAC"}
_PROPN = int(PROPN)
# an uncued proper noun is a place when the gazetteer knows it as one of these (or as one of
# storyline's own features, which are only matched by their full names)
_OUTRIGHT = {"PCLI", "ADM1", "CONT", "RGN"}
_NOTABLE_TOWN = 15000  # a toponym inside an organization's name: a town this big, or any area


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


def place_cued(span: Span, words: PlaceWords | None = None) -> bool:
    """The words around a name mark it as a place: "in Cottonport", "the town of Pandi",
    "Kherson city", "Alexandria, La.", "Pandi, Bulacan"."""
    if words is None:
        from ...kb.places import place_words

        words = place_words()
    doc = span.doc
    prev = doc[span.start - 1] if span.start > 0 else None
    nxt = doc[span.end] if span.end < len(doc) else None
    if prev is not None and prev.lower_ in words.cues and prev.dep_ == "prep":
        if prev.lower_ != "of" or (span.start >= 2 and doc[span.start - 2].lower_ in words.nouns):
            return True
    if nxt is not None and nxt.lower_ in words.nouns:
        return True
    return nxt is not None and nxt.text == "," and span.end + 1 < len(doc) and doc[span.end + 1].ent_type_ == "GPE"


class Recognizer:
    def __init__(self, gaz: Gazetteer, countries, words: PlaceWords):
        self.gaz = gaz
        self.countries = countries
        self.words = words
        self.demonyms = Demonyms(countries)

    def __call__(self, doc: Doc) -> list[tuple[Span, str]]:
        if not len(doc):
            return []
        out: list[tuple[Span, str]] = []
        taken: set[int] = set()
        for e in doc.ents:
            if e.label_ in PLACE_LABELS and e.text.lower() not in self.demonyms:
                span = self._longer(doc, e)
                out.append((span, "toponym"))
                taken.update(range(span.start, span.end))
        ent_tokens = {i for e in doc.ents for i in range(e.start, e.end)}
        out.extend(self._demonyms(doc, taken))
        taken.update(i for s, _ in out for i in range(s.start, s.end))
        # runs of capitalized proper nouns outside any entity; token attributes read as one array,
        # since making a Token object per word costs more than the rest of this stage
        arr = doc.to_array([POS, IS_TITLE])
        free = [int(i) for i in numpy.flatnonzero((arr[:, 0] == _PROPN) & (arr[:, 1] == 1))
                if i not in taken and i not in ent_tokens]
        for i, j in _runs(free):
            span = doc[i:self._known_end(doc, i, j, over_entities=True)]
            cands = self.gaz.lookup(span.text)
            if cands and (place_cued(span, self.words) or self._outright(cands)):
                span = self._longer(doc, Span(doc, span.start, span.end, label="GPE"))
                out.append((span, "toponym"))
        out.extend(self._org_parts(doc, arr))
        return sorted(out, key=lambda x: x[0].start)

    @staticmethod
    def _outright(cands) -> bool:
        return any(c.own_name and (c.place.feature_code in _OUTRIGHT or c.place.geonameid < 0) for c in cands)

    def _longer(self, doc: Doc, span: Span) -> Span:
        """"Salinas" + "Valley", "Lake" + "Baikal": the longest name the gazetteer knows that runs on
        over a place noun or over capitalized words the model left out of the entity (up to three)."""
        if span.end < len(doc):
            nxt = doc[span.end]
            if nxt.is_title and nxt.lower_ in self.words.nouns and self.gaz.lookup(f"{span.text} {nxt.text}"):
                return Span(doc, span.start, span.end + 1, label=span.label_)
        end = self._known_end(doc, span.start, span.end, over_entities=False)
        return Span(doc, span.start, end, label=span.label_) if end > span.end else span

    def _known_end(self, doc: Doc, start: int, end: int, over_entities: bool) -> int:
        """The end of the longest gazetteer name from `start` that runs on past `end` over up to three
        capitalized words ("Lake" + "Baikal", which the model tagged a person); `end` if none."""
        stop = end
        while (stop < min(len(doc), end + 3) and doc[stop].is_title
               and (not doc[stop].ent_type_ or (over_entities and doc[stop].ent_type_ not in PLACE_LABELS))):
            stop += 1
        for k in range(stop, end, -1):
            if self.gaz.lookup(doc[start:k].text):
                return k
        return end

    def _demonyms(self, doc: Doc, taken: set[int]) -> list[tuple[Span, str]]:
        out = []
        dem = self.demonyms
        for e in doc.ents:
            if e.label_ in ("NORP", "GPE") and e.text.lower() in dem:
                out.append((e, "demonym"))
        seen = {i for s, _ in out for i in range(s.start, s.end)} | taken
        for tok in doc:
            if tok.i not in seen and tok.is_title and tok.lower_ in dem and tok.pos_ in ("ADJ", "PROPN", "NOUN"):
                out.append((doc[tok.i:tok.i + 1], "demonym"))
        return out

    def _org_parts(self, doc: Doc, arr: numpy.ndarray) -> list[tuple[Span, str]]:
        out = []
        for e in doc.ents:
            if e.label_ != "ORG" or len(e) < 2:
                continue
            # the organization's own head ("University" of "University of Idaho", "Times" of "New
            # York Times") is never the place in it
            idx = [i for i in range(e.start, e.end) if arr[i, 0] == _PROPN and arr[i, 1] == 1 and i != e.root.i]
            for i, j in _runs(idx):
                # the longest known name inside the run, left to right ("New York" in "New York Times")
                while i < j:
                    for k in range(min(j, i + 4), i, -1):
                        if k - i < len(e) and self._notable(doc[i:k].text):
                            out.append((Span(doc, i, k, label="GPE"), "org_part"))
                            i = k
                            break
                    else:
                        i += 1
        return out

    def _notable(self, text: str) -> bool:
        return any(c.own_name and (c.place.feature_class == "A" or c.place.population >= _NOTABLE_TOWN)
                   for c in self.gaz.lookup(text))


def _runs(indices: list[int]):
    """Consecutive runs of token indices, as (start, end) pairs."""
    k = 0
    while k < len(indices):
        i = j = indices[k]
        while k < len(indices) and indices[k] == j:
            j += 1
            k += 1
        yield i, j
