"""Time expressions: found by spaCy's DATE/TIME entities plus a scan for forms the model misses,
then normalized against the story date by storyline.timex (TimeML TIMEX3 type and value)."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..model import TimeExpr
from ..timex import SEASONS, normalize

# Forms the small model often leaves untagged; whole-word, case-insensitive.
_SCAN = re.compile(
    r"\b(?:(?:last|next|this|on|since) )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?: \(\d{1,2}\))?|\b(?:overnight|yesterday|today|tomorrow|tonight|last night)\b"
    r"|\b(?:last|next|this|past|coming) (?:week|month|year|weekend)\b"
    r"|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few|several) "
    r"(?:days?|weeks?|months?|years?|hours?)(?: ago| earlier| later)?\b", re.IGNORECASE)
_AGE = re.compile(r"\d+[- ]year[- ]old|\bage[sd]?\b", re.IGNORECASE)
_FUTURE_AUX = {"will", "shall", "'ll"}


@Language.factory("storyline_time")
def make_time_tagger(nlp: Language, name: str) -> "TimeTagger":
    return TimeTagger()


def clause_tense(tok) -> str:
    """'future' when the governing verb is marked for the future ("will meet"), else 'past'."""
    head = tok
    for _ in range(6):
        if head.pos_ in ("VERB", "AUX") or head.dep_ == "ROOT":
            break
        head = head.head
    aux = {c.lower_ for c in head.children if c.dep_ in ("aux", "auxpass")}
    if aux & _FUTURE_AUX or (head.tag_ == "VB" and "to" in aux) or head.lower_ in ("plans", "expected"):
        return "future"
    return "past"


class TimeTagger:
    def __call__(self, doc: Doc) -> Doc:
        anchor = doc._.story_date
        spans = [e for e in doc.ents if e.label_ in ("DATE", "TIME")]
        taken = {i for s in spans for i in range(s.start, s.end)}
        for m in _SCAN.finditer(doc.text):
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is not None and not any(i in taken for i in range(span.start, span.end)):
                spans.append(span)
                taken.update(range(span.start, span.end))
        out = []
        for span in sorted(spans, key=lambda s: s.start):
            span = self._extend(doc, span)
            if _AGE.search(span.text) or self._is_modifier_only(span):
                continue
            tx = normalize(span.text, anchor, clause_tense(span.root)) if anchor else None
            if tx is None:
                continue
            earliest, latest = tx.interval(anchor)
            out.append((span, TimeExpr(span.start_char, span.end_char, span.text, tx.type, tx.value,
                                       tx.precision, earliest, latest, anchored=not tx.value.startswith("PX"))))
        doc._.times = out
        return doc

    @staticmethod
    def _extend(doc: Doc, span: Span) -> Span:
        # "Friday (11)": the model tags "Friday" and "11" apart; the day of the month pins the date.
        end = span.end
        if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 1].like_num and doc[end + 2].text == ")":
            return doc[span.start:end + 3]
        return span

    @staticmethod
    def _is_modifier_only(span: Span) -> bool:
        """A season used as a modifier ("a winter jacket") is not a time expression."""
        root = span.root
        return (len(span) == 1 and root.lower_ in SEASONS and root.dep_ in ("compound", "amod", "nmod")
                and root.head.pos_ == "NOUN")
