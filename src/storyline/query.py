"""Selecting events, quotes, actors, places and stories: the one query API under the CLI, the web
page and the exports.

    from storyline.query import EventFilter, select_events, count_events, count_by, facet

    f = EventFilter.from_params({"since": "2024-11", "type": "ASSAULT,COERCE/arrest", "actor": "RUS"})
    with Store(db, read_only=True) as st:      # or a duckdb connection
        rows = select_events(st, f)            # Rows(columns=[...], rows=[(...), ...])
        total = count_events(st, f)            # events matching, ignoring limit/offset
        table = count_by(st, ["source_country", "target_country", "month"], f)   # dyad-month counts
        types = facet(st, "plover_type", f)    # [(value, n), ...], most frequent first

Filters are dataclasses (`EventFilter`, `QuoteFilter`, `ActorFilter`, `PlaceFilter`,
`StoryFilter`) whose field names are the query-string parameter names of the web API and the
option names of the CLI (`--since` = `since`). `from_params(mapping)` builds one from strings: empty
values count as absent, list fields take comma-separated values or repeated parameters (a mapping
with `getlist`, such as Starlette's QueryParams), and an unknown name or a bad value raises
`QueryError` (a ValueError) whose message names the parameter. Every value reaches SQL as a bound
parameter; column names come only from the whitelists below (`EVENT_FIELDS`, ...).

Event filters (all optional, combined with AND; a list field matches any of its values):

- `since`, `until`: `2024`, `2024-11` or `2024-11-29` (also `2024-W48`). An event is selected when
  its date interval [date_earliest, date_latest] overlaps [start of since, end of until]; an event
  with no earliest date (a vague past, `PAST_REF`) counts on its latest date, one with neither on
  its story's date.
- `type`: PLOVER type (`ASSAULT`), type and mode (`COERCE/arrest`), or CAMEO code: a code matches
  itself and the codes below it (`17` is the root COERCE, `173` matches 173 and 1731...).
- `quad_class`: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material
  conflict (numbers or those names with `-` or `_`).
- `goldstein_min`, `goldstein_max`, `min_confidence`: inclusive bounds.
- `modality`: asserted, reported, intended, future, hypothetical, question.
- `date_basis`: stated, relative, reported, not stated.
- `actor` (source or target), `source`, `target`: an actor spec, read as
  * two capital letters: an ISO alpha-2 country (`US`): actors of that country;
  * three capital letters that are an ISO alpha-3 country (`RUS`): actors of that country;
  * other capitals, digits and dashes (`RUSMIL`, `---BUS`, `IGOUNO`): that exact CAMEO actor code;
  * anything else: an actor id (`zelenskyy`) exactly, or a case-insensitive part of a name or alias.
- `country`, `source_country`, `target_country`: ISO alpha-3 (or alpha-2) of either actor, the
  source or the target.
- `place`: a GeoNames id (digits, may be negative for storyline's own features) or a part of the
  place name; `place_country`: ISO alpha-3 (or alpha-2) of the event's place.
- `text`: a case-insensitive part of the sentence. `story`: a story id.
- `domain`: political or business (`all`: both).
- `limit`, `offset`; `sort`: field names, `-name` for descending (default: story date, story, event).

`count_by(db, fields, f)` groups the selected events by any of `EVENT_FIELDS` plus the derived
`year`, `month` (`2024-11`), `week` (ISO `2024-W48`) and `day` of the event's start (its earliest
date, else its latest, else its story's date), and `cameo_root`; it returns the fields and `n`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import duckdb

__all__ = ["QueryError", "Rows", "EventFilter", "QuoteFilter", "ActorFilter", "PlaceFilter", "StoryFilter",
           "select_events", "select_canonical_events", "count_events", "count_by", "date_range", "facet", "facets",
           "select_quotes", "count_quotes",
           "select_actors", "select_places", "select_stories", "find_story", "parse_partial_date",
           "EVENT_FIELDS", "EVENT_COLUMNS", "CANONICAL_COLUMNS", "GROUP_FIELDS", "QUOTE_COLUMNS", "ACTOR_COLUMNS", "PLACE_COLUMNS",
           "STORY_COLUMNS", "QUAD_CLASSES", "check_read_only_sql"]


class QueryError(ValueError):
    """A filter value the user gave cannot be used; the message says which and why."""


@dataclass
class Rows:
    columns: list[str]
    rows: list[tuple]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]

    def __len__(self) -> int:
        return len(self.rows)


QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


# ---------------------------------------------------------------- dates

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_partial_date(value: str, name: str = "date") -> tuple[dt.date, dt.date]:
    """`2024` / `2024-11` / `2024-11-29` / `2024-W48` -> the first and last day it covers."""
    v = value.strip()
    try:
        if m := _WEEK.match(v):
            first = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return first, first + dt.timedelta(days=6)
        m = _PARTIAL.match(v)
        if m:
            y = int(m[1])
            if m[3]:
                d = dt.date(y, int(m[2]), int(m[3]))
                return d, d
            if m[2]:
                first = dt.date(y, int(m[2]), 1)
                nxt = dt.date(y + (first.month == 12), first.month % 12 + 1, 1)
                return first, nxt - dt.timedelta(days=1)
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
    except ValueError:
        pass
    raise QueryError(f"{name}: {value!r} is not a date: use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-Www")


# ---------------------------------------------------------------- filters


def _split(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, (list, tuple)) else [value]
    return tuple(p.strip() for item in items for p in str(item).split(",") if p.strip())


class _Filter:
    """Shared by every filter: construction from query-string parameters and paging."""

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def from_params(cls, params: Mapping[str, Any], *, strict: bool = True):
        """Build the filter from string parameters (a query string, CLI options). Unknown names raise
        QueryError when `strict` (the web passes its own paging/format names with strict=False)."""
        hints = typing.get_type_hints(cls)
        known = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key in params:
            if key not in known:
                if strict:
                    raise QueryError(f"unknown filter {key!r}: use one of {', '.join(known)}")
                continue
            raw = params.getlist(key) if hasattr(params, "getlist") else params[key]
            if raw is None or raw == "" or raw == [] or raw == ():
                continue
            values[key] = _convert(key, hints[key], raw)
        return cls(**values)

    def _check_paging(self) -> None:
        # dates are checked when the filter is built, so a bad one is reported before any query
        for name in ("since", "until"):
            v = getattr(self, name, None)
            if v:
                parse_partial_date(v, name)
        for name in ("limit", "offset"):
            v = getattr(self, name)
            if v is not None and v < 0:
                raise QueryError(f"{name}: must be 0 or more, not {v}")

    def params(self) -> dict[str, str]:
        """The filter as query-string parameters (only those set): from_params(f.params()) == f."""
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if v is None or v == () or v == f.default:
                continue
            out[f.name] = ",".join(map(str, v)) if isinstance(v, tuple) else str(v).lower() if isinstance(v, bool) else str(v)
        return out


def _convert(name: str, hint: Any, raw: Any) -> Any:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    base = args[0] if typing.get_origin(hint) in (typing.Union, types.UnionType) and args else hint
    if typing.get_origin(base) is tuple:
        return _split(raw)
    if isinstance(raw, (list, tuple)):
        if len(raw) != 1:
            raise QueryError(f"{name}: give one value, not {len(raw)}")
        raw = raw[0]
    if isinstance(raw, str):
        raw = raw.strip()
    try:
        if base is bool:
            if isinstance(raw, bool):
                return raw
            low = str(raw).lower()
            if low in ("1", "true", "yes", "on"):
                return True
            if low in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if base is int:
            return int(raw)
        if base is float:
            return float(raw)
    except (TypeError, ValueError):
        raise QueryError(f"{name}: {raw!r} is not a {base.__name__}") from None
    return str(raw)


@dataclass
class EventFilter(_Filter):
    since: str | None = None
    until: str | None = None
    type: tuple[str, ...] = ()
    quad_class: tuple[str, ...] = ()
    goldstein_min: float | None = None
    goldstein_max: float | None = None
    modality: tuple[str, ...] = ()
    date_basis: tuple[str, ...] = ()
    min_confidence: float | None = None
    actor: str | None = None
    source: str | None = None
    target: str | None = None
    country: tuple[str, ...] = ()
    source_country: tuple[str, ...] = ()
    target_country: tuple[str, ...] = ()
    place: str | None = None
    place_country: tuple[str, ...] = ()
    text: str | None = None
    story: str | None = None
    domain: tuple[str, ...] = ()
    limit: int | None = None
    offset: int | None = None
    sort: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("type", "quad_class", "modality", "date_basis", "country", "source_country", "target_country",
                     "place_country", "domain", "sort"):
            v = getattr(self, name)
            if isinstance(v, (str, int)):
                setattr(self, name, _split(v))
            elif isinstance(v, list):
                setattr(self, name, tuple(str(x) for x in v))
        self._check_paging()


@dataclass
class QuoteFilter(_Filter):
    since: str | None = None  # on the speech date where stated, else the story's date
    until: str | None = None
    speaker: str | None = None  # an actor spec, as for events
    direct: bool | None = None
    text: str | None = None
    cue: tuple[str, ...] = ()
    story: str | None = None
    limit: int | None = None
    offset: int | None = None
    sort: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("cue", "sort"):
            if isinstance(getattr(self, name), str):
                setattr(self, name, _split(getattr(self, name)))
        self._check_paging()


@dataclass
class ActorFilter(_Filter):
    actor: str | None = None  # an actor spec, as for events
    kind: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    story: str | None = None  # actors mentioned in this story
    limit: int | None = None
    offset: int | None = None
    sort: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("kind", "country", "sort"):
            if isinstance(getattr(self, name), str):
                setattr(self, name, _split(getattr(self, name)))
        self._check_paging()


@dataclass
class PlaceFilter(_Filter):
    place: str | None = None  # GeoNames id or part of the name
    country: tuple[str, ...] = ()
    story: str | None = None  # places mentioned in this story
    limit: int | None = None
    offset: int | None = None
    sort: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("country", "sort"):
            if isinstance(getattr(self, name), str):
                setattr(self, name, _split(getattr(self, name)))
        self._check_paging()


@dataclass
class StoryFilter(_Filter):
    since: str | None = None
    until: str | None = None
    text: str | None = None  # part of the title or text
    source: str | None = None  # part of the publisher name
    story: str | None = None  # an id: exact, else a prefix
    limit: int | None = None
    offset: int | None = None
    sort: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.sort, str):
            self.sort = _split(self.sort)
        self._check_paging()


# ---------------------------------------------------------------- SQL pieces


def _con(db):
    """A Store or a duckdb connection -> the connection."""
    return getattr(db, "con", db)


@lru_cache(maxsize=1)
def _country_codes() -> tuple[frozenset[str], dict[str, str]]:
    from .kb import countries

    c = countries()
    return frozenset(c.by_alpha3), dict(c.by_alpha2)


def _country_list_sql() -> str:
    # constants from the shipped kb (checked to be three capitals), not user input
    codes = sorted(c for c in _country_codes()[0] if re.fullmatch(r"[A-Z]{3}", c))
    # a subquery, not a literal list: DuckDB compares a value with a 250-item IN list item by item
    # but makes a subquery a hash semi-join (a source_country facet over 100,000 events: 102 -> 25 ms)
    return "(SELECT unnest([" + ", ".join(f"'{c}'" for c in codes) + "]))"


def _country(value: str, name: str) -> str:
    alpha3, alpha2 = _country_codes()
    v = value.strip().upper()
    if len(v) == 2 and v in alpha2:
        return alpha2[v]
    if v in alpha3:
        return v
    raise QueryError(f"{name}: {value!r} is not an ISO 3166 country code (alpha-3 such as RUS, or alpha-2 such as RU)")


def _countries(values: Sequence[str], name: str) -> list[str]:
    return [_country(v, name) for v in values]


_JOINS = (("s", "JOIN stories s ON s.story_id = e.story_id"),
          ("src", "LEFT JOIN actors src ON src.actor_id = e.source_id"),
          ("tgt", "LEFT JOIN actors tgt ON tgt.actor_id = e.target_id"),
          ("p", "LEFT JOIN places p ON p.geonameid = e.geonameid"))
_EVENTS_FROM = "events e " + "\n    ".join(join for _, join in _JOINS)


def _events_from(*sql: str, base: str = "events e") -> str:
    """`base` with only the joins that the given SQL pieces use (by table alias). Leaving the others
    out changes no row: actors and places are joined by their keys (at most one row each, LEFT
    JOIN), and every event is written in one transaction with its story. A count over 100,000
    events takes ~2 ms alone and ~80 ms with all four joins."""
    used = " ".join(sql)
    return " ".join([base, *(join for alias, join in _JOINS if re.search(rf"\b{alias}\.", used))])

_START = "coalesce(e.date_earliest, e.date_latest, s.date)"
_END = "coalesce(e.date_latest, e.date_earliest, s.date)"


def _event_fields() -> dict[str, str]:
    countries = _country_list_sql()
    return {
        "story_id": "e.story_id", "event_no": "e.event_no", "story_date": "s.date",
        "date_value": "e.date_value", "date_precision": "e.date_precision", "date_basis": "e.date_basis",
        "date_earliest": "e.date_earliest", "date_latest": "e.date_latest",
        "plover_type": "e.plover_type", "plover_mode": "e.plover_mode", "cameo": "e.cameo",
        "cameo_root": "left(e.cameo, 2)", "goldstein": "e.goldstein", "quad_class": "e.quad_class",
        "source_id": "e.source_id", "source_name": "src.name", "source_code": "e.source_code",
        "source_country": f"CASE WHEN src.country IN {countries} THEN src.country END",
        "source_role": "src.role", "source_kind": "src.kind",
        "target_id": "e.target_id", "target_name": "tgt.name", "target_code": "e.target_code",
        "target_country": f"CASE WHEN tgt.country IN {countries} THEN tgt.country END",
        "target_role": "tgt.role", "target_kind": "tgt.kind",
        "geonameid": "e.geonameid", "place_name": "e.place_name", "place_country": "p.country",
        "admin1": "p.admin1", "admin2": "p.admin2", "feature_code": "p.feature_code",
        "lat": "p.lat", "lon": "p.lon", "place_rule": "e.place_rule",
        "trigger": "e.trigger", "trigger_start": "e.trigger_start", "modality": "e.modality",
        "confidence": "e.confidence", "context": "e.context", "quote_no": "e.quote_no",
        "sentence": "e.sentence", "sentence_start": "e.sentence_start", "sentence_end": "e.sentence_end",
        "story_title": "s.title", "story_url": "s.url", "story_source": "s.source",
    }


# Derived fields for grouping (count_by, facet) and sorting, besides every event column.
_DERIVED = {"year": f"strftime({_START}, '%Y')", "month": f"strftime({_START}, '%Y-%m')",
            "week": f"strftime({_START}, '%G-W%V')", "day": f"strftime({_START}, '%Y-%m-%d')"}

EVENT_FIELDS: dict[str, str] = _event_fields()
EVENT_COLUMNS: list[str] = [*EVENT_FIELDS, "domain"]
GROUP_FIELDS: list[str] = [*EVENT_COLUMNS, *_DERIVED]


def _has_column(con, table: str, column: str) -> bool:
    # a LIMIT 0 select binds the column without reading a row: ~0.5 ms, where information_schema
    # takes ~5 ms, and every listing asks this once per query
    try:
        con.execute(f'SELECT "{column}" FROM {table} LIMIT 0')
    except duckdb.BinderException:
        return False
    return True


def _fields(con) -> dict[str, str]:
    fields = dict(EVENT_FIELDS)
    # a database from before the domain column (read-only, so not migrated) holds political events
    # only: migration 4 gives every existing event the default 'political'
    fields["domain"] = "e.domain" if _has_column(con, "events", "domain") else "'political'"
    return fields


def _actor_condition(spec: str, roles: Sequence[str], name: str) -> tuple[str, list]:
    """SQL matching an actor spec in the given roles (source, target); see the module docstring."""
    spec = spec.strip()
    alpha3, alpha2 = _country_codes()
    alias = {"source": ("e.source_id", "e.source_code", "src"), "target": ("e.target_id", "e.target_code", "tgt")}
    parts, params = [], []
    for role in roles:
        id_col, code_col, a = alias[role]
        if re.fullmatch(r"[A-Z]{2}", spec) and spec in alpha2:
            parts.append(f"{a}.country = ?")
            params.append(alpha2[spec])
        elif re.fullmatch(r"[A-Z]{3}", spec) and spec in alpha3:
            parts.append(f"{a}.country = ?")
            params.append(spec)
        elif re.fullmatch(r"[A-Z0-9-]{3,}", spec):
            parts.append(f"{code_col} = ?")
            params.append(spec)
        elif spec:
            parts.append(f"({id_col} = ? OR {a}.name ILIKE ? OR {id_col} IN "
                         "(SELECT actor_id FROM actor_aliases WHERE alias ILIKE ?))")
            params += [spec, f"%{spec}%", f"%{spec}%"]
        else:
            raise QueryError(f"{name}: empty actor")
    return "(" + " OR ".join(parts) + ")", params


def _quad(value: str) -> int:
    v = value.strip().lower().replace("-", " ").replace("_", " ")
    if v.isdigit() and int(v) in QUAD_CLASSES:
        return int(v)
    for k, label in QUAD_CLASSES.items():
        if v == label:
            return k
    raise QueryError(f"quad_class: {value!r}: use 1-4 or " + ", ".join(l.replace(' ', '-') for l in QUAD_CLASSES.values()))


def _type_condition(tokens: Sequence[str]) -> tuple[str, list]:
    parts, params = [], []
    for t in tokens:
        if t.isdigit():
            parts.append("e.cameo LIKE ?")
            params.append(f"{t}%")
        elif "/" in t:
            kind, mode = t.split("/", 1)
            parts.append("(upper(e.plover_type) = ? AND lower(e.plover_mode) = ?)")
            params += [kind.strip().upper(), mode.strip().lower()]
        elif re.fullmatch(r"[A-Za-z_]+", t):
            parts.append("upper(e.plover_type) = ?")
            params.append(t.upper())
        else:
            raise QueryError(f"type: {t!r}: use a PLOVER type (ASSAULT), TYPE/mode (COERCE/arrest) or a CAMEO code (17)")
    return "(" + " OR ".join(parts) + ")", params


def _place_condition(value: str, id_col: str, name_col: str) -> tuple[str, list]:
    v = value.strip()
    if re.fullmatch(r"-?\d+", v):
        return f"{id_col} = ?", [int(v)]
    return f"{name_col} ILIKE ?", [f"%{v}%"]


def _in(expr: str, values: Sequence) -> tuple[str, list]:
    return f"{expr} IN ({', '.join('?' for _ in values)})", list(values)


def _event_where(f: EventFilter, fields: dict[str, str]) -> tuple[str, list]:
    where: list[str] = []
    params: list = []

    def add(sql: str, ps: Sequence = ()) -> None:
        where.append(sql)
        params.extend(ps)

    if f.since:
        add(f"{_END} >= ?", [parse_partial_date(f.since, "since")[0]])
    if f.until:
        add(f"{_START} <= ?", [parse_partial_date(f.until, "until")[1]])
    if f.since and f.until and parse_partial_date(f.since)[0] > parse_partial_date(f.until)[1]:
        raise QueryError(f"since {f.since} is after until {f.until}")
    if f.type:
        add(*_type_condition(f.type))
    if f.quad_class:
        add(*_in("e.quad_class", [_quad(q) for q in f.quad_class]))
    if f.goldstein_min is not None:
        add("e.goldstein >= ?", [f.goldstein_min])
    if f.goldstein_max is not None:
        add("e.goldstein <= ?", [f.goldstein_max])
    if f.modality:
        add(*_in("lower(e.modality)", [m.lower() for m in f.modality]))
    if f.date_basis:
        add(*_in("lower(e.date_basis)", [m.lower() for m in f.date_basis]))
    if f.min_confidence is not None:
        add("e.confidence >= ?", [f.min_confidence])
    if f.actor:
        add(*_actor_condition(f.actor, ("source", "target"), "actor"))
    if f.source:
        add(*_actor_condition(f.source, ("source",), "source"))
    if f.target:
        add(*_actor_condition(f.target, ("target",), "target"))
    if f.country:
        cs = _countries(f.country, "country")
        s_sql, s_p = _in(fields["source_country"], cs)
        t_sql, t_p = _in(fields["target_country"], cs)
        add(f"({s_sql} OR {t_sql})", s_p + t_p)
    if f.source_country:
        add(*_in(fields["source_country"], _countries(f.source_country, "source_country")))
    if f.target_country:
        add(*_in(fields["target_country"], _countries(f.target_country, "target_country")))
    if f.place:
        add(*_place_condition(f.place, "e.geonameid", "e.place_name"))
    if f.place_country:
        add(*_in("p.country", _countries(f.place_country, "place_country")))
    if f.text:
        add("e.sentence ILIKE ?", [f"%{f.text.strip()}%"])
    if f.story:
        add("e.story_id = ?", [f.story.strip()])
    if f.domain and "all" not in [d.lower() for d in f.domain]:
        add(*_in(f"lower({fields['domain']})", [d.lower() for d in f.domain]))
    return (" WHERE " + " AND ".join(where)) if where else "", params


def _order(sort: Sequence[str], fields: Mapping[str, str], default: str) -> str:
    keys = []
    for s in sort:
        desc = s.startswith("-")
        name = s.lstrip("-+").strip()
        if name not in fields:
            raise QueryError(f"sort: unknown field {name!r}: use one of {', '.join(fields)}")
        keys.append(f"{fields[name]} {'DESC' if desc else 'ASC'} NULLS LAST")
    return " ORDER BY " + ", ".join([*keys, default])


def _page(f) -> tuple[str, list]:
    sql, params = "", []
    if f.limit is not None:
        sql += " LIMIT ?"
        params.append(f.limit)
    if f.offset:
        sql += (" LIMIT NULL" if f.limit is None else "") + " OFFSET ?"
        params.append(f.offset)
    return sql, params


def _run(con, sql: str, params: Sequence) -> Rows:
    cur = con.execute(sql, list(params))
    return Rows([d[0] for d in cur.description], cur.fetchall())


def _pick(columns: Sequence[str] | None, fields: Mapping[str, str], default: Sequence[str]) -> list[str]:
    names = list(columns) if columns else list(default)
    for n in names:
        if n not in fields:
            raise QueryError(f"unknown column {n!r}: use one of {', '.join(fields)}")
    return names


# ---------------------------------------------------------------- events


def select_events(db, f: EventFilter | None = None, columns: Sequence[str] | None = None) -> Rows:
    """The events matching `f`, with `columns` (default: EVENT_COLUMNS), in `f.sort` order, then
    by story date, story, event."""
    con = _con(db)
    f = f or EventFilter()
    fields = _fields(con)
    names = _pick(columns, {**fields, **_DERIVED}, list(fields))
    where, params = _event_where(f, fields)
    sel = ", ".join(f'{({**fields, **_DERIVED})[n]} AS "{n}"' for n in names)
    order = _order(f.sort, {**fields, **_DERIVED}, "s.date, e.story_id, e.event_no")
    page, page_params = _page(f)
    return _run(con, f"SELECT {sel} FROM {_events_from(sel, where, order)}{where}{order}{page}", params + page_params)


# Canonical events (storyline/dedup.py): one row per real-world event, with its counts of reports.
CANONICAL_FIELDS: dict[str, str] = {
    "canonical_id": "c.canonical_id", "plover_type": "c.plover_type", "cameo": "c.cameo",
    "source_code": "c.source_code", "source_name": "src.name", "target_code": "c.target_code",
    "target_name": "tgt.name", "date_value": "c.date_value", "date_earliest": "c.date_earliest",
    "date_latest": "c.date_latest", "date_basis": "c.date_basis", "geonameid": "c.geonameid",
    "place_name": "c.place_name", "first_report": "c.first_report", "last_report": "c.last_report",
    "n_mentions": "c.n_mentions", "n_stories": "c.n_stories", "n_sources": "c.n_sources",
}
CANONICAL_COLUMNS: list[str] = list(CANONICAL_FIELDS)


def select_canonical_events(db, f: EventFilter | None = None, columns: Sequence[str] | None = None) -> Rows:
    """Canonical events with at least one mention matching `f` (the event filters apply to the
    mentions, so `type`, `actor`, `since`... mean the same as for select_events), in `f.sort` order,
    then by first report."""
    con = _con(db)
    f = f or EventFilter()
    names = _pick(columns, CANONICAL_FIELDS, CANONICAL_COLUMNS)
    where, params = _event_where(f, _fields(con))
    sel = ", ".join(f'{CANONICAL_FIELDS[n]} AS "{n}"' for n in names)
    order = _order(f.sort, CANONICAL_FIELDS, "c.first_report, c.canonical_id")
    page, page_params = _page(f)
    matching = f"SELECT l.canonical_id FROM {_EVENTS_FROM} JOIN event_links l ON l.story_id = e.story_id AND l.event_no = e.event_no{where}"
    return _run(con, f"SELECT {sel} FROM canonical_events c LEFT JOIN actors src ON src.actor_id = c.source_id "
                     f"LEFT JOIN actors tgt ON tgt.actor_id = c.target_id "
                     f"WHERE c.canonical_id IN ({matching}){order}{page}", params + page_params)


def count_events(db, f: EventFilter | None = None) -> int:
    """How many events match `f` (its limit and offset ignored)."""
    con = _con(db)
    where, params = _event_where(f or EventFilter(), _fields(con))
    return con.execute(f"SELECT count(*) FROM {_events_from(where)}{where}", params).fetchall()[0][0]


def date_range(db, f: EventFilter | None = None) -> tuple[dt.date | None, dt.date | None]:
    """The first and last start dates (as count_by's `day`) of the events matching `f`: a chart
    picks its unit from them before counting (None, None when nothing matches)."""
    con = _con(db)
    where, params = _event_where(f or EventFilter(), _fields(con))
    return tuple(con.execute(f"SELECT min({_START}), max({_START}) FROM {_events_from(_START, where)}{where}",
                             params).fetchall()[0])


def count_by(db, by: Sequence[str] | str, f: EventFilter | None = None) -> Rows:
    """Events matching `f` counted by the given fields (e.g. source_country, target_country, month):
    columns are the fields and `n`, ordered by the fields (f.sort may order by `n` or a field). The
    filter's limit and offset page the groups."""
    con = _con(db)
    f = f or EventFilter()
    fields = {**_fields(con), **_DERIVED}
    names = _split(by) if isinstance(by, str) else list(by)
    if not names:
        raise QueryError("by: name at least one field")
    for n in names:
        if n not in fields:
            raise QueryError(f"by: unknown field {n!r}: use one of {', '.join(fields)}")
    where, params = _event_where(f, _fields(con))
    sel = ", ".join(f'{fields[n]} AS "{n}"' for n in names)
    groups = ", ".join(str(i + 1) for i in range(len(names)))
    order_fields = {n: f'"{n}"' for n in names} | {"n": "n"}
    order = _order(f.sort, order_fields, ", ".join(f"{i + 1} NULLS LAST" for i in range(len(names))))
    page, page_params = _page(f)
    return _run(con, f"SELECT {sel}, count(*) AS n FROM {_events_from(sel, where)}{where} GROUP BY {groups}{order}{page}",
                params + page_params)


def facet(db, name: str, f: EventFilter | None = None, top: int = 20) -> list[tuple[Any, int]]:
    """The `top` most frequent values of one field among the events matching `f`, with counts."""
    f = dataclasses.replace(f or EventFilter(), sort=("-n",), limit=top, offset=None)
    return count_by(db, [name], f).rows


def facets(db, names: Sequence[str], f: EventFilter | None = None, top: int = 20) -> dict[str, list[tuple[Any, int]]]:
    """facet() for several fields at once: {name: [(value, n), ...]}, each the `top` most frequent
    values (ties by value). One pass over the joined events (GROUPING SETS) instead of one per field:
    seven facets over 100,000 events take about the time of one."""
    con = _con(db)
    f = f or EventFilter()
    fields = {**_fields(con), **_DERIVED}
    names = list(dict.fromkeys(names))
    for n in names:
        if n not in fields:
            raise QueryError(f"unknown field {n!r}: use one of {', '.join(fields)}")
    if not names:
        return {}
    where, params = _event_where(dataclasses.replace(f, limit=None, offset=None, sort=()), _fields(con))
    sel = ", ".join(f'{fields[n]} AS "{n}", GROUPING("{n}") AS "g_{n}"' for n in names)
    sets = ", ".join(f'("{n}")' for n in names)
    rows = con.execute(f"SELECT {sel}, count(*) AS n FROM {_events_from(sel, where)}{where} GROUP BY GROUPING SETS ({sets})",
                       params).fetchall()
    out: dict[str, list[tuple[Any, int]]] = {n: [] for n in names}
    for row in rows:
        for i, n in enumerate(names):
            if row[2 * i + 1] == 0:  # grouped by this field in this row's set
                out[n].append((row[2 * i], row[-1]))
    return {n: sorted(vals, key=lambda vn: (-vn[1], vn[0] is None, vn[0] if vn[0] is not None else 0))[:top]
            for n, vals in out.items()}


# ---------------------------------------------------------------- quotes, actors, places, stories

_QUOTES_FROM = """quotes q JOIN stories s ON s.story_id = q.story_id
    LEFT JOIN actors a ON a.actor_id = q.speaker_id"""
QUOTE_FIELDS: dict[str, str] = {
    "story_id": "q.story_id", "quote_no": "q.quote_no", "story_date": "s.date",
    # a quote with no stated speech date was said on its story's date (news reports the day's words)
    "speech_date": "coalesce(q.speech_date, strftime(s.date, '%Y-%m-%d'))",
    "speech_date_basis": "CASE WHEN q.speech_date IS NULL THEN 'story' ELSE 'stated' END",
    "speaker_id": "q.speaker_id", "speaker_name": "a.name", "speaker_code": "a.code",
    "speaker_text": "q.speaker_text", "speaker_description": "q.speaker_description", "cue": "q.cue",
    "addressee": "q.addressee", "direct": "q.direct", "text": "q.text", "start": "q.start", "end": 'q."end"',
    "story_title": "s.title", "story_url": "s.url",
}
QUOTE_COLUMNS = list(QUOTE_FIELDS)


def _actor_spec(spec: str, id_col: str, extra_text: str | None = None) -> tuple[str, list]:
    """The condition on the actor table `a` for an actor spec: a two- or three-letter country
    code, an actor code (USAGOV), else an id, a part of its name or of an alias (and of
    `extra_text`, e.g. the speaker as written)."""
    spec = spec.strip()
    alpha3, alpha2 = _country_codes()
    if re.fullmatch(r"[A-Z]{2}", spec) and spec in alpha2:
        return "a.country = ?", [alpha2[spec]]
    if re.fullmatch(r"[A-Z]{3}", spec) and spec in alpha3:
        return "a.country = ?", [spec]
    if re.fullmatch(r"[A-Z0-9-]{3,}", spec):
        return "a.code = ?", [spec]
    text = f" OR {extra_text} ILIKE ?" if extra_text else ""
    return (f"({id_col} = ? OR a.name ILIKE ?{text} OR {id_col} IN (SELECT actor_id FROM actor_aliases WHERE alias ILIKE ?))",
            [spec] + [f"%{spec}%"] * (3 if extra_text else 2))


def _quote_where(f: QuoteFilter) -> tuple[str, list]:
    where, params = [], []
    # a quote's date: its speech date where that is a calendar date, else its story's date
    when = "coalesce(try_cast(left(q.speech_date, 10) AS DATE), s.date)"
    if f.since:
        where.append(f"{when} >= ?")
        params.append(parse_partial_date(f.since, "since")[0])
    if f.until:
        where.append(f"{when} <= ?")
        params.append(parse_partial_date(f.until, "until")[1])
    if f.speaker:
        w, p = _actor_spec(f.speaker, "q.speaker_id", extra_text="q.speaker_text")
        where.append(w)
        params += p
    if f.direct is not None:
        where.append("q.direct = ?")
        params.append(f.direct)
    if f.text:
        where.append("q.text ILIKE ?")
        params.append(f"%{f.text.strip()}%")
    if f.cue:
        w, p = _in("lower(q.cue)", [c.lower() for c in f.cue])
        where.append(w)
        params += p
    if f.story:
        where.append("q.story_id = ?")
        params.append(f.story.strip())
    return (" WHERE " + " AND ".join(where)) if where else "", params


def select_quotes(db, f: QuoteFilter | None = None, columns: Sequence[str] | None = None) -> Rows:
    con = _con(db)
    f = f or QuoteFilter()
    names = _pick(columns, QUOTE_FIELDS, QUOTE_COLUMNS)
    where, params = _quote_where(f)
    sel = ", ".join(f'{QUOTE_FIELDS[n]} AS "{n}"' for n in names)
    page, pp = _page(f)
    return _run(con, f"SELECT {sel} FROM {_QUOTES_FROM}{where}"
                     f"{_order(f.sort, QUOTE_FIELDS, 's.date, q.story_id, q.quote_no')}{page}", params + pp)


def count_quotes(db, f: QuoteFilter | None = None) -> int:
    con = _con(db)
    where, params = _quote_where(f or QuoteFilter())
    return con.execute(f"SELECT count(*) FROM {_QUOTES_FROM}{where}", params).fetchall()[0][0]


ACTOR_FIELDS: dict[str, str] = {
    "actor_id": "a.actor_id", "name": "a.name", "code": "a.code", "kind": "a.kind", "country": "a.country",
    "role": "a.role", "description": "a.description",
    "aliases": "(SELECT string_agg(alias, '; ' ORDER BY alias) FROM actor_aliases x "
               "WHERE x.actor_id = a.actor_id AND x.alias <> a.name)",
    "mentions": "(SELECT count(*) FROM mentions m WHERE m.actor_id = a.actor_id)",
    "stories": "(SELECT count(DISTINCT story_id) FROM mentions m WHERE m.actor_id = a.actor_id)",
    "events_as_source": "(SELECT count(*) FROM events e WHERE e.source_id = a.actor_id)",
    "events_as_target": "(SELECT count(*) FROM events e WHERE e.target_id = a.actor_id)",
    "quotes": "(SELECT count(*) FROM quotes q WHERE q.speaker_id = a.actor_id)",
}
ACTOR_COLUMNS = list(ACTOR_FIELDS)


def select_actors(db, f: ActorFilter | None = None, columns: Sequence[str] | None = None) -> Rows:
    con = _con(db)
    f = f or ActorFilter()
    names = _pick(columns, ACTOR_FIELDS, ACTOR_COLUMNS)
    where, params = [], []
    if f.actor:
        w, p = _actor_spec(f.actor, "a.actor_id")
        where.append(w)
        params += p
    if f.kind:
        w, p = _in("a.kind", [k.lower() for k in f.kind])
        where.append(w)
        params += p
    if f.country:
        w, p = _in("a.country", _countries(f.country, "country"))
        where.append(w)
        params += p
    if f.story:
        where.append("a.actor_id IN (SELECT actor_id FROM mentions WHERE story_id = ?)")
        params.append(f.story.strip())
    sel = ", ".join(f'{ACTOR_FIELDS[n]} AS "{n}"' for n in names)
    w = (" WHERE " + " AND ".join(where)) if where else ""
    page, pp = _page(f)
    order = _order(f.sort, ACTOR_FIELDS, f"{ACTOR_FIELDS['mentions']} DESC, a.name, a.actor_id")
    return _run(con, f"SELECT {sel} FROM actors a{w}{order}{page}", params + pp)


PLACE_FIELDS: dict[str, str] = {
    "geonameid": "p.geonameid", "name": "p.name", "country": "p.country", "admin1": "p.admin1",
    "admin2": "p.admin2", "feature_class": "p.feature_class", "feature_code": "p.feature_code",
    "lat": "p.lat", "lon": "p.lon", "population": "p.population",
    "mentions": "(SELECT count(*) FROM place_mentions m WHERE m.geonameid = p.geonameid)",
    "events": "(SELECT count(*) FROM events e WHERE e.geonameid = p.geonameid)",
}
PLACE_COLUMNS = list(PLACE_FIELDS)


def select_places(db, f: PlaceFilter | None = None, columns: Sequence[str] | None = None) -> Rows:
    con = _con(db)
    f = f or PlaceFilter()
    names = _pick(columns, PLACE_FIELDS, PLACE_COLUMNS)
    where, params = [], []
    if f.place:
        w, p = _place_condition(f.place, "p.geonameid", "p.name")
        where.append(w)
        params += p
    if f.country:
        w, p = _in("p.country", _countries(f.country, "country"))
        where.append(w)
        params += p
    if f.story:
        where.append("p.geonameid IN (SELECT geonameid FROM place_mentions WHERE story_id = ? "
                     "UNION SELECT geonameid FROM events WHERE story_id = ?)")
        params += [f.story.strip()] * 2
    sel = ", ".join(f'{PLACE_FIELDS[n]} AS "{n}"' for n in names)
    w = (" WHERE " + " AND ".join(where)) if where else ""
    page, pp = _page(f)
    order = _order(f.sort, PLACE_FIELDS, f"{PLACE_FIELDS['events']} DESC, {PLACE_FIELDS['mentions']} DESC, p.geonameid")
    return _run(con, f"SELECT {sel} FROM places p{w}{order}{page}", params + pp)


STORY_FIELDS: dict[str, str] = {
    "story_id": "s.story_id", "date": "s.date", "title": "s.title", "url": "s.url", "source": "s.source",
    "origin_file": "s.origin_file", "origin_line": "s.origin_line", "n_chars": "s.n_chars",
    "events": "(SELECT count(*) FROM events e WHERE e.story_id = s.story_id)",
    "quotes": "(SELECT count(*) FROM quotes q WHERE q.story_id = s.story_id)",
    "text": "s.text", "ingested_at": "s.ingested_at", "kb_version": "s.kb_version",
}
STORY_COLUMNS = list(STORY_FIELDS)


def select_stories(db, f: StoryFilter | None = None, columns: Sequence[str] | None = None) -> Rows:
    con = _con(db)
    f = f or StoryFilter()
    names = _pick(columns, STORY_FIELDS, STORY_COLUMNS)
    where, params = [], []
    if f.since:
        where.append("s.date >= ?")
        params.append(parse_partial_date(f.since, "since")[0])
    if f.until:
        where.append("s.date <= ?")
        params.append(parse_partial_date(f.until, "until")[1])
    if f.text:
        where.append("(s.title ILIKE ? OR s.text ILIKE ?)")
        params += [f"%{f.text.strip()}%"] * 2
    if f.source:
        where.append("s.source ILIKE ?")
        params.append(f"%{f.source.strip()}%")
    if f.story:
        sid = find_story(con, f.story)
        where.append("s.story_id = ?")
        params.append(sid)
    sel = ", ".join(f'{STORY_FIELDS[n]} AS "{n}"' for n in names)
    w = (" WHERE " + " AND ".join(where)) if where else ""
    page, pp = _page(f)
    return _run(con, f"SELECT {sel} FROM stories s{w}{_order(f.sort, STORY_FIELDS, 's.date, s.story_id')}{page}",
                params + pp)


READ_ONLY_STATEMENTS = frozenset({"SELECT", "EXPLAIN", "PRAGMA"})  # DuckDB statement types (DESCRIBE, SHOW,
# SUMMARIZE and WITH parse as SELECT)


def check_read_only_sql(db, sql: str) -> None:
    """The guard of `storyline sql` and the web's SQL page: QueryError unless every statement in
    `sql` only reads, or with DuckDB's own message when it does not parse. The connection should be
    read-only anyway: this is for a clear message, not the safety."""
    con = _con(db)
    try:
        statements = con.extract_statements(sql)
    except Exception as e:  # duckdb.ParserException: the message and its caret are what the user needs
        raise QueryError(str(e)) from None
    kinds = [s.type.name for s in statements]
    if not statements or any(k not in READ_ONLY_STATEMENTS for k in kinds):
        raise QueryError("only read-only queries (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE) are allowed, not "
                         + (", ".join(k for k in kinds if k not in READ_ONLY_STATEMENTS) or "an empty query"))


def find_story(db, story_id: str) -> str:
    """The id of the story `story_id` names: that exact id, else the one story whose id starts with
    it. QueryError when there is none or the prefix is ambiguous."""
    con = _con(db)
    sid = story_id.strip()
    if con.execute("SELECT count(*) FROM stories WHERE story_id = ?", [sid]).fetchall()[0][0]:
        return sid
    found = [r[0] for r in con.execute("SELECT story_id FROM stories WHERE starts_with(story_id, ?) "
                                       "ORDER BY story_id LIMIT 6", [sid]).fetchall()]
    if not found:
        raise QueryError(f"no story has the id {sid!r} (or an id starting with it)")
    if len(found) > 1:
        n = con.execute("SELECT count(*) FROM stories WHERE starts_with(story_id, ?)", [sid]).fetchall()[0][0]
        raise QueryError(f"{n} stories have ids starting with {sid!r} ({', '.join(found[:5])}"
                         f"{', ...' if n > 5 else ''}): give more of the id")
    return found[0]
