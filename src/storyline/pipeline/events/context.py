"""What every step of the event coder reads about the story being coded."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from ... import kb
from ...model import Actor, Event, PlaceMention


@dataclass
class Decision:
    """What the coder made of one candidate: its roles, modality and code, or why it is no event."""

    cand: "object"  # candidates.Candidate
    reason: str | None = None  # None: an event
    negated: bool = False
    speech_kind: str | None = None
    reported: bool = False
    passive: bool = False
    source_ids: list[str] = field(default_factory=list)
    target_ids: list[str] = field(default_factory=list)
    modality: str = "asserted"
    code: str = ""
    plover: str = ""
    mode: str | None = None
    confidence: float | None = None  # set by the learned layer
    features: dict | None = None  # what the learned layer saw
    domain: str | None = None  # political or business (filters.Guards.domain)

    def reject(self, reason: str) -> "Decision":
        self.reason = reason
        return self


@dataclass
class StoryContext:
    doc: Doc
    countries: kb.Countries
    anchor: dt.date = field(init=False)
    place_of_token: dict[int, tuple[Span, PlaceMention]] = field(init=False)
    so_far: list[Event] = field(default_factory=list)  # events coded before, in text order
    _sentence_starts: list[int] | None = None

    def __post_init__(self) -> None:
        self.anchor = self.doc._.story_date
        self.place_of_token = {i: (span, pm) for span, pm in self.doc._.places for i in range(span.start, span.end)}

    @property
    def actors(self) -> dict[str, Actor]:
        return self.doc._.actors

    def country_actor(self, a3: str | None) -> list[str]:
        """The country itself as an actor ("the Russian invasion": RUS), added to the story's actors.
        Only ever called with a country the text names in the event's own words."""
        if not a3:
            return []
        aid = f"agent:{a3}"
        if aid not in self.actors:
            c = self.countries.by_alpha3.get(a3)
            self.actors[aid] = Actor(aid, c.name if c else a3, "country", a3, None)
        return [aid]

    def government_actor(self, a3: str | None) -> list[str]:
        """A capital standing for its government ("Kyiv says"), as the actor stage names it."""
        if not a3:
            return []
        aid = f"agent:{a3}GOV"
        if aid not in self.actors:
            c = self.countries.by_alpha3.get(a3)
            self.actors[aid] = Actor(aid, f"{c.name if c else a3} government", "group", a3, "GOV")
        return [aid]

    def sentence_starts(self) -> list[int]:
        if self._sentence_starts is None:
            self._sentence_starts = [s.start_char for s in self.doc.sents]
        return self._sentence_starts

    def country_of(self, actor_id: str | None) -> str | None:
        a = self.actors.get(actor_id) if actor_id else None
        return a.country if a is not None else None
