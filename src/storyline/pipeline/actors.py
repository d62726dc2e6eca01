"""Actors: every participant mention (person, organization, group, country used as an agent,
pronoun) linked to one canonical actor with a CAMEO-style code: country (ISO alpha-3) + role.

Canonical ids are stable across stories: a known actor keeps its KB id ("zelenskyy"); an
unknown person is "person:<slug>"; a generic group is "agent:<CODE>" ("agent:RUSMIL"), so
"Russian forces", "Russian soldiers" and "the Russian army" count as one actor everywhere.
Pronouns are resolved to the nearest preceding compatible mention (a person for he/she, a group,
organization or country for they/its); no coreference model ships for spaCy 3.8 offline, and
coreferee needs spaCy < 3.6, hence this small rule set.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .. import kb
from ..model import Actor, Mention

DOMESTIC_ROLES = {"GOV", "MIL", "COP", "JUD", "CVL", "OPP", "REF", "REB"}
PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "hers"}
GROUP_PRONOUNS = {"they", "them", "their", "its"}
ROLE_NAMES = {"GOV": "government", "MIL": "military", "REB": "rebels", "OPP": "opposition", "CVL": "civilians",
              "COP": "police", "JUD": "judiciary", "MED": "media", "BUS": "business", "SPY": "intelligence",
              "IGO": "international organization", "NGO": "non-governmental organization", "REF": "refugees"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class _Ref:
    """A resolved mention while the stage runs: where it is and which actor it is."""

    start: int  # token index
    end: int
    actor_id: str
    kind: str  # person, organization, group, country
    head: int  # token index of the mention's head


@Language.factory("storyline_actors")
def make_actor_linker(nlp: Language, name: str) -> "ActorLinker":
    return ActorLinker()


class ActorLinker:
    def __init__(self) -> None:
        self.book = kb.actors()
        self.roles = kb.roles()
        self.countries = kb.countries()
        self.alias_keys = list(self.book.by_alias)

    # ---- entry point ----
    def __call__(self, doc: Doc) -> Doc:
        self.doc = doc
        self.date = doc._.story_date
        self.focus = doc._.focus_country
        self.actors: dict[str, Actor] = {}
        self.refs: list[_Ref] = []
        self.surnames: dict[str, str] = {}  # surname -> person actor id, within this story
        in_ent: set[int] = set()
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                self._person(ent)
            elif ent.label_ == "ORG":
                self._org(ent)
            else:
                continue
            in_ent.update(range(ent.start, ent.end))
        for span, pm in doc._.places:
            if pm.role == "actor" or span.root.dep_ == "poss":
                self._place_agent(span, pm)
                in_ent.update(range(span.start, span.end))
        for chunk in doc.noun_chunks:
            if chunk.root.i not in in_ent:
                self._group(chunk)
        self._pronouns()
        self.refs.sort(key=lambda r: (r.start, r.end))
        doc._.actors = self.actors
        doc._.mentions = [(doc[r.start:r.end], Mention(doc[r.start].idx, doc[r.end - 1].idx + len(doc[r.end - 1]),
                                                       doc[r.start:r.end].text, r.actor_id, r.kind))
                          for r in self.refs]
        heads: dict[int, list[str]] = {}
        for r in self.refs:
            for i in {r.head, *range(r.start, r.end)}:
                ids = heads.setdefault(i, [])
                if r.actor_id not in ids:
                    ids.append(r.actor_id)
        doc._.token_actors = heads
        return doc

    # ---- mention kinds ----
    def _add(self, actor: Actor, span: Span, kind: str, head: int | None = None, alias: str | None = None) -> str:
        have = self.actors.get(actor.id)
        if have is None:
            self.actors[actor.id] = have = actor
        name = alias or span.text
        if name not in have.aliases and name != have.name and name.lower() not in PERSON_PRONOUNS | GROUP_PRONOUNS:
            have.aliases.append(name)
        self.refs.append(_Ref(span.start, span.end, have.id, kind, span.root.i if head is None else head))
        return have.id

    def _known(self, text: str):
        known = self.book.lookup(text, self.date)
        if known is None and len(text) >= 5:
            # transliteration variants of a known name: Zelenskyy / Zelenskiy / Zelenskyi / Zelensky
            hit = process.extractOne(text.lower(), self.alias_keys, scorer=fuzz.ratio, score_cutoff=88)
            if hit is not None:
                known = self.book.lookup(hit[0], self.date)
        return known

    def _person(self, ent: Span) -> None:
        text = re.sub(r"[’']s$", "", ent.text).strip()
        surname = text.split()[-1].lower()
        known = self._known(text) or (self._known(text.split()[-1]) if " " in text else None)
        if known is not None and known.kind == "person":
            actor = Actor(known.id, known.name, "person", known.country, known.role, [], known.description)
            self.surnames[surname] = known.id
            self._add(actor, ent, "person", alias=text)
            return
        same = self.surnames.get(surname)
        if same is None:
            hit = process.extractOne(surname, list(self.surnames), scorer=fuzz.ratio, score_cutoff=85)
            same = self.surnames[hit[0]] if hit else None
        if same is not None:
            self.surnames[surname] = same
            self._add(self.actors[same], ent, "person", alias=text)
            return
        country, role, description = self._person_context(ent)
        actor = Actor(f"person:{slug(text)}", text, "person", country or self.focus, role or "CVL", [], description)
        self.surnames[surname] = actor.id
        self._add(actor, ent, "person", alias=text)

    def _title_zone(self, ent: Span) -> list[Token]:
        """The words right before a name that can form its title: "Kenyan opposition leader",
        "South Korean President" (stops at punctuation, conjunctions, determiners, other names)."""
        out: list[Token] = []
        i = ent.start - 1
        while i >= ent.sent.start and len(out) < 6:
            t = self.doc[i]
            if t.pos_ not in ("PROPN", "ADJ", "NOUN") or t.ent_type_ == "PERSON":
                break
            out.insert(0, t)
            i -= 1
        return out

    def _longest(self, tokens: list[Token], table, key=lambda ts: " ".join(t.text for t in ts)):
        """The longest run of tokens that `table` knows (a lookup function or a dict)."""
        get = table if callable(table) else table.get
        for n in range(len(tokens), 0, -1):
            for i in range(len(tokens) - n + 1):
                hit = get(key(tokens[i:i + n]))
                if hit:
                    return hit
        return None

    def _person_context(self, ent: Span) -> tuple[str | None, str | None, str | None]:
        """Country and role from a title before the name ("South Korean President", "Kenyan
        opposition leader": the longest known phrase wins) or from an appositive."""
        zone = self._title_zone(ent)
        country = self._longest(zone, self.countries.lookup)
        r = self._longest(zone, self.roles, key=lambda ts: " ".join(t.lemma_.lower() for t in ts))
        role = r.role if r else None
        description = None
        root = ent.root
        for t in root.children:
            if t.dep_ == "appos":
                r = self._role_of(t)
                if r is not None:
                    role = role or r
                    sub = self.doc[t.left_edge.i:t.right_edge.i + 1]
                    description = sub.text.strip(", ")
                    for m in sub:
                        country = country or (self.countries.demonyms.get(m.lower_) if m.pos_ in ("ADJ", "PROPN") else None)
        return country, role, description

    def _org(self, ent: Span) -> None:
        text = ent.text.removeprefix("the ").removeprefix("The ")
        known = self._known(text)
        if known is not None:
            actor = Actor(known.id, known.name, known.kind, known.country, known.role, [], known.description or None)
        else:
            outside = [c for c in ent.root.children if c.dep_ in ("poss", "compound", "amod") and c.i < ent.start]
            country = next((self.countries.lookup(t.text) for t in [*ent, *outside] if self.countries.lookup(t.text)), None)
            role = next((self.roles[t.lemma_.lower()].role for t in ent if t.lemma_.lower() in self.roles), None)
            actor = Actor(f"org:{slug(text)}", text, "organization", country, role)
        self._add(actor, ent, "organization", alias=text)

    def _place_agent(self, span: Span, pm) -> None:
        """A country or capital standing for its government: "Russia denies", "Washington said"."""
        place = pm.place
        if place is None or place.country is None:
            return
        c = self.countries.by_alpha3.get(place.country)
        if place.feature_code == "PCLI":
            actor = Actor(f"agent:{place.country}", c.name if c else place.name, "country", place.country, None)
        elif c is not None and c.capital and c.capital.lower() in {place.name.lower(), span.text.lower()}:
            actor = Actor(f"agent:{place.country}GOV", f"{c.name} government", "group", place.country, "GOV")
        else:
            return
        self._add(actor, span, "country")

    def _role_of(self, tok: Token) -> str | None:
        """Role of a role noun, refined by its modifiers ("intelligence chief" -> SPY)."""
        head = self.roles.get(tok.lemma_.lower()) or self.roles.get(tok.lower_)
        if head is None:
            return None
        compounds = [c for c in tok.children if c.dep_ in ("compound", "amod")]
        for c in compounds:
            r = self.roles.get(f"{c.lemma_.lower()} {tok.lemma_.lower()}")
            if r:
                return r.role
        for c in compounds:
            r = self.roles.get(c.lemma_.lower())
            if r and r.kind == "org":
                return r.role
        return head.role

    def _group(self, chunk: Span) -> None:
        root = chunk.root
        if root.pos_ not in ("NOUN", "PROPN") or root.dep_ == "appos":
            return  # an appositive describes a mention already made ("X, a clothing designer")
        role = self._role_of(root)
        if role is None:
            return
        countries: list[str] = []
        for t in root.subtree:
            if t.i >= root.i and t.dep_ not in ("prep", "pobj"):
                continue
            if t.dep_ in ("amod", "compound", "nmod", "conj", "poss") or (t.dep_ == "pobj" and t.head.lower_ == "of"):
                a3 = self.countries.lookup(t.text)
                if a3 is None and t.ent_type_ in ("GPE", "LOC"):
                    a3 = next((pm.place.country for s, pm in self.doc._.places
                               if s.start <= t.i < s.end and pm.place is not None), None)
                if a3 and a3 not in countries:
                    countries.append(a3)
        poss = next((c for c in root.children if c.dep_ == "poss" and c.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS), None)
        if not countries and poss is not None:
            ref = self._antecedent(poss)
            owner = self.actors.get(ref.actor_id) if ref else None
            if owner is not None and owner.country:
                countries.append(owner.country)
        if not countries and role in DOMESTIC_ROLES and self.focus and poss is None:
            # "police", "the army", "residents" with no nationality: the story's country, as coders usually assume
            countries.append(self.focus)
        for a3 in countries or [None]:
            code = f"{a3 or ''}{role}"
            c = self.countries.by_alpha3.get(a3) if a3 else None
            name = f"{c.name if c else 'unidentified'} {ROLE_NAMES.get(role, role)}"
            singular = root.tag_ in ("NN", "NNP") and (self.roles.get(root.lemma_.lower()) or self.roles.get(root.lower_)).kind == "person"
            holder = self._title_holder(chunk, a3, role) if singular else None
            if holder is not None:  # "the Ukrainian President" after "Volodymyr Zelenskiy": the same person
                self._add(self.actors[holder], chunk, "person", head=root.i)
                continue
            self._add(Actor(f"agent:{code}", name, "group", a3, role), chunk,
                      "person-role" if singular else "group", head=root.i)

    def _title_holder(self, chunk: Span, country: str | None, role: str) -> str | None:
        """The one person named earlier in the story whose country and role a definite title
        matches ("the Ukrainian President"); None when there is none or more than one."""
        if not country or not any(t.lower_ == "the" for t in chunk):
            return None
        named = {r.actor_id for r in self.refs if r.kind == "person" and r.start < chunk.start}
        fits = [i for i in named if self.actors[i].country == country and self.actors[i].role == role]
        return fits[0] if len(fits) == 1 else None

    # ---- pronouns ----
    def _antecedent(self, tok: Token) -> _Ref | None:
        kinds = {"person", "person-role"} if tok.lower_ in PERSON_PRONOUNS else {"group", "organization", "country"}
        best = None
        for r in self.refs:
            if r.end > tok.i:
                continue
            if r.kind in kinds and (best is None or r.end > best.end):
                best = r
        return best

    def _pronouns(self) -> None:
        for tok in self.doc:
            low = tok.lower_
            # "it" only as the subject of an action verb ("Iraq said it would allow"): elsewhere it is
            # mostly expletive or a thing ("it is raining", "it seems")
            agentive_it = (low == "it" and tok.dep_ == "nsubj" and tok.head.pos_ == "VERB"
                           and tok.head.lemma_ not in ("be", "seem", "appear", "happen", "take", "rain"))
            if tok.pos_ != "PRON" or low not in PERSON_PRONOUNS | GROUP_PRONOUNS and not agentive_it:
                continue
            ref = self._antecedent(tok)
            if agentive_it and ref is not None and ref.kind not in ("country", "organization"):
                continue
            if ref is not None and tok.sent.start - self.doc[ref.start].sent.start <= 200:
                self.refs.append(_Ref(tok.i, tok.i + 1, ref.actor_id, "pronoun", tok.i))
