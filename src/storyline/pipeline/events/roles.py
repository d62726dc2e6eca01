"""Step 2: assign roles — the source (who acted) and target (to whom) of a candidate trigger, read
off the dependency parse: subject and object, the agent and subject of a passive, prepositions
from kb/prepositions.tsv, the speaker of reported speech."""
from __future__ import annotations

from spacy.tokens import Token

from ... import kb
from ..syntax import CLAUSE_DEPS, subject_of
from .context import StoryContext


class RoleFinder:
    def __init__(self) -> None:
        self.speech = kb.speech_verbs()
        self.preps = kb.event_prepositions()
        self.cameo = kb.cameo()
        self.countries = kb.countries()

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

    # ---- actors of a phrase ----
    def actors(self, ctx: StoryContext, tok: Token | None) -> list[str]:
        if tok is None:
            return []
        ids = list(ctx.doc._.token_actors.get(tok.i, []))
        if not ids and tok.i in ctx.place_of_token:
            _, pm = ctx.place_of_token[tok.i]
            if pm.place is not None and pm.place.country:
                ids = ctx.country_actor(pm.place.country)
        if not ids and tok.pos_ in ("NOUN", "PRON"):
            # "representatives of the RSF", "members of the army": the group the people belong to
            of = next((g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                       for g in c.children if g.dep_ == "pobj"), None)
            if of is not None:
                ids = self.actors(ctx, of)
        for conj in (c for c in tok.children if c.dep_ == "conj"):
            ids += [i for i in self.actors(ctx, conj) if i not in ids]
        return ids

    def host(self, ctx: StoryContext, tok: Token, source: list[str]) -> list[str]:
        """A visited place's country is the visit's recipient when it is another country than the
        visitor's ("Taiwan's minister visited Russia"); a leader touring their own country has none."""
        where = ctx.place_of_token.get(tok.i)
        p = where[1].place if where is not None else None
        if p is None or not p.country:
            return []
        visitors = {ctx.country_of(i) for i in source}
        return [] if p.country in visitors else ctx.country_actor(p.country)

    # ---- verbs ----
    def verb_roles(self, ctx: StoryContext, tok: Token, trig: kb.Trigger, plover: str) -> tuple[list[str], list[str]]:
        children = list(tok.children)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in children)
        agent = next((g for c in children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
        if passive:
            source = self.actors(ctx, agent)
            target = self.actors(ctx, next((c for c in children if c.dep_ == "nsubjpass"), None))
        else:
            subj = subject_of(tok)
            if subj is None and tok.dep_ == "oprd":
                subj = subject_of(tok.head)
            source = self.actors(ctx, subj)
            target = []
            for c in children:
                if c.dep_ == "dative" and c.pos_ == "ADP":  # "sent arms to Pakistan": the parser's dative "to"
                    c = next((g for g in c.children if g.dep_ == "pobj"), c)
                if c.dep_ in ("dobj", "dative", "pobj"):
                    where = ctx.place_of_token.get(c.i)
                    if "place-object" in trig.flags or (where is not None and where[1].role == "place"):
                        target = self.host(ctx, c, source)
                        if target:
                            break
                        continue  # the object is where it happened, not who it happened to
                    target = self.actors(ctx, c)
                    if target:
                        break
            if not target:
                preps = self.preps.target | self.preps.recipient_preps(plover)
                for c in children:
                    if c.dep_ == "prep" and c.lower_ in preps:
                        target = self.actors(ctx, next((g for g in c.children if g.dep_ == "pobj"), None))
                        if target:
                            break
        target = [t for t in target if t not in source]
        return source, target

    # ---- nouns ----
    def noun_roles(self, ctx: StoryContext, tok: Token) -> tuple[list[str], list[str]]:
        source: list[str] = []
        target: list[str] = []
        heads = [tok] + ([tok.head] if tok.dep_ == "conj" else [])
        for h in heads:
            for c in h.children:
                if c.dep_ == "poss" or (c.dep_ in ("amod", "compound") and self.countries.lookup(c.text)):
                    source = source or self.actors(ctx, c) or ctx.country_actor(self.countries.lookup(c.text))
                elif c.dep_ == "prep" and c.lower_ in self.preps.source:
                    source = source or self.actors(ctx, next((g for g in c.children if g.dep_ == "pobj"), None))
                elif c.dep_ == "prep" and c.lower_ in self.preps.noun_target:
                    target = target or self.actors(ctx, next((g for g in c.children if g.dep_ == "pobj"), None))
        return source, [t for t in target if t not in source]

    # ---- a denial answers an accusation ----
    @staticmethod
    def accuser(ctx: StoryContext, denier_ids: list[str]) -> list[str]:
        """Whom a denial answers: the source of an earlier accusation against the denier's country."""
        countries = {ctx.country_of(i) for i in denier_ids} - {None}
        for ev in reversed(ctx.so_far):
            if ev.plover_type == "ACCUSE" and ctx.country_of(ev.target_id) in countries:
                return [ev.source_id] if ev.source_id else []
        return []
