"""Canonical events: the mentions of one real-world event, across stories, grouped into one record.

Event datasets count reports (GDELT's NumMentions) or collapse them by a fixed key (ICEWS: source,
target, code and day). storyline keeps every mention with its provenance and adds a layer above it:

    events (one row per mention)  --event_links-->  canonical_events (one row per real-world event)

Two mentions may be one event when
  - their PLOVER types are the same or in one group of kb/dedup.tsv (an attack reported as a seizure),
  - their sides agree: the same actor code on each side, one side unknown, a country standing for
    one of its own actors ("Iran" and "IRNMIL"), two parts of one state ("USAGOV" and "USAMIL"),
    sides swapped for symmetric types (a meeting of A and B); for statements, two different named
    speakers are two events,
  - their dates agree: stated intervals overlap; a mention dated only by its report most likely
    happened that day or just before, and otherwise refers back to an event of the last two weeks
    (or ahead to an announced one),
  - their places are the same, or one contains the other, or they are near (missing place: no veto).
All thresholds are data in kb/dedup.tsv.

Mentions are blocked by type group — only mentions of one group are ever compared, which is also
how the Spark step distributes the work — and taken in the order of their story's date (dated
mentions first within a day): each joins the best-scoring compatible cluster still active (last
reported within the reference window) or starts one.
Running it again adds only the mentions not yet linked (a new story joins existing clusters) and
recomputes every cluster's summary; `rebuild=True` starts from nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

DAY = dt.timedelta(days=1)
# How precise a date is, for choosing the best-supported one (lower is more precise).
PRECISION_RANK = {"second": 0, "minute": 0, "hour": 0, "day": 1, "week": 2, "month": 3, "quarter": 4,
                  "season": 4, "year": 5, "decade": 6, "century": 7}
NEAR_KM = 50.0  # two towns this close may be one incident reported from either
CLAUSE_PLACE_RULES = {"object", "preposition", None}  # events.place_rule values the clause itself gives


@dataclass(frozen=True)
class Settings:
    likely_lookback_days: int
    reported_window_days: int
    future_window_days: int
    relative_slack_days: int
    stated_slack_days: int
    max_cluster_days: int
    require_evidence: float  # how many of (source, target, clause place) a joining mention must share
    state_roles: frozenset[str]
    groups: dict[str, str]  # PLOVER type -> its group's name
    symmetric: frozenset[str]
    statement: frozenset[str]


@lru_cache(maxsize=1)
def settings() -> Settings:
    text = resources.files("storyline.kb").joinpath("dedup.tsv").read_text(encoding="utf-8")
    values: dict[str, str] = {}
    groups: dict[str, str] = {}
    lists: dict[str, set[str]] = defaultdict(set)
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("setting\t"):
            continue
        key, value = line.split("\t")[:2]
        items = [t.strip() for t in value.split(",") if t.strip()]
        if key == "type_group":
            for t in items:
                groups[t] = items[0]
        elif key in ("symmetric", "statement", "state_roles"):
            lists[key].update(items)
        else:
            values[key] = value
    ints = {k: int(values[k]) for k in ("likely_lookback_days", "reported_window_days", "future_window_days",
                                         "relative_slack_days", "stated_slack_days", "max_cluster_days")}
    return Settings(**ints, require_evidence=float(values["require_evidence"]), state_roles=frozenset(lists["state_roles"]), groups=groups,
                    symmetric=frozenset(lists["symmetric"]), statement=frozenset(lists["statement"]))


def _known(code: str | None) -> str | None:
    """An actor code that says who: its country part is known. "---" and "---BUS" (some firm) do
    not tell one actor from another, so two such sides are no evidence of one event."""
    if not code or code[:3].strip("-") == "":
        return None
    return code


def _specific(actor_id: str | None) -> str | None:
    """A named person's or organization's id; None for a group coded by country and role."""
    return actor_id if actor_id and not actor_id.startswith("agent:") else None


@dataclass
class Mention:
    """One event row, with what deduplication compares."""

    story_id: str
    event_no: int
    plover_type: str
    source_code: str | None
    target_code: str | None
    earliest: dt.date | None
    latest: dt.date | None
    basis: str | None
    story_date: dt.date
    date_value: str | None = None
    precision: str | None = None
    geonameid: int | None = None
    place_name: str | None = None
    place_country: str | None = None
    feature_class: str | None = None
    lat: float | None = None
    lon: float | None = None
    publisher: str | None = None
    cameo: str | None = None
    source_id: str | None = None
    target_id: str | None = None
    modality: str | None = None
    place_rule: str | None = None

    def __post_init__(self) -> None:
        self.source_code = _known(self.source_code)
        self.target_code = _known(self.target_code)

    @property
    def key(self) -> tuple[str, int]:
        return (self.story_id, self.event_no)

    def sides(self, s: Settings) -> tuple[str | None, str | None]:
        """Source and target, put in a fixed order when the type has no direction."""
        if self.plover_type in s.symmetric:
            a, b = sorted([self.source_code or "", self.target_code or ""])
            return (a or None, b or None)
        return (self.source_code, self.target_code)

    def group(self, s: Settings) -> str:
        """The blocking key: only mentions of one type group are compared."""
        return s.groups.get(self.plover_type, self.plover_type)

    def dated(self) -> bool:
        return self.basis in ("stated", "relative") and self.earliest is not None and self.latest is not None

    def interval(self, s: Settings) -> tuple[dt.date, dt.date]:
        """When the event most likely happened: its stated interval (with slack), else the report
        date and the days just before it."""
        if self.dated():
            slack = dt.timedelta(days=s.stated_slack_days if self.basis == "stated" else s.relative_slack_days)
            return (self.earliest - slack, self.latest + slack)
        return (self.story_date - dt.timedelta(days=s.likely_lookback_days), self.story_date)

    def window(self, s: Settings) -> tuple[dt.date, dt.date]:
        """Which stated events an undated mention may refer to: one of the last two weeks, or one
        announced for the coming weeks."""
        if self.dated():
            return self.interval(s)
        return (self.story_date - dt.timedelta(days=s.reported_window_days),
                self.story_date + dt.timedelta(days=s.future_window_days))


def _country(code: str | None) -> str | None:
    return code[:3] if code else None


def _sides_agree(a: str | None, b: str | None, s: Settings) -> bool:
    """One side of two mentions may be the same actor: the same code, one unknown, a bare country
    standing for its own actors ("IRN" and "IRNMIL"), or two parts of one state ("USAGOV", "USAMIL")."""
    if a is None or b is None or a == b:
        return True
    if a[:3] != b[:3]:
        return False
    ra, rb = a[3:6], b[3:6]
    return not ra or not rb or (ra in s.state_roles and rb in s.state_roles)


def _shared(a: str | None, b: str | None) -> float:
    """How much one side of two mentions says they are one event: the same code 1, the same
    country with other roles 0.5 ("USAGOV" and "USA" are a country's many acts), unknown 0."""
    if a is None or b is None or _country(a) != _country(b):
        return 0.0
    return 1.0 if a == b else 0.5


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _places_agree(a: Mention, b: Mention) -> bool | None:
    """True: the same place or one inside the other; False: different places; None: not known.
    Only a place the clause itself names can tell two events apart: one taken from elsewhere in the
    sentence or from the story's focus is often the place of the report, not of the event."""
    if a.geonameid is None or b.geonameid is None:
        return None
    if a.geonameid == b.geonameid:
        return True
    if not (a.place_rule in CLAUSE_PLACE_RULES and b.place_rule in CLAUSE_PLACE_RULES):
        return None
    if a.place_country and b.place_country and a.place_country != b.place_country:
        return False
    if a.feature_class == "A" or b.feature_class == "A":  # a country or province holds its towns
        return True
    if None not in (a.lat, a.lon, b.lat, b.lon):
        return _km(a.lat, a.lon, b.lat, b.lon) <= NEAR_KM
    return None


def _overlap(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _gap(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> int:
    """Days between two intervals (0 when they overlap)."""
    return max(0, (b[0] - a[1]).days, (a[0] - b[1]).days)


@dataclass
class Cluster:
    canonical_id: str
    group: str
    mentions: list[Mention] = field(default_factory=list)
    # When the event happened: `core` from mentions with a stated date (None until one comes),
    # else `likely`, from the report dates of undated mentions.
    core: tuple[dt.date, dt.date] | None = None
    likely: tuple[dt.date, dt.date] | None = None
    last_report: dt.date | None = None

    def add(self, m: Mention, s: Settings) -> None:
        self.mentions.append(m)
        self.last_report = max(self.last_report or m.story_date, m.story_date)
        lo, hi = m.interval(s)
        if (hi - lo).days > s.max_cluster_days:
            return  # a vague date ("this year") neither narrows nor widens the event
        if m.dated():
            self.core = (lo, hi) if self.core is None else (max(self.core[0], lo), min(self.core[1], hi))
            if self.core[0] > self.core[1]:  # reports that disagree by a day: keep their span
                self.core = (self.core[1], self.core[0])
        elif self.core is None:  # undated reports are the only evidence of when it happened
            self.likely = (lo, hi) if self.likely is None else (min(self.likely[0], lo), max(self.likely[1], hi))

    def score(self, m: Mention, s: Settings) -> float | None:
        """How well m fits this event (higher is better), or None when it cannot be the same event."""
        lo, hi = m.interval(s)
        when = self.core or self.likely
        if when is None:  # only vague mentions so far
            when = self.mentions[0].interval(s)
        if m.dated() or self.core is None:
            if not _overlap((lo, hi), when):
                # an undated mention may still refer back (or ahead) to a stated event
                if m.dated() or self.core is None or not _overlap(m.window(s), when):
                    return None
            elif not m.dated() and self.core is None and \
                    (max(hi, when[1]) - min(lo, when[0])).days > s.max_cluster_days:
                return None  # undated reports on many days: a series of incidents, not one
        elif not _overlap(m.window(s), when):
            return None
        gap = _gap((lo, hi), when)
        src, tgt = m.sides(s)
        exact = 0
        shared_src = shared_tgt = 0.0
        for other in self.mentions[:8]:  # the first reports define the event
            o_src, o_tgt = other.sides(s)
            if not (_sides_agree(src, o_src, s) and _sides_agree(tgt, o_tgt, s)):
                return None
            if m.plover_type in s.statement and None not in (_specific(m.source_id), _specific(other.source_id)) \
                    and m.source_id != other.source_id:
                return None  # another speaker's words
            exact += (src is not None and src == o_src) + (tgt is not None and tgt == o_tgt)
            shared_src = max(shared_src, _shared(src, o_src))
            shared_tgt = max(shared_tgt, _shared(tgt, o_tgt))
        place = [_places_agree(m, other) for other in self.mentions[:8]]
        if any(p is False for p in place):
            return None
        if shared_src + shared_tgt + any(place) < s.require_evidence:
            return None  # too little in common beyond type and days: "a firm agreed" twice is not one event
        return 1.0 + 0.5 * any(place) + 0.1 * exact / min(8, len(self.mentions)) - 0.05 * gap


def canonical_id(first: Mention) -> str:
    """Named after its first mention, so an id never changes as later reports join."""
    digest = hashlib.sha256(f"{first.story_id}\x1f{first.event_no}".encode()).hexdigest()
    return f"ce-{digest[:16]}"


def _order(m: Mention) -> tuple:
    # Within a story date, dated mentions first: they anchor the events undated ones refer to.
    return (m.story_date, not m.dated(), m.story_id, m.event_no)


def cluster_mentions(mentions: Iterable[Mention], clusters: Iterable[Cluster] = (),
                     s: Settings | None = None) -> list[Cluster]:
    """Add each mention (in story-date order) to the best cluster of its type group, or start one.
    Existing clusters (from an earlier run) come first; the result holds them and the new ones.
    Clusters whose last report is older than the reference window are no longer candidates."""
    s = s or settings()
    out = list(clusters)
    active: dict[str, list[Cluster]] = defaultdict(list)
    for c in out:
        active[c.group].append(c)
    horizon = dt.timedelta(days=s.reported_window_days + s.max_cluster_days)
    for m in sorted(mentions, key=_order):
        group = m.group(s)
        live = [c for c in active[group] if c.last_report is None or c.last_report >= m.story_date - horizon]
        active[group] = live
        best, best_score = None, None
        for c in live:
            sc = c.score(m, s)
            if sc is not None and (best_score is None or sc > best_score):
                best, best_score = c, sc
        if best is None:
            best = Cluster(canonical_id(m), group)
            live.append(best)
            out.append(best)
        best.add(m, s)
    return out


def summarize(c: Cluster) -> dict:
    """One canonical_events row: the best-supported type, sides, date and place, and the counts."""
    ms = c.mentions

    def mode(values: Iterable, tiebreak=lambda v: 0):
        counts = Counter(v for v in values if v is not None)
        if not counts:
            return None
        return max(counts, key=lambda v: (counts[v], -tiebreak(v), str(v)))

    stated = [m for m in ms if m.basis in ("stated", "relative") and m.date_value]
    dated = stated or ms
    rank = {m.date_value: PRECISION_RANK.get(m.precision or "", 9) for m in dated}
    date_value = mode((m.date_value for m in dated), tiebreak=lambda v: rank.get(v, 9))
    date_from = next((m for m in dated if m.date_value == date_value), ms[0])
    placed = [m for m in ms if m.geonameid is not None]
    specific = [m for m in placed if m.feature_class != "A"] or placed
    geonameid = mode(m.geonameid for m in specific)
    place_from = next((m for m in specific if m.geonameid == geonameid), None)
    reports = [m.story_date for m in ms]
    return dict(
        canonical_id=c.canonical_id, plover_type=mode(m.plover_type for m in ms), cameo=mode(m.cameo for m in ms),
        source_code=mode(m.source_code for m in ms), target_code=mode(m.target_code for m in ms),
        source_id=mode(m.source_id for m in ms), target_id=mode(m.target_id for m in ms),
        date_value=date_value, date_earliest=date_from.earliest if date_from in stated else None,
        date_latest=date_from.latest if date_from in stated else None,
        date_basis="stated" if stated else "reported",
        geonameid=geonameid, place_name=place_from.place_name if place_from else None,
        first_report=min(reports), last_report=max(reports), n_mentions=len(ms),
        n_stories=len({m.story_id for m in ms}), n_sources=len({m.publisher for m in ms if m.publisher}))


# ---- the database side ----

MENTION_SQL = """
    SELECT e.story_id, e.event_no, e.plover_type, e.source_code, e.target_code, e.date_earliest, e.date_latest,
           e.date_basis, s.date, e.date_value, e.date_precision, e.geonameid, e.place_name, p.country,
           p.feature_class, p.lat, p.lon, s.source, e.cameo, e.source_id, e.target_id, e.modality,
           e.place_rule
    FROM events e JOIN stories s USING (story_id) LEFT JOIN places p ON p.geonameid = e.geonameid
"""


def _mention(row: Sequence) -> Mention:
    return Mention(*row)


@dataclass
class DedupSummary:
    mentions: int = 0  # event mentions in the database
    linked: int = 0  # newly linked this run
    canonical: int = 0  # canonical events in all


def dedup(con, *, rebuild: bool = False, s: Settings | None = None) -> DedupSummary:
    """Link every event mention of the database (a DuckDB connection) to its canonical event and
    rewrite the canonical_events summaries, in one transaction."""
    s = s or settings()
    con.execute("BEGIN TRANSACTION")
    try:
        if rebuild:
            con.execute("DELETE FROM event_links")
        # links of mentions that are gone (a story re-ingested with other events) are dropped
        con.execute("""DELETE FROM event_links l WHERE NOT EXISTS
                       (SELECT 1 FROM events e WHERE e.story_id = l.story_id AND e.event_no = l.event_no)""")
        rows = con.execute(MENTION_SQL + " ORDER BY s.date, e.story_id, e.event_no").fetchall()
        linked_ids = dict(((r[0], r[1]), r[2]) for r in con.execute(
            "SELECT story_id, event_no, canonical_id FROM event_links").fetchall())
        existing: dict[str, Cluster] = {}
        fresh: list[Mention] = []
        for row in rows:
            m = _mention(row)
            cid = linked_ids.get(m.key)
            if cid is None:
                fresh.append(m)
                continue
            c = existing.get(cid)
            if c is None:
                c = existing[cid] = Cluster(cid, m.group(s))
            c.add(m, s)
        clusters = cluster_mentions(fresh, existing.values(), s)
        new_links = [(m.story_id, m.event_no, c.canonical_id) for c in clusters for m in c.mentions
                     if m.key not in linked_ids]
        if new_links:
            con.executemany("INSERT INTO event_links VALUES (?, ?, ?)", new_links)
        con.execute("DELETE FROM canonical_events")
        summaries = [summarize(c) for c in clusters if c.mentions]
        if summaries:
            import pyarrow as pa
            table = pa.Table.from_pylist(summaries)
            con.register("_canonical", table)
            cols = ", ".join(table.column_names)
            con.execute(f"INSERT INTO canonical_events ({cols}) SELECT {cols} FROM _canonical")
            con.unregister("_canonical")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return DedupSummary(mentions=len(rows), linked=len(new_links), canonical=len(summaries))


# ---- the same step on a pandas frame (one block per call), for Spark's groupBy().applyInPandas ----

FRAME_COLUMNS = ["story_id", "event_no", "plover_type", "source_code", "target_code", "date_earliest",
                 "date_latest", "date_basis", "story_date", "date_value", "date_precision", "geonameid",
                 "place_name", "place_country", "feature_class", "lat", "lon", "publisher", "cameo",
                 "source_id", "target_id", "modality", "place_rule"]
LINK_COLUMNS = ["story_id", "event_no", "canonical_id"]


def block_key(plover_type: str) -> str:
    """The blocking key of a mention (the column Spark groups by): its type group."""
    return settings().groups.get(plover_type, plover_type)


def cluster_frame(frame):
    """Mentions of one block (a pandas DataFrame with FRAME_COLUMNS) -> its links (LINK_COLUMNS)."""
    import pandas as pd

    def value(v):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
            return None
        if isinstance(v, pd.Timestamp):
            return v.date()
        if hasattr(v, "item"):  # numpy scalar
            return v.item()
        return v

    mentions = [Mention(*(value(r[c]) for c in FRAME_COLUMNS)) for _, r in frame.iterrows()]
    clusters = cluster_mentions(mentions)
    return pd.DataFrame([(m.story_id, m.event_no, c.canonical_id) for c in clusters for m in c.mentions],
                        columns=LINK_COLUMNS)
