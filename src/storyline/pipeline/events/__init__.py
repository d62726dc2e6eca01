"""Events: who did what to whom, when and where, coded with a CAMEO code and its PLOVER type and mode.

The stage runs four steps, one module each:

1. ``candidates`` — find trigger words (verbs and event nouns, kb/verbs.tsv);
2. ``roles`` — assign source and target from the dependency parse (passives, coordination,
   prepositions from kb/prepositions.tsv, reported speech: an accusation under "said" is an
   ACCUSE by the speaker; a denial is a REJECT and the denied act is not coded);
3. ``coding`` — modality and code (a promised cooperative act is an AGREE, a stated hostile one a
   THREATEN; a refused one a REJECT), and ``when_where`` — date and place;
4. ``filters`` — one row per happening.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ... import kb
from ...model import Event
from .candidates import Candidate, CandidateFinder
from .coding import Coder
from .context import StoryContext
from .filters import Guards, dedupe
from .roles import RoleFinder
from .when_where import Locator


@Language.factory("storyline_events")
def make_event_coder(nlp: Language, name: str) -> "EventCoder":
    return EventCoder()


class EventCoder:
    def __init__(self) -> None:
        self.find = CandidateFinder(kb.triggers())
        self.roles = RoleFinder()
        self.coder = Coder()
        self.where = Locator()
        self.guards = Guards()
        self.countries = kb.countries()

    def __call__(self, doc: Doc) -> Doc:
        ctx = StoryContext(doc, self.countries)
        for cand in self.find.candidates(doc, self.coder.plover):
            ctx.so_far.extend(self.events(ctx, cand))  # a denial looks back at the accusations before it
        doc._.events = dedupe(ctx.so_far)
        return doc

    def events(self, ctx: StoryContext, cand: Candidate) -> list[Event]:
        """Events for one trigger: one per source and target actor ("A and B hosted talks" is two
        hosts; "urged Sweden and Finland" two requests)."""
        tok, trig = cand.token, cand.trigger
        negated = self.coder.negated(tok)
        if negated and "neg-reject" not in trig.flags:
            return []  # a negated act is no event
        speech_verb, speech_kind = self.roles.speech_ancestor(tok)
        if speech_kind == "deny" and "deny" not in trig.flags:
            return []  # the denied act did not happen as far as the text says; the denial is coded
        modality = "asserted"
        if not self.guards.sense_ok(ctx, tok, trig, self.coder.plover(trig)):
            return []  # "executed two licenses", "attacked the plan": not the political act
        source_ids, target_ids = self.roles.assign(ctx, tok, trig, self.coder.plover(trig))
        if "obligation" in trig.flags:
            # "X said Y must withdraw": X asks it of Y; one's own duty ("said it must act") is no request
            source_ids = self.roles.subject(ctx, speech_verb)
            target_ids = [t for t in self.roles.phrase_actors(ctx, next(
                (c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)) if t not in source_ids]
            if not target_ids:
                return []
            speech_verb = None
        elif "accusation" in trig.flags:
            if speech_verb is None or speech_kind == "think":
                return []  # an accusation is made aloud; a belief is not an ACCUSE event
            # "X said Y committed war crimes", "X says Y was involved in the attack": X accuses Y
            accused = self.roles.phrase_actors(ctx, next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")),
                                                         None)) or source_ids
            target_ids = accused
            source_ids = self.roles.subject(ctx, speech_verb)
            speech_verb = None
        elif speech_verb is not None:
            modality = "reported"
        if "deny" in trig.flags:
            target_ids = self.roles.accuser(ctx, source_ids)
        if "reciprocal" in trig.flags and len(source_ids) > 1 and not target_ids:
            source_ids, target_ids = source_ids[:1], source_ids[1:2]
        if trig.lemma == "flee" and not any(ctx.actors[s].role in ("MIL", "REB") for s in source_ids
                                            if s in ctx.actors):
            return []
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
        if "needs-target" in trig.flags and not target_ids:
            return []
        if not source_ids and not (passive and target_ids):
            return []  # who acted is the first thing an event row must say
        if "obligation" not in trig.flags:  # the demand was made; its "must" is the demanded act's
            modality = self.coder.modality(tok, modality, speech_verb is not None)
        coded = self.coder.code(trig, negated, modality)
        if coded is None:
            return []
        code, plover, mode = coded
        place_id, place_name, place_rule, place_country = self.where.place(ctx, tok)
        entry = self.coder.cameo[code]
        if plover == "CONSULT" and code.startswith("04") and place_country and source_ids and target_ids:
            sides = {ctx.country_of(i) for i in source_ids[:1] + target_ids[:1]}
            if place_country not in sides and None not in sides:
                code, mode = "044", "third-party"
                entry = self.coder.cameo[code]
        date = self.where.date(ctx, tok)
        domain = self.guards.domain(ctx, tok, source_ids, target_ids)
        sent = tok.sent
        # the attribution stating the event: the one whose content holds the trigger, or whose cue it is
        # ("X accused Y of ...")
        quotes = ctx.doc._.quotes
        quote_index = next((i for i, q in enumerate(quotes) if q.start <= tok.idx < q.end), None)
        if quote_index is None:
            quote_index = next((i for i, q in enumerate(quotes) if q.cue_start == tok.idx), None)
        confidence = 0.4 + 0.2 * bool(source_ids) + 0.1 * bool(target_ids) + 0.1 * (date[4] == "stated") \
            + 0.1 * (tok.pos_ == "VERB")
        pairs = [(s, t) for s in (source_ids or [None]) for t in (target_ids or [None]) if s != t or s is None]
        return [Event(plover, mode, code, entry.goldstein, entry.quad_class, source, target,
                      tok.text, tok.idx, sent.start_char, sent.end_char, date[0], date[1], date[2], date[3], date[4],
                      place_id, place_name, place_rule, False, modality, round(confidence, 2),
                      entry.context or None, quote_index, domain)
                for source, target in pairs]
