"""Step 3b: when and where — an event's date (a time expression governing its clause, a relative
date, or the report date) and its place (a place object, a place preposition, a place in the
sentence, or the story's focus country)."""
from __future__ import annotations

import datetime as dt
import re

from spacy.tokens import Token

from ... import kb
from ...model import TimeExpr
from ..places.event_place import event_place
from ..syntax import CLAUSE_DEPS, clause_head
from .context import StoryContext

DateInfo = tuple[str, str, "dt.date | None", "dt.date | None", str]  # value, precision, earliest, latest, basis
PlaceInfo = tuple["int | None", "str | None", "str | None", "str | None"]  # geonameid, name, rule, country


class Locator:
    def __init__(self) -> None:
        self.preps = kb.event_prepositions()
        self.countries = kb.countries()

    # ---- place ----
    def place(self, ctx: StoryContext, tok: Token) -> PlaceInfo:
        # the places stage's rule (pipeline/places/event_place.py): the most specific place the clause supports
        return event_place(tok, ctx.doc, ctx.place_of_token, self.preps.place, self.countries)

    def date(self, ctx: StoryContext, tok: Token) -> DateInfo:
        stated = self._stated_time(ctx, tok)
        if stated is not None and stated.type in ("DATE", "TIME") and stated.earliest:
            return stated.value, stated.precision, stated.earliest, stated.latest, "stated"
        rel = self._relative(ctx, tok)
        if rel is not None:
            return rel
        if tok.pos_ == "NOUN":
            return "PAST_REF", "vague", None, ctx.anchor, "not stated"
        # not stated: news reports what happened on the day of the story or the day before
        return ctx.anchor.isoformat(), "day", ctx.anchor - dt.timedelta(days=1), ctx.anchor, "reported"

    def _stated_time(self, ctx: StoryContext, tok: Token) -> TimeExpr | None:
        clause = clause_head(tok)
        for span, tx in ctx.doc._.times:
            cur = span.root
            for _ in range(5):
                if cur == tok or cur == clause:
                    return tx
                if cur.dep_ in CLAUSE_DEPS or cur.head is cur or (cur.pos_ in ("VERB", "AUX") and cur is not span.root):
                    break
                if cur.dep_ in ("compound", "amod", "nmod") and cur.head != tok:
                    break  # modifies another noun: "the February invasion" dates the invasion only
                cur = cur.head
        return None

    def _relative(self, ctx: StoryContext, tok: Token):
        """'three days after his troops stormed the city': this event = the main clause's date - 3 days.
        'Three days later, ...': this event = the last date the story stated before it + 3 days."""
        later = self._later(ctx, tok)
        if later is not None:
            return later
        if tok.dep_ != "advcl":
            return None
        mark = next((c.lower_ for c in tok.children if c.dep_ == "mark"), None)
        if mark not in ("after", "before"):
            return None
        dur = next((tx for span, tx in ctx.doc._.times if tx.type == "DURATION" and span.root.head == tok), None)
        if dur is None or not dur.value[1:-1].isdigit():
            return None
        n, unit = int(dur.value[1:-1]), dur.value[-1]
        days = {"D": 1, "W": 7}.get(unit)
        if days is None:
            return None
        head_date = self.date(ctx, clause_head(tok.head))
        if head_date[2] is None or head_date[3] is None:
            return None
        shift = dt.timedelta(days=n * days) * (-1 if mark == "after" else 1)
        lo, hi = head_date[2] + shift, head_date[3] + shift
        value = lo.isoformat() if lo == hi else f"{lo.isoformat()}/{hi.isoformat()}"
        return value, "day", lo, hi, "relative"

    def _later(self, ctx: StoryContext, tok: Token):
        clause = clause_head(tok)
        for i, (span, tx) in enumerate(ctx.doc._.times):
            nxt = ctx.doc[span.end] if span.end < len(ctx.doc) else None
            if tx.type != "DURATION" or nxt is None or nxt.lower_ not in ("later", "earlier"):
                continue
            head = nxt.head if nxt.head != nxt else span.root.head
            if clause_head(head) != clause and head != tok:
                continue
            m = re.fullmatch(r"P(\d+)([DW])", tx.value)
            before = [t for _, t in ctx.doc._.times[:i] if t.type in ("DATE", "TIME") and t.earliest and t.latest
                      and t.end <= span.start_char]
            if not m or not before:
                return None
            days = int(m[1]) * (7 if m[2] == "W" else 1) * (1 if nxt.lower_ == "later" else -1)
            ref = before[-1]
            lo, hi = ref.earliest + dt.timedelta(days=days), ref.latest + dt.timedelta(days=days)
            value = lo.isoformat() if lo == hi else f"{lo.isoformat()}/{hi.isoformat()}"
            return value, "day" if lo == hi else ref.precision, lo, hi, "relative"
        return None
