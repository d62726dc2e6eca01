"""Entity correction: spaCy's NER checked against the gazetteer and the actor knowledge base.

The small English model makes systematic errors on names it has rarely seen (it tags Kherson
as a PERSON and Zelenskiy as an ORG). Known actors keep their kind from the KB; a PERSON or ORG
name that the gazetteer knows as a place, and that nothing in the text marks as a person,
becomes a GPE; an ORG with a person's appositive ("X, a clothing designer") becomes a PERSON.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .. import kb
from ..kb.gazetteer import gazetteer
from ..model import Place
from .places import place_cued

NOTABLE_POPULATION = 15000


def _notable(p: Place) -> bool:
    return p.feature_class != "P" or p.population >= NOTABLE_POPULATION

PLACE_LABELS = {"GPE", "LOC", "FAC"}
ACTOR_LABELS = {"PERSON", "ORG", "NORP"}
_NO_ROLE = kb.Role("", "")
_TITLE_LEMMAS = {"president", "minister", "mr", "mrs", "ms", "dr", "sir", "general", "king", "queen"}


@Language.factory("storyline_entities", default_config={"actor_files": []})
def make_entity_corrector(nlp: Language, name: str, actor_files: list[str]) -> "EntityCorrector":
    return EntityCorrector(actor_files)


class EntityCorrector:
    def __init__(self, actor_files: list[str] = ()) -> None:
        self.gaz = gazetteer()
        self.book = kb.actors(tuple(str(p) for p in actor_files))
        self.roles = kb.roles()
        self.countries = kb.countries()

    def __call__(self, doc: Doc) -> Doc:
        person_tokens = {t.lower_ for e in doc.ents if e.label_ == "PERSON" and len(e) > 1
                         and not self._country_name(e) for t in e}
        ents = []
        for ent in doc.ents:
            label = self._label(ent, person_tokens)
            if label:
                ents.append(ent if label == ent.label_ else Span(doc, ent.start, ent.end, label=label))
        found = self._missed(doc, ents)
        covered = {i for f in found for i in range(f.start, f.end)}
        ents = [e for e in ents if not any(i in covered for i in range(e.start, e.end))] + found
        doc.ents = filter_spans(self._surnames_are_people(ents))
        return doc

    def _surnames_are_people(self, ents: list[Span]) -> list[Span]:
        """A known person is never an organization: a name after a person's title ("councillor
        Amara Okonkwo", "Mr. Okonkwo") is a person, and so is the bare surname of a person named
        in full in the story, wherever the model put it ("Okonkwo praised ...")."""
        out = []
        for e in ents:
            prev = e.doc[e.start - 1] if e.start > 0 else None
            if e.label_ == "ORG" and prev is not None and self.book.lookup(e.text) is None and (
                    prev.lower_.rstrip(".") in _TITLE_LEMMAS or
                    (self.roles.get(prev.lemma_.lower()) or self.roles.get(prev.lower_) or _NO_ROLE).kind == "person"):
                e = Span(e.doc, e.start, e.end, label="PERSON")
            out.append(e)
        # the last name of a full name ("Richard Weizsaecker's": Weizsaecker, not the possessive)
        names = [[t for t in e if t.lower_ not in ("'s", "’s")] for e in out if e.label_ == "PERSON"]
        surnames = {n[-1].lower_ for n in names if len(n) > 1}
        # the surname alone wherever the model put it: an organization, or a label no actor has
        # ("Musharraf" as a PRODUCT, "Denman" as a WORK_OF_ART); places keep _label's own test
        out = [Span(e.doc, e.start, e.end, label="PERSON")
               if e.label_ not in PLACE_LABELS | {"PERSON"} and len(e) == 1 and e[0].lower_ in surnames else e
               for e in out]
        # the surname alone where the model tagged nothing ("Sims said", two sentences after "Bob Sims")
        covered = {i for e in out for i in range(e.start, e.end)}
        doc = ents[0].doc if ents else None
        if doc is not None and surnames:
            for tok in doc:
                if tok.i not in covered and tok.pos_ == "PROPN" and tok.is_title and tok.lower_ in surnames:
                    out.append(Span(doc, tok.i, tok.i + 1, label="PERSON"))
        return out

    def _label(self, ent: Span, person_tokens: set[str]) -> str:
        label = ent.label_
        if label not in ACTOR_LABELS | PLACE_LABELS:
            return label
        text = ent.text.removeprefix("the ").removesuffix("’s").removesuffix("'s")
        if label in ("PERSON", "ORG") and self._country_name(ent):
            return "GPE"  # "Sri Lanka ordered its armed forces": the model's PERSON is the country
        known = self.book.lookup(text)
        if known is not None and label in PLACE_LABELS and known.layer == 0 and len(ent) == 1 \
                and any(_notable(c.place) for c in self.gaz.lookup(text)):
            known = None  # a one-word name in the generated dictionaries that is also a notable place
        if known is not None:
            if label == "PERSON" and known.kind != "person" and len(ent) > 1:
                return label  # a person listed under an organization's entry (its leader) stays a person
            return "PERSON" if known.kind == "person" else "ORG"
        if label == "PERSON" and len(ent) == 1 and ent.root.dep_ == "compound":
            head = self.roles.get(ent.root.head.lemma_.lower())
            if head is not None and head.kind in ("group", "org"):
                return ""  # "Riot police": a modifier of a collective noun, not a name
        if label in ("PERSON", "ORG") and self._is_place(ent, text, person_tokens):
            return "GPE"
        if label in PLACE_LABELS and len(ent) == 1 and ent[0].lower_ in person_tokens and not place_cued(ent):
            return "PERSON"  # "Sheriff Bob Ripley ... Ripley said": the surname of a person named in full
        if label == "ORG" and self._has_person_appositive(ent):
            return "PERSON"
        return label

    def _country_name(self, ent: Span) -> bool:
        """The whole entity is a country's name ("Sri Lanka", "Argentina"), not a demonym."""
        text = ent.text.removeprefix("the ").removesuffix("’s").removesuffix("'s").strip()
        return text.lower().removeprefix("the ") in self.countries.names

    def _is_place(self, ent: Span, text: str, person_tokens: set[str]) -> bool:
        # The gazetteer holds every village of 500 people, so most surnames are some place's name:
        # only a notable place (a country, a region, a town of 15,000) or a place the context
        # marks ("in Ripley") outweighs the model's PERSON or ORG.
        cands = self.gaz.lookup(text)
        if not any(_notable(c.place) for c in cands) and not (cands and place_cued(ent)):
            return False
        if any(t.lower_ in person_tokens for t in ent):  # the same word is part of a full person name
            return False
        prev = ent.doc[ent.start - 1] if ent.start > 0 else None
        if prev is not None and prev.lower_.rstrip(".") in _TITLE_LEMMAS:
            return False
        return not self._has_person_appositive(ent)

    def _has_person_appositive(self, ent: Span) -> bool:
        for tok in ent.root.children:
            if tok.dep_ == "appos":
                role = self.roles.get(tok.lemma_.lower())
                if role is not None and role.kind == "person":
                    return True
        return False

    def _missed(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """Known actor names the model did not tag, or tagged in pieces ("U.S." + "Federal
        Reserve"): the KB's names found in the text (ActorBook.find), kept when they are
        written as names (a capitalized word) and cross no entity; a known name that covers
        entities replaces them."""
        ent_at = {i: e for e in ents for i in range(e.start, e.end)}
        out = []
        for start, end, _ in self.book.find(doc.text):
            span = doc.char_span(start, end)
            if span is None:
                continue
            # words, and abbreviations written with full stops ("E.U.", "U.N.")
            words = [t for t in span if (t.is_alpha or t.text.replace(".", "").isalpha()) and t.lower_ not in ("the", "of", "and")]
            if not words or not any(t.is_title or t.is_upper for t in words):
                continue
            inside = {id(ent_at[i]): ent_at[i] for i in range(span.start, span.end) if i in ent_at}
            if any(e.start < span.start or e.end > span.end for e in inside.values()):
                continue  # crosses an entity's edge: the model's span stands
            if inside and all(e.start == span.start and e.end == span.end for e in inside.values()):
                continue  # the same span: _label has decided already
            known = self.book.lookup(span.text)
            if known is None:
                continue
            nxt = doc[span.end] if span.end < len(doc) else None
            if known.kind != "person" and nxt is not None and nxt.ent_type_ == "PERSON" and not inside:
                continue  # an office before a name ("U.S. Secretary of State George Shultz") is a title
            if known.kind != "person" and nxt is not None and nxt.ent_type_ == "PERSON" and \
                    all(e.label_ != "ORG" for e in inside.values()):
                continue
            if len(span) == 1 and not inside:
                tok = span[0]
                # the tagger sometimes calls a sentence-initial surname a noun ("Zelenskyy praised ..."):
                # accepted for known people only, since org aliases include common words ("the alliance")
                if tok.pos_ not in ("PROPN", "NOUN") or not (tok.pos_ == "PROPN" or known.kind == "person"):
                    continue
                if known.layer == 0 and (self.countries.lookup(tok.text) or
                                         any(_notable(c.place) for c in self.gaz.lookup(tok.text))):
                    continue
            if inside and any(e.label_ in PLACE_LABELS for e in inside.values()) and len(span) == 1:
                continue
            out.append(Span(doc, span.start, span.end, label="PERSON" if known.kind == "person" else "ORG"))
        return out
