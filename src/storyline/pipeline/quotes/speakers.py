"""Who is speaking: the source of an attribution, found from its cue, as the full noun phrase and
as the actor the actor stage linked it to (its coreference resolves "he", "the president")."""
from __future__ import annotations

from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

from ..syntax import subject_of

# Words that stand for a source but name nobody ("it is said that", "there is concern that").
EMPTY_SUBJECTS = {"it", "there", "this", "that", "which"}


class Speaker(NamedTuple):
    actor_id: str | None
    text: str  # the actor mention, or the noun phrase up to its head when no actor was linked
    description: str | None  # an appositive: "Victor Wan, an analyst at ..."
    start: int
    end: int
    phrase: str  # the full noun phrase, modifiers and appositives included
    phrase_start: int
    phrase_end: int


def source_token(cue: Token) -> Token | None:
    """The word that names the source of a cue: the subject of a verb (through coordination and
    participles: "..., saying"), the agent of a passive ("was criticized by X"), the possessor of a
    noun cue ("his view", "Trump's plan"), the object of "according to"."""
    if cue.lemma_.lower() == "accord" or cue.lower_ == "according":
        to = next((c for c in cue.children if c.lower_ == "to"), None)
        obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        return obj or next((c for c in cue.children if c.dep_ == "pobj"), None)
    if cue.pos_ in ("NOUN", "PROPN"):
        poss = next((c for c in cue.children if c.dep_ == "poss"), None)
        if poss is not None:
            return poss
        by = next((c for c in cue.children if c.dep_ == "prep" and c.lower_ in ("by", "from", "of")), None)
        obj = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
        if obj is not None and obj.pos_ in ("PROPN", "PRON") or (obj is not None and obj.ent_type_):
            return obj
        if cue.dep_ in ("dobj", "attr") and cue.head.pos_ in ("VERB", "AUX"):  # "issued a statement", "made the case"
            return subject_of(cue.head)
        return None
    agent = next((c for c in cue.children if c.dep_ == "agent"), None)
    if agent is not None:
        return next((c for c in agent.children if c.dep_ == "pobj"), None)
    subj = subject_of(cue)
    if subj is None and cue.dep_ in ("acl", "advcl") and cue.head.i != cue.i and _nominal(cue.head) and (
            cue.tag_ == "VBG" or (cue.tag_ in ("VBD", "VBN") and cue.i == cue.head.i + 1 and cue.head.dep_ == "ROOT")):
        # "Trump, insisting he had ...": the participle describes its speaker; "the 43-year-old
        # asked": a sentence whose root is a noun, with a past form right after it, is that noun's
        # speech the parser hung on it
        return cue.head
    if subj is None and cue.pos_ == "VERB":  # "About 4 in 10 say ...": the parser hangs a count on the verb
        subj = next((c for c in cue.lefts if c.dep_ in ("nummod", "npadvmod") and c.pos_ in ("NUM", "NOUN")), None)
    if subj is not None and subj.dep_ == "nsubjpass":
        return None  # "X was criticized": X is what is talked about
    if subj is not None and _cannot_speak(subj):
        return _nearest_name(cue, subj)
    return subj


_SPEAKING_ENTS = ("PERSON", "ORG", "NORP")
_DATELINE_AFTER = {"—", "–", "-", "--", "(", ","}


_PHRASE_STOPS = {"”", "“", '"', "’", "‘", "?", "!", ":", ";"}


def _nominal(tok: Token) -> bool:
    """A noun, a name, or an adjective used as one ("the 43-year-old")."""
    return tok.pos_ in ("NOUN", "PROPN") or tok.ent_type_ in _SPEAKING_ENTS \
        or (tok.pos_ == "ADJ" and any(c.dep_ == "det" for c in tok.children))


def _cannot_speak(tok: Token) -> bool:
    """A subject the parser got wrong: a date or time ("said Saturday" parsed as the subject), or
    the place of a dateline ("WASHINGTON (AP) — The senator said ...": a place at the start of a
    paragraph, before a dash or a bracket)."""
    if tok.ent_type_ in ("DATE", "TIME"):
        return True
    if tok.ent_type_ not in ("GPE", "LOC"):
        return False
    first = tok.i
    while first > 0 and tok.doc[first - 1].ent_type_ == tok.ent_type_ and not tok.doc[first - 1].is_space:
        first -= 1
    at_start = first == 0 or "\n" in tok.doc[first - 1].text or "\n" in tok.doc[first - 1].whitespace_
    last = tok.i
    while last + 1 < len(tok.doc) and tok.doc[last + 1].ent_type_ == tok.ent_type_:
        last += 1
    return at_start and last + 1 < len(tok.doc) and tok.doc[last + 1].text in _DATELINE_AFTER


def _in_brackets(tok: Token) -> bool:
    doc = tok.doc
    left = next((t.text for t in reversed(doc[max(0, tok.i - 4):tok.i]) if t.text in "()"), None)
    right = next((t.text for t in doc[tok.i + 1:tok.i + 5] if t.text in "()"), None)
    return left == "(" and right == ")"


def _nearest_name(cue: Token, wrong: Token) -> Token | None:
    """In place of a subject that cannot speak, a person, organization or personal pronoun of the
    cue's sentence, outside the wrong subject's own entity: after a dateline, the first one it
    opens the story with ("NEW YORK (AFP) – Vice President Joe Biden on Monday ..., trashing");
    in place of a date, the one nearest before the cue (after it when there is none before)."""
    dateline = wrong.ent_type_ in ("GPE", "LOC")
    best = None
    for t in cue.sent:
        if t.i == cue.i or (wrong.ent_type_ and t.ent_type_ == wrong.ent_type_ and abs(t.i - wrong.i) <= 4):
            continue
        last_word = t.i + 1 >= len(t.doc) or t.doc[t.i + 1].ent_iob_ != "I"
        person = (t.ent_type_ in _SPEAKING_ENTS and last_word) \
            or (t.pos_ == "PRON" and t.lower_ not in EMPTY_SUBJECTS and t.tag_ == "PRP")
        if not person or _in_brackets(t):
            continue  # an entity is taken by its last word, its head; "(AP)" is the agency
        key = (t.i < wrong.i, t.i) if dateline else (t.i > cue.i, abs(t.i - cue.i))
        if best is None or key < best[0]:
            best = (key, t)
    return best[1] if best is not None else None


# Verbs whose "it" subject stands for nothing ("it seems that ...", "it turned out that ...").
_RAISING = {"seem", "appear", "turn", "happen", "remain", "emerge", "follow", "mean", "matter"}


def _refers(tok: Token, cue: Token | None) -> bool:
    """Whether "it", "this" or "that" as the subject of an active cue stands for a source named
    before ("The ad ... It slams the university", "this explains why ..."), not for nothing ("it is
    said", "it seems")."""
    return cue is not None and tok.lower_ in ("it", "this", "that") and tok.dep_ == "nsubj" and tok.head.i == cue.i \
        and cue.pos_ == "VERB" and cue.lemma_.lower() not in _RAISING \
        and not any(c.dep_ in ("expl", "auxpass", "nsubjpass") for c in cue.children)


def speaker_of(doc: Doc, tok: Token, cue: Token | None = None) -> Speaker | None:
    relative = tok.tag_ in ("WP", "WDT") and tok.head.dep_ == "relcl" and tok.head.head.i != tok.head.i
    if tok.lower_ in EMPTY_SUBJECTS and tok.pos_ in ("PRON", "DET") and not relative \
            and not _refers(tok, cue):
        return None
    token_actors = doc._.token_actors
    if relative:  # "Smith, who said ...": the words name "who"; the actor is the noun it stands for
        antecedent = tok.head.head
        ids = token_actors.get(antecedent.i) or []
        phrase = _phrase(doc, antecedent, cue)
        return Speaker(ids[0] if ids else None, tok.text, None, tok.idx, tok.idx + len(tok), phrase.text,
                       phrase.start_char, phrase.end_char)
    ids = token_actors.get(tok.i) or []
    span = next((s for s, _ in doc._.mentions if s.start <= tok.i < s.end), None)
    if span is None:  # the noun phrase up to its head: "a senior official", "The New York Post"
        left = tok.left_edge
        for t in reversed(doc[left.i:tok.i]):  # not past a quotation, a clause's punctuation or a line
            if t.text in _PHRASE_STOPS or "\n" in t.text:
                left = doc[t.i + 1]
                break
        while left.i < tok.i and (left.is_punct or left.dep_ == "cc"):
            left = doc[left.i + 1]
        span = doc[left.i:tok.i + 1]
    appos = next((c for c in tok.children if c.dep_ == "appos"), None)
    desc = doc[appos.left_edge.i:appos.right_edge.i + 1].text if appos is not None else None
    phrase = _phrase(doc, tok, cue)
    return Speaker(ids[0] if ids else None, span.text, desc, span.start_char, span.end_char, phrase.text,
                   phrase.start_char, phrase.end_char)


def _phrase(doc: Doc, tok: Token, cue: Token | None = None) -> Span:
    """The source's whole noun phrase, trimmed of edge punctuation; a relative clause that holds
    the cue itself ("The group, which calls itself ...") is the attribution, not the source."""
    first, last = tok.left_edge.i, tok.right_edge.i
    for t in doc[tok.i + 1:last + 1]:  # a colon or a quotation ends the name ("Bernie Sanders: ‘...’")
        if t.text in (":", "“", "‘", '"') or t.is_space and "\n" in t.text:
            last = t.i - 1
            break
    for t in reversed(doc[first:tok.i]):
        if t.text in (":", "”", "’", '"') or t.is_space and "\n" in t.text:
            first = t.i + 1
            break
    if cue is not None:
        for c in tok.children:
            if c.i > tok.i and c.left_edge.i <= cue.i <= c.right_edge.i:
                last = min(last, c.left_edge.i - 1)
    while first < tok.i and (doc[first].is_punct or doc[first].is_space):
        first += 1
    while last > tok.i and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    return doc[first:last + 1]
