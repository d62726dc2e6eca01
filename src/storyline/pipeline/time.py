"""Time expressions: found by storyline.timex's rules (and, for forms they do not know, spaCy's
DATE/TIME entities), then normalized against the story date to TimeML TIMEX3 type and value.

Expressions are read in order, so that anaphoric ones ("the quarter", "a year earlier", "that
day") resolve against the last calendar expression before them."""
from __future__ import annotations

import datetime as dt
import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..model import TimeExpr
from ..timex import SEASONS, Timex, normalize, scan

_AGE = re.compile(r"\d+[- ]years?[- ]old|\bage[sd]?\b|\bold$", re.IGNORECASE)
_SET_ADVERBS = {"daily", "nightly", "weekly", "biweekly", "monthly", "annually", "yearly", "hourly", "quarterly"}
# A bare year ("1995") is a date after these words; elsewhere only when the model tags it DATE
# ("2000 workers" is not a year).
_YEAR_CUES = {"in", "since", "of", "by", "until", "till", "from", "to", "before", "after", "during", "through",
              "early", "late", "mid", "between", "around", "circa", "year", "fiscal", "for"}
_EVENT_MARCH_NEXT = {"for", "of", "on", "against", "to", "through"}
_YEAR_ENDED = re.compile(r"the (?:fiscal |financial )?year", re.IGNORECASE)
_TIME_NOUNS = {"quarter", "period", "year", "month", "week", "day", "half", "season", "term", "weekend"}
_NOUN_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our", "my", "your"}
_PRENOMINAL_DEPS = {"compound", "amod", "nmod", "npadvmod", "nummod"}
_FUTURE_AUX = {"will", "shall", "'ll", "wo", "would"}
_LOOKING_AHEAD = {"plan", "expect", "schedule", "intend", "aim", "hope", "want", "set", "due", "go", "prepare",
                  "agree", "promise", "vow", "threaten", "decide", "seek", "try", "need", "have", "begin", "start"}
_PAST_AUX = {"has", "have", "had", "did", "was", "were", "'ve", "'d"}


@Language.factory("storyline_time")
def make_time_tagger(nlp: Language, name: str) -> "TimeTagger":
    return TimeTagger()


def clause_tense(tok: Token) -> str | None:
    """'past' or 'future' when the governing verb is marked for it ("met", "will meet", "plans to
    meet"); None for the present and where there is no verb, so the story's own year is assumed."""
    head = tok
    for _ in range(6):
        if head.pos_ in ("VERB", "AUX") or head.dep_ == "ROOT":
            break
        head = head.head
    auxes = [c for c in head.children if c.dep_ in ("aux", "auxpass")]
    aux = {c.lower_ for c in auxes}
    prev = tok.doc[tok.left_edge.i - 1] if tok.left_edge.i > 0 else None
    if prev is not None and prev.lower_ == "since":
        return "past"  # "since Jan. 13"
    if aux & _FUTURE_AUX or head.lower_ in ("plans", "expected", "scheduled"):
        return "future"
    if head.tag_ == "VB" and "to" in aux:
        # an infinitive is future when what governs it looks ahead ("plans to meet Friday"), and
        # takes that verb's tense otherwise ("to mark the entry into NATO on Friday")
        gov = head.head
        if gov.lemma_.lower() in _LOOKING_AHEAD or head.dep_ != "xcomp":
            return "future"
        return clause_tense(gov) if gov.i != head.i else None
    if head.tag_ == "VBD" or aux & _PAST_AUX or any(c.tag_ == "VBD" for c in auxes):
        return "past"
    return None


def read_times(doc: Doc, spans: list[tuple[Span, str]], anchor: dt.date, ref: Timex | None = None
               ) -> list[tuple[Span, TimeExpr]]:
    """Normalize expressions in text order against `anchor`; each calendar expression becomes the
    reference of the anaphoric ones after it ("the quarter", "that day")."""
    out = []
    for span, text in spans:
        tx = normalize(text, anchor, clause_tense(span.root), ref)
        if tx is None:
            continue
        if tx.precision == "year" and _YEAR_ENDED.fullmatch(text) and span.end < len(doc) \
                and doc[span.end].lower_ in ("ended", "ending"):
            tx = Timex("DURATION", "P1Y", "duration")  # "for the year ended Aug. 31": a year's span
        if tx.is_calendar and not tx.anaphoric:
            ref = tx
        earliest, latest = tx.interval(anchor)
        out.append((span, TimeExpr(span.start_char, span.start_char + len(text), text, tx.type, tx.value,
                                   tx.precision, earliest, latest,
                                   anchored="X" not in tx.value[:2] and not tx.value.startswith("PX"))))
    return out


def reanchor(doc: Doc, start: int, end: int, anchor: dt.date) -> None:
    """Read again, against `anchor`, the expressions between characters start and end: words in a
    quote are anchored to the day they were spoken ("'We leave tomorrow,' he said on Monday" is
    Tuesday), not to the story's date. The reference for anaphora is the last calendar
    expression before the quote."""
    times = list(doc._.times)
    inside = [k for k, (_, t) in enumerate(times) if start <= t.start and t.end <= end]
    if not inside:
        return
    before = [normalize(t.text, doc._.story_date, None) for _, t in times[:inside[0]] if t.type in ("DATE", "TIME")]
    ref = next((tx for tx in reversed(before) if tx is not None and tx.is_calendar), None)
    redone = read_times(doc, [(times[k][0], times[k][1].text) for k in inside], anchor, ref)
    by_start = {t.start: (span, t) for span, t in redone}
    for k in inside:
        times[k] = by_start.get(times[k][1].start, times[k])
    doc._.times = times


class TimeTagger:
    def __call__(self, doc: Doc) -> Doc:
        anchor = doc._.story_date
        if anchor is None:
            doc._.times = []
            return doc
        found: list[tuple[int, int, Span]] = []
        full_text = doc.text  # Doc.text joins every token on each call: read it once
        for start, end in scan(full_text):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and self._keep(doc, span, full_text[start:end]):
                span = self._extent(span)
                found.append((span.start_char, span.end_char, span))
        for ent in doc.ents:  # forms the rules do not know, if they normalize
            if ent.label_ in ("DATE", "TIME") and all(ent.end_char <= s or ent.start_char >= e for s, e, _ in found):
                if self._keep(doc, ent, ent.text):
                    found.append((ent.start_char, ent.end_char, ent))
        doc._.times = read_times(doc, [(span, full_text[s:e]) for s, e, span in sorted(found, key=lambda f: f[0])],
                                 anchor)
        return doc

    @staticmethod
    def _extent(span: Span) -> Span:
        """TimeML's extent: an expression that modifies a noun ("a third-quarter loss", "its two-day
        visit") leaves the noun phrase's determiner to the noun."""
        if len(span) > 1 and span[0].lower_ in _NOUN_DETERMINERS:
            rest = span[1:]
            head = rest.root.head
            if head.i >= span.end and head.pos_ in ("NOUN", "PROPN") and rest.root.dep_ in _PRENOMINAL_DEPS \
                    and head.lemma_.lower() not in _TIME_NOUNS:
                return rest
        return span

    @staticmethod
    def _is_year(doc: Doc, span: Span, prev: Token | None, nxt: Token | None) -> bool:
        """A bare four-digit number is a year after a temporal cue ("in 1995", "1990 to 1995") or
        where the model tags it DATE, and not when it counts things ("2000 workers")."""
        if nxt is not None and nxt.tag_ == "NNS":
            return False
        if span[-1].ent_type_ == "DATE" or (prev is not None and prev.lower_ in _YEAR_CUES):
            return True
        before = doc[prev.i - 1] if prev is not None and prev.i > 0 else None
        return (prev is not None and prev.lower_ in ("and", "or", "to", "-", "–") and before is not None
                and re.fullmatch(r"\d{4}", before.text) is not None)

    @staticmethod
    def _counted(doc: Doc, tok: Token) -> bool:
        """A plural noun counted just before it ("four flights", "700 seats"), as in a rate."""
        return tok.tag_ == "NNS" and any(t.like_num for t in doc[max(0, tok.i - 3):tok.i])

    @staticmethod
    def _keep(doc: Doc, span: Span, text: str) -> bool:
        """Drop the look-alikes: ages, counts that look like years, verbs that look like seasons."""
        low = text.lower()
        nxt = doc[span.end] if span.end < len(doc) else None
        prev = doc[span.start - 1] if span.start > 0 else None
        if _AGE.search(text) or (nxt is not None and nxt.lower_ in ("old", "-old")):
            return False
        if prev is not None and prev.lower_ in ("aged", "age"):
            return False
        if re.fullmatch(r"(?:the year )?\d{4}", low) and not TimeTagger._is_year(doc, span, prev, nxt):
            return False
        if len(span) == 1:
            tok = span[0]
            if low in SEASONS and (tok.pos_ not in ("NOUN", "PROPN") or (
                    tok.dep_ in ("compound", "amod", "nmod") and tok.head.pos_ == "NOUN")):
                return False  # "prices fall", "a winter jacket"
            if low in _SET_ADVERBS and tok.dep_ == "amod":
                return False  # "a quarterly dividend" is not a recurring time
        if re.fullmatch(r"(?:the )?(?:spring|summer|autumn|fall|winter)", low) and nxt is not None \
                and nxt.lower_ == "of" and not (span.end + 1 < len(doc) and doc[span.end + 1].like_num):
            return False  # "the fall of Kabul"
        if re.fullmatch(r"'?\d0'?s", low) and prev is not None and prev.tag_ == "PRP$":
            return False  # "in his 30s" is an age
        # (Token.is_sent_start would scan the whole doc on every call; the previous token says enough.)
        if re.search(r"(?:^|\d )[A-Z][a-z]+s$", text) and prev is not None and prev.text not in ".!?\"'“”":
            return False  # "60 Minutes", a title, not a span of minutes
        if re.fullmatch(r"(?:a|an|per) (?:second|minute|hour|day|night|week|month|year)", low) and prev is not None \
                and (prev.like_num or prev.ent_type_ in ("MONEY", "PERCENT", "QUANTITY", "CARDINAL")
                     or prev.lower_ in ("times", "twice", "once") or TimeTagger._counted(doc, prev)):
            return False  # a rate ("$35 a night", "four flights a week"), not a duration
        if low == "march" and text[0] == "M" and nxt is not None and nxt.lower_ in _EVENT_MARCH_NEXT \
                and not (span.end + 1 < len(doc) and doc[span.end + 1].like_num) \
                and (prev is None or prev.lower_ not in _YEAR_CUES):
            return False  # "the annual March for Life", "the March of the Mothers": a march, not the month
        if low in ("a second", "one second", "the second", "a minute"):
            return False  # ordinals and idioms far more often than durations
        return True
