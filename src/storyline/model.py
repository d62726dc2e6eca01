"""Typed records that flow through storyline: one Story in, one Analysis out.

Every extraction keeps character offsets into ``Story.text`` so that any row in the
database can be traced back to the words it came from.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


def content_id(text: str, date: dt.date | None) -> str:
    """A stable id for a story that arrived without one: the hash of its date and text."""
    digest = hashlib.sha256(f"{date}\n{text}".encode("utf-8")).hexdigest()
    return f"sha256-{digest[:16]}"


@dataclass(frozen=True)
class Origin:
    """Where a record was read from: a file (or '<stdin>') and a 1-based line number."""

    source: str
    line: int = 1


@dataclass
class Story:
    text: str
    date: dt.date
    id: str = ""
    title: str | None = None
    url: str | None = None
    source: str | None = None  # the publisher, when the input names one
    origin: Origin | None = None

    def __post_init__(self) -> None:
        if not self.id:
            self.id = content_id(self.text, self.date)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(f"{self.date}\n{self.title}\n{self.text}".encode("utf-8")).hexdigest()


@dataclass
class Reject:
    """Input that could not become a Story. Kept in the database with its reason."""

    source: str
    line: int
    reason: str  # a short machine-readable key: empty, binary, encoding, no-date, bad-date, too-large, duplicate,
    #               parse, error (a stage raised), timeout (a stage took longer than the time limit)
    detail: str = ""
    stage: str | None = None  # for error and timeout: the stage (spaCy component, reader, store) at fault

    def __str__(self) -> str:
        where = f" in {self.stage}" if self.stage else ""
        return f"{self.source}:{self.line}: {self.reason}{where}: {self.detail}"


@dataclass
class Span:
    start: int
    end: int
    text: str


@dataclass
class TimeExpr(Span):
    """A TimeML TIMEX3: type (DATE, TIME, DURATION, SET) and value, plus the interval it covers."""

    type: str = "DATE"
    value: str = ""
    precision: str = "day"  # second/minute/hour/day/week/month/quarter/season/year/decade/century/duration/set
    earliest: dt.date | None = None
    latest: dt.date | None = None
    anchored: bool = True  # False when the value could not be computed (e.g. "one day")


@dataclass
class Place:
    """A gazetteer entry (GeoNames id and data)."""

    geonameid: int
    name: str
    country: str | None  # ISO 3166 alpha-3
    feature_class: str
    feature_code: str
    lat: float
    lon: float
    population: int = 0
    admin1: str | None = None  # name of the first-level subdivision (state, province, oblast)
    admin2: str | None = None  # name of the second-level subdivision (county, district)
    admin1_id: int | None = None
    admin2_id: int | None = None


@dataclass
class PlaceMention(Span):
    place: Place | None = None
    role: str = "place"  # place, or actor when the name stands for its government ("Washington said")
    score: float = 0.0
    kind: str = "toponym"  # toponym, demonym ("Russian"), or org_part ("Texas" in "University of Texas")


def _is_country(code: str) -> bool:
    from .kb import countries  # kb imports nothing from here; imported late to keep model light

    return code in countries().by_alpha3


@dataclass
class Actor:
    """A canonical participant: a person, an organization, a group, or a country."""

    id: str
    name: str
    kind: str  # person, organization, group, country
    country: str | None = None  # ISO 3166 alpha-3
    role: str | None = None  # CAMEO/PLOVER role: GOV, MIL, REB, OPP, CVL, COP, JUD, MED, BUS, IGO, NGO, SPY
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    cameo: str | None = None  # the full CAMEO code where it says more than country + role (USAGOVBUS, IGOEUREEC)

    @property
    def code(self) -> str:
        """CAMEO-style: country + role ("UKRGOV"); an international organization's own code comes
        after its role ("IGOUNO", "NGOAMN"), as CAMEO writes them; a dictionary's fuller code
        ("IGOEUREEC") when the actor came with one."""
        if self.cameo:
            return self.cameo
        if self.role in ("IGO", "NGO") and self.country and not _is_country(self.country):
            return f"{self.role}{self.country}"
        return f"{self.country or '---'}{self.role or ''}"


@dataclass
class Mention(Span):
    actor_id: str = ""
    how: str = "name"  # name, alias, title, group, pronoun, place


@dataclass
class Quote(Span):
    """Who said what. ``start``/``end``/``text`` are the content span."""

    speaker_id: str | None = None
    speaker_text: str | None = None
    speaker_description: str | None = None
    cue: str | None = None
    direct: bool = True
    date: str | None = None  # TIMEX3 value of the speech, when stated
    speaker_start: int | None = None  # where the speaker is named in the text (the subject of the cue)
    speaker_end: int | None = None
    addressee: str | None = None  # "told reporters", "said in an interview with CNN"
    scare: bool = False  # a quoted single word or name with no speaker: distance or a title, not speech
    speaker_phrase: str | None = None  # the source's full noun phrase ("Victor Wan, an analyst at ...")
    speaker_phrase_start: int | None = None
    speaker_phrase_end: int | None = None
    cue_start: int | None = None  # where the cue word is ("said", "according to", "called for")


@dataclass
class Event:
    plover_type: str
    plover_mode: str | None
    cameo: str
    goldstein: float | None
    quad_class: int
    source_id: str | None
    target_id: str | None
    trigger: str
    trigger_start: int
    sentence_start: int
    sentence_end: int
    date_value: str
    date_precision: str
    date_earliest: dt.date | None
    date_latest: dt.date | None
    date_basis: str  # stated (a time expression governs the clause), relative, or reported (story date)
    place_id: int | None = None
    place_name: str | None = None
    place_rule: str | None = None  # object, preposition, sentence, story-focus: how the place was chosen
    negated: bool = False
    modality: str = "asserted"  # asserted, reported, intended, future, hypothetical, question
    confidence: float = 0.5
    context: str | None = None
    quote_index: int | None = None
    domain: str = "political"  # political, or business when no political actor takes part


@dataclass
class Analysis:
    """Everything storyline extracted from one story."""

    story: Story
    actors: dict[str, Actor] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "story": {k: v for k, v in asdict(self.story).items() if k != "origin"},
            "actors": [asdict(a) for a in self.actors.values()],
            "mentions": [asdict(m) for m in self.mentions],
            "times": [asdict(t) for t in self.times],
            "places": [asdict(p) for p in self.places],
            "quotes": [asdict(q) for q in self.quotes],
            "events": [asdict(e) for e in self.events],
        }
