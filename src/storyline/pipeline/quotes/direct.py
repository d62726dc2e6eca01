"""Words in quotation marks, and interview transcripts.

Curly and straight double marks, and single curly marks (‘...’, told apart from apostrophes by
what surrounds them); a quote may run over paragraphs (a paragraph that opens a quote without
closing it continues into the next one, which reopens it). Short quotes are kept: a quoted single
word or name with no speaker ("the so-called ‘caliphate’", “Meet the Press”) is flagged `scare`,
the author's own distance or a title rather than anybody's speech.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from ...model import Quote

_DOUBLE = re.compile(r'["“”]')
_OPEN_BEFORE = "([{—–-/"  # an opening mark follows a space, the text's start or one of these
# ‘...’ with an apostrophe allowed inside ("‘I don’t know’"); the opening mark follows a space,
# a bracket or a dash, the closing one is not followed by a letter.
_SINGLE = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))‘((?:[^‘’\n]|’(?=\w))+?)’(?!\w)")
# A transcript turn: "WALLACE: ..." or "SEN. JOHN DOE: ..." at the start of a paragraph (or of a quote).
_SPEAKER_LABEL = r"([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}):"
LABEL = re.compile(_SPEAKER_LABEL + r"\s+")
_TRANSCRIPT = re.compile(r"(?:^|\n)" + _SPEAKER_LABEL + r"[ \t]+([^\n]+)")
MIN_TURN_TOKENS = 4  # a transcript label followed by fewer words is a heading


def _is_opening(text: str, i: int, inside: bool) -> bool:
    """Whether the double mark at i opens a quote, read from what is around it rather than from
    its glyph: web text mixes straight and curly marks ("...order,” he continued. "They're ...",
    “highly significant."), and pairing marks by glyph then shifts every later quote by one.
    A mark with a space on neither side or on both takes the turn (closing when a quote is open)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    opens = before.isspace() or before in _OPEN_BEFORE
    closes = after.isspace() or not after.isalnum()
    if opens and not closes:
        return True
    if closes and not opens:
        return False
    if text[i] != '"':
        return text[i] == "“"
    return not inside


def _double_quote_spans(text: str) -> list[tuple[int, int]]:
    """The insides of double quotation marks. A quote may run over paragraphs the way news writes
    them: each paragraph of a long quote reopens it and only the last one closes it, so an opening
    mark in a later line while a quote is open ends the open one at that line's break. Within a
    line, an opening mark of the other kind (curly inside straight, or straight inside curly) opens
    a quotation inside the quote, which is part of it; one of the same kind, or a closing mark with
    no quote open, is a stray mark and is skipped."""
    out: list[tuple[int, int]] = []
    opened: list[int] = []  # the outer quote's opening mark, then any nested ones
    for m in _DOUBLE.finditer(text):
        i = m.start()
        if _is_opening(text, i, bool(opened)):
            if opened and (nl := text.rfind("\n", opened[0], i)) >= 0:
                out.append((opened[0] + 1, len(text[:nl].rstrip())))
                opened = []
            if opened and (text[i] == '"') != (text[opened[-1]] == '"'):
                opened.append(i)  # a quotation inside the quote
            else:
                opened = [i]
        elif opened:
            outer = opened[0]
            opened.pop()
            if not opened:
                out.append((outer + 1, i))
    return out


def quote_mark_spans(doc: Doc, text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    found = _double_quote_spans(text) + [(m.start(1), m.end(1)) for m in _SINGLE.finditer(text)]
    for start, end in found:
        if not text[start:end].strip():
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and any(not t.is_punct and not t.is_space for t in span):
            if not any(s <= start < e or start <= s < end for s, e in out):
                out.append((start, end))
    return sorted(out)


def is_scare(doc: Doc, start: int, end: int) -> bool:
    """A single word, or a name (every word capitalized, a title or a label), in quotation marks."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    words = [t for t in span if not t.is_punct and not t.is_space]
    if len(words) <= 1 or not any(c.isalpha() for c in span.text):
        return True  # a word, or no words at all (a number, a date in a web page's markup)
    small = {"of", "the", "a", "an", "and", "or", "for", "in", "on", "to", "at", "with", "by", "as", "is", "de"}
    return len(words) <= 6 and all(t.text[:1].isupper() or t.is_digit or t.lower_ in small for t in words) \
        and words[0].text[:1].isupper() and not any(t.pos_ in ("VERB", "AUX") and t.tag_ != "VBN" for t in words[1:])


def transcript_turns(doc: Doc, text: str, taken: list[tuple[int, int]]) -> list[Quote]:
    """Interview transcripts: a paragraph opening with a speaker's name in capitals and a colon."""
    out = []
    for m in _TRANSCRIPT.finditer(text):
        start, end = m.start(2), m.end(2)
        if any(s < end and start < e for s, e in taken):
            continue
        label = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if label is None or len(doc.char_span(start, end, alignment_mode="expand") or ()) < MIN_TURN_TOKENS:
            continue
        out.append(turn(doc, text, label, start, end))
    return out


def turn(doc: Doc, text: str, label: Span, start: int, end: int) -> Quote:
    """A transcript turn: the words after a speaker's label, verbatim."""
    actor = next((ids[0] for t in label if (ids := doc._.token_actors.get(t.i))), None)
    return Quote(start, end, text[start:end], actor, label.text, None, ":", True, None, label.start_char,
                 label.end_char, speaker_phrase=label.text, speaker_phrase_start=label.start_char,
                 speaker_phrase_end=label.end_char)


def is_term(doc: Doc, start: int, end: int) -> bool:
    """A short phrase without a verb quoted in running text ("a law on “foreign agents”"): a term
    held at arm's length, not somebody's words, when no cue attributes it."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    words = [t for t in span if not t.is_punct and not t.is_space]
    return len(words) <= 4 and not any(t.pos_ in ("VERB", "AUX") for t in words) \
        and not span.text.rstrip(" ,;:”’\"'").endswith((".", "!", "?"))
