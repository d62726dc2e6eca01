"""Actors: every participant mention (person, organization, group, country used as an agent,
pronoun) linked to one canonical actor with a CAMEO-style code: country (ISO alpha-3) + role.

What the stage leaves on the Doc (other stages rely on these shapes):

* ``doc._.actors``: ``{actor_id: model.Actor}``; ``Actor.code`` is the CAMEO code on the story's
  date (``UKRGOV``, ``IGOUNO``, ``USAGOVBUS`` when the KB gives a fuller code in ``Actor.cameo``).
* ``doc._.mentions``: ``[(Span, model.Mention)]`` in text order; ``Mention.how`` is the kind of
  mention: person, organization, group, country, person-role ("the president" with no holder
  found), pronoun.
* ``doc._.token_actors``: ``{token index: [actor_id, ...]}`` for every token of a mention and its
  head, pronouns included ("he" -> the person it stands for): the events stage reads roles from it.

Canonical ids are stable across stories: a known actor keeps its KB id ("zelenskyy",
"nicolas-maduro"); an unknown person is "person:<slug>", an unknown organization "org:<slug>"; a
generic group is "agent:<CODE>" ("agent:RUSMIL"), so "Russian forces", "Russian soldiers" and "the
Russian army" count as one actor everywhere; one person known only by a title is
"agent:<CODE>:<title>" ("agent:KENCOP:spokesman"), apart from the body's group.

Steps: names from NER (corrected by storyline_entities with the actor KB, kb/actorbook.py) are
looked up in the KB with the office held on the story's date (transliteration variants by fuzzy
match among the hand-kept people); a title before a name, an appositive, or a body named in the
title ("Pentagon spokesman") gives an unknown person's country and role; countries named as
participants and capitals standing for their government; group nouns with a role (kb/roles.tsv)
and their country (a demonym, "of/in X", a known body as modifier). Then coreference: a surname is
the person named in full (a known person is never an organization), a definite title is the one
person given that title before ("the president"), "the ministry"/"police" is the same body named
before with its country, an acronym or last word is an organization named in full before ("the
ITC", "the council"), pronouns go to the nearest compatible mention, a subject preferred. No
country ever comes from the dateline or the story's places; when every actor with a country has
the same one, local people and bodies without one take it (the story's one nation). States that no
longer exist are coded by the story's date (kb/historical_countries.tsv: SUN before 1992). No
coreference model ships for spaCy 3.8 offline (coreferee's English model is a separate download),
hence these rules.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace

from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .. import kb
from ..kb.actorbook import key
from ..kb.places import place_demonyms
from ..model import Actor, Mention
from .syntax import subject_of

TITLE_WORDS = {"mr", "mrs", "ms", "dr", "sir", "gen", "president", "premier", "minister", "prime", "sen", "rep"}
DOMESTIC_ROLES = {"GOV", "MIL", "COP", "JUD", "CVL", "OPP", "REF", "REB"}
MAX_ALIAS_CHARS = 60
OWNER_PREPS = {"of", "in", "from"}
_NO_ROLE = kb.Role("", "")
LOCATIVE_PREPS = {"in", "at", "into", "inside", "within", "across", "throughout", "near", "around", "from", "through",
                  "over", "off", "toward", "towards", "outside", "via", "along", "beyond", "between", "among", "of",
                  "onto", "out", "up", "down", "under", "above", "below", "past", "around", "per", "like", "than"}
PLACE_PREPS = {"in", "at", "near", "outside", "across", "throughout"}
# the prepositions that attach an act's participants to an event noun ("attacks by Iran", "a
# ceasefire between Iran and Iraq", "aggression against Iran", "talks with Japan")
EVENT_NOUN_PREPS = {"by", "between", "against", "with", "on", "to", "from", "of"}
# a person titled by a body with one of these roles has that role ("U.N. spokesman": IGO)
ORG_ROLES_FOR_STAFF = {"IGO", "NGO", "LEG", "JUD", "MED", "SPY", "MIL", "COP", "PTY", "REB"}
# roles of the people and bodies (firms too) that belong to the story's main nation when the text gives them
# none; not the media (wire reporters are often foreign)
CONTEXT_ROLES = {"GOV", "MIL", "COP", "JUD", "CVL", "OPP", "REB", "LEG", "PTY", "HLH", "EDU", "LAB", "CRM", "REF", "BUS"}
LOCAL_ROLES = {"CVL", "OPP", "COP", "LAB"}
# a story that names the police with one of these words means police officers by "officers"
POLICE_WORDS = {"police", "policeman", "policewoman", "sheriff", "patrolman", "constable"}
# a story's main nation: named for its actors this many times at least, and this many times as
# often as any other nation
MAIN_NATION_MENTIONS = 3
MAIN_NATION_RATIO = 3
# roles of the people and bodies of local news that take the country of the story's one setting
SETTING_SHARE = 0.75
SETTING_ROLES = {"CVL", "COP", "CRM", "LAB", "HLH", "EDU", "BUS", "MED"}
PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "hers"}
GROUP_PRONOUNS = {"they", "them", "their", "its"}
PLURAL_PRONOUNS = {"they", "them", "their"}
SINGULAR_THING_PRONOUNS = {"it", "its"}
ROLE_NAMES = {"GOV": "government", "MIL": "military", "REB": "rebels", "OPP": "opposition", "CVL": "civilians",
              "COP": "police", "JUD": "judiciary", "MED": "media", "BUS": "business", "SPY": "intelligence",
              "IGO": "international organization", "NGO": "non-governmental organization", "REF": "refugees",
              "LEG": "legislature", "PTY": "party", "ELI": "elites", "LAB": "labor", "EDU": "education",
              "HLH": "health", "REL": "religion", "CRM": "criminals"}


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


@Language.factory("storyline_actors", default_config={"actor_files": []})
def make_actor_linker(nlp: Language, name: str, actor_files: list[str]) -> "ActorLinker":
    return ActorLinker(actor_files)


class ActorLinker:
    def __init__(self, actor_files: list[str] = ()) -> None:
        self.book = kb.actors(tuple(str(p) for p in actor_files))
        self.roles = kb.roles()
        self.countries = kb.countries()
        self.not_actors = kb.not_actors()
        self.historical = kb.historical_countries()
        self.triggers = kb.triggers()
        self.relation_nouns = kb.relation_nouns()
        self.deploy_verbs = kb.deploy_verbs()
        self.region_demonyms = {d: country for d, (_, country) in place_demonyms().items()}
        # transliteration variants are looked for among the hand-kept and user people only
        # (the generated dictionaries hold 19,000 people: a fuzzy match there is mostly wrong)
        self.fuzzy_keys: dict[str, list[str]] = {}
        for k, cands in self.book.by_alias.items():
            if len(k) >= 5 and cands[0].layer >= 1 and cands[0].kind == "person":
                self.fuzzy_keys.setdefault(k[0], []).append(k)

    # ---- entry point ----
    def __call__(self, doc: Doc) -> Doc:
        self.doc = doc
        self.date = doc._.story_date
        self.actors: dict[str, Actor] = {}
        self.refs: list[_Ref] = []
        self.surnames: dict[str, str] = {}  # surname -> person actor id, within this story
        self.titles: dict[str, set[str]] = {}  # person actor id -> words of the titles given to them
        self.placed_by_setting: set[str] = set()  # actors whose country came from a place, not the text
        self.untitled: set[str] = set()  # people whose role is a guess (CVL): nothing in the text gave one
        self.police_story = any(t.lemma_.lower() in POLICE_WORDS for t in doc)
        # sentence starts at or before each token, counted once: pronoun resolution asks how many
        # sentences lie between two tokens for every candidate antecedent
        self.starts_so_far: list[int] = []
        count = 0
        for t in doc:
            count += bool(t.is_sent_start)
            self.starts_so_far.append(count)
        in_ent: set[int] = set()
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                self._person(ent)
            elif ent.label_ == "ORG":
                if ent.text.islower() and self._role_entry(ent.root) is not None and self._known(ent.text) is not None:
                    continue  # "congress", "parliament" written as common nouns: a role noun of the
                    # story's own country (below), not the body the KB knows by that name (the U.S. Congress)
                self._org(ent)
            else:
                continue
            in_ent.update(range(ent.start, ent.end))
        for span, pm in doc._.places:
            if pm.role == "actor" or span.root.dep_ == "poss" or self._country_argument(span, pm):
                self._place_agent(span, pm)
                in_ent.update(range(span.start, span.end))
        placed = {i for span, _ in doc._.places for i in range(span.start, span.end)}
        for ent in doc.ents:
            # a country name the places stage left out (it keeps places, not participants): as a
            # participant it is still the country ("a golden future for the Philippines")
            if ent.label_ == "GPE" and not any(i in placed or i in in_ent for i in range(ent.start, ent.end)):
                unplaced = SimpleNamespace(place=None, role="place")
                if self._country_name(ent, unplaced) and self._country_argument(ent, unplaced):
                    self._place_agent(ent, unplaced)
                    in_ent.update(range(ent.start, ent.end))
        self._surnames_named_first()
        self._event_noun_countries(in_ent)
        for chunk in doc.noun_chunks:
            if chunk.root.i not in in_ent:
                self._group(chunk)
        self._pronouns()
        self._only_nation()
        self._local_setting()
        self._historical_states()
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
        name = " ".join((alias or span.text).split())  # aliases are short single-line names
        if name not in have.aliases and name != have.name and name.lower() not in PERSON_PRONOUNS | GROUP_PRONOUNS \
                and len(name) <= MAX_ALIAS_CHARS and any(ch.isalpha() for ch in name):
            have.aliases.append(name)
        self.refs.append(_Ref(span.start, span.end, have.id, kind, span.root.i if head is None else head))
        if kind == "person" and span.label_ == "PERSON":
            words = self.titles.setdefault(have.id, set())
            words.update(t.lemma_.lower() for t in self._title_zone(span))
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", have.description or ""))
        return have.id

    def _nation(self, text: str) -> str | None:
        """The country a name or demonym stands for: "Argentine", "the Czechs", and a region's
        demonym for the region's country ("Dagestani Interior Minister": Russia)."""
        return self.countries.lookup(text) or self.region_demonyms.get(text.lower())

    def _known(self, text: str):
        known = self.book.lookup(text, self.date)
        if known is None and len(text) >= 5:
            # transliteration variants of a known name: Zelenskyy / Zelenskiy / Zelenskyi / Zelensky
            low = key(text)
            hit = process.extractOne(low, self.fuzzy_keys.get(low[0], ()), scorer=fuzz.ratio, score_cutoff=88)
            if hit is not None:
                known = self.book.lookup(hit[0], self.date)
        if known is None:  # fewer names than the dictionary gives: "Jose Manuel Barroso"
            known = self.book.lookup_variant(text, self.date)
        return known

    def _known_by_surname(self, text: str):
        """A known person found by the last word of a longer name, when the other words do not
        contradict it: "President Maduro" and "Nicolas Maduro" are Nicolas Maduro, "Moros Maduro"
        too, but "Maria Maduro" is somebody else."""
        words = text.split()
        known = self._known(words[-1]) if len(words) > 1 else None
        if known is None or known.kind != "person":
            return None
        names = " ".join([known.name, *known.aliases]).lower()
        for w in words[:-1]:
            wl = w.lower().rstrip(".")
            if wl not in names and wl not in self.roles and wl not in TITLE_WORDS:
                return None
        return known

    def _from_kb(self, known, kind: str | None = None) -> Actor:
        return Actor(known.id, known.name, kind or known.kind, known.country, known.role, [],
                     known.description or None, known.code or None)

    def _leader_body(self, ent: Span, text: str) -> bool:
        """"The Reagan administration", "the Thatcher government": a leader's name on a body of
        government is that country's government, never the person (the generated dictionaries list
        "Reagan Administration" among Reagan's names)."""
        last = ent[-1]
        r = self.roles.get(last.lemma_.lower()) or self.roles.get(last.lower_)
        if len(ent) < 2 or r is None or r.kind != "org" or r.role != "GOV":
            return False
        words = text.split()
        if len(words) < 2:  # two tokens written as one word ("U.S.-government"): no name before the body
            return False
        known = self._known(" ".join(words[:-1])) or self._known_by_surname(" ".join(words[:-1]))
        if known is None and words[-2].lower() in self.surnames:
            holder = self.actors.get(self.surnames[words[-2].lower()])
            country = holder.country if holder is not None else None
        else:
            country = known.country if known is not None and known.kind == "person" else None
        if not country or country not in self.countries.by_alpha3:
            return False
        self._add(self.actors[self._group_actor(country, "GOV")], ent, "group", alias=text)
        return True

    def _person(self, ent: Span) -> None:
        text = re.sub(r"[’']s$", "", ent.text).strip()
        surname = text.split()[-1].lower()
        if self._leader_body(ent, text):
            return
        known = self._known(text)
        if known is not None and known.kind != "person":
            # a person listed under an organization's entry (a group's leader): the person, with its code
            actor = Actor(f"person:{slug(text)}", text, "person", known.country, known.role, [], known.name,
                          known.code or None)
            self.surnames[surname] = actor.id
            self._add(actor, ent, "person", alias=text)
            return
        known = known or self._known_by_surname(text) or self._office_holder(ent, text)
        if known is not None:
            self.surnames[surname] = known.id
            actor = self._from_kb(known, "person")
            if known.layer == 0 and known.id not in self.actors:
                # the generated dictionaries end in 2014 and leave many offices open: a title in
                # the text ("opposition leader Raila Odinga") says more about the story's date
                country, role, description = self._person_context(ent)
                if role and role != known.role or country and country != known.country:
                    country = country or known.country
                    if role in ("IGO", "NGO") and country in self.countries.by_alpha3:
                        country = None  # "Secretary General X": an organization's officer, not the country's
                    actor = Actor(known.id, known.name, "person", country, role or known.role, [], description)
            self._add(actor, ent, "person", alias=text)
            return
        same = self.surnames.get(surname)
        if same is None:
            hit = process.extractOne(surname, list(self.surnames), scorer=fuzz.ratio, score_cutoff=85)
            same = self.surnames[hit[0]] if hit else None
        if same is None and len(text.split()) == 1:
            # a family name written first ("Prime Minister Lho Shin-yong ... Lho said"): the one
            # person named before whose name begins with it
            firsts = {r.actor_id for r in self.refs if r.kind == "person" and r.actor_id in self.actors
                      and len(self.actors[r.actor_id].name.split()) > 1
                      and key(self.doc[r.start:r.end].text).split()[0] == key(text)}
            same = firsts.pop() if len(firsts) == 1 else None
        if same is not None and len(text.split()) > 1 and len(self.actors[same].name.split()) == 1:
            same = None  # the full name after the surname alone ("Okafor to visit Accra. Foreign Minister
            # Emeka Okafor ..."): the full name with its title; _surnames_named_first joins the two
        if same is not None:
            self.surnames[surname] = same
            self._add(self.actors[same], ent, "person", alias=text)
            return
        country, role, description = self._person_context(ent)
        # no country from the dateline or the story's places: only what the text says of the person
        actor = Actor(f"person:{slug(text)}", text, "person", country, role or "CVL", [], description)
        if role is None:
            self.untitled.add(actor.id)
        self.surnames[surname] = actor.id
        self._add(actor, ent, "person", alias=text)

    def _surnames_named_first(self) -> None:
        """A surname used before the full name ("Peres to visit Prague" in a headline, then
        "President Shimon Peres") is that person: the one person of the story whose name ends in
        it. Later uses of a surname already follow the full name (self.surnames)."""
        people = [a for a in self.actors.values() if a.kind == "person"]
        renamed: dict[str, str] = {}
        for a in people:
            if not a.id.startswith("person:") or len(a.name.split()) != 1:
                continue
            fuller = {b.id for b in people if b.id != a.id and len(b.name.split()) > 1
                      and b.name.split()[-1].lower() == a.name.lower()}
            if len(fuller) == 1:
                (renamed[a.id],) = fuller
        for old, new in renamed.items():
            self.actors[new].aliases += [x for x in [self.actors[old].name, *self.actors[old].aliases]
                                         if x not in self.actors[new].aliases and x != self.actors[new].name]
            self.titles.setdefault(new, set()).update(self.titles.pop(old, set()))
            del self.actors[old]
            self.untitled.discard(old)
        for r in self.refs:
            r.actor_id = renamed.get(r.actor_id, r.actor_id)
        for k, v in self.surnames.items():
            self.surnames[k] = renamed.get(v, v)

    def _office_holder(self, ent: Span, text: str):
        """A titled surname the dictionaries know only with more names: "President Jayewardene",
        "Prime Minister Lho" is the one known person of that name holding an office of the
        title's role on the story's date."""
        if self.date is None or self.surnames.get(text.split()[-1].lower()):
            return None
        if len(text.split()) > 1:
            return None  # a first name the dictionaries do not give: somebody else
        r = self._longest(self._title_zone(ent), self.roles, key=lambda ts: " ".join(t.lemma_.lower() for t in ts))
        if r is None or r.kind != "person":
            return None
        return self.book.office_holder(text, self.date, {r.role})

    def _title_zone(self, ent: Span) -> list[Token]:
        """The words right before a name that can form its title: "Kenyan opposition leader",
        "South Korean President" (stops at punctuation, conjunctions, determiners, other names)."""
        out: list[Token] = []
        i = ent.start - 1
        while i >= ent.sent.start and len(out) < 6:
            t = self.doc[i]
            if t.is_space and t.text.count("\n") <= 1:
                i -= 1  # a wire story's line break inside a title ("U.S. Trade\nRepresentative")
                continue
            if t.text == ")" and not out:  # a given name in brackets: "President (Junius) Jayewardene"
                opening = next((j for j in range(i - 1, max(ent.sent.start, i - 5) - 1, -1) if self.doc[j].text == "("), None)
                if opening is not None:
                    i = opening - 1
                    continue
            if t.lower_ == "of" and out and i > ent.sent.start and self.doc[i - 1].pos_ in ("PROPN", "NOUN"):
                out.insert(0, t)  # "Secretary of State", "Minister of Defence"
                i -= 1
                continue
            if t.tag_ == "POS" and out and i > ent.sent.start and self._nation(self.doc[i - 1].text):
                out.insert(0, self.doc[i - 1])  # "Iraq's envoy Omar Nasser": the possessor's country
                break
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
        country = self._longest(zone, self._nation)
        r = self._longest(zone, self.roles, key=lambda ts: " ".join(t.lemma_.lower() for t in ts))
        role = r.role if r else None
        # a body named in the title ("Pentagon spokesman", "U.N. press secretary", "Senate Democratic
        # Leader", "Tass commentator"): the person speaks for it, with its country and role
        org = self._longest(zone, lambda text: (lambda k: k if k is not None and k.kind != "person" else None)(
            self.book.lookup(text, self.date)))
        if org is not None:
            country = country or org.country
            if org.role in ORG_ROLES_FOR_STAFF or role in (None, "GOV"):
                role = org.role or role
        if country is None:  # "Wisconsin Rep. Toby Roth": a place in the title gives the country
            country = next((pm.place.country for span, pm in self.doc._.places for t in zone
                            if span.start <= t.i < span.end and pm.place is not None and pm.place.country), None)
        description = None
        root = ent.root
        for t in root.children:
            if t.dep_ == "appos":
                r = self._role_of(t)
                if r is not None:
                    role = role or r
                    body = self._of_body(t)
                    if body is not None:  # "President of the European Commission", "head of the opposition party"
                        country, role = country or body[0], body[1] if body[1] in ORG_ROLES_FOR_STAFF | {"OPP"} else role
                    sub = self.doc[t.left_edge.i:t.right_edge.i + 1]
                    description = sub.text.strip(", ")
                    for m in sub:
                        country = country or (self.countries.demonyms.get(m.lower_) if m.pos_ in ("ADJ", "PROPN") else None)
        return country, role, description

    def _of_body(self, tok: Token) -> tuple[str | None, str] | None:
        """The body a title belongs to, named after "of": its country and role ("President of the
        European Commission": IGO, EUR; "head of the largest opposition party": OPP; "a leader of
        the lawyers' movement": JUD). None when the "of" names no body."""
        for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                ent = next((e for e in self.doc.ents if e.start <= obj.i < e.end and e.label_ == "ORG"), None)
                if ent is not None:
                    known = self.book.lookup(ent.text, self.date)
                    if known is not None and known.kind != "person" and known.role:
                        return known.country, known.role
                entry = self._role_entry(obj)
                if entry is not None and entry.kind in ("org", "group"):
                    mods = [c for c in obj.children if c.dep_ in ("amod", "compound", "poss")]
                    return next((self._nation(c.text) for c in mods if self._nation(c.text)), None), self._role_of(obj)
                for c in obj.children:  # "the lawyers' movement": the people who make the body
                    entry = self._role_entry(c) if c.dep_ == "poss" else None
                    if entry is not None and entry.kind in ("group", "person") and c.tag_ == "NNS":
                        return None, entry.role
        return None

    def _org(self, ent: Span) -> None:
        text = ent.text.removeprefix("the ").removeprefix("The ")
        text = re.sub(r"[’']s$", "", text).strip()
        if not self._actor_name(ent, text) or self._is_title(ent):
            return
        if self._leader_body(ent, text):
            return
        same = self.surnames.get(text.lower())
        if same is not None:  # "Maduro" after "Nicolas Maduro": the person, never an organization
            self._add(self.actors[same], ent, "person", alias=text)
            return
        known = self._known(text)
        if known is not None and known.kind == "person":
            self._person(ent)
            return
        earlier = self._named_org_before(ent, text) if known is None else None
        if earlier is not None:  # "the ITC", "the Commission" after the full name
            self._add(self.actors[earlier], ent, "organization", alias=text)
            return
        if known is not None:
            actor = self._from_kb(known)
        else:
            outside = [c for c in ent.root.children if c.dep_ in ("poss", "compound", "amod") and c.i < ent.start]
            country = next((self._nation(t.text) for t in [*ent, *outside] if self._nation(t.text)), None)
            opposition = any(t.lemma_.lower() == "opposition" for t in [*ent, *outside])
            # the longest role phrase in the name: "Kenya Broadcasting Corporation" is media (broadcasting
            # corporation), not a business (corporation)
            words = [t for t in ent if not t.is_space]
            known_role = self._longest(words, self.roles, key=lambda ts: " ".join(t.lemma_.lower() for t in ts))
            role = known_role.role if known_role else None
            # a body inside a known one ("Senate Finance Committee", "European Community Commission"):
            # the known body's country and role
            inner = self._longest([t for t in ent if not t.is_space], lambda s: (lambda k: k if k is not None and
                                  k.kind != "person" and k.country else None)(self.book.lookup(s, self.date)))
            if inner is not None:
                country = country or inner.country
                role = inner.role if inner.role in ORG_ROLES_FOR_STAFF or role in (None, "GOV", "BUS") else role
            if opposition and role in (None, "PTY", "GOV"):
                role = "OPP"  # "the opposition Liberal Party", "the Opposition Alliance"
            actor = Actor(f"org:{slug(text)}", text, "organization", country, role)
        self._add(actor, ent, "organization", alias=text)

    def _named_org_before(self, span: Span, text: str) -> str | None:
        """An organization named in full before, of which `text` is the acronym ("ITC" after
        "International Trade Commission") or the last word ("the Commission", "the council")."""
        words = text.split()
        for r in sorted((r for r in self.refs if r.end <= span.start and r.kind == "organization"),
                        key=lambda r: -r.start):
            name = self.actors[r.actor_id].name
            parts = [w for w in re.split(r"[\s\-]+", name) if w]
            initials = "".join(w[0] for w in parts if w.lower() not in ("of", "on", "and", "the", "for")
                               and w[0].isalpha() and not self.countries.lookup(w)).upper()
            if len(words) == 1 and text.isupper() and 2 <= len(text) <= 6 and text == initials:
                return r.actor_id
            if len(words) == 1 and len(parts) > 1 and parts[-1].lower() == text.lower():
                return r.actor_id
            if len(words) == 1 and len(parts) > 1 and parts[0].lower() == text.lower() and all(
                    (self.roles.get(w.lower().rstrip(".")) or _NO_ROLE).kind == "name" for w in parts[1:]):
                return r.actor_id  # "AirTran" after "AirTran Airways", "Acme" after "Acme Corp"
        return None

    def _is_title(self, ent: Span) -> bool:
        """An office named right before a person's name is the person's title ("Secretary of State
        George Shultz"), not an actor of its own."""
        nxt = next((t for t in ent.doc[ent.end:ent.end + 2] if not t.is_space), None)
        if nxt is None or nxt.ent_type_ != "PERSON":
            return False
        return any((self.roles.get(t.lemma_.lower()) or self.roles.get(t.lower_) or _NO_ROLE).kind == "person"
                   for t in ent)

    def _actor_name(self, ent: Span, text: str) -> bool:
        """Hygiene: currency and unit abbreviations ("cts", "dlrs", "mln"), tickers ("IBM.N",
        "<GM>"), words in lower case, numbers and table fragments are never actors."""
        if "\n" in ent.text or not re.search(r"[A-Za-z]{2}", text.replace(".", "")):  # "E.U." is a name
            return False
        if text.islower() and not any(t.lemma_.lower() in self.roles for t in ent):
            return False  # "cts", "dlrs"; but "foreign ministry" names a body
        if text.lower() in self.not_actors or self.not_actors.get(ent[-1].lower_) in ("currency", "unit"):
            return False
        if re.fullmatch(r"[A-Z]{1,5}\.[A-Z]{1,2}", text):
            return False  # a ticker with its exchange suffix
        doc = ent.doc
        if ent.start > 0 and doc[ent.start - 1].text in ("<", "(") and ent.end < len(doc) \
                and doc[ent.end].text in (">", ")") and text.isupper() and len(text) <= 6 and ent.start > 1 \
                and doc[ent.start - 2].ent_type_ == "ORG":
            return False  # "Acme Corp (ACME)": the company's ticker, the company is named beside it
        digits = sum(ch.isdigit() for ch in text)
        return digits * 2 < len(text) and len(ent) <= 12

    def _event_noun_countries(self, in_ent: set[int]) -> None:
        """A country named as the actor or recipient of an act named by a noun: "an Iranian
        attack", "the U.S. attack", "Iranian charges", "a ceasefire between Iran and Iraq",
        "aggression against Iran" (kb/nouns.tsv names the acts). The same words on goods or places
        ("Iranian oil platform", "U.S. meat products") stay unmarked."""
        place_at = {i: (span, pm) for span, pm in self.doc._.places for i in range(span.start, span.end)}
        for tok in self.doc:
            if tok.i in in_ent or tok.pos_ not in ("PROPN", "ADJ", "NOUN"):
                continue
            first = tok
            while first.dep_ == "conj" and first.head.pos_ in ("PROPN", "ADJ"):
                first = first.head  # "between Iran and Iraq": Iraq is a conjunct of Iran
            noun = None
            if first.dep_ in ("amod", "compound", "poss", "nmod"):
                noun = first.head
            elif first.dep_ == "pobj" and first.head.dep_ == "prep" and first.head.lower_ in EVENT_NOUN_PREPS:
                noun = first.head.head
            if noun is None or noun.pos_ != "NOUN" or (("NOUN", noun.lemma_.lower()) not in self.triggers
                                                       and noun.lemma_.lower() not in self.relation_nouns):
                continue
            span, pm = place_at.get(tok.i, (None, None))
            if span is not None:
                if pm.place is None or not pm.place.feature_code.startswith("PCL") or span.root.i != tok.i:
                    continue
                a3 = pm.place.country
            else:
                span = self.doc[tok.i:tok.i + 1]
                a3 = self.countries.lookup(tok.text) if tok.ent_type_ in ("GPE", "NORP", "") else None
            if not a3 or a3 not in self.countries.by_alpha3:
                continue
            c = self.countries.by_alpha3[a3]
            self._add(Actor(f"agent:{a3}", c.name, "country", a3, None), span, "country")
            in_ent.update(range(span.start, span.end))

    def _country_argument(self, span: Span, pm) -> bool:
        """A country named as a participant rather than a location: the object of a verb ("accused
        Iran"), of a preposition that is not locative ("talks with Iraq", "arms to Iran"), or one
        of coordinated subjects. "in Iraq", "from Japan" stay places."""
        if (pm.place is None or not pm.place.feature_code.startswith("PCL")) and not self._country_name(span, pm):
            return False
        root = span.root
        dep = root.dep_
        while dep == "conj":
            root = root.head
            dep = root.dep_
        if dep in ("nsubj", "nsubjpass", "dobj", "dative", "attr", "appos"):
            return True
        return dep == "pobj" and root.head.lower_ not in LOCATIVE_PREPS and root.head.dep_ != "agent" or \
            dep == "pobj" and root.head.dep_ == "agent"

    def _country_name(self, span: Span, pm) -> str | None:
        """A country the gazetteer does not hold ("the Soviet Union", "West Germany")."""
        return self.countries.lookup(span.text) if pm.place is None else None

    def _place_agent(self, span: Span, pm) -> None:
        """A country or capital standing for its government: "Russia denies", "Washington said"."""
        place = pm.place
        a3 = self._country_name(span, pm)
        if a3 is not None:
            c = self.countries.by_alpha3.get(a3)
            self._add(Actor(f"agent:{a3}", c.name if c else span.text, "country", a3, None), span, "country")
            return
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

    def _role_entry(self, tok: Token):
        """The role-noun entry of a noun with its modifier ("chief justice", "opposition party"),
        else of the noun alone; None when neither is a role noun (or it only marks a name)."""
        for c in tok.children:
            if c.dep_ in ("compound", "amod"):
                r = self.roles.get(f"{c.lemma_.lower()} {tok.lemma_.lower()}")
                if r and r.kind != "name":
                    return r
        head = self.roles.get(tok.lemma_.lower()) or self.roles.get(tok.lower_)
        if head is not None and tok.lemma_.lower() == "head" and not any(
                c.dep_ == "compound" or c.dep_ == "prep" and c.lower_ == "of" and any(
                    o.pos_ == "PROPN" or o.lemma_ in ("state", "government") or self._role_entry(o)
                    or any(d.dep_ in ("det", "poss") for d in o.children) for o in c.children if o.dep_ == "pobj")
                for c in tok.children):
            return None  # "head" is a person's title only of a body: "the head of the ministry", not "a head of steam"
        return None if head is None or head.kind == "name" else head

    def _role_of(self, tok: Token) -> str | None:
        """Role of a role noun, refined by its modifiers ("intelligence chief" -> SPY)."""
        entry = self._role_entry(tok)
        if entry is None:
            return None
        if entry is not (self.roles.get(tok.lemma_.lower()) or self.roles.get(tok.lower_)):
            return entry.role  # a two-word role noun
        for c in tok.children:
            if c.dep_ in ("compound", "amod"):
                r = self.roles.get(c.lemma_.lower())
                if r and r.kind == "org":
                    return r.role
        if tok.lemma_.lower() == "officer" and self.police_story:
            return "COP"  # "two officers arrested them" in a story about the police: police officers
        return entry.role

    def _group(self, chunk: Span) -> None:
        root = chunk.root
        if root.pos_ not in ("NOUN", "PROPN") or root.dep_ == "appos":
            return  # an appositive describes a mention already made ("X, a clothing designer")
        if chunk[0].lower_ == "the" and len(chunk) == 2 and root.pos_ == "NOUN":
            earlier = self._named_org_before(chunk, root.text)
            if earlier is not None:  # "the council" after "the U.N. Security Council"
                self._add(self.actors[earlier], chunk, "organization", head=root.i)
                return
        role = self._role_of(root)
        if role is None:
            self._people_of_a_nation(chunk)
            return
        countries: list[str] = []
        org = self._modifier_org(root)
        if org is None:  # "Commission officials" after "the European Community Commission"
            for t in root.children:
                if t.dep_ == "compound" and t.pos_ == "PROPN" and t.i < root.i:
                    earlier = self._named_org_before(self.doc[t.i:t.i + 1], t.text)
                    if earlier is not None and self.actors[earlier].country:
                        org = self.actors[earlier]
                        break
        if org is not None:  # "Senate leaders", "Commission officials", "Pentagon officials"
            countries.append(org.country)
            if org.role in ORG_ROLES_FOR_STAFF or role == "GOV":
                role = org.role or role
        for t in root.subtree:
            if org is not None:
                break
            if t.i >= root.i and t.dep_ not in ("prep", "pobj"):
                continue
            if t.dep_ in ("amod", "compound", "nmod", "conj", "poss") or (t.dep_ == "pobj" and t.head.lower_ == "of"):
                a3 = self._nation(t.text)
                if a3 is None and role == "GOV" and t.dep_ in ("compound", "poss") and t.pos_ == "PROPN":
                    a3 = self._leader_country(t)  # "the Thatcher government": the leader's country
                if a3 is None and t.ent_type_ in ("GPE", "LOC"):
                    a3 = next((pm.place.country for s, pm in self.doc._.places
                               if s.start <= t.i < s.end and pm.place is not None), None)
                if a3 is None and t.ent_type_ in ("GPE", "NORP"):  # a name of several words: "New Zealand's"
                    ent = next((e for e in self.doc.ents if e.start <= t.i < e.end), None)
                    a3 = self._nation(re.sub(r"[’']s$", "", ent.text).strip()) if ent is not None else None
                if a3 and a3 not in countries:
                    countries.append(a3)
        if not countries:  # "police in Nairobi", "troops from Chad": where the group belongs
            for prep in (c for c in root.children if c.dep_ == "prep" and c.lower_ in OWNER_PREPS):
                for obj in (g for g in prep.children if g.dep_ == "pobj"):
                    a3 = self._place_country(obj)
                    if a3 and a3 not in countries:
                        countries.append(a3)
        named = self._appositive_person(root)
        if named is not None:
            # "a leading Republican senator, Mark Hatfield": the title and the name are one person,
            # and the title gives a person the text does not otherwise place its country and role
            person = self.actors[named]
            if named.startswith("person:"):
                person.country = person.country or (countries[0] if len(countries) == 1 else None)
                if person.role in (None, "CVL"):
                    person.role = role
                    self.untitled.discard(named)  # the title in apposition is the person's
            self._add(person, chunk, "person", head=root.i)
            return
        poss = next((c for c in root.children if c.dep_ == "poss" and c.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS), None)
        if not countries and poss is not None:
            ref = self._antecedent(poss)
            owner = self.actors.get(ref.actor_id) if ref else None
            if owner is not None and owner.country:
                countries.append(owner.country)
        if not countries and poss is None and role in ("MIL", "COP", "SPY"):
            owner = self._commanding_state(root)
            if owner:  # "the United States for sending naval forces into the Gulf"
                countries.append(owner)
        from_place = False
        if not countries and poss is None and role in LOCAL_ROLES:
            countries += self._clause_place_country(root)
            from_place = bool(countries)
        if not countries and poss is None and chunk[0].lower_ == "the" and root.tag_ in ("NN", "NNP") \
                and self._role_entry(root).kind == "person":
            holder = self._titled_before(root)
            if holder is not None:  # "the secretary" after "Secretary of State George Shultz"
                self._add(self.actors[holder], chunk, "person", head=root.i)
                return
            titled = {r.actor_id for r in self.refs if r.kind == "person-role" and r.end <= chunk.start
                      and r.actor_id.endswith(f":{slug(root.lemma_)}")}
            if len(titled) == 1:  # "the spokesman" after "a police spokesman": the one so titled
                self._add(self.actors[titled.pop()], chunk, "person-role", head=root.i)
                return
        if not countries and poss is None:
            # "police", "the ministry", "officials" with no nationality: the same body named before
            # with its country ("Kenyan police ... police"); never the dateline's or the places' country
            same = self._same_role_before(chunk, role)
            # "a police spokesman" after "Kenyan police": somebody new, of that body's country (a
            # definite title, "the president", refers back and keeps the body named before)
            someone = root.tag_ in ("NN", "NNP") and self._role_entry(root).kind == "person" and chunk[0].lower_ in ("a", "an")
            if same is not None and someone and same.count(":") < 2 and self.actors[same].country:
                countries.append(self.actors[same].country)
            elif same is not None:
                self._add(self.actors[same], chunk, self.actors[same].kind, head=root.i)
                return
        for a3 in countries or [None]:
            code = f"{a3 or ''}{role}"
            c = self.countries.by_alpha3.get(a3) if a3 else None
            name = f"{c.name if c else 'unidentified'} {ROLE_NAMES.get(role, role)}"
            singular = root.tag_ in ("NN", "NNP") and self._role_entry(root).kind == "person"
            holder = self._title_holder(chunk, a3, role) if singular else None
            if holder is not None:  # "the Ukrainian President" after "Volodymyr Zelenskiy": the same person
                self._add(self.actors[holder], chunk, "person", head=root.i)
                continue
            if singular:  # one person known by a title ("a government spokesman"): not the body's group,
                # and the same title in the story is the same person ("the chief justice")
                title = slug(root.lemma_)
                aid = self._add(Actor(f"agent:{code}:{title}", f"{name} {root.lemma_.lower()}", "group", a3, role),
                                chunk, "person-role", head=root.i)
            else:
                aid = self._add(Actor(f"agent:{code}", name, "group", a3, role), chunk, "group", head=root.i)
            if from_place:
                self.placed_by_setting.add(aid)

    def _people_of_a_nation(self, chunk: Span) -> None:
        """A nation named by its people ("the Palestinians", "The Czechs are the current president
        of the EU", "Americans"): the country, when the people act or are acted on (a subject or
        object, not a modifier) and nothing else in the phrase names them."""
        root = chunk.root
        words = [t for t in chunk if t.pos_ != "DET" and not t.is_space]
        if root.tag_ not in ("NNPS", "NNS") or words != [root] or root.dep_ not in (
                "nsubj", "nsubjpass", "dobj", "pobj", "conj", "dative"):
            return
        if root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPS - {"from"}:  # "hundreds of Iranians": people
            return
        a3 = self.countries.demonyms.get(root.lower_)
        if a3 is None or a3 not in self.countries.by_alpha3:
            return
        c = self.countries.by_alpha3[a3]
        self._add(Actor(f"agent:{a3}", c.name, "country", a3, None), chunk, "country", head=root.i)

    def _commanding_state(self, root: Token) -> str | None:
        """The country of the state that sends, deploys or withdraws these forces: the subject of a
        verb of kb/deploy_verbs.tsv of which they are the object ("Iran withdrew troops"), or, for a
        verb without a subject inside a prepositional clause ("criticized the United States for
        sending naval forces"), the object of the verb that governs it."""
        verb = root.head
        if root.dep_ != "dobj" or verb.lemma_.lower() not in self.deploy_verbs:
            return None
        who = subject_of(verb)
        if who is None and verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
            who = next((c for c in verb.head.head.children if c.dep_ == "dobj"), None)
        if who is None:
            return None
        ref = next((r for r in self.refs if r.start <= who.i < r.end), None)
        actor = self.actors.get(ref.actor_id) if ref is not None else None
        if actor is None or not actor.country or actor.country not in self.countries.by_alpha3:
            return None
        return actor.country if actor.kind == "country" or actor.role in ("GOV", "MIL") else None

    def _appositive_person(self, root: Token) -> str | None:
        """The person named in apposition to a person-role noun ("the head of the department, Abdul
        Jabbar Muhsen"), when that name is a mention already resolved to a person."""
        r = self._role_entry(root)
        if r is None or r.kind != "person" or root.tag_ not in ("NN", "NNP"):
            return None
        names = [c for c in root.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"]
        # "The foreign minister of Libya, Abdel Rahman Shalgham, said": the parser hangs the name on
        # the country, which cannot have a person in apposition
        names += [c for t in root.rights if t.dep_ == "prep" for o in t.children
                  if o.dep_ == "pobj" and o.ent_type_ == "GPE" for c in o.children
                  if c.dep_ == "appos" and c.ent_type_ == "PERSON"]
        after = root.right_edge.i + 1
        nxt = after + 1
        while nxt < len(self.doc) and self.doc[nxt].is_space:  # a wire story's line break after the comma
            nxt += 1
        if nxt < len(self.doc) and self.doc[after].text == "," and self.doc[nxt].ent_type_ == "PERSON":
            # the parser often makes both subjects of the verb: "The head of X, Abdul Muhsen told ..."
            name = self.doc[nxt]
            while name.i + 1 < len(self.doc) and self.doc[name.i + 1].ent_iob_ == "I":
                name = self.doc[name.i + 1]
            if name.head == root.head and name.dep_ == root.dep_:
                names.append(name)
        for c in names:
            ref = next((x for x in self.refs if x.start <= c.i < x.end and x.kind == "person"), None)
            if ref is not None:
                return ref.actor_id
        return None

    def _leader_country(self, tok: Token) -> str | None:
        """The country of a person named by this word: one named in the story, or a known person
        (a leader's surname on a body of government)."""
        same = self.surnames.get(tok.lower_)
        if same is not None and same in self.actors:
            return self.actors[same].country
        known = self._known(tok.text)
        return known.country if known is not None and known.kind == "person" else None

    def _place_country(self, tok: Token) -> str | None:
        a3 = self.countries.lookup(tok.text)
        if a3 is None:
            a3 = next((pm.place.country for span, pm in self.doc._.places
                       if span.start <= tok.i < span.end and pm.place is not None), None)
        return a3

    def _modifier_org(self, root: Token):
        """A known organization named as a modifier of a group noun (its longest name among the
        words before the noun), when it has a country or an organization code."""
        mods = [t for t in root.subtree if t.i < root.i and t.dep_ in ("compound", "amod", "nmod", "poss")]
        if not mods:
            return None
        start = min(t.i for t in mods)
        words = [t for t in self.doc[start:root.i] if not t.is_space]
        known = self._longest(words, lambda text: (lambda k: k if k is not None and k.kind != "person"
                                                   and k.country else None)(self.book.lookup(text, self.date)))
        return known

    def _clause_place_country(self, root: Token) -> list[str]:
        """Where the text puts local people in their own clause ("arrested 66 protesters in
        Tbilisi", "residents of Kherson"): that place's country. Only for residents, protesters,
        police and workers: officials or troops in a city are often foreign (talks in Geneva)."""
        verb = root.head if root.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj") else root
        for prep in (c for c in (*root.children, *verb.children) if c.dep_ == "prep" and c.lower_ in PLACE_PREPS):
            for obj in (g for g in prep.children if g.dep_ == "pobj"):
                for span, pm in self.doc._.places:
                    if span.start <= obj.i < span.end and pm.role == "place" and pm.place is not None \
                            and pm.place.country:
                        return [pm.place.country]
        return []

    def _same_role_before(self, chunk: Span, role: str) -> str | None:
        """The actor a bare role noun refers back to: the last group or organization named before
        it in the story with this role and a country; with "the" ("the ministry", "the
        government"), a person holding that role counts too, as their government."""
        definite = chunk[0].lower_ == "the"
        for r in sorted((r for r in self.refs if r.end <= chunk.start), key=lambda r: -r.start):
            a = self.actors.get(r.actor_id)
            if a is None or a.role != role or not a.country or a.role in ("IGO", "NGO"):
                continue
            if r.kind in ("group", "organization"):
                return a.id
            if definite and r.kind == "person-role" and a.id.endswith(f":{slug(chunk.root.lemma_)}"):
                return a.id  # "the minister" after "the Kenyan foreign minister": the same person
            if definite and r.kind in ("person", "person-role") and role == "GOV":
                return self._group_actor(a.country, role)
        return None

    def _group_actor(self, a3: str, role: str) -> str:
        aid = f"agent:{a3}{role}"
        if aid not in self.actors:
            c = self.countries.by_alpha3.get(a3)
            self.actors[aid] = Actor(aid, f"{c.name if c else a3} {ROLE_NAMES.get(role, role)}", "group", a3, role)
        return aid

    def _titled_before(self, root: Token) -> str | None:
        """The one person named before whose title has this word ("the president" after "President
        Reagan", "the Secretary General" after "Secretary General Javier Perez de Cuellar")."""
        word = root.lemma_.lower()
        named = {r.actor_id for r in self.refs if r.kind == "person" and r.end <= root.i}
        fits = [i for i in named if word in self.titles.get(i, ())]
        if len(fits) > 1:
            # "the Secretary General" after "Lieutenant General Walters" and "Secretary General Perez
            # de Cuellar": every word of the title must fit
            words = {t.lemma_.lower() for t in root.subtree if t.i <= root.i and t.pos_ in ("NOUN", "PROPN", "ADJ")}
            fits = [i for i in fits if words <= self.titles.get(i, set())]
        return fits[0] if len(fits) == 1 else None

    def _title_holder(self, chunk: Span, country: str | None, role: str) -> str | None:
        """The one person named earlier in the story whose country and role a definite title
        matches ("the Ukrainian President"); None when there is none or more than one."""
        if not country or not any(t.lower_ == "the" for t in chunk):
            return None
        named = {r.actor_id for r in self.refs if r.kind == "person" and r.start < chunk.start}
        fits = [i for i in named if self.actors[i].country == country and self.actors[i].role == role]
        return fits[0] if len(fits) == 1 else None

    # ---- the story's one nation ----
    def _only_nation(self) -> None:
        """When the text gives every actor that has a country the same one ("Philippine troops",
        "the Philippines", "Defence Minister ..."), or one nation far more often than any other (a
        South African story that names Zambia once), local people and bodies it leaves without a
        country ("the armed forces", "villagers", "Foreign Minister X") are of that nation. Counted
        over the mentions of actors the text gives a country: never from the dateline or the
        places, and not when two nations are named about as often (talks in Geneva between two
        delegations leave "officials" without a country)."""
        # a country given only by where local people were (protesters in Tbilisi) is not the nation
        # of the story's officials: the text must name it for someone
        counts = Counter(self.actors[r.actor_id].country for r in self.refs
                         if r.kind != "pronoun" and r.actor_id in self.actors and r.actor_id not in self.placed_by_setting
                         and self.actors[r.actor_id].country in self.countries.by_alpha3
                         and self.actors[r.actor_id].role not in ("IGO", "NGO"))
        if not counts:
            return
        ranked = counts.most_common(2)
        nation, n = ranked[0]
        if len(ranked) > 1:
            if n < MAIN_NATION_MENTIONS or n < MAIN_NATION_RATIO * ranked[1][1]:
                # two nations named about as often: local people and bodies (police, miners, firms;
                # never officials: talks in Mendoza do not make a minister Argentine) are of the one
                # where the story's towns lie (a visiting president's motorcade in La Paz)
                setting = self._setting(towns=True)
                close = [c for c, k in counts.items() if k * MAIN_NATION_RATIO > n]
                if setting in close and counts[setting] >= MAIN_NATION_MENTIONS - 1:
                    # groups and bodies only: a named person may be of either nation (a clothing
                    # designer in Kherson is not said to be Ukrainian)
                    people = {aid for aid, a in self.actors.items() if a.kind == "person"}
                    self._give_country(setting, SETTING_ROLES - {"MED"}, skip=people)
                return
            # with other nations in the story, a person the text gives no title may be of any of them
            self._give_country(nation, CONTEXT_ROLES, skip=self.untitled)
        else:
            self._give_country(nation, CONTEXT_ROLES)
        for aid, a in self.actors.items():
            if aid.startswith("org:") and a.country is None and a.role is None:
                a.country = nation  # a body of unknown kind (a company, an agency) in the nation's story

    # ---- local news: one setting ----
    def _local_setting(self) -> None:
        """Local news (a shooting in a Kansas town, an outbreak in Peru's hospitals) names its
        places, not its people's nationality: when every place the story names lies in one country
        (two place names at least, and three in four of all) and no actor is of another country, the residents, victims,
        police, criminals and doctors it leaves without a country are of that one. Officials,
        governments and troops never take it (a meeting in Geneva does not make the delegations
        Swiss: issue 14), nor anybody when the story names a second country."""
        setting = self._setting(at_least=2)
        if setting is None or any(
                a.country not in (None, setting) for a in self.actors.values() if a.role not in ("IGO", "NGO")):
            return
        self._give_country(setting, SETTING_ROLES)

    def _setting(self, at_least: int = 1, towns: bool = False) -> str | None:
        """The one country where the story's places lie (`at_least` place names there, three in
        four of all: one stray place, a misread "North", is tolerated); None when there is none.
        With `towns`, only places inside a country count (La Paz, not "Bolivia")."""
        countries = [pm.place.country for _, pm in self.doc._.places
                     if pm.role == "place" and pm.place is not None and pm.place.country
                     and not (towns and pm.place.feature_code.startswith("PCL"))]
        if not countries:
            return None
        setting, n = Counter(countries).most_common(1)[0]
        if n < at_least or n < SETTING_SHARE * len(countries) or setting not in self.countries.by_alpha3:
            return None
        return setting

    def _give_country(self, country: str, roles, skip: set[str] = frozenset()) -> None:
        """Actors without a country whose role is in `roles` take `country` (but those in `skip`):
        groups, people and the bodies the KB does not know ("the Labour Party", "Interior
        Ministry"); a group known only by role ("agent:---COP") becomes that country's group, and its mentions
        follow it."""
        renamed: dict[str, str] = {}
        for aid, a in list(self.actors.items()):
            if a.country is not None or a.role not in roles or aid in skip:
                continue
            if a.kind not in ("group", "person") and not aid.startswith("org:"):
                continue  # a body the KB knows without a country is transnational
            if aid.startswith("agent:"):
                title = aid.split(":")[2:]  # a person known by a title keeps it: "agent:GOV:spokesman"
                new_id = ":".join([f"agent:{country}{a.role}", *title])
                c = self.countries.by_alpha3[country]
                self.actors.setdefault(new_id, Actor(new_id, " ".join([c.name, ROLE_NAMES.get(a.role, a.role), *title]),
                                                     a.kind, country, a.role, list(a.aliases)))
                del self.actors[aid]
                renamed[aid] = new_id
            else:
                a.country = country
        for r in self.refs:
            r.actor_id = renamed.get(r.actor_id, r.actor_id)

    # ---- states that no longer exist ----
    def _historical_states(self) -> None:
        """An actor of Russia in 1987 is an actor of the Soviet Union (SUN), one named "East
        German" in 1989 of the GDR (DDR): kb/historical_countries.tsv, by the story's date."""
        if self.date is None:
            return
        renamed: dict[str, str] = {}
        for h in self.historical:
            if self.date > h.until:
                continue
            for aid, a in list(self.actors.items()):
                if a.country != h.successor or aid in renamed:
                    continue
                if h.names:
                    said = " ".join(self.doc[r.start:r.end].text.lower() for r in self.refs if r.actor_id == aid)
                    if not any(n in said for n in h.names):
                        continue
                new_id = aid.replace(f":{h.successor}", f":{h.predecessor}", 1) if aid.startswith("agent:") else aid
                cameo = a.cameo.replace(h.successor, h.predecessor, 1) if a.cameo else None
                new = Actor(new_id, a.name.replace(self.countries.by_alpha3[h.successor].name, h.predecessor)
                            if h.successor in self.countries.by_alpha3 else a.name,
                            a.kind, h.predecessor, a.role, a.aliases, a.description, cameo)
                renamed[aid] = new_id
                del self.actors[aid]
                self.actors.setdefault(new_id, new)
        if renamed:
            for r in self.refs:
                r.actor_id = renamed.get(r.actor_id, r.actor_id)

    # ---- pronouns ----
    def _antecedent(self, tok: Token) -> _Ref | None:
        """The mention a pronoun refers to: among compatible mentions before it, those of its own
        sentence first, then of each earlier sentence in turn; within a sentence a subject wins
        over the nearest mention ("Museveni told Moi ... He said": Museveni)."""
        kinds = {"person", "person-role"} if tok.lower_ in PERSON_PRONOUNS else {"group", "organization", "country"}
        cands = [r for r in self.refs if r.end <= tok.i and r.kind in kinds]
        if not cands:
            return None
        if tok.lower_ in PERSON_PRONOUNS:
            # a person named in the last three sentences wins over somebody known only by a title
            # ("a spokesman", or a misread "an impressive head of steam")
            named = [r for r in cands if r.kind == "person" and self._sentences_between(r.start, tok.i) <= 2]
            if named:
                cands = [r for r in cands if r.kind == "person" or self._sentences_between(r.start, tok.i) > 2]
        if tok.lower_ in PLURAL_PRONOUNS | SINGULAR_THING_PRONOUNS:
            # number: "they" is a plural group named lately ("the rustlers"), "it"/"its" a body or a
            # country; the other kinds stay possible when the last two sentences name none
            plural = tok.lower_ in PLURAL_PRONOUNS
            recent = [r for r in cands if self._sentences_between(r.start, tok.i) <= 1]
            plural_head = lambda r: self.doc[r.head].tag_ in ("NNS", "NNPS")  # noqa: E731
            fitting = [r for r in recent if (r.kind == "group" and plural_head(r)) == plural]
            if fitting:
                cands = fitting
        by_sent: dict[int, list[_Ref]] = {}
        for r in cands:
            by_sent.setdefault(self.doc[r.start].sent.start, []).append(r)
        for start in sorted(by_sent, reverse=True):
            refs = by_sent[start]
            subjects = [r for r in refs if self.doc[r.head].dep_ in ("nsubj", "nsubjpass")]
            if start == tok.sent.start:
                own = [r for r in subjects if r.end <= tok.i]
                return max(own or refs, key=lambda r: r.end)
            return max(subjects, key=lambda r: r.end) if subjects else max(refs, key=lambda r: r.end)
        return None

    def _sentences_between(self, start: int, end: int) -> int:
        """How many sentence starts lie after token `start` up to token `end`."""
        end = min(end, len(self.starts_so_far) - 1)
        return self.starts_so_far[end] - self.starts_so_far[start] if end > start else 0

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


# ---- first person inside a direct quote ----
SPEAKER_PRONOUNS = {"i", "me", "my", "mine", "myself"}
BODY_PRONOUNS = {"we", "us", "our", "ours", "ourselves"}


def quoted_first_person(doc: Doc, quotes) -> None:
    """Inside a direct quote, "I" is its speaker and "we" the body the speaker talks for ("'We did
    not circulate this list,' Denman said": the European Community he represents). The body of a
    person is the nearest organization or group named before the quote with the speaker's country
    and role (the White House for its spokesman), else the speaker's country and role as a group;
    a speaking organization or group is its own "we". Called by the quotes stage, which finds the
    speakers; adds pronoun mentions to doc._.mentions and doc._.token_actors for the events stage."""
    actors = doc._.actors
    mentions = list(doc._.mentions)
    taken = {s.start for s, _ in mentions}
    added = False
    for q in quotes:
        speaker = actors.get(q.speaker_id) if q.direct and q.speaker_id else None
        if speaker is None:
            continue
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None:
            continue
        body: str | None | bool = False  # found lazily: most quotes have no "we"
        for tok in span:
            low = tok.lower_
            if tok.i in taken or tok.pos_ != "PRON" or low not in SPEAKER_PRONOUNS | BODY_PRONOUNS:
                continue
            if low in SPEAKER_PRONOUNS:
                if speaker.kind != "person":
                    continue
                aid = speaker.id
            else:
                if body is False:
                    body = _speaker_body(doc, speaker, mentions, q.start)
                if body is None:
                    continue
                aid = body
            mentions.append((doc[tok.i:tok.i + 1], Mention(tok.idx, tok.idx + len(tok), tok.text, aid, "pronoun")))
            doc._.token_actors.setdefault(tok.i, []).insert(0, aid)
            taken.add(tok.i)
            added = True
    if added:
        mentions.sort(key=lambda sm: (sm[0].start, sm[0].end))
        doc._.mentions = mentions


def _speaker_body(doc: Doc, speaker: Actor, mentions, before: int) -> str | None:
    if speaker.kind != "person":
        return speaker.id
    if not speaker.country:
        return None
    for span, m in sorted(mentions, key=lambda sm: -sm[1].start):
        a = doc._.actors.get(m.actor_id)
        if m.start >= before or a is None or a.kind not in ("organization", "group") or m.how in ("pronoun", "person-role"):
            continue
        if a.country == speaker.country and (a.role or "") == (speaker.role or ""):
            return a.id
    if not speaker.role:
        return None
    aid = f"agent:{speaker.country}{speaker.role}"
    if aid not in doc._.actors:
        c = kb.countries().by_alpha3.get(speaker.country)
        doc._.actors[aid] = Actor(aid, f"{c.name if c else speaker.country} {ROLE_NAMES.get(speaker.role, speaker.role)}",
                                  "group", speaker.country, speaker.role)
    return aid
