"""Step 1: find candidate triggers — words whose lemma (and particle or object) a trigger row of
kb/verbs.tsv names."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ... import kb


@dataclass(frozen=True)
class Candidate:
    token: Token
    trigger: kb.Trigger


class CandidateFinder:
    def __init__(self, triggers: dict[tuple[str, str], list[kb.Trigger]]) -> None:
        self.triggers = triggers

    def __call__(self, doc: Doc) -> Iterator[Candidate]:
        for tok in doc:
            pos, lemma = self.key(tok)
            if pos is None:
                continue
            for trig in self.triggers.get((pos, lemma), ()):
                if self.matches(tok, trig):
                    yield Candidate(tok, trig)
                    break

    def key(self, tok: Token) -> tuple[str | None, str]:
        """(VERB or NOUN, lemma) to look up, or (None, "") for a word that cannot trigger."""
        if tok.dep_ == "amod" or describing_participle(tok):
            return None, ""  # a participle describing a noun ("left destroyed infrastructure") reports no act
        if tok.pos_ in ("VERB", "AUX"):
            return "VERB", tok.lemma_.lower()
        if tok.pos_ == "NOUN":
            return "NOUN", tok.lemma_.lower()
        if tok.pos_ == "ADJ" and tok.dep_ in ("oprd", "acomp") and tok.lower_.endswith("ed"):
            # a predicative participle the tagger calls an adjective: "declared annexed"
            w = tok.lower_
            for lemma in (w[:-2], w[:-1], w[:-3]):
                if ("VERB", lemma) in self.triggers:
                    return "VERB", lemma
        return None, ""

    @staticmethod
    def matches(tok: Token, trig: kb.Trigger) -> bool:
        if trig.particle and not any(c.lower_ == trig.particle and c.dep_ in ("prt", "advmod", "prep")
                                     for c in tok.children):
            return False
        if trig.objects:
            objs = [c for c in tok.children if c.dep_ in ("dobj", "pobj", "attr", "nsubjpass", "prep")]
            # "allow inspectors to return": the object is the subject of the complement clause
            objs += [g for c in tok.children if c.dep_ in ("ccomp", "xcomp") for g in c.children if g.dep_ == "nsubj"]
            words = " ".join(t.lemma_.lower() for o in objs for t in o.subtree)
            if not any(w in words for w in trig.objects):
                return False
        return True


def describing_participle(tok: Token) -> bool:
    """A bare past participle right before a noun it does not govern: an adjective the parser
    took for a verb ("They left destroyed infrastructure": destroyed as xcomp of left)."""
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return (tok.tag_ == "VBN" and nxt is not None and nxt.pos_ == "NOUN" and nxt.head is not tok
            and not any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for c in tok.children))
