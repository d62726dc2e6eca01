"""Step 4: filter — word senses (an assault needs someone or something to hit), the political
domain (an event needs a political actor; one between businesses only is kept apart), and one row
per happening."""
from __future__ import annotations

import re

from spacy.tokens import Token

from ... import kb
from ...model import Actor, Event
from .context import StoryContext

# Actor roles that take part in politics (CAMEO/PLOVER sectors); a civilian group counts as a
# country's population ("Palestinians", "residents of Kherson"), a civilian person does not.
# Unions (LAB) and the media (MED) are not political by themselves: a union's wage talks with a
# company are business, its strike against a government is politics because of the government.
POLITICAL_ROLES = {"GOV", "MIL", "REB", "OPP", "COP", "JUD", "IGO", "NGO", "SPY", "PTY", "LEG", "ELI", "INS",
                   "REF", "CRM", "ETH", "REL", "UAF", "SEP", "IMG"}
PEOPLE_POS = ("PRON", "NUM")
VERBAL = (1, 3)  # CAMEO quad classes of words rather than deeds (verbal cooperation, verbal conflict)
ARMED_ROLES = {"MIL", "REB", "COP", "CRM", "SPY", "UAF", "IMG", "SEP", "INS"}
POLITICIAN_ROLES = {"GOV", "PTY", "LEG", "ELI", "OPP"}


class Guards:
    def __init__(self) -> None:
        self.senses = kb.senses()
        # word lists kept in kb/senses.tsv as "kind:word" rows
        self.no_comment, self.campaign, self.verbal, self.question = (
            {k.split(":", 1)[1] for k in self.senses if k.startswith(f"{kind}:")}
            for kind in ("no-comment", "campaign", "verbal", "question"))
        self.speech = set(kb.speech_verbs())
        self.object_nouns = kb.object_nouns()
        self.role_nouns = kb.roles()
        self.org_words = kb.organization_words()
        self.business_cues = kb.business_cues()
        self.countries = kb.countries()

    # ---- word senses ----
    def sense_ok(self, ctx: StoryContext, tok: Token, trig: kb.Trigger, plover: str) -> bool:
        """Whether the trigger's object fits the political sense ("executed two prisoners", not
        "executed two licenses"; "attacked the convoy", not "attacked the plan")."""
        if plover == "PROTEST" and tok.pos_ == "NOUN" and self._campaign_event(ctx, tok):
            return False
        if trig.lemma in self.question and tok.pos_ == "VERB" and self._question(tok):
            return False
        need = self.senses.get(trig.lemma) or self.senses.get(f"type:{plover}")
        if need is None or tok.pos_ == "NOUN":
            return True
        if need == "complement":
            comp = [c for c in tok.children if c.dep_ in ("dobj", "xcomp", "ccomp", "nsubjpass")]
            # "declined to comment", "refused to give details": withholding words is no refusal of an act
            return bool(comp) and not any(c.dep_ == "xcomp" and (c.lemma_.lower() in self.speech or c.lemma_.lower()
                                                                in self.no_comment) for c in comp)
        obj = next((c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")), None)
        return obj is None or self._object_fits(ctx, obj, need)

    def verbal_attack(self, ctx: StoryContext, tok: Token, trig: kb.Trigger, source_ids: list[str],
                      target_ids: list[str]) -> bool:
        """A violent word between politicians that names criticism, not force ("Bush fired at
        Trump", "Trump slammed Cruz"): the word is a `verbal:` row of kb/senses.tsv, the source and
        target are all named persons, none armed, at least one a politician, and no weapon or
        physical target is its object."""
        if trig.lemma not in self.verbal or not source_ids or not target_ids:
            return False
        actors = [ctx.actors.get(i) for i in [*source_ids, *target_ids]]
        if not all(a is not None and a.kind == "person" and a.role not in ARMED_ROLES for a in actors):
            return False  # "a gunman shot the senator", "troops fired at": force
        if not any(a.role in POLITICIAN_ROLES for a in actors):
            return False
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        return obj is None or not (self.object_nouns.get(obj.lemma_.lower()) == "target" or obj.i in ctx.place_of_token)

    @staticmethod
    def _question(tok: Token) -> bool:
        """Asking a question: an "if"/"whether" or wh- clause, an "about" phrase, or an agentless
        passive with nothing asked for ("when asked on television")."""
        for c in tok.children:
            if c.dep_ in ("ccomp", "advcl", "xcomp") and (
                    any(m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in c.children)
                    or any(w.tag_ in ("WDT", "WP", "WRB") and w.i < c.i for w in c.subtree)):
                return True
            if c.dep_ == "prep" and c.lower_ == "about":
                return True
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children) or tok.tag_ == "VBN"
        return passive and not any(c.dep_ in ("agent", "xcomp", "dobj") or (c.dep_ == "prep" and c.lower_ == "for")
                                   for c in tok.children)

    def _campaign_event(self, ctx: StoryContext, tok: Token) -> bool:
        """A rally a candidate or party holds ("Trump rallies", "his campaign rallies"): its possessor
        or a name before it is a person or party, or a campaign word (kb/senses.tsv) modifies it."""
        for c in tok.children:
            if c.dep_ not in ("poss", "compound", "amod", "nmod") or c.i > tok.i:
                continue
            if c.lemma_.lower() in self.campaign:
                return True
            actors = [ctx.actors.get(a) for a in ctx.doc._.token_actors.get(c.i, ())]
            if any(a is not None and (a.kind == "person" or a.role == "PTY") for a in actors):
                return True
            if c.ent_type_ == "PERSON":
                return True
        return False

    def sense_confirmed(self, ctx: StoryContext, tok: Token, trig: kb.Trigger, plover: str) -> bool:
        """Whether the word has a sense condition (kb/senses.tsv) and its object meets it outright
        ("executed four hostages"): then the political sense is settled by the text itself."""
        need = self.senses.get(trig.lemma) or self.senses.get(f"type:{plover}")
        if need not in ("person", "target") or tok.pos_ == "NOUN":
            return False
        obj = next((c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")), None)
        return obj is not None and self._object_fits(ctx, obj, need)

    def _object_fits(self, ctx: StoryContext, obj: Token, need: str) -> bool:
        """Whether an object meets a sense condition: people for both, a hittable thing for "target"."""
        return self._people(ctx, obj) or (need == "target" and self._hittable(ctx, obj))

    def _people(self, ctx: StoryContext, tok: Token) -> bool:
        if ctx.doc._.token_actors.get(tok.i) or tok.ent_type_ in ("PERSON", "NORP", "ORG"):
            return True
        if tok.pos_ in PEOPLE_POS or (tok.pos_ == "PROPN" and tok.i not in ctx.place_of_token):
            return True  # "killed 12", "executed him", a name the tagger did not call a person
        lemma = tok.lemma_.lower()
        if self.object_nouns.get(lemma) == "person" or lemma in self.role_nouns:
            return True
        if any(c.dep_ in ("compound", "amod") and (c.lemma_.lower() in self.role_nouns or self.countries.demonyms.get(
                c.lower_)) for c in tok.children):
            return True  # "British militant Haroon Rashid Aswad", "four Cameroonian smugglers"
        if any(self._people(ctx, c) for c in tok.conjuncts if c.i > tok.i):
            return True
        # "dozens of people", "some of the prisoners"
        return any(c.dep_ == "prep" and c.lower_ == "of" and any(self._people(ctx, g) for g in c.children
                                                                  if g.dep_ == "pobj") for c in tok.children)

    def _hittable(self, ctx: StoryContext, tok: Token) -> bool:
        if tok.i in ctx.place_of_token or tok.ent_type_ in ("GPE", "LOC", "FAC"):
            return True
        if self.object_nouns.get(tok.lemma_.lower()) == "target":
            return True
        compound = " ".join(t.lemma_.lower() for t in tok.lefts if t.dep_ == "compound") + " " + tok.lemma_.lower()
        if self.object_nouns.get(compound.strip()) == "target":
            return True
        return any(c.dep_ == "prep" and c.lower_ == "of" and any(self._hittable(ctx, g) for g in c.children
                                                                  if g.dep_ == "pobj") for c in tok.children)

    # ---- domain ----
    def actor_kind(self, actor: Actor | None) -> str:
        """political, business or unknown."""
        if actor is None:
            return "unknown"
        if actor.kind == "country":
            return "political"
        if actor.role == "BUS":
            return "business"
        if actor.role == "CVL":
            return "political" if actor.kind == "group" and actor.country else "unknown"
        if actor.role in POLITICAL_ROLES:
            return "political"
        if actor.kind == "organization":
            words = [w.strip(".,").lower() for w in re.split(r"[\s\-]+", actor.name)]
            kinds = {self.org_words.get(w) for w in words} - {None}
            if kinds:
                return "political" if "political" in kinds else "business"
        return "unknown"

    def domain(self, ctx: StoryContext, tok: Token, source_ids: list[str], target_ids: list[str]) -> str | None:
        """political when a political actor takes part; business when a business does, or when
        only actors of unknown kind do in a sentence about business; else None: an act with no
        political actor is no political event (issue 14), and one nobody is named in is no event."""
        kinds = {self.actor_kind(ctx.actors.get(i)) for i in [*source_ids, *target_ids]}
        if "political" in kinds:
            return "political"
        if "business" in kinds:
            return "business"
        if any(t.lemma_.lower() in self.business_cues for t in tok.sent):
            return "business"
        return None


def dedupe(events: list[Event]) -> list[Event]:
    """One row per happening: the same act by the same actors told twice in a sentence
    ("fled ... in their third withdrawal"), or named by a noun after its verb ("Zelenskiy's visit"),
    keeps only its best-dated, most confident telling."""
    def rank(e: Event) -> tuple:
        return (e.date_basis == "stated", e.date_basis != "not stated", e.confidence)

    kept: list[Event] = []
    for ev in sorted(events, key=rank, reverse=True):
        same = [k for k in kept if k.cameo[:3] == ev.cameo[:3] and k.source_id == ev.source_id
                and (k.target_id == ev.target_id or ev.target_id is None or k.target_id is None)]
        if any(k.sentence_start == ev.sentence_start or ev.date_basis == "not stated" for k in same):
            continue
        if ev.quad_class in VERBAL and ev.source_id and ev.target_id and any(
                k.plover_type == ev.plover_type and k.source_id == ev.source_id and k.target_id == ev.target_id
                and k.date_value == ev.date_value for k in kept):
            continue  # one speaker's words against one target on one day are one statement (ICEWS' rule)
        kept.append(ev)
    return sorted(kept, key=lambda e: e.trigger_start)
