"""A story's text cut into pieces for the Story page, each piece knowing which marks cover it.

Marks overlap freely (a quote holds actors and times; a speaker is also an actor mention; a
trigger sits inside a quote), so instead of nesting tags we cut the text at every mark boundary:
each piece carries the kinds of all marks over it (CSS colours them, as displaCy does), and a
mark's label follows the piece where it ends. The template escapes every piece of text.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

# Marks drawn as a background box with a label (entities) vs as a band under the text (speech).
BOXED = ("actor", "time", "place", "trigger")
BANDED = ("quote", "reported", "speaker")


@dataclass
class Mark:
    start: int
    end: int
    kind: str  # one of BOXED or BANDED
    label: str = ""  # shown after the mark (e.g. an actor's code, a time's TIMEX3 value)
    title: str = ""  # shown on hover
    anchor: str | None = None  # an id for the first piece (e.g. event-3), so a link can point at it
    href: str | None = None  # where a click on the mark goes (an actor's or place's page)


@dataclass
class Piece:
    text: str
    kinds: list[str] = field(default_factory=list)
    title: str = ""
    anchors: list[str] = field(default_factory=list)  # ids of marks starting here (two events may share a trigger)
    href: str | None = None
    labels: list[Mark] = field(default_factory=list)  # marks ending after this piece

    @property
    def css(self) -> str:
        return " ".join(f"m-{k}" for k in self.kinds)


def pieces(text: str, marks: list[Mark]) -> list[Piece]:
    """Cut `text` at every mark boundary; marks outside the text or empty are dropped."""
    n = len(text)
    marks = [m for m in marks if m.start is not None and m.end is not None and 0 <= m.start < m.end <= n]
    cuts = sorted({0, n, *(m.start for m in marks), *(m.end for m in marks)})
    starting: dict[int, list[Mark]] = {}
    ending: dict[int, list[Mark]] = {}
    for m in marks:
        starting.setdefault(m.start, []).append(m)
        ending.setdefault(m.end, []).append(m)
    out, active = [], []
    for a, b in zip(cuts, cuts[1:]):
        active = [m for m in active if m.end > a] + starting.get(a, [])
        kinds = sorted({m.kind for m in active}, key=(*BANDED, *BOXED).index)
        boxed = [m for m in active if m.kind in BOXED]
        # the innermost (shortest) mark decides the hover text and the link
        inner = min(boxed or active, key=lambda m: m.end - m.start, default=None)
        out.append(Piece(
            text=text[a:b], kinds=kinds,
            title=" · ".join(m.title for m in sorted(active, key=lambda m: m.start) if m.title),
            anchors=[m.anchor for m in starting.get(a, []) if m.anchor],
            href=inner.href if inner is not None else None,
            labels=sorted((m for m in ending.get(b, []) if m.kind in BOXED and m.label),
                          key=lambda m: -m.start)))
    return out


def to_html(parts: list[Piece]) -> Markup:
    """The pieces as HTML: every text and attribute value escaped, marks as spans with classes."""
    out = []
    for p in parts:
        for extra in p.anchors[1:]:
            out.append(Markup('<span class="anchor" id="{}"></span>').format(extra))
        text = escape(p.text)
        if p.href:
            text = Markup('<a href="{}">{}</a>').format(p.href, text)
        if p.kinds:
            attrs = Markup(' class="{}"').format(p.css)
            if p.anchors:
                attrs += Markup(' id="{}"').format(p.anchors[0])
            if p.title:
                attrs += Markup(' title="{}"').format(p.title)
            text = Markup("<span{}>{}</span>").format(attrs, text)
        out.append(text)
        for m in p.labels:
            out.append(Markup('<span class="label l-{}" aria-hidden="true">{}</span>').format(m.kind, m.label))
    return Markup("").join(out)
