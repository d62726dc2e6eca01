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


def lemma_forms(tok: Token) -> list[str]:
    """The token's lemma, then base forms read off its text, for when the tagger's lemma is wrong
    ("staged" lemmatized as "stag"): the lemma first, then the text without -ed, -d, -ing, -s, -es."""
    low = tok.lower_
    forms = [tok.lemma_.lower()]
    for suffix, add in (("ied", "y"), ("ed", ""), ("d", ""), ("ing", ""), ("ing", "e"), ("ies", "y"), ("es", ""),
                        ("s", "")):
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            forms.append(low[: -len(suffix)] + add)
    if len(low) > 4 and low[-3:-2] == low[-4:-3] and low.endswith("ed"):
        forms.append(low[:-3])  # "stopped" -> "stop"
    return list(dict.fromkeys(forms))


GENERIC_DETERMINERS = {"a", "an", "any", "every", "each", "no"}


def generic_phrase(tok: Token | None) -> bool:
    """A noun phrase about anyone of a kind, not a particular one ("a president must be ready",
    "any government should"): an indefinite or universal determiner and no name in the phrase."""
    if tok is None or tok.pos_ not in ("NOUN", "PRON"):
        return False
    if tok.pos_ == "PRON":
        return tok.lower_ in ("anyone", "anybody", "everyone", "everybody", "one", "nobody", "no-one")
    return (any(c.dep_ == "det" and c.lower_ in GENERIC_DETERMINERS for c in tok.children)
            and not any(t.pos_ == "PROPN" or t.ent_type_ in ("GPE", "NORP", "ORG", "PERSON") for t in tok.subtree))


RELATIVE_TAGS = ("WDT", "WP", "WP$")


def antecedent(tok: Token) -> Token:
    """The noun a relative pronoun stands for ("the rebels, whom the army attacked": rebels; "Iran,
    which fired missiles": Iran), else tok itself."""
    if tok.tag_ in RELATIVE_TAGS or (tok.lower_ == "that" and tok.dep_ in SUBJECT_DEPS + ("dobj",)):
        clause = tok.head
        if clause.dep_ == "relcl" and clause.head is not clause and clause.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return clause.head
    return tok
