"""Step 1: find candidate triggers — words whose lemma (and particle or object) a trigger row of
kb/verbs.tsv names."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ... import kb
from ..syntax import lemma_forms


@dataclass(frozen=True)
class Candidate:
    token: Token
    trigger: kb.Trigger


# "X said Y must withdraw": a demand by X to Y (CAMEO 100), told by the clause's verb
OBLIGATION = kb.Trigger("VERB", "", "", (), "100", "REQUEST", "", frozenset({"obligation"}))
# what a trigger row's particle may be: "pull out", "be behind", "held Y responsible"
PARTICLE_DEPS = ("prt", "advmod", "prep", "acomp", "oprd", "ccomp", "xcomp")
# a speech verb that names no act by itself ("X said Y was wrong"): only the learned layer may
# read an accusation, a request or a threat into what was said
SPEECH = kb.Trigger("VERB", "", "", (), "", "", "", frozenset({"speech"}))
# how far up the parse a complement may sit below the trigger that absorbs it
COMPLEMENT_DEPS = {"xcomp", "ccomp", "pcomp", "pobj", "prep", "dobj", "acl", "conj", "nsubjpass", "relcl"}


class CandidateFinder:
    def __init__(self, triggers: dict[tuple[str, str], list[kb.Trigger]],
                 broad: dict[tuple[str, str], list[kb.Trigger]] | None = None) -> None:
        self.triggers = triggers
        self.broad = broad or {}  # CAMEO-derived rows, tried when no hand row matches
        words = kb.modality_words()
        self.obligation_aux = {w for w, k in words.items() if "obligation" in k}
        self.say = {w for w, k in kb.speech_verbs().items() if k == "say"}
        self.speech = {w for w, k in kb.speech_verbs().items() if k in ("say", "accuse")}
        self.absorbing = kb.complement_types()
        self.adjuncts = kb.adjunct_types()

    def candidates(self, doc: Doc, plover_of) -> list[Candidate]:
        """Every candidate of the doc in text order, leaving out acts that are only the content of
        another candidate: what was requested, threatened, refused, agreed to or alleged
        (kb/complements.tsv), and what someone said another must do."""
        found = {c.token.i: c for c in self(doc)}
        for tok in doc:  # speech verbs that name no act of their own, for the learned layer
            if tok.i not in found and tok.pos_ == "VERB" and tok.lemma_.lower() in self.speech and any(
                    c.dep_ == "ccomp" for c in tok.children):
                found[tok.i] = Candidate(tok, SPEECH)
        obligations = self.obligations(doc)
        absorbed: set[int] = set()
        for ob in obligations:
            absorbed |= {t.i for t in ob.token.subtree} - {ob.token.i}
            found[ob.token.i] = ob
        absorbed |= self.absorbed(found, plover_of)
        return [found[i] for i in sorted(found) if i not in absorbed]

    def absorbed(self, found: dict[int, Candidate], plover_of, coded: set[int] = frozenset()) -> set[int]:
        """Candidates that are only the content of another: the complement of a request, threat,
        refusal, agreement or allegation, and what that complement holds in turn ("demanded a
        meeting to discuss X": neither the meeting nor the discussion happened); and the demand
        told in an adjunct clause of a protest (kb/adjuncts.tsv: "marched demanding X").
        coded: tokens already coded as events, which are not absorbed and absorb nothing by way of
        being absorbed."""
        out: set[int] = set()
        governors = {i: self.governor(c.token, found) for i, c in found.items()}
        changed = True
        while changed:  # a complement's complement is absorbed too
            changed = False
            for i, gov in governors.items():
                if i in out or i in coded or gov is None or gov.trigger.flags & {"cameo", "speech"}:
                    continue
                if plover_of(gov.trigger) in self.absorbing or gov.token.i in out:
                    out.add(i)
                    changed = True
        for i, cand in found.items():
            if i not in out and i not in coded and self.adjunct_of(cand, found, plover_of) is not None:
                out.add(i)
        return out

    def adjunct_of(self, cand: Candidate, found: dict[int, Candidate], plover_of) -> Candidate | None:
        """The act whose adjunct clause cand is, when kb/adjuncts.tsv says such a clause is that
        act's content: the clause hangs from the act's trigger, from a noun the trigger verb governs
        ("blocked roads demanding"), or from a verb whose object is the act's noun ("continued
        their hunger strike to demand")."""
        tok = cand.token
        if tok.pos_ not in ("VERB", "AUX") or cand.trigger.flags & {"speech", "obligation"}:
            return None
        kind = plover_of(cand.trigger)
        head = tok.head
        if head is tok:
            return None
        for _ in range(2):
            near = [head] + ([head.head] if head.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass", "attr")
                             and head.head is not head else [])
            near += [c for c in head.children if c.dep_ in ("dobj", "attr") and c.i != tok.i]
            for h in near:
                gov = found.get(h.i)
                if gov is None or gov.trigger.flags & {"cameo", "speech"}:
                    continue
                deps = self.adjuncts.get(plover_of(gov.trigger), {}).get(kind)
                if deps and tok.dep_ in deps:
                    return gov
            if head.dep_ != "prep":  # "rioted following a demonstration calling for": one step through a preposition
                return None
            head = head.head
        return None

    @staticmethod
    def governor(tok: Token, found: dict[int, Candidate]) -> Candidate | None:
        """The candidate whose complement holds tok ("threatened to cut ties", "called for
        sanctions", "accused X of killing"), or None. A coordinated act ("refused X and urged Y")
        is the complement of what governs its first member, if anything ("committed killings and
        kidnappings": both are what was alleged)."""
        cur = tok
        for _ in range(6):
            head = cur.head
            if head is cur or (cur.dep_ not in COMPLEMENT_DEPS and not purpose_clause(cur)):
                return None
            if head.i in found and cur.dep_ != "conj":
                return found[head.i]
            cur = head  # a conjunct shares its first member's governor, if any
        return None

    def obligations(self, doc: Doc) -> list[Candidate]:
        """Clauses under a speech verb that say what their subject must do: "Britain said the two
        sides must reach an agreement", "the rebels announced that the president has to resign"."""
        out = []
        for tok in doc:
            if tok.dep_ != "ccomp" or tok.pos_ not in ("VERB", "AUX") or tok.head.lemma_.lower() not in self.say:
                continue
            if not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
                continue
            aux = {c.lower_ for c in tok.children if c.dep_ == "aux"}
            if aux & self.obligation_aux:  # "has to", "will need to" mostly predict: only "must", "should" demand
                out.append(Candidate(tok, OBLIGATION))
        return out

    def __call__(self, doc: Doc) -> Iterator[Candidate]:
        for tok in doc:
            pos, lemma = self.key(tok)
            if pos is None:
                continue
            rows = self.triggers.get((pos, lemma)) or self.broad.get((pos, lemma), ())
            for trig in rows:
                if self.matches(tok, trig):
                    yield Candidate(tok, trig)
                    break

    def key(self, tok: Token) -> tuple[str | None, str]:
        """(VERB or NOUN, lemma) to look up, or (None, "") for a word that cannot trigger."""
        if tok.dep_ == "amod" or describing_participle(tok):
            return None, ""  # a participle describing a noun ("left destroyed infrastructure") reports no act
        if tok.pos_ in ("VERB", "AUX"):
            # the tagger's lemma, or a base form of the text when only that names a trigger ("staged")
            return "VERB", next((f for f in lemma_forms(tok) if ("VERB", f) in self.triggers),
                                tok.lemma_.lower())
        if tok.pos_ == "NOUN":
            return "NOUN", tok.lemma_.lower()
        if tok.pos_ == "ADJ" and tok.dep_ in ("oprd", "acomp") and tok.lower_.endswith("ed"):
            # a predicative participle the tagger calls an adjective: "declared annexed"
            w = tok.lower_
            for lemma in (w[:-2], w[:-1], w[:-3]):
                if ("VERB", lemma) in self.triggers or ("VERB", lemma) in self.broad:
                    return "VERB", lemma
        return None, ""

    @staticmethod
    def matches(tok: Token, trig: kb.Trigger) -> bool:
        if trig.particle:
            # "held Y responsible": the parser may hang the word on the object
            near = [*tok.children, *(g for c in tok.children if c.dep_ == "dobj" for g in c.children if g.dep_ == "amod")]
            if not any(c.lower_ == trig.particle and c.dep_ in PARTICLE_DEPS + ("amod",) for c in near):
                return False
        if trig.objects:
            objs = [c for c in tok.children if c.dep_ in ("dobj", "pobj", "attr", "nsubjpass", "prep", "acomp")
                    or (tok.pos_ == "NOUN" and c.dep_ in ("compound", "amod", "nmod") and c.i < tok.i)]
            # "allow inspectors to return": the object is the subject of the complement clause
            objs += [g for c in tok.children if c.dep_ in ("ccomp", "xcomp") for g in c.children if g.dep_ == "nsubj"]
            words = " ".join(t.lemma_.lower() for o in objs for t in o.subtree)
            if not any(w in words for w in trig.objects):
                return False
        return True


CONDITION_MARKS = kb.event_prepositions().condition


def purpose_clause(tok: Token) -> bool:
    """An infinitive adverbial clause, what its governor's act is for ("demanded a meeting to
    discuss the advance"), or a condition on it ("threatened to impose tariffs unless Y lifts the
    ban"): content of that act as much as its complement is."""
    return tok.dep_ == "advcl" and any((c.dep_ == "aux" and c.lower_ == "to") or
                                       (c.dep_ == "mark" and c.lower_ in CONDITION_MARKS) for c in tok.children)


def describing_participle(tok: Token) -> bool:
    """A bare past participle right before a noun it does not govern: an adjective the parser
    took for a verb ("They left destroyed infrastructure": destroyed as xcomp of left)."""
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return (tok.tag_ == "VBN" and nxt is not None and nxt.pos_ == "NOUN" and nxt.head is not tok
            and not any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for c in tok.children))
