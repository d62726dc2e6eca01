"""Quotes and attributions: who said, thinks, wants or claims what (PolNeAR's source, cue, content).

Steps, one module each:
- `direct`: words in quotation marks (curly, straight or single curly marks, over paragraphs,
  split around "he said"), interview transcript turns ("WALLACE: ..."), and short quoted words with
  no speaker, kept but flagged `scare` when they are a single word, a name or a short verbless term;
- `cues`: the words that attribute (a small logistic regression over the parse, kb/quote_cues.json.gz;
  the speech verbs of kb/speech.tsv without it);
- `content`: what a cue attributes, from the dependency parse;
- `speakers`: the source, as its full noun phrase and as the actor the actor stage linked it to
  (so "he" and "the president" resolve through its coreference).

A direct quote is attributed by the nearest cue around it; a quote with no cue continues the
previous quote's speaker. Attributions are not nested (PolNeAR's rule): a cue inside another
attribution's content, or inside quotation marks, is part of that content. Time expressions in a
direct quote are read against the day it was spoken when the cue says it.
"""
from __future__ import annotations

import datetime as dt
import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ... import kb
from ...model import Quote
from ..actors import quoted_first_person
from ..time import reanchor
from .content import content_of
from .cues import CLOSE_MARKS, OPEN_MARKS, cue_model, doc_context, find_cues
from .direct import LABEL, is_scare, is_term, quote_mark_spans, transcript_turns, turn
from .speakers import Speaker, source_token, speaker_of

# "Trump: Cruz Has ‘To Come a Long Way’", "Dr. Ben Carson: ...": a name labels the line's words.
_LINE_LABEL = re.compile(r"((?:[A-Z][\w.’'-]*\.? ){0,4}[A-Z][\w’'-]*):\s")

# A cue with no source named ("It is said that ...", "The statement of defiance ...") is kept only
# when the model is this sure of it.
SOURCELESS_MIN_P = 0.7


@Language.factory("storyline_quotes")
def make_quote_finder(nlp: Language, name: str) -> "QuoteFinder":
    return QuoteFinder()


class QuoteFinder:
    def __init__(self, use_model: bool = True) -> None:
        self.speech = kb.speech_verbs()
        self.model = cue_model() if use_model else None

    def __call__(self, doc: Doc) -> Doc:
        self.doc = doc
        self.text = text = doc.text  # Doc.text joins every token on each call: read it once
        ctx = doc_context(doc, self.speech)
        self.cues = find_cues(doc, ctx, self.model)
        self.marks = marks = quote_mark_spans(doc, text)
        indirect, absorbed = self._indirect(doc, marks)
        quotes: list[Quote] = []
        previous: Quote | None = None
        prev_end = 0
        for start, end in (sp for sp in marks if sp not in absorbed):
            q = self._direct(start, end)
            if q.speaker_text is None and previous is not None and previous.speaker_text is not None \
                    and "\n\n\n" not in text[prev_end:start] and text[prev_end:start].count("\n\n") <= 1 \
                    and not is_scare(doc, start, end) and not is_term(doc, start, end):
                # a quote with no cue of its own continues the previous speaker's
                for attr in ("speaker_id", "speaker_text", "speaker_description", "speaker_start", "speaker_end",
                             "speaker_phrase", "speaker_phrase_start", "speaker_phrase_end", "date"):
                    setattr(q, attr, getattr(previous, attr))
                q.cue = "(continued)"
            if q.speaker_text is None:
                q.scare = is_scare(doc, start, end) or is_term(doc, start, end)
            quotes.append(q)
            if not q.scare:
                previous, prev_end = q, end
        direct_cues = {q.cue_start for q in quotes if q.cue_start is not None}
        quotes.extend(q for q in indirect if q.cue_start not in direct_cues)  # a cue has one content
        quotes.extend(transcript_turns(doc, text, [(q.start, q.end) for q in quotes]))
        self._first_person_in_turns(doc, text, quotes)
        quotes.sort(key=lambda q: q.start)
        doc._.quotes = quotes
        quoted_first_person(doc, quotes)
        self._anchor_quoted_times(doc, quotes)
        return doc

    @staticmethod
    def _first_person_in_turns(doc: Doc, text: str, quotes: list[Quote]) -> None:
        """In an interview transcript ("FALLIN: Well, I think the nation ..."), "I" and "we" are
        the turn's speaker: an attribution inside a turn whose source is one of them takes the
        label's speaker."""
        turns = None
        for q in quotes:
            if q.direct or q.speaker_text is None or q.speaker_text.lower() not in ("i", "we"):
                continue
            if turns is None:
                turns = transcript_turns(doc, text, [])
            host = next((t for t in turns if t.start <= q.start < t.end), None)
            if host is not None:
                for attr in ("speaker_id", "speaker_text", "speaker_description", "speaker_start", "speaker_end",
                             "speaker_phrase", "speaker_phrase_start", "speaker_phrase_end"):
                    setattr(q, attr, getattr(host, attr))

    @staticmethod
    def _anchor_quoted_times(doc: Doc, quotes: list[Quote]) -> None:
        """Time expressions inside a direct quote count from the day it was spoken, when that is
        stated: the speaker's "tomorrow". A paraphrase is the reporter's words, dated from the story."""
        for q in quotes:
            if q.direct and q.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", q.date) and q.date != str(doc._.story_date):
                reanchor(doc, q.start, q.end, dt.date.fromisoformat(q.date))

    # ---- direct quotes ----
    def _direct(self, start: int, end: int) -> Quote:
        doc = self.doc
        text = self.text[start:end]
        if m := LABEL.match(text):  # "WALLACE: Let's start with..." inside the marks: a transcript turn
            label = doc.char_span(start + m.start(1), start + m.end(1), alignment_mode="expand")
            if label is not None:
                return turn(doc, self.text, label, start + m.end(), end)
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return Quote(start, end, text, direct=True)
        scare = is_scare(doc, start, end)
        if (label := self._line_label(start)) is not None and (who := speaker_of(doc, label)) is not None:
            q = Quote(start, end, text, direct=True, cue=":", cue_start=None)
            q.speaker_id, q.speaker_text, q.speaker_start, q.speaker_end = who.actor_id, who.text, who.start, who.end
            q.speaker_phrase, q.speaker_phrase_start, q.speaker_phrase_end = who.phrase, who.phrase_start, who.phrase_end
            return q
        for verb in self._cue_candidates(span, start, end):
            if scare and not (verb.left_edge.i <= span.start and span.end - 1 <= verb.right_edge.i):
                continue  # a quoted word or name is somebody's only when it is what the cue governs
            src = self._source_outside(verb, start, end) or self._name_next_to(span, verb)
            who = speaker_of(doc, src, verb) if src is not None else None
            if who is not None:
                return self._quote(start, end, text, who, verb, True, self._time_of(verb, (start, end)))
        if not scare and (label := self._colon_label(span)) is not None:
            # "Bernie Sanders: ‘It is not a radical idea’", "From the report: “...”"
            who = speaker_of(doc, label)
            if who is not None:
                q = Quote(start, end, text, direct=True, cue=":", cue_start=doc[span.start - 1].idx)
                q.speaker_id, q.speaker_text, q.speaker_start, q.speaker_end = who.actor_id, who.text, who.start, who.end
                q.speaker_phrase, q.speaker_phrase_start, q.speaker_phrase_end = who.phrase, who.phrase_start, who.phrase_end
                return q
        if not scare and (verb := self._speech_right_before(span)) is not None:
            src = self._source_outside(verb, start, end)
            who = speaker_of(doc, src, verb) if src is not None else None
            if who is not None:
                q = self._quote(start, end, text, who, verb, True, self._time_of(verb, (start, end)))
                q.cue, q.cue_start = "(continued)", None  # the verb's own content is the sentence before
                return q
        return Quote(start, end, text, direct=True)

    def _speech_right_before(self, span: Span) -> Token | None:
        """A quote with no cue of its own that opens right after a sentence of reported speech ("Cole
        said the campaign was over. “We lost.”") is that speaker's: the speech verb of that sentence
        nearest the quote, outside quotation marks. Across a paragraph break ("X said ...¶“...”")
        only when speech is what that sentence is about (its main verb)."""
        before = self._before(span.start)
        if before is None:
            return None
        gap = self.text[before.idx + len(before.text):span.start_char]
        if gap.count("\n") > 2 or len(gap.strip()) > 1:
            return None
        for t in reversed(before.sent):
            if t.lemma_ in self.speech and t.pos_ in ("VERB", "AUX") and ("\n" not in gap or t.dep_ == "ROOT") \
                    and not any(s <= t.idx < e for s, e in self.marks):
                return t
        return None

    def _line_label(self, start: int) -> Token | None:
        """A headline or line of the form "Name: what they said, ‘in their words’" attributes its
        quoted words to the name: the name's last word, when it is a name (capitalized words
        before the colon at the start of the line)."""
        line_start = self.text.rfind("\n", 0, start) + 1
        m = _LINE_LABEL.match(self.text, line_start, start)
        if m is None or m.group(1).isupper():
            return None  # "WALLACE: ..." is a transcript turn, read as one
        label = self.doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if label is None or not any(t.ent_type_ in ("PERSON", "ORG", "NORP") or t.pos_ == "PROPN" for t in label):
            return None
        return label[-1]

    def _cue_candidates(self, span: Span, start: int, end: int) -> list[Token]:
        """Words that may attribute a quote, best first: a verb right after it (",” he urged the
        crowd") or right before it ("Cruz continued: “...”"), then speech verbs and scored cues in
        its sentences, the short sentence after it, and a sentence before it that ends in a colon."""
        doc = self.doc
        sents = {t.sent.start: t.sent for t in span}
        first = min(sents.values(), key=lambda x: x.start)
        last = max(sents.values(), key=lambda x: x.start)
        region = [t for x in sents.values() for t in x]
        if last.end < len(doc) and doc[last.end].sent.start == last.end and len(doc[last.end].sent) <= 8:
            region += list(doc[last.end].sent)  # "..." he said. on the next line of a one-sentence quote
        colon = self._before(span.start)
        if colon is not None and colon.text == ":" and colon.i < first.start:
            region = list(colon.sent) + region  # "Stated Stone:" then the quote as a paragraph of its own
        def is_cue(t: Token) -> bool:
            return (t.i in self.cues or (t.lemma_ in self.speech and t.pos_ in ("VERB", "AUX"))) \
                and t.pos_ in ("VERB", "AUX", "PUNCT", "NOUN")

        adjacent = []
        before = [t for t in reversed(doc[max(0, span.start - 8):span.start]) if not t.is_space]
        if before and before[0].text in "“‘\"'":
            before = before[1:]
        if before and before[0].text in (":", ","):
            adjacent += [t for t in before[1:7] if is_cue(t)][:1]  # "Cruz continued: “...”", "He said, “...”"
        elif before and is_cue(before[0]):
            adjacent.append(before[0])  # "a man yelled “Stay there!”"
        last_char = self.text[max(start, end - 1):end]
        after = [t for t in doc[span.end:min(span.end + 8, len(doc))] if not t.is_space and t.text not in "”’\"'"]
        after = after[:next((k for k, t in enumerate(after) if t.text in ".!?" and k > 0), len(after))]
        # ",” he urged the crowd", "?” she asked", "!” Trump said"; after a full stop a new sentence begins
        if after and last_char != "." and not (last_char in "?!" and after[0].text[:1].isupper()
                                                and after[0].pos_ != "PROPN"):
            adjacent += [t for t in after[:6] if is_cue(t)]
        rest = [t for t in region if is_cue(t)]
        rest.sort(key=lambda t: (t.lemma_ not in self.speech, min(abs(t.idx - start), abs(t.idx - end))))
        out, seen = [], set()
        for t in adjacent + rest:
            if t.i not in seen and not (start <= t.idx < end):
                seen.add(t.i)
                out.append(t)
        return out

    def _before(self, i: int) -> Token | None:
        """The token before index i, past spaces and opening quotation marks."""
        j = i - 1
        while j >= 0 and (self.doc[j].is_space or self.doc[j].text in "“‘\"'"):
            j -= 1
        return self.doc[j] if j >= 0 else None

    def _colon_label(self, span: Span) -> Token | None:
        """The name right before a colon that opens a quote: its head noun."""
        colon = self._before(span.start)
        if colon is None or colon.text != ":" or colon.i == 0:
            return None
        prev = self.doc[colon.i - 1]
        if prev.pos_ in ("PROPN", "NOUN", "PRON") and not prev.is_punct:
            return prev
        return None

    def _name_next_to(self, span: Span, verb: Token) -> Token | None:
        """",” Trump, the candidate, said." when the parse lost the subject: the first name or
        pronoun between the quote and its cue (or right after the cue: "said Trump")."""
        if not (span.end <= verb.i <= span.end + 8):
            return None
        window = list(self.doc[span.end:min(verb.i + 3, len(self.doc))])
        for t in window:
            if t.i != verb.i and (t.pos_ in ("PROPN", "PRON") or t.ent_type_ in ("PERSON", "ORG", "NORP")) \
                    and t.lower_ not in ("it", "that", "this"):
                return t
        return None

    @staticmethod
    def _source_outside(verb: Token, start: int, end: int) -> Token | None:
        src = source_token(verb)
        if src is not None and start <= src.idx < end:
            return None  # the parser took words of the quote for the speaker
        return src

    # ---- attributions found from their cue ----
    def _indirect(self, doc: Doc, direct: list[tuple[int, int]]) -> tuple[list[Quote], set[tuple[int, int]]]:
        """Attributions found from their cue. Returns the quotes and the direct spans they absorb:
        words quoted inside a paraphrase ("said voting fraud is 'a big, big problem'") belong to
        the paraphrase, not to a quote of their own."""
        found: list[tuple[Quote, Token, set[tuple[int, int]]]] = []
        for i, p in sorted(self.cues.items()):
            tok = doc[i]
            if any(s <= tok.idx < e for s, e in direct):
                continue  # words inside a quotation are content, not a new attribution
            content = content_of(doc, tok)
            if content is None or all(t.ent_type_ in ("DATE", "TIME") or t.is_punct for t in content):
                continue  # "spoke Tuesday": when, not what
            if content.start <= tok.i < content.end and tok.dep_ != "parataxis":
                continue  # a parenthetical cue ("Too often, she said, the town ...") sits inside its content
            inside = self._quoted_inside(content, direct)
            if inside is None:
                continue  # the content is itself a direct quote, attributed on its own
            src = source_token(tok)
            who = speaker_of(doc, src, tok) if src is not None else None
            if who is None and p < SOURCELESS_MIN_P:
                continue
            # "told them that they “proved ...”": a paraphrase that opens or closes on the speaker's own
            # words is direct, as PolNeAR counts it
            mixed = bool(inside) and (content.text[:1] in OPEN_MARKS or content.text[-1:] in CLOSE_MARKS)
            q = self._quote(content.start_char, content.end_char, content.text, who, tok, mixed, self._time_of(tok))
            found.append((q, tok, inside))
        # not nested: a cue inside another attribution's content is part of that content
        kept = [(q, tok, inside) for q, tok, inside in found
                if not any(o is not q and o.start <= tok.idx < o.end for o, _, _ in found)]
        absorbed = set().union(*(inside for _, _, inside in kept)) if kept else set()
        return [q for q, _, _ in kept], absorbed

    @staticmethod
    def _quoted_inside(content: Span, direct: list[tuple[int, int]]) -> set[tuple[int, int]] | None:
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

    # ---- pieces of a quote ----
    def _quote(self, start: int, end: int, text: str, who: Speaker | None, cue: Token, direct: bool,
               date: str | None) -> Quote:
        q = Quote(start, end, text, direct=direct, cue=self._cue(cue), date=date, addressee=self._addressee(cue),
                  cue_start=cue.idx)
        if who is not None:
            q.speaker_id, q.speaker_text, q.speaker_description = who.actor_id, who.text, who.description
            q.speaker_start, q.speaker_end = who.start, who.end
            q.speaker_phrase, q.speaker_phrase_start, q.speaker_phrase_end = who.phrase, who.phrase_start, who.phrase_end
        return q

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
            if c.dep_ == "prep" and c.lower_ == "to" and verb.pos_ in ("VERB", "AUX"):
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

    @staticmethod
    def _cue(verb: Token) -> str:
        if verb.lower_ == "according":
            return "according to"
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "dative") and c.pos_ in ("NOUN", "PROPN")), None)
        prt = next((c for c in verb.children if c.dep_ in ("prt",) or (c.dep_ == "prep" and c.i == verb.i + 1
                                                                       and c.lower_ in ("for", "on", "about"))), None)
        if obj is not None and obj.i == verb.i + 1:
            return f"{verb.text} {obj.text}"
        if prt is not None and prt.i == verb.i + 1:
            return f"{verb.text} {prt.text}"
        return verb.text
