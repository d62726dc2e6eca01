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

from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from ... import kb
from ...model import Event
from .candidates import Candidate, CandidateFinder
from .coding import Coder
from .context import Decision, StoryContext
from .filters import Guards, dedupe
from .roles import RoleFinder
from .when_where import Locator
from ..syntax import generic_phrase


# hostile acts whose agentless passive ("were killed", "was shelled") may take its actor from the
# act the clause names or from the story's last act of the kind
BORROWING_TYPES = {"ASSAULT", "COERCE"}
VERBAL_ATTACK = "111"  # CAMEO: criticize or denounce, what a violent word between politicians names


@Language.factory("storyline_events")
def make_event_coder(nlp: Language, name: str) -> "EventCoder":
    return EventCoder()


class EventCoder:
    """The rules. What they reject or miss, the learned layer after them (pipeline/event_model.py,
    storyline_event_model) may drop or add; it codes what it adds with decide/build below."""

    def __init__(self) -> None:
        self.find = CandidateFinder(kb.triggers(), kb.cameo_triggers())
        self.roles = RoleFinder()
        self.coder = Coder()
        self.where = Locator()
        self.guards = Guards()
        self.countries = kb.countries()
        self.trace: list[Decision] | None = None  # set to a list to keep every decision (benchmarks, training)
        self.type_codes = kb.type_codes()
        self.recipient_required = kb.recipient_required()

    def __call__(self, doc: Doc) -> Doc:
        ctx = StoryContext(doc, self.countries)
        for cand in self.find.candidates(doc, self.coder.plover):
            decision = self.decide(ctx, cand)
            if self.trace is not None:
                self.trace.append(decision)
            if decision.reason is None:
                ctx.so_far.extend(self.build(ctx, decision))  # a denial looks back at the accusations before it
        doc._.events = dedupe(ctx.so_far)
        return doc

    def decide(self, ctx: StoryContext, cand: Candidate) -> Decision:
        """Roles, modality and code of one candidate, or the reason it is no event."""
        tok, trig = cand.token, cand.trigger
        d = Decision(cand)
        d.negated = self.coder.negated(tok)
        if d.negated and "neg-reject" not in trig.flags:
            return d.reject("negated")  # a negated act is no event
        speech_verb, d.speech_kind = self.roles.speech_ancestor(tok)
        if d.speech_kind == "deny" and "deny" not in trig.flags:
            return d.reject("denied")  # the denied act did not happen as far as the text says; the denial is coded
        plover = self.coder.plover(trig)
        if not self.guards.sense_ok(ctx, tok, trig, plover):
            return d.reject("sense")  # "executed two licenses", "attacked the plan": not the political act
        if "speech" in trig.flags:
            # "X said Y ...": who spoke, and whom the words were about
            d.source_ids = self.roles.subject(ctx, tok)
            comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
            subj = next((c for c in comp.children if c.dep_ in ("nsubj", "nsubjpass")), None) if comp is not None else None
            d.target_ids = [t for t in self.roles.phrase_actors(ctx, subj) if t not in d.source_ids]
            d.domain = self.guards.domain(ctx, tok, d.source_ids, d.target_ids)
            return d.reject("speech only")
        source_ids, target_ids = self.roles.assign(ctx, tok, trig, plover)
        modality = "asserted"
        if "obligation" in trig.flags:
            # "X said Y must withdraw": X asks it of Y; one's own duty ("said it must act") is no request
            if speech_verb is None:
                return d.reject("no request")  # the parser found no speech verb above the "should"
            source_ids = self.roles.subject(ctx, speech_verb)
            obliged = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if generic_phrase(obliged):
                return d.reject("general duty")  # "a president must be ready": a view of any president's duty
            target_ids = [t for t in self.roles.phrase_actors(ctx, obliged) if t not in source_ids]
            if not target_ids:
                return d.reject("own duty")
            speech_verb = None
        elif "accusation" in trig.flags:
            # "X said Y committed war crimes", "X says Y was involved in the attack", and inside X's
            # quoted words "“Y left behind savagery,” X said": X accuses Y
            speaker = self.quote_speaker(ctx, tok) if speech_verb is None else None
            if (speech_verb is None and speaker is None) or d.speech_kind == "think":
                return d.reject("not said")  # an accusation is made aloud; a belief is not an ACCUSE event
            accused = self.roles.phrase_actors(ctx, next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")),
                                                         None)) or source_ids
            source_ids = self.roles.subject(ctx, speech_verb) if speech_verb is not None else [speaker]
            target_ids = [t for t in accused if t not in source_ids]
            speech_verb = None
        elif speech_verb is not None:
            modality = "reported"
        if "deny" in trig.flags:
            target_ids = self.roles.accuser(ctx, source_ids)
        if "reciprocal" in trig.flags and len(source_ids) > 1 and not target_ids:
            source_ids, target_ids = source_ids[:1], source_ids[1:2]
        d.passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
        if d.passive and not source_ids and target_ids and plover in BORROWING_TYPES:
            source_ids = self.roles.borrowed_source(ctx, tok, target_ids, BORROWING_TYPES)
        d.source_ids, d.target_ids = source_ids, target_ids
        if "obligation" not in trig.flags:  # the demand was made; its "must" is the demanded act's
            # a noun's act is as real as its support verb's: "aims to impose a blockade" is intended
            light = self.roles.light_verb(tok) if tok.pos_ == "NOUN" else None
            modality = self.coder.modality(light if light is not None else tok, modality, speech_verb is not None)
        d.modality, d.reported = modality, speech_verb is not None
        if plover == "ASSAULT" and self.guards.verbal_attack(ctx, tok, trig, source_ids, target_ids):
            trig = replace(trig, cameo=VERBAL_ATTACK, plover="")  # criticism, not force
        coded = self.coder.code(trig, d.negated, modality)
        if coded is None:
            return d.reject("no code")
        d.code, d.plover, d.mode = coded
        d.domain = self.guards.domain(ctx, tok, source_ids, target_ids)
        if d.domain is None and "state-act" in trig.flags and d.passive and not source_ids and target_ids:
            d.domain = "political"  # "was arrested", "was charged with": the police or a court did it
        if d.domain is None:
            return d.reject("no political actor")
        if trig.lemma == "flee" and not any(ctx.actors[s].role in ("MIL", "REB") for s in source_ids
                                            if s in ctx.actors):
            return d.reject("civilians flee")
        if not target_ids and ("needs-target" in trig.flags or d.plover in self.recipient_required):
            return d.reject("no target")  # PLOVER: aid, cooperation and sanctions are done to someone
        if not source_ids and "needs-source" in trig.flags:
            return d.reject("no actor named")  # "domestic demand", "a tender offer": another sense
        if not source_ids and not (d.passive and target_ids):
            return d.reject("no source")  # who acted is the first thing an event row must say
        if "cameo" in trig.flags:
            return d.reject("broad only")  # a CAMEO-derived verb alone is too unsure for the rules
        return d

    @staticmethod
    def quote_speaker(ctx: StoryContext, tok) -> str | None:
        """The actor who speaks the direct quote tok sits in, if the quotes stage found one."""
        return next((q.speaker_id for q in ctx.doc._.quotes if q.direct and q.start <= tok.idx < q.end
                     and q.speaker_id in ctx.actors), None)

    def build(self, ctx: StoryContext, d: Decision) -> list[Event]:
        """The event rows of an accepted decision: one per source and target actor ("A and B hosted
        talks" is two hosts; "urged Sweden and Finland" two requests)."""
        tok = d.cand.token
        code, plover, mode = d.code, d.plover, d.mode
        source_ids, target_ids = d.source_ids, d.target_ids
        place_id, place_name, place_rule, place_country = self.where.place(ctx, tok)
        entry = self.coder.cameo[code]
        if plover == "CONSULT" and code.startswith("04") and place_country and source_ids and target_ids:
            sides = {ctx.country_of(i) for i in source_ids[:1] + target_ids[:1]}
            if place_country not in sides and None not in sides:
                code, mode = "044", "third-party"
                entry = self.coder.cameo[code]
        date = self.where.date(ctx, tok)
        domain = d.domain or self.guards.domain(ctx, tok, source_ids, target_ids) or "political"
        sent = tok.sent
        # the attribution stating the event: the one whose content holds the trigger, or whose cue it is
        # ("X accused Y of ...")
        quotes = ctx.doc._.quotes
        quote_index = next((i for i, q in enumerate(quotes) if q.start <= tok.idx < q.end), None)
        if quote_index is None:
            quote_index = next((i for i, q in enumerate(quotes) if q.cue_start == tok.idx), None)
        confidence = d.confidence if d.confidence is not None else (
            0.4 + 0.2 * bool(source_ids) + 0.1 * bool(target_ids) + 0.1 * (date[4] == "stated") + 0.1 * (tok.pos_ == "VERB"))
        pairs = [(s, t) for s in (source_ids or [None]) for t in (target_ids or [None]) if s != t or s is None]
        return [Event(plover, mode, code, entry.goldstein, entry.quad_class, source, target,
                      tok.text, tok.idx, sent.start_char, sent.end_char, date[0], date[1], date[2], date[3], date[4],
                      place_id, place_name, place_rule, False, d.modality, round(confidence, 2),
                      entry.context or None, quote_index, domain)
                for source, target in pairs]
