"""Dependency-parse helpers shared by every stage (quotes, events, actors, places).

Keep here what reads spaCy's parse in a stage-neutral way, so that each stage imports the same
definitions instead of borrowing them from one another.
"""
from __future__ import annotations

from spacy.tokens import Token

SUBJECT_DEPS = ("nsubj", "nsubjpass")
# Dependencies that open a clause of their own below a verb.
CLAUSE_DEPS = {"ccomp", "advcl", "relcl", "acl", "xcomp", "conj", "csubj", "pcomp", "parataxis"}


def subject_of(verb: Token) -> Token | None:
    """The subject of a verb, following conj/advcl chains up when the clause shares it ("..., saying")."""
    for _ in range(4):
        subj = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
        if subj is not None:
            return subj
        if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head is not verb:
            verb = verb.head
        else:
            return None
    return None


def clause_head(tok: Token) -> Token:
    """The verb that governs tok's clause, skipping over oprd/xcomp links ("declared annexed")."""
    while tok.dep_ in ("oprd", "xcomp") and tok.head is not tok:
        tok = tok.head
    return tok
