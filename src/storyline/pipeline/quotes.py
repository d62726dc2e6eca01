"""Quotes: direct quotes in straight or curly marks (over several paragraphs, split around
"he said"), and indirect speech (a speech verb with a clausal complement), each with its
speaker linked to a canonical actor, the cue, the speaker's description and the speech's date."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .. import kb
from ..model import Quote

# Paired marks; a quote may run over paragraphs (a paragraph that opens a quote without closing it
# continues into the next one, which reopens it).
_CURLY = re.compile(r"“([^”]+?)”|“([^“”]+?)(?=\n\s*\n\s*“)", re.DOTALL)
_STRAIGHT = re.compile(r'"([^"]+?)"', re.DOTALL)
_SUBJECTS = ("nsubj", "nsubjpass")
MIN_QUOTE_TOKENS = 4  # shorter marked spans are titles or scare quotes, not speech


@Language.factory("storyline_quotes")
def make_quote_finder(nlp: Language, name: str) -> "QuoteFinder":
    return QuoteFinder()


def subject_of(verb: Token) -> Token | None:
    """The subject of a verb, following conj/advcl chains up when the clause shares it ("..., saying")."""
    for _ in range(4):
        subj = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
        if subj is not None:
            return subj
        if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head is not verb:
            verb = verb.head
        else:
            return None
    return None


class QuoteFinder:
    def __init__(self) -> None:
        self.speech = kb.speech_verbs()

    def __call__(self, doc: Doc) -> Doc:
        self.doc = doc
        quotes: list[Quote] = []
        spans = self._direct_spans(doc)
        previous: Quote | None = None
        prev_end = 0
        for start, end in spans:
            q = self._direct(start, end)
            if q.speaker_id is None and previous is not None and previous.speaker_id is not None \
                    and "\n\n\n" not in doc.text[prev_end:start] and doc.text[prev_end:start].count("\n\n") <= 1:
                # a quote with no cue of its own continues the previous speaker's
                q.speaker_id, q.speaker_text = previous.speaker_id, previous.speaker_text
                q.speaker_description, q.cue = previous.speaker_description, "(continued)"
            quotes.append(q)
            previous, prev_end = q, end
        quotes.extend(self._indirect(doc, spans))
        quotes.sort(key=lambda q: q.start)
        doc._.quotes = quotes
        return doc

    def _direct_spans(self, doc: Doc) -> list[tuple[int, int]]:
        out = []
        for rx in (_CURLY, _STRAIGHT):
            for m in rx.finditer(doc.text):
                g = 1 if m.group(1) is not None else 2
                start, end = m.start(g), m.end(g)
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is not None and sum(not t.is_punct for t in span) >= MIN_QUOTE_TOKENS:
                    if not any(s <= start < e for s, e in out):
                        out.append((start, end))
        return sorted(out)

    def _speaker(self, verb: Token) -> tuple[str | None, str | None, str | None]:
        subj = subject_of(verb)
        if subj is None:
            return None, None, None
        ids = self.doc._.token_actors.get(subj.i) or []
        span = next((s for s, m in self.doc._.mentions if s.start <= subj.i < s.end), None)
        text = span.text if span is not None else subj.text
        desc = next((self.doc[c.left_edge.i:c.right_edge.i + 1].text for c in subj.children if c.dep_ == "appos"), None)
        return (ids[0] if ids else None), text, desc

    def _time_of(self, verb: Token, outside: tuple[int, int] | None = None) -> str | None:
        for span, tx in self.doc._.times:
            if span.root.head == verb or span.root.head.head == verb:
                if outside is None or not (outside[0] <= span.start_char < outside[1]):
                    return tx.value
        return None

    def _cue(self, verb: Token) -> str:
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "dative") and c.pos_ in ("NOUN", "PROPN")), None)
        return f"{verb.text} {obj.text}" if obj is not None and obj.i == verb.i + 1 else verb.text

    def _direct(self, start: int, end: int) -> Quote:
        doc = self.doc
        text = doc.text[start:end]
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
            speaker_id, speaker_text, desc = self._speaker(verb)
            if speaker_text is not None:
                return Quote(start, end, text, speaker_id, speaker_text, desc, self._cue(verb), True,
                             self._time_of(verb, (start, end)))
        return Quote(start, end, text, direct=True)

    def _indirect(self, doc: Doc, direct: list[tuple[int, int]]) -> list[Quote]:
        out = []
        for tok in doc:
            if tok.lemma_ not in self.speech or tok.pos_ not in ("VERB", "AUX"):
                continue
            if any(s <= tok.idx < e for s, e in direct):
                continue
            comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
            if comp is None:
                continue
            content = doc[comp.left_edge.i:comp.right_edge.i + 1]
            if any(s <= content.start_char < e or s < content.end_char <= e for s, e in direct):
                continue  # the complement is itself a direct quote, already counted
            if len(content) < 3:
                continue
            speaker_id, speaker_text, desc = self._speaker(tok)
            if speaker_text is None:
                continue
            out.append(Quote(content.start_char, content.end_char, content.text, speaker_id, speaker_text, desc,
                             self._cue(tok), False, self._time_of(tok)))
        return out
