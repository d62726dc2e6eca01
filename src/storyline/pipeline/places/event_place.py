"""Step 4: an event's place. The clause of the trigger is read for the places it supports, in order
of rules: a place that is the trigger's object ("visited Kherson": rule "object"), places under
the clause's place prepositions ("fighting in Ukraine's Kherson region": "preposition"), the place
nearest the trigger in its sentence ("sentence"), and the story's focus country ("story-focus").
Within the first rule that finds any, the most specific place wins (kb/place_types.tsv: a town
over its province over its country), then the nearest to the trigger; a place named inside
another's phrase counts with it ("Kherson, Ukraine", "the city of Kherson", "Ukraine's Kherson").
"""
from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from ...kb.places import place_types
from ...model import PlaceMention
from ..syntax import CLAUSE_DEPS

PlaceInfo = tuple["int | None", "str | None", "str | None", "str | None"]  # geonameid, name, rule, country
_NESTED_DEPS = {"compound", "poss", "appos", "nmod", "prep", "pobj", "conj", "amod"}


def event_place(tok: Token, doc: Doc, place_of_token: dict[int, tuple[Span, PlaceMention]],
                place_preps: set[str] | frozenset[str], countries) -> PlaceInfo:
    """The place of the event whose trigger is `tok`, and the rule that chose it."""
    types = place_types()

    def specificity(pm: PlaceMention) -> int:
        return types.get(pm.place.feature_class, pm.place.feature_code).specificity if pm.place else -1

    def pick(anchors: list[Token], rule: str, places_only: bool) -> PlaceInfo | None:
        found: dict[int, tuple[Span, PlaceMention]] = {}
        for a in anchors:
            for t in _phrase(a):
                hit = place_of_token.get(t.i)
                if hit is not None and (not places_only or hit[1].role == "place"):
                    found[hit[0].start] = hit
        if not found:
            return None
        span, pm = max(found.values(), key=lambda h: (specificity(h[1]), -abs(h[0].root.i - tok.i)))
        p = pm.place
        return (p.geonameid if p else None, p.name if p else span.text.removeprefix("the "), rule,
                p.country if p else None)

    objects = [c for c in tok.children if c.dep_ == "dobj" and c.i in place_of_token]
    chosen = pick(objects, "object", places_only=False) if objects else None
    if chosen:
        return chosen
    preps = [c for c in _clause_tokens(tok) if c.dep_ == "prep" and c.lower_ in place_preps]
    pobjs = [g for c in preps for g in c.children if g.dep_ == "pobj"]
    chosen = pick(pobjs, "preposition", places_only=True) if pobjs else None
    if chosen:
        return chosen
    sent = tok.sent
    near = [(abs(span.start - tok.i), span.root.i) for span, pm in doc._.places
            if sent.start <= span.start < sent.end and pm.role == "place" and pm.place is not None]
    if near:
        span, pm = place_of_token[min(near)[1]]
        return pm.place.geonameid, pm.place.name, "sentence", pm.place.country
    focus = doc._.focus_country
    c = countries.by_alpha3.get(focus) if focus else None
    if c is not None and c.geonameid:
        return c.geonameid, c.name, "story-focus", focus
    return None, None, None, None


def _clause_tokens(t: Token):
    for c in t.children:
        if c.dep_ in CLAUSE_DEPS and c.pos_ in ("VERB", "AUX"):
            continue  # another clause: its places are its own
        yield c
        yield from _clause_tokens(c)


def _phrase(t: Token):
    """A noun and the names nested in its phrase: "Kherson, Ukraine", "the city of Kherson"."""
    yield t
    for c in t.children:
        if c.dep_ in _NESTED_DEPS and c.pos_ not in ("VERB", "AUX"):
            yield from _phrase(c)
