"""What is attributed: the content a cue introduces, read off the dependency parse.

In order: "according to X" and "in X's view" take the rest of their sentence; a colon what follows
it; a clause ("said that ...", "believes ...") runs to the end of the sentence when it follows its
cue and is its own subtree when it comes first ("..., she said"); an infinitive ("wants to
...", "declined to comment"); a direct object with what it is blamed or praised for ("criticized X
for ..."); a prepositional object ("called for a ban", "voted against X", "talked about X"); for a
noun cue, its clause or "of/about/on" phrase ("the claim that ...", "his concern is that ..."); a
parenthetical cue ("Too often, she said, the town ...") the sentence around it.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span, Token

# Prepositions whose object is what a cue is about ("called for", "spoke about", "voted against").
CONTENT_PREPS = {"for", "about", "on", "against", "of", "over", "to", "with", "that", "as", "in", "into", "from"}
# A cue in a clause of these kinds speaks only within it.
SUBORDINATE = {"relcl", "acl", "advcl", "amod", "pcomp", "xcomp", "ccomp", "conj", "appos"}
# Dependents of a cue that say who or when, not what.
NOT_CONTENT = {"nsubj", "nsubjpass", "agent", "aux", "auxpass", "neg", "advmod", "punct", "cc", "poss", "det",
               "prt", "mark", "npadvmod", "dative", "expl", "intj", "compound", "amod", "nummod", "case"}


def trimmed(doc: Doc, first: int, last: int) -> Span | None:
    while first <= last and (doc[first].is_punct or doc[first].is_space) and doc[first].text not in "\"“‘'":
        first += 1
    while last >= first and (doc[last].is_punct or doc[last].is_space) and doc[last].text not in "\"”’'":
        last -= 1
    return doc[first:last + 1] if first <= last else None


def _subtree(doc: Doc, tok: Token) -> Span | None:
    return trimmed(doc, tok.left_edge.i, tok.right_edge.i)


def _to_sentence_end(doc: Doc, tok: Token, cue: Token | None = None) -> Span | None:
    """From tok to the end of the sentence ("said that A, and B"), or of the cue's own clause when
    that clause only modifies something ("Christie, who says the senator lacks experience, ...")."""
    end = tok.sent.end - 1
    if cue is not None and cue.dep_ in SUBORDINATE:
        end = min(end, cue.right_edge.i)
    return trimmed(doc, tok.left_edge.i, end)


def content_of(doc: Doc, cue: Token) -> Span | None:
    sent = cue.sent
    low = cue.lower_
    if low == "according" or (cue.pos_ == "ADP" and cue.lower_ in ("in", "to") and cue.dep_ == "prep"):
        return _around_phrase(doc, cue)
    if cue.text == ":":
        return trimmed(doc, cue.i + 1, sent.end - 1)
    children = list(cue.children)
    clauses = [c for c in children if c.dep_ in ("ccomp", "csubj") and c.i != cue.i]
    # "X insists it does not know": the clause after the cue, where there is one
    clause = next((c for c in clauses if c.i > cue.i), clauses[0] if clauses else None)
    if clause is not None:
        return _to_sentence_end(doc, clause, cue) if clause.i > cue.i else _subtree(doc, clause)
    xcomp = next((c for c in children if c.dep_ == "xcomp"), None)
    if xcomp is not None and xcomp.i > cue.i:
        return trimmed(doc, xcomp.left_edge.i, xcomp.right_edge.i)
    if cue.pos_ in ("NOUN", "PROPN"):
        noun = _noun_content(doc, cue)
        if noun is not None:
            return noun
    obj = next((c for c in children if c.dep_ in ("dobj", "attr", "oprd") and c.i > cue.i), None)
    if obj is not None:
        # "told a meeting of soldiers that they ...": a relative clause never opens with "that" as a
        # mark (a relative "that" is its subject or object), so this is the cue's clause, misattached
        misread = next((c for c in obj.subtree if c.dep_ == "relcl" and any(
            g.dep_ == "mark" and g.lower_ == "that" and g.i < c.i for g in c.children)), None)
        if misread is not None:
            return _subtree(doc, misread)
        last = obj.right_edge.i
        for c in children:  # "criticized X for Y", "described X as Y", "called him a liar"
            if c.i > obj.i and (c.dep_ in ("oprd", "xcomp", "ccomp") or (
                    c.dep_ == "prep" and c.lower_ in ("for", "as", "over", "of"))):
                last = max(last, c.right_edge.i)
        return trimmed(doc, obj.left_edge.i, last)
    for c in children:
        if c.dep_ == "prep" and c.i > cue.i and c.lower_ in CONTENT_PREPS:
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None:
                return _subtree(doc, pobj)
    if cue.dep_ == "parataxis" or (cue.dep_ in ("ccomp", "advcl") and cue.i > cue.head.i and low in ("said", "says")):
        return _around_cue(doc, cue)
    return None


def _noun_content(doc: Doc, cue: Token) -> Span | None:
    """"the claim that ...", "his view of X", "Her concern is that ...", "a statement saying ..."."""
    for c in cue.children:
        if c.dep_ in ("acl", "ccomp", "relcl") and c.i > cue.i and any(g.lower_ == "that" and g.dep_ == "mark"
                                                                         for g in c.children):
            return _subtree(doc, c)
        if c.dep_ == "acl" and c.i > cue.i and c.tag_ == "VBG":  # "a statement saying ..."
            return _subtree(doc, c)
        if c.dep_ == "prep" and c.i > cue.i and c.lower_ in ("of", "about", "on", "for", "that", "against"):
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None:
                return _subtree(doc, pobj)
    head = cue.head
    if cue.dep_ == "nsubj" and head.lemma_ == "be":  # "his concern is that ..."
        attr = next((c for c in head.children if c.dep_ in ("ccomp", "attr", "xcomp") and c.i > cue.i), None)
        if attr is not None:
            return _to_sentence_end(doc, attr)
    return None


def _around_phrase(doc: Doc, cue: Token) -> Span | None:
    """"According to X, Y." / "Y, according to X." / "In X's view, Y.": Y, the longer side."""
    sent = cue.sent
    last = cue.right_edge.i
    before = trimmed(doc, sent.start, cue.i - 1) if cue.i > sent.start else None
    after = trimmed(doc, last + 1, sent.end - 1) if last + 1 < sent.end else None
    return max((c for c in (before, after) if c is not None), key=len, default=None)


def _around_cue(doc: Doc, cue: Token) -> Span | None:
    """"Too often, Mr. Clarke said, the town ...": the sentence around the cue's own words."""
    sent = cue.sent
    cue_first, cue_last = cue.left_edge.i, cue.right_edge.i
    first = cue_last + 1 if cue_first <= sent.start else sent.start
    last = cue_first - 1 if cue_last >= sent.end - 2 else sent.end - 1
    return trimmed(doc, first, last)
