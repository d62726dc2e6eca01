"""Step 2: assign roles — the source (who acted) and target (to whom) of a candidate trigger.

Where each role is named is data: the trigger's argument frame (kb/frames.tsv) lists slots in
order (subject, direct or indirect object, the subject of a complement clause, the object of a
preposition on the trigger or on its object, a noun's possessor or demonym, the subject of the
verb a noun is the object of, a place's country). A slot names the actors of its noun phrase: the
actor the phrase is a mention of, else one named inside it — its possessor ("praised Haiti's
efforts"), a demonym ("expelled three Belarusian diplomats"), an "of" phrase ("positions of the
army"), an apposition — and one per coordinated member ("urged Sweden and Finland": two targets).
"""
from __future__ import annotations

import re

from spacy.tokens import Token

from ... import kb
from ..syntax import CLAUSE_DEPS, antecedent, lemma_forms, subject_of
from .context import StoryContext

MAX_PER_ROLE = 4  # coordinated actors kept per role: "A, B and C" is three events, a list of twenty is noise
MODIFIER_DEPS = ("amod", "compound", "nmod", "npadvmod")
# prepositions inside a noun phrase that name whom the phrase belongs to ("members of the army",
# "doctors from two American aid groups", "rebels in the Ivory Coast", "aid program for Bosnia")
OWNER_PREPS = ("of", "from", "in", "at", "for", "within", "inside")
PHRASE_POS = ("NOUN", "PROPN", "PRON", "NUM", "ADJ", "X")
# bodies of a state whose country their own words may name ("the U.N. war crimes court"); a firm
# named with a demonym ("a Dutch electronics firm") stays a firm
STATE_ROLES = {"GOV", "MIL", "COP", "JUD", "SPY", "LEG", "IGO"}
# a state's forces, and the sources that command them (the country itself or its government)
FORCE_ROLES = {"MIL", "COP"}
STATE_SOURCE_ROLES = {"GOV"}


class RoleFinder:
    def __init__(self) -> None:
        self.speech = kb.speech_verbs()
        self.preps = kb.event_prepositions()
        self.countries = kb.countries()
        self.support = kb.support_verbs()
        self.capitals = {c.capital.lower(): c.alpha3 for c in self.countries.by_alpha3.values() if c.capital}
        # while a target is sought: the source's actor ids and countries, so that a phrase the source
        # owns ("Syria offered its troops") is not taken for the recipient
        self._owner: tuple[set[str], set[str]] = (set(), set())
        # while a source is sought: the prepositions the frame names the target with, which inside
        # the source's phrase belong to the act ("the withdrawal of troops from X": X is whence)
        self._target_preps: frozenset[str] = frozenset()
        self.ethnic = kb.ethnic_words()
        cameo = kb.cameo()
        # a verb's PLOVER type in the trigger lexicon (its first plain row), for a complement's frame
        self.verb_types: dict[str, str] = {}
        for (pos, lemma), rows in kb.triggers().items():
            # its plain row, else a particle row ("pull out"): the verb's main sense
            plain = next((r for r in rows if not r.particle and not r.objects),
                         next((r for r in rows if not r.objects), None)) if pos == "VERB" else None
            if plain is not None:
                self.verb_types[lemma] = plain.plover or (cameo[plain.cameo].plover if plain.cameo in cameo else "")
        self._where: str | None = None  # the country the current trigger's act happens in, if named

    # ---- reported speech ----
    def speech_ancestor(self, tok: Token) -> tuple[Token | None, str | None]:
        """The speech verb whose complement holds tok, and its kind (say, deny, accuse)."""
        cur = tok
        for _ in range(6):
            if cur.dep_ not in CLAUSE_DEPS or cur.head is cur:
                return None, None
            head = cur.head
            kind = self.speech.get(head.lemma_.lower())
            if kind and cur.dep_ in ("ccomp", "conj") and head.pos_ in ("VERB", "AUX"):
                if cur.dep_ == "conj":
                    cur = head
                    continue
                return head, kind
            cur = head
        return None, None

    # ---- the actors a noun phrase names ----
    def phrase_actors(self, ctx: StoryContext, tok: Token | None, depth: int = 0) -> list[str]:
        """Actors of the phrase headed by tok, one list entry per coordinated member."""
        if tok is None:
            return []
        tok = antecedent(tok)
        members = [tok] if tok.dep_ == "conj" else [tok, *(c for c in tok.conjuncts if c.i > tok.i)]
        out: list[str] = []
        for m in members:
            out += [i for i in self._member(ctx, m, depth) if i not in out]
        return out[:MAX_PER_ROLE]

    def _member(self, ctx: StoryContext, tok: Token, depth: int) -> list[str]:
        if self._owned(ctx, tok):
            return []
        if self._where is not None and self._ethnic(tok):
            # "ethnic Albanians demonstrated in Serbia": a group of the country the act happens in
            return ctx.country_actor(self._where)
        ids = ctx.doc._.token_actors.get(tok.i)
        if ids:
            if depth < 3 and all(not ctx.country_of(i) and ctx.actors[i].kind not in ("person", "country")
                                 and ctx.actors[i].role in STATE_ROLES for i in ids if i in ctx.actors):
                # "the U.N. war crimes court", "Iranian authorities' spokesman": a group or body the
                # actor stage left without a country takes the one its own words name
                inner = self._inside(ctx, tok, depth)
                if inner and all(ctx.country_of(i) for i in inner):
                    return inner
            return list(ids)
        country = self.place_country(ctx, tok)
        if country is None and tok.pos_ == "PROPN":
            # a country name the place stage left unresolved ("North Korea's"), or a capital that
            # named no place at all and stands for its government ("Kyiv says")
            name = ctx.doc[tok.left_edge.i:tok.i + 1].text
            country = self.countries.lookup(name)
            if country is None and tok.dep_ in ("nsubj", "nsubjpass") and name.lower() in self.capitals:
                return ctx.government_actor(self.capitals[name.lower()])
        if country is None and tok.pos_ in ("NOUN", "PROPN") and tok.lower_.endswith("s"):
            country = self.countries.demonyms.get(tok.lower_[:-1])  # "Palestinians", "Albanians"
        if country:
            return ctx.country_actor(country)
        if depth >= 3 or tok.pos_ not in PHRASE_POS:
            return []
        return self._inside(ctx, tok, depth)

    def _inside(self, ctx: StoryContext, tok: Token, depth: int) -> list[str]:
        """An actor named inside the phrase: possessor, demonym or name modifier, apposition,
        an owner preposition ("members of the army"), the agent of a participle."""
        children = list(tok.children)
        for c in children:  # the possessor first: "Haiti's efforts", "North Korea's demand"
            if c.dep_ == "poss":
                found = self.phrase_actors(ctx, c, depth + 1)
                if found:
                    return found
        for c in children:  # then a demonym or name before the noun: "Belarusian diplomats", "an Indian proposal"
            if c.dep_ in MODIFIER_DEPS and c.i < tok.i:
                # one compound deeper too: "US Predator attacks", "a Russian navy ship"
                for m in [c, *(g for g in c.children if g.dep_ in MODIFIER_DEPS and g.i < c.i)]:
                    found = self.modifier_actors(ctx, m)
                    if found:
                        return found
        for c in children:
            if c.dep_ == "appos":  # "Kofi Annan, UN secretary-general"
                found = self.phrase_actors(ctx, c, depth + 1)
                if found:
                    return found
        for c in children:
            if c.dep_ == "prep" and c.lower_ in OWNER_PREPS and c.lower_ not in self._target_preps:
                for g in c.children:
                    if g.dep_ == "pobj":
                        found = self.phrase_actors(ctx, g, depth + 1)
                        if found:
                            return found
        for c in children:  # "crimes committed by Croat forces"
            if c.dep_ == "acl":
                agent = next((g for a in c.children if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"), None)
                found = self.phrase_actors(ctx, agent, depth + 1)
                if found:
                    return found
        return []

    def _ethnic(self, tok: Token) -> bool:
        """A demonym phrase naming an ethnic group: "ethnic Albanians", "the Kurdish minority"."""
        return tok.pos_ in ("NOUN", "PROPN") and (tok.lemma_.lower() in self.ethnic or any(
            c.dep_ in ("amod", "compound") and c.lemma_.lower() in self.ethnic for c in tok.children))

    def _owned(self, ctx: StoryContext, tok: Token) -> bool:
        """A phrase the source owns ("its troops", "their forces") while a target is sought."""
        ids, home = self._owner
        if not ids and not home:
            return False
        for c in tok.children:
            if c.dep_ == "poss" and c.pos_ == "PRON":
                refs = set(ctx.doc._.token_actors.get(c.i, ())) | set(ctx.doc._.token_actors.get(tok.i, ()))
                return not refs or bool(refs & ids) or any(ctx.country_of(r) in home for r in refs)
        return False

    def modifier_actors(self, ctx: StoryContext, mod: Token) -> list[str]:
        """The actor a noun's modifier names: a mention ("a Hamas attack"), a place ("Gaza
        residents") or a demonym or country name ("Turkish offensive", "South Korean army")."""
        ids = ctx.doc._.token_actors.get(mod.i)
        if ids:
            return list(ids)
        country = self.place_country(ctx, mod)
        if country is None:
            words = ctx.doc[mod.left_edge.i:mod.i + 1].text
            country = self.countries.lookup(words) or self.countries.lookup(mod.text)
        return ctx.country_actor(country) if country else []

    def place_country(self, ctx: StoryContext, tok: Token) -> str | None:
        where = ctx.place_of_token.get(tok.i)
        if where is None:
            return None
        if where[1].place is None:  # unresolved: a country's name may still be read ("North Korea's")
            return self.countries.lookup(re.sub(r"[’']s$", "", where[0].text).strip())
        return where[1].place.country or None

    # ---- slots ----
    @staticmethod
    def _pobjs(tok: Token, prep: str) -> list[Token]:
        return [g for c in tok.children if c.dep_ == "prep" and c.lower_ == prep
                for g in c.children if g.dep_ == "pobj"]

    @staticmethod
    def _objects(tok: Token) -> list[Token]:
        """The trigger's object nouns, whose own prepositions may name the target: "imposed
        sanctions on X", "called for sanctions against X"."""
        out = [c for c in tok.children if c.dep_ in ("dobj", "attr", "oprd")]
        out += [g for c in tok.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
        return out

    def light_verb(self, tok: Token) -> Token | None:
        """The support verb a noun trigger is the object of, whose subject performs the act:
        "launched an offensive", "carried out a raid", "took part in talks", "engaged in shelling"."""
        if tok.dep_ == "conj":
            tok = next((t for t in tok.ancestors if t.dep_ != "conj"), tok)
        head = tok.head
        if tok.dep_ == "pobj" and head.dep_ == "prep":
            head = head.head
            if head.pos_ == "NOUN" and head.lemma_ == "part" and head.dep_ == "dobj":
                head = head.head  # "took part in"
        elif tok.dep_ not in ("dobj", "attr", "oprd", "nsubjpass"):
            return None
        if head.pos_ not in ("VERB", "AUX"):
            return None
        particles = next((self.support[f] for f in lemma_forms(head) if f in self.support), None)
        if particles is None:
            return None
        if "" not in particles and not any(c.dep_ == "prt" and c.lower_ in particles for c in head.children):
            return None
        return head

    def subject(self, ctx: StoryContext, verb: Token) -> list[str]:
        """Who acts in verb's clause: the agent of a passive, else the subject."""
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
            agent = next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
            return self.phrase_actors(ctx, agent)
        subj = subject_of(verb)
        if subj is None and verb.dep_ == "oprd":
            subj = subject_of(verb.head)
        return self.phrase_actors(ctx, subj)

    def host(self, ctx: StoryContext, tok: Token) -> list[str]:
        """The country of a place the act is aimed at (object) or happens in (place preposition)."""
        return ctx.country_actor(self.host_country(ctx, tok))

    def host_country(self, ctx: StoryContext, tok: Token) -> str | None:
        """host's country code, without adding the country to the story's actors."""
        cands = [c for c in tok.children if c.dep_ == "dobj"]
        cands += [g for c in tok.children if c.dep_ == "prep" and c.lower_ in self.preps.place
                  for g in c.children if g.dep_ == "pobj"]
        for c in cands:
            if any(t.i in ctx.place_of_token for t in c.subtree):
                for t in c.subtree:
                    country = self.place_country(ctx, t)
                    if country:
                        return country
        return None

    def slot(self, ctx: StoryContext, tok: Token, name: str, noun: bool) -> list[str]:
        light = self.light_verb(tok) if noun else None
        if noun and tok.dep_ == "conj" and name != "light-subj":
            # "killings and kidnappings under Russian occupation": the first conjunct's words count too
            first = next((t for t in tok.ancestors if t.dep_ != "conj"), None)
            found = self._slot(ctx, tok, name, noun, light)
            return found or (self._slot(ctx, first, name, noun, light) if first is not None else [])
        return self._slot(ctx, tok, name, noun, light)

    def _slot(self, ctx: StoryContext, tok: Token, name: str, noun: bool, light: Token | None) -> list[str]:
        if name == "subj":
            return self.subject(ctx, tok)
        if name == "light-subj":
            if light is None:
                return []
            found = self.subject(ctx, light)
            if not found and not any(c.dep_ == "agent" for c in light.children):
                # "forces were engaged in shelling", "police were involved in the raid": a support
                # verb's passive form states what its subject does
                subj = next((c for c in light.children if c.dep_ == "nsubjpass" and c.i != tok.i), None)
                found = self.phrase_actors(ctx, subj) if subj is not None else []
            return found
        if name == "dobj":
            return next((self.phrase_actors(ctx, c) for c in tok.children if c.dep_ == "dobj"), [])
        if name == "iobj":
            for c in tok.children:
                if c.dep_ == "dative":
                    c = next((g for g in c.children if g.dep_ == "pobj"), c) if c.pos_ == "ADP" else c
                    return self.phrase_actors(ctx, c)
            return []
        if name == "subjpass":
            return next((self.phrase_actors(ctx, c) for c in tok.children if c.dep_ == "nsubjpass"), [])
        if name == "comp":
            for c in tok.children:
                if c.dep_ in ("ccomp", "xcomp"):
                    subj = next((g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")), None)
                    if subj is not None:
                        return self.phrase_actors(ctx, subj)
            return []
        if name == "poss":
            return next((self.phrase_actors(ctx, c) for c in tok.children if c.dep_ == "poss"), [])
        if name == "mod":
            for c in tok.children:
                if c.dep_ in MODIFIER_DEPS and c.i < tok.i:
                    found = self.modifier_actors(ctx, c)
                    if found:
                        return found
            return []
        if name == "host":
            return self.host(ctx, tok)
        if name == "host-gov":  # the government of the country the act happens in
            return ctx.government_actor(self.host_country(ctx, tok))
        if name == "own-gov":
            # the government of the source's own country, when the source is not that government
            ids = self._owner[0]
            homes = {ctx.country_of(i) for i in ids} - {None}
            if len(homes) != 1 or any(ctx.actors[i].role == "GOV" for i in ids if i in ctx.actors):
                return []
            return ctx.government_actor(homes.pop())
        if name.startswith("prep:"):
            prep = name[5:]
            # a noun's own "of" object may hold it too (the parser's attachment): "the withdrawal of
            # troops from X", "an attack by rebels on X"
            inner = [g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "by")
                     for g in c.children if g.dep_ == "pobj"] if noun else self._objects(tok)
            # a verb's particle may hold it too: "pulled out of X" ("of" under "out")
            particles = [] if noun else [c for c in tok.children if c.dep_ in ("prt", "prep")
                                         and not any(g.dep_ == "pobj" for g in c.children)]
            holders = [tok] + particles + ([light] if light is not None else []) + inner
            for h in holders:
                for pobj in self._pobjs(h, prep):
                    found = self.phrase_actors(ctx, pobj)
                    if found:
                        return found
            return []
        if name == "comp-target":
            for c in tok.children:
                if c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX"):
                    # the complement's own frame: its lexicon type's when the lexicon knows the verb
                    # ("threatened to pull out of NATO": RETREAT, whose recipient "of" names)
                    frame = kb.frame_for(c.lemma_.lower(), "VERB", self.verb_types.get(c.lemma_.lower(), ""))
                    found = self.targets(ctx, c, [s for s in frame.target if s not in ("comp-target", "any")], False)
                    if found:
                        return found
            return []
        if name == "condition":
            # "threatened to cut ties if Y ...", "unless Y lifts the ban": whose act the condition names
            for verb in [tok, *(c for c in tok.children if c.dep_ in ("xcomp", "ccomp"))]:
                for c in verb.children:
                    if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in self.preps.condition
                                                 for m in c.children):
                        found = self.subject(ctx, c)
                        if found:
                            return found
            return []
        if name == "any":
            for np in self._verb_phrase_nps(tok):
                if np.head.dep_ == "prep" and np.head.lower_ in self.preps.place and any(
                        t.i in ctx.place_of_token for t in np.subtree):
                    continue  # where it happened ("gathered in Turkey"): the host slot's business
                found = self.phrase_actors(ctx, np)
                if found:
                    return found
            return []
        if name == "between":
            holders = [tok] + ([light] if light is not None else []) + self._objects(tok)
            for h in holders:
                for pobj in self._pobjs(h, "between"):
                    found = self.phrase_actors(ctx, pobj)
                    if len(found) >= 2:
                        return found
            return []
        return []

    @staticmethod
    def _verb_phrase_nps(tok: Token) -> list[Token]:
        """Noun phrase heads after the verb in its own clause, in text order (PETRARCH's VP object)."""
        out: list[Token] = []

        def walk(t: Token) -> None:
            for c in t.children:
                if c.dep_ in CLAUSE_DEPS or c.dep_ in ("nsubj", "nsubjpass", "agent", "appos", "punct", "cc"):
                    continue
                if c.dep_ in ("dobj", "pobj", "dative", "attr", "oprd") and c.i > tok.i:
                    out.append(c)
                walk(c)

        walk(tok)
        return sorted(out, key=lambda t: t.i)

    def targets(self, ctx: StoryContext, tok: Token, slots: list[str], noun: bool) -> list[str]:
        """The first slot's actors, leaving out the source's own ones."""
        ids, home = self._owner
        for name in slots:
            found = self.slot(ctx, tok, name, noun)
            if name == "between":
                found = found[1:] if not ids else found
            target = [t for t in found if t not in ids and not self._own_forces(ctx, t, ids)
                      and not (ctx.actors[t].kind == "country" and ctx.actors[t].country in home)]
            if target:
                return target
        return []

    @staticmethod
    def _own_forces(ctx: StoryContext, target: str, source_ids: set[str]) -> bool:
        """A state's own armed forces or police are what it acts with, not whom it acts on:
        "Russia moved troops toward the border", "Britain mobilized army reservists"."""
        t = ctx.actors.get(target)
        if t is None or t.role not in FORCE_ROLES or not t.country:
            return False
        states = [ctx.actors[i] for i in source_ids if i in ctx.actors]
        return bool(states) and all(a.country == t.country and (a.kind == "country" or a.role in STATE_SOURCE_ROLES)
                                    for a in states)

    # ---- roles of a trigger ----
    def assign(self, ctx: StoryContext, tok: Token, trig: kb.Trigger, plover: str) -> tuple[list[str], list[str]]:
        noun = tok.pos_ == "NOUN"
        frame = kb.frame_for(trig.lemma, "NOUN" if noun else "VERB", plover)
        self._where = self.host_country(ctx, tok)
        try:
            return self._assign(ctx, tok, frame, noun)
        finally:
            self._where = None

    def _assign(self, ctx: StoryContext, tok: Token, frame: kb.Frame, noun: bool) -> tuple[list[str], list[str]]:
        passive = not noun and any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
        source: list[str] = []
        target: list[str] = []
        self._target_preps = frozenset(s[5:] for s in frame.target if s.startswith("prep:")) - {"of"}
        try:
            for name in frame.source:
                found = self.slot(ctx, tok, name, noun)
                if name == "between" and found:
                    source, target = found[:1], found[1:]
                    break
                if found:
                    source = found
                    break
        finally:
            self._target_preps = frozenset()
        slots = list(frame.target)
        if passive:  # the passive's subject is who the act was done to
            slots = ["subjpass"] + [s for s in slots if s not in ("dobj", "comp")]
        homes = {ctx.country_of(i) for i in source} - {None}
        self._owner = (set(source), homes if frame.foreign else set())
        try:
            target = target or self.targets(ctx, tok, slots, noun)
        finally:
            self._owner = (set(), set())
        return source, target

    # ---- who did it, when the passive does not say ----
    def borrowed_source(self, ctx: StoryContext, tok: Token, target_ids: list[str], types: set[str]) -> list[str]:
        """The actor of an agentless passive ("two soldiers were killed overnight") named
        elsewhere: by the act the clause names ("killed in a Russian air strike", "in shelling by
        rebels"), else by the last act of that kind the story told in the two sentences before,
        when its actor is not on the target's side."""
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "during", "by", "after", "amid"):
                for g in c.children:
                    if g.dep_ == "pobj" and g.pos_ == "NOUN":
                        for name in ("poss", "mod", "prep:by"):
                            found = self.slot(ctx, g, name, True)
                            if found:
                                return found
        sents = ctx.sentence_starts()
        here = sents.index(tok.sent.start_char) if tok.sent.start_char in sents else None
        sides = {ctx.country_of(t) for t in target_ids} - {None}
        for ev in reversed(ctx.so_far):
            if here is None or ev.sentence_start not in sents or here - sents.index(ev.sentence_start) > 2:
                break
            if ev.plover_type in types and ev.source_id and ctx.country_of(ev.source_id) not in sides:
                return [ev.source_id]
        return []

    # ---- a denial answers an accusation ----
    @staticmethod
    def accuser(ctx: StoryContext, denier_ids: list[str]) -> list[str]:
        """Whom a denial answers: the source of an earlier accusation against the denier's country."""
        countries = {ctx.country_of(i) for i in denier_ids} - {None}
        for ev in reversed(ctx.so_far):
            if ev.plover_type == "ACCUSE" and ctx.country_of(ev.target_id) in countries:
                return [ev.source_id] if ev.source_id else []
        return []
