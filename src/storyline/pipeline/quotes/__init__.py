"""Quotes: direct quotes in straight or curly marks (over several paragraphs, split around
"he said"), and indirect speech (a speech verb with a clausal complement), each with its
speaker linked to a canonical actor, the cue, the speaker's description and the speech's date."""
from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ... import kb
from ...model import Quote
from ..actors import quoted_first_person
from ..syntax import subject_of
from ..time import reanchor

# Paired marks; a quote may run over paragraphs (a paragraph that opens a quote without closing it
# continues into the next one, which reopens it).
_CURLY = re.compile(r"“([^”]+?)”|“([^“”]+?)(?=\n\s*\n\s*“)", re.DOTALL)
_STRAIGHT = re.compile(r'"([^"]+?)"', re.DOTALL)
# A transcript turn: "WALLACE: ..." or "SEN. JOHN DOE: ..." at the start of a paragraph (or of a quote).
_SPEAKER_LABEL = r"([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}):"
_LABEL = re.compile(_SPEAKER_LABEL + r"\s+")
_TRANSCRIPT = re.compile(r"(?:^|\n)" + _SPEAKER_LABEL + r"[ \t]+([^\n]+)")
MIN_QUOTE_TOKENS = 4  # shorter marked spans are titles or scare quotes, not speech


@Language.factory("storyline_quotes")
def make_quote_finder(nlp: Language, name: str) -> "QuoteFinder":
    return QuoteFinder()


class Speaker(NamedTuple):
    actor_id: str | None
    text: str
    description: str | None
    start: int
    end: int


class QuoteFinder:
    def __init__(self) -> None:
        self.speech = kb.speech_verbs()

    def __call__(self, doc: Doc) -> Doc:
        self.doc = doc
        self.text = text = doc.text  # Doc.text joins every token on each call: read it once
        quotes: list[Quote] = []
        spans = self._direct_spans(doc)
        indirect, absorbed = self._indirect(doc, spans)
        spans = [sp for sp in spans if sp not in absorbed]
        previous: Quote | None = None
        prev_end = 0
        for start, end in spans:
            q = self._direct(start, end)
            if q.speaker_id is None and previous is not None and previous.speaker_id is not None \
                    and "\n\n\n" not in text[prev_end:start] and text[prev_end:start].count("\n\n") <= 1:
                # a quote with no cue of its own continues the previous speaker's
                q.speaker_id, q.speaker_text = previous.speaker_id, previous.speaker_text
                q.speaker_description, q.cue = previous.speaker_description, "(continued)"
                q.speaker_start, q.speaker_end = previous.speaker_start, previous.speaker_end
            quotes.append(q)
            previous, prev_end = q, end
        quotes.extend(indirect)
        quotes.extend(self._transcript(doc, [(q.start, q.end) for q in quotes]))
        quotes.sort(key=lambda q: q.start)
        doc._.quotes = quotes
        quoted_first_person(doc, quotes)
        self._anchor_quoted_times(doc, quotes)
        return doc

    @staticmethod
    def _anchor_quoted_times(doc: Doc, quotes: list[Quote]) -> None:
        """Time expressions inside a direct quote count from the day it was spoken, when that is
        stated: the speaker's "tomorrow". A paraphrase is the reporter's words, dated from the story."""
        for q in quotes:
            if q.direct and q.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", q.date) and q.date != str(doc._.story_date):
                reanchor(doc, q.start, q.end, dt.date.fromisoformat(q.date))

    def _direct_spans(self, doc: Doc) -> list[tuple[int, int]]:
        out = []
        for rx in (_CURLY, _STRAIGHT):
            for m in rx.finditer(self.text):
                g = 1 if m.group(1) is not None else 2
                start, end = m.start(g), m.end(g)
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is not None and sum(not t.is_punct for t in span) >= MIN_QUOTE_TOKENS:
                    if not any(s <= start < e for s, e in out):
                        out.append((start, end))
        return sorted(out)

    def _speaker(self, verb: Token) -> Speaker | None:
        subj = subject_of(verb)
        if subj is None:
            return None
        return self._speaker_of(subj)

    def _speaker_of(self, subj: Token) -> Speaker:
        ids = self.doc._.token_actors.get(subj.i) or []
        span = next((s for s, m in self.doc._.mentions if s.start <= subj.i < s.end), None)
        if span is None:  # the noun phrase up to its head: "a senior official", "The New York Post"
            left = subj.left_edge
            while left.i < subj.i and (left.is_punct or left.dep_ == "cc"):
                left = self.doc[left.i + 1]
            span = self.doc[left.i:subj.i + 1]
        desc = next((self.doc[c.left_edge.i:c.right_edge.i + 1].text for c in subj.children if c.dep_ == "appos"), None)
        return Speaker(ids[0] if ids else None, span.text, desc, span.start_char, span.end_char)

    def _time_of(self, verb: Token, outside: tuple[int, int] | None = None) -> str | None:
        for span, tx in self.doc._.times:
            if span.root.head == verb or span.root.head.head == verb:
                if outside is None or not (outside[0] <= span.start_char < outside[1]):
                    return tx.value
        return None

    @staticmethod
    def _addressee(verb: Token) -> str | None:
        """To whom: "told reporters", "said to the BBC", "said in an interview with CNN"."""
        for c in verb.children:
            if c.dep_ in ("dative", "dobj") and verb.lemma_ in ("tell", "inform", "assure", "warn", "remind", "brief") \
                    and c.pos_ in ("NOUN", "PROPN", "PRON"):
                return verb.doc[c.left_edge.i:c.i + 1].text
            if c.dep_ == "prep" and c.lower_ == "to":
                obj = next((o for o in c.children if o.dep_ == "pobj"), None)
                if obj is not None:
                    return verb.doc[obj.left_edge.i:obj.i + 1].text
            if c.dep_ == "prep" and c.lower_ in ("in", "during"):
                obj = next((o for o in c.children if o.dep_ == "pobj" and o.lemma_ in ("interview", "call", "letter")),
                           None)
                with_ = next((p for p in obj.children if p.lower_ == "with"), None) if obj is not None else None
                target = next((o for o in with_.children if o.dep_ == "pobj"), None) if with_ is not None else None
                if target is not None:
                    return verb.doc[target.left_edge.i:target.i + 1].text
        return None

    def _cue(self, verb: Token) -> str:
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "dative") and c.pos_ in ("NOUN", "PROPN")), None)
        return f"{verb.text} {obj.text}" if obj is not None and obj.i == verb.i + 1 else verb.text

    def _direct(self, start: int, end: int) -> Quote:
        doc = self.doc
        text = self.text[start:end]
        if m := _LABEL.match(text):  # "WALLACE: Let's start with..." inside the marks: a transcript turn
            label = doc.char_span(start + m.start(1), start + m.end(1), alignment_mode="expand")
            body = start + m.end()
            if label is not None:
                return self._turn(label, body, end)
        span = doc.char_span(start, end, alignment_mode="expand")
        sents = {t.sent.start: t.sent for t in span} if span is not None else {}
        first = min(sents.values(), key=lambda s: s.start) if sents else None
        last = max(sents.values(), key=lambda s: s.start) if sents else None
        region = [t for s in sents.values() for t in s]
        # "..." he said. on the next line of a one-sentence quote
        if last is not None and last.end < len(doc) and doc[last.end].sent.start == last.end:
            nxt = doc[last.end].sent
            if len(nxt) <= 8:
                region += list(nxt)
        verbs = [t for t in region if t.lemma_ in self.speech and t.pos_ in ("VERB", "AUX")
                 and not (start <= t.idx < end)]
        verbs.sort(key=lambda t: min(abs(t.idx - start), abs(t.idx - end)))
        for verb in verbs:
            who = self._speaker(verb)
            if who is not None:
                return self._quote(start, end, text, who, verb, True, self._time_of(verb, (start, end)))
        return Quote(start, end, text, direct=True)

    def _quote(self, start: int, end: int, text: str, who: Speaker, verb: Token, direct: bool,
               date: str | None) -> Quote:
        return Quote(start, end, text, who.actor_id, who.text, who.description, self._cue(verb), direct, date,
                     who.start, who.end, self._addressee(verb))

    def _indirect(self, doc: Doc, direct: list[tuple[int, int]]) -> tuple[list[Quote], set[tuple[int, int]]]:
        """Reported speech: a cue verb with a clausal complement, and "according to X". Returns the
        quotes and the direct spans they absorb: words quoted inside a paraphrase ("said voting
        fraud is 'a big, big problem'") belong to the paraphrase, not to a quote of their own."""
        out, absorbed = [], set()
        for tok in doc:
            if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
                q = self._according_to(doc, tok, direct)
                if q is not None:
                    out.append(q[0])
                    absorbed.update(q[1])
                continue
            if tok.lemma_ not in self.speech or tok.pos_ not in ("VERB", "AUX"):
                continue
            if any(s <= tok.idx < e for s, e in direct):
                continue
            comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
            sent = tok.sent
            if comp is not None and tok.i < comp.left_edge.i:
                first, last = comp.left_edge.i, sent.end - 1  # "X said that ...": to the end of the sentence
            elif comp is not None:
                first, last = comp.left_edge.i, comp.right_edge.i  # "..., X said": the clause before the cue
            elif tok.dep_ == "parataxis" and subject_of(tok) is not None:
                # "Too often, Mr. Clarke said, the town ...": the sentence around the cue's own words
                cue_first, cue_last = tok.left_edge.i, tok.right_edge.i
                first = cue_last + 1 if cue_first <= sent.start else sent.start
                last = cue_first - 1 if cue_last >= sent.end - 2 else sent.end - 1
            else:
                continue
            content = self._trimmed(doc, first, last)
            if content is None or len(content) < 3:
                continue
            inside = self._quoted_inside(content, direct)
            if inside is None:
                continue  # the complement is itself a direct quote, already counted
            who = self._speaker(tok)
            if who is None:
                continue
            absorbed.update(inside)
            out.append(self._quote(content.start_char, content.end_char, content.text, who, tok, False,
                                   self._time_of(tok)))
        return out, absorbed

    @staticmethod
    def _trimmed(doc: Doc, first: int, last: int) -> Span | None:
        while first <= last and (doc[first].is_punct or doc[first].is_space):
            first += 1
        while last >= first and (doc[last].is_punct or doc[last].is_space):
            last -= 1
        return doc[first:last + 1] if first <= last else None

    def _quoted_inside(self, content: Span, direct: list[tuple[int, int]]) -> set[tuple[int, int]] | None:
        """The direct quotes inside a paraphrase, or None when the paraphrase is mostly one direct
        quote (or crosses one), which then stands for the attribution itself."""
        s0, e0 = content.start_char, content.end_char
        inside, crossing = set(), False
        for s, e in direct:
            if s0 - 1 <= s and e <= e0 + 1:
                inside.add((s, e))
            elif s < e0 and s0 < e:
                crossing = True
        quoted = sum(e - s for s, e in inside)
        if crossing or quoted >= 0.8 * (e0 - s0):
            return None
        return inside

    def _according_to(self, doc: Doc, tok: Token, direct: list[tuple[int, int]]):
        """"According to X, Y." / "Y, according to X.": Y is attributed to X."""
        to = doc[tok.i + 1]
        obj = next((c for c in to.children if c.dep_ == "pobj"), None) or next(
            (c for c in tok.children if c.dep_ == "pobj"), None)
        if obj is None:
            return None
        sent = tok.sent
        pp_first = tok.i
        pp_last = max(obj.right_edge.i, to.i)
        before = self._trimmed(doc, sent.start, pp_first - 1) if pp_first > sent.start else None
        after = self._trimmed(doc, pp_last + 1, sent.end - 1) if pp_last + 1 < sent.end else None
        content = max((c for c in (before, after) if c is not None), key=len, default=None)
        if content is None or len(content) < 3:
            return None
        inside = self._quoted_inside(content, direct)
        if inside is None:
            return None
        who = self._speaker_of(obj)
        return Quote(content.start_char, content.end_char, content.text, who.actor_id, who.text, who.description,
                     "according to", False, None, who.start, who.end), inside

    def _actor_at(self, span: Span) -> str | None:
        for t in span:
            ids = self.doc._.token_actors.get(t.i)
            if ids:
                return ids[0]
        return None

    def _transcript(self, doc: Doc, taken: list[tuple[int, int]]) -> list[Quote]:
        """Interview transcripts: a paragraph opening with a speaker's name in capitals and a colon."""
        out = []
        for m in _TRANSCRIPT.finditer(self.text):
            start, end = m.start(2), m.end(2)
            if any(s < end and start < e for s, e in taken):
                continue
            label = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
            if label is None or len(doc.char_span(start, end, alignment_mode="expand") or ()) < MIN_QUOTE_TOKENS:
                continue
            out.append(self._turn(label, start, end))
        return out

    def _turn(self, label: Span, start: int, end: int) -> Quote:
        """A transcript turn: the words after a speaker's label, verbatim."""
        return Quote(start, end, self.text[start:end], self._actor_at(label), label.text, None, ":", True, None,
                     label.start_char, label.end_char)
