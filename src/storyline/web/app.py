"""`storyline serve`: pages and a JSON API over the database, thin over storyline.query.

Every page's URL carries its filters (the query-string names are storyline.query's filter names,
the CLI's option names), so a view can be shared. All reads go through a SnapshotReader: read-only,
no file access from SQL, a timeout on every statement. Nothing from a request names a file.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import logging
import math
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.middleware.gzip import GZipMiddleware
from starlette.templating import Jinja2Templates

from .. import query
from ..query import EventFilter, QueryError
from . import palette, timeline
from .markup import Mark, pieces, to_html
from .reader import DatabaseUnavailable, QueryTimeout, SnapshotReader

log = logging.getLogger("storyline.web")

HERE = Path(__file__).parent
PAGE_SIZES = (25, 50, 100, 200)
API_MAX_LIMIT = 1000  # rows per API page
DOWNLOAD_MAX_ROWS = 1_000_000  # rows in one CSV/JSON/GeoJSON download
MAP_EVENT_MARKERS = 3000  # up to this many located events the map draws one marker each; above, one per place
SQL_MAX_ROWS = 1000
FACETS = ("plover_type", "quad_class", "modality", "source_country", "target_country", "place_country",
          "date_basis")
DEFAULT_DOMAIN = "political"  # the events `storyline events` lists unless told otherwise
# Names a page or the API takes besides the event filter's own.
PAGE_PARAMS = {"page", "per_page", "unit", "by"}
# Table columns a header click may sort by: shown name -> query field.
SORTABLE = {"date": "date_earliest", "event": "plover_type", "source": "source_name", "target": "target_name",
            "place": "place_name", "modality": "modality", "goldstein": "goldstein"}
TABLE_COLUMNS = ["story_id", "event_no", "story_date", "story_title", "date_value", "date_precision", "date_basis",
                 "plover_type", "plover_mode", "cameo", "quad_class", "goldstein", "source_id", "source_name",
                 "source_code", "target_id", "target_name", "target_code", "geonameid", "place_name",
                 "place_country", "lat", "lon", "modality", "trigger", "trigger_start", "sentence_start", "sentence"]
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


class BadRequest(ValueError):
    pass


def create_app(db: str | Path, *, reader: SnapshotReader | None = None, wait_seconds: float = 30.0,
               statement_timeout: float = 10.0, follow: bool = True) -> FastAPIOffline:
    """The web app over `db`. `follow`: refresh the snapshot when the file changes (off in tests that
    want a fixed view)."""
    reader = reader or SnapshotReader(db, statement_timeout=statement_timeout)

    @asynccontextmanager
    async def lifespan(app):
        try:
            reader.wait_ready(wait_seconds)
        except DatabaseUnavailable as e:
            log.warning("%s", e)  # pages say so and retry; the snapshot thread keeps trying
        if follow:
            reader.start()
        yield
        reader.close()

    app = FastAPIOffline(title="storyline", version=_version(), lifespan=lifespan,
                         description="Events, quotes, actors and places from dated news stories. Every list takes "
                                     "the filters of `storyline events` as query parameters.",
                         static_url="/static/docs")
    app.state.reader = reader
    app.add_middleware(GZipMiddleware, minimum_size=2000)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    env = Environment(loader=PackageLoader("storyline.web", "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(palette=palette, quote=quote, page_sizes=PAGE_SIZES, sortable=SORTABLE,
                       plover_types=palette.PLOVER_TYPES, quad_classes=palette.QUAD_CLASSES)
    env.filters["url"] = lambda s: quote(str(s), safe="")
    env.filters["num"] = lambda n: f"{n:,}" if isinstance(n, int) else n
    templates = Jinja2Templates(env=env)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        if not request.url.path.startswith("/docs"):  # Swagger UI starts itself with an inline script
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    # ---------------------------------------------------------------- errors, said plainly
    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def error(request: Request, status: int, title: str, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": title, "detail": message}, status_code=status)
        return templates.TemplateResponse(request, "error.html", context(request, title=title, message=message),
                                          status_code=status)

    @app.exception_handler(QueryError)
    @app.exception_handler(BadRequest)
    async def bad_filter(request: Request, e: Exception):
        return error(request, 400, "Bad request", str(e))

    @app.exception_handler(DatabaseUnavailable)
    async def unavailable(request: Request, e: Exception):
        resp = error(request, 503, "The database cannot be read right now",
                     f"{e}. The server keeps trying: reload in a few seconds.")
        resp.headers["Retry-After"] = "2"
        return resp

    @app.exception_handler(QueryTimeout)
    async def too_slow(request: Request, e: Exception):
        return error(request, 503, "Query stopped", f"{e}: narrow the filters or the query.")

    @app.exception_handler(LookupError)
    async def not_found(request: Request, e: Exception):
        return error(request, 404, "Not found", e.args[0] if e.args else str(e))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, e: Exception):
        log.exception("error serving %s", request.url.path)
        return error(request, 500, "Something went wrong", f"{type(e).__name__}: {e}")

    # ---------------------------------------------------------------- helpers
    def context(request: Request, **kw) -> dict:
        age = reader.snapshot_age
        taken = reader.snapshot_time
        return dict(request=request, db_name=Path(str(db)).name,
                    snapshot=dt.datetime.fromtimestamp(taken).strftime("%H:%M:%S") if taken else None,
                    stale=reader.last_error if age is not None and reader.last_error else None, **kw)

    def event_filter(request: Request, *, extra: set[str] = PAGE_PARAMS, drop: tuple[str, ...] = ()) -> EventFilter:
        params = request.query_params
        known = set(EventFilter.names()) | extra
        for key in params:
            if key not in known:
                raise BadRequest(f"unknown parameter {key!r}: filters are {', '.join(EventFilter.names())}")
        f = EventFilter.from_params(params, strict=False)
        if not f.domain and has_domains():
            f = dataclasses.replace(f, domain=(DEFAULT_DOMAIN,))  # as `storyline events` shows by default
        return dataclasses.replace(f, **{k: _empty(f, k) for k in drop}) if drop else f

    domains_known: dict[float, bool] = {}

    def has_domains() -> bool:
        """Whether the snapshot's events have a domain column (databases from before migration 4 do not)."""
        taken = reader.snapshot_time
        if taken not in domains_known:
            domains_known.clear()
            domains_known[taken] = bool(reader.query(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'events' "
                "AND column_name = 'domain'")[1][0][0])
        return domains_known[taken]

    def link(path: str, f: EventFilter, **extra) -> str:
        params = {**f.params(), **{k: v for k, v in extra.items() if v not in (None, "")}}
        return path + ("?" + urlencode(params) if params else "")

    def events_page_data(cur, f: EventFilter, page: int, per_page: int) -> dict:
        total = query.count_events(cur, dataclasses.replace(f, limit=None, offset=None))
        pages = max(1, math.ceil(total / per_page))
        page = min(max(1, page), pages)
        rows = query.select_events(cur, dataclasses.replace(f, limit=per_page, offset=(page - 1) * per_page),
                                   TABLE_COLUMNS).dicts()
        for r in rows:
            r["sentence_parts"] = _split_trigger(r)
        return dict(rows=rows, total=total, page=page, pages=pages, per_page=per_page)

    def facets(cur, f: EventFilter) -> dict[str, list]:
        base = dataclasses.replace(f, limit=None, offset=None, sort=())
        return query.facets(cur, FACETS, base, top=12)

    def chart(cur, f: EventFilter, unit: str, by: str) -> timeline.Chart:
        if by not in ("plover_type", "quad_class"):
            raise BadRequest("by: plover_type or quad_class")
        if unit not in ("auto", *timeline.UNITS):
            raise BadRequest(f"unit: auto, {', '.join(timeline.UNITS)}")
        base = dataclasses.replace(f, limit=None, offset=None, sort=())
        lo = query.parse_partial_date(f.since)[0] if f.since else None
        hi = query.parse_partial_date(f.until)[1] if f.until else None
        first, last = query.date_range(cur, base)
        if first is None:
            return timeline.layout([], "day", by)
        # events whose dates overlap the range but begin before it are drawn at its start
        first, last = max(first, lo or first), min(last, hi or last)
        unit = timeline.auto_unit(first, last) if unit == "auto" else timeline.coarsest_fitting(first, last, unit)
        rows = []
        for label, key, n in query.count_by(cur, [unit, by], base).rows:  # labels as 2024, 2024-11, 2024-W48...
            if label:
                d = query.parse_partial_date(label)[0]
                rows.append((timeline.bin_start(min(max(d, lo or d), hi or d), unit), key, n))
        return timeline.layout(rows, unit, by, selected=(lo, hi))

    def role_chart(cur, src: EventFilter, tgt: EventFilter, unit: str) -> timeline.Chart:
        """An actor's events over time, stacked by its role in them (an event may count twice: an
        actor that is its own target)."""
        days = {}
        for role, f in (("as source", src), ("as target", tgt)):
            for day, n in query.count_by(cur, ["day"], f).rows:
                if day:
                    days[(dt.date.fromisoformat(day), role)] = n
        if not days:
            return timeline.layout([], "day", "role")
        first, last = min(d for d, _ in days), max(d for d, _ in days)
        unit = timeline.auto_unit(first, last) if unit not in timeline.UNITS else \
            timeline.coarsest_fitting(first, last, unit)
        return timeline.layout([(timeline.bin_start(d, unit), role, n) for (d, role), n in days.items()], unit, "role")

    # ---------------------------------------------------------------- pages
    @app.get("/", include_in_schema=False)
    def home():
        return RedirectResponse("/events")

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request, page: int = 1, per_page: int = 50):
        f = event_filter(request)
        per_page = per_page if per_page in PAGE_SIZES else 50
        with reader.connection() as cur, reader.timeout(cur):
            data = events_page_data(cur, f, page, per_page)
            fc = facets(cur, f)
        return templates.TemplateResponse(request, "events.html", context(
            request, f=f, params=f.params(), facets=fc, link=link, **data))

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    def timeline_page(request: Request, unit: str = "auto", by: str = "plover_type", page: int = 1,
                      per_page: int = 25):
        f = event_filter(request)
        per_page = per_page if per_page in PAGE_SIZES else 25
        with reader.connection() as cur, reader.timeout(cur):
            ch = chart(cur, f, unit, by)
            data = events_page_data(cur, f, page, per_page)
        return templates.TemplateResponse(request, "timeline.html", context(
            request, f=f, params=f.params(), chart=ch, unit=unit, by=by, link=link, **data))

    @app.get("/map", response_class=HTMLResponse, include_in_schema=False)
    def map_page(request: Request):
        f = event_filter(request)
        return templates.TemplateResponse(request, "map.html", context(request, f=f, params=f.params(), link=link))

    @app.get("/story/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str):
        with reader.connection() as cur, reader.timeout(cur):
            data = story_data(cur, story_id)
        return templates.TemplateResponse(request, "story.html", context(
            request, text_html=to_html(pieces(data["story"]["text"], data["marks"])), **data))

    @app.get("/actor/{actor_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def actor_page(request: Request, actor_id: str, unit: str = "auto"):
        with reader.connection() as cur, reader.timeout(cur):
            data = actor_data(cur, actor_id)
            both = ("all",) if has_domains() else ()  # an actor's page shows its business events too
            f = EventFilter(actor=data["actor"]["actor_id"], domain=both)
            src = EventFilter(source=data["actor"]["actor_id"], domain=both)
            tgt = EventFilter(target=data["actor"]["actor_id"], domain=both)
            ch = role_chart(cur, src, tgt, unit)
            events = events_page_data(cur, dataclasses.replace(f, sort=("-date_earliest",)), 1, 50)
            n_src, n_tgt = query.count_events(cur, src), query.count_events(cur, tgt)
        return templates.TemplateResponse(request, "actor.html", context(
            request, chart=ch, f=f, src=src, tgt=tgt, n_src=n_src, n_tgt=n_tgt, link=link, params=f.params(),
            **events, **data))

    @app.get("/place/{geonameid}", response_class=HTMLResponse, include_in_schema=False)
    def place_page(request: Request, geonameid: int):
        with reader.connection() as cur, reader.timeout(cur):
            data = place_data(cur, geonameid)
            f = EventFilter(place=str(geonameid), domain=("all",) if has_domains() else ())
            ch = chart(cur, f, "auto", "plover_type")
            events = events_page_data(cur, f, 1, 50)
        return templates.TemplateResponse(request, "place.html", context(
            request, chart=ch, f=f, link=link, params=f.params(), **events, **data))

    @app.get("/sql", response_class=HTMLResponse, include_in_schema=False)
    def sql_page(request: Request, sql: str = ""):
        result, problem = None, None
        if sql.strip():
            try:
                result = run_sql(sql)
            except (BadRequest, QueryTimeout) as e:
                problem = str(e)
        return templates.TemplateResponse(request, "sql.html", context(
            request, sql=sql, result=result, problem=problem, max_rows=SQL_MAX_ROWS))

    # ---------------------------------------------------------------- data behind the pages
    def story_data(cur, story_id: str) -> dict:
        try:
            sid = query.find_story(cur, story_id)
        except QueryError as e:
            raise LookupError(str(e)) from None
        story = query.select_stories(cur, query.StoryFilter(story=sid),
                                     ["story_id", "date", "title", "url", "source", "text"]).dicts()[0]
        marks: list[Mark] = []
        q = lambda sql: cur.execute(sql, [sid]).fetchall()  # noqa: E731  (one story's rows, by its id)
        for s, e, text, actor_id, code, name in q(
                "SELECT m.start, m.\"end\", m.text, m.actor_id, m.code, a.name FROM mentions m "
                "LEFT JOIN actors a USING (actor_id) WHERE m.story_id = ?"):
            marks.append(Mark(s, e, "actor", code or "", f"{name or text}" + (f" [{code}]" if code else ""),
                              href=f"/actor/{quote(actor_id, safe=':')}" if actor_id else None))
        for s, e, typ, value in q("SELECT start, \"end\", type, value FROM times WHERE story_id = ?"):
            marks.append(Mark(s, e, "time", value or typ, f"{typ} {value}"))
        for s, e, gid, name, country in q(
                "SELECT m.start, m.\"end\", m.geonameid, p.name, p.country FROM place_mentions m "
                "LEFT JOIN places p USING (geonameid) WHERE m.story_id = ?"):
            marks.append(Mark(s, e, "place", country or "", f"{name}, {country}" if name else "place",
                              href=f"/place/{gid}" if gid is not None else None))
        for s, e, direct, speaker, ss, se in q(
                "SELECT q.start, q.\"end\", q.direct, coalesce(a.name, q.speaker_text), q.speaker_start, "
                "q.speaker_end FROM quotes q LEFT JOIN actors a ON a.actor_id = q.speaker_id WHERE q.story_id = ?"):
            marks.append(Mark(s, e, "quote" if direct else "reported",
                              title=f"{'quote' if direct else 'reported speech'} by {speaker or '?'}"))
            if ss is not None and se is not None:
                marks.append(Mark(ss, se, "speaker", title="speaker"))
        events = query.select_events(cur, EventFilter(story=sid), TABLE_COLUMNS).dicts()
        for ev in events:
            if ev["trigger_start"] is not None and ev["trigger"]:
                marks.append(Mark(ev["trigger_start"], ev["trigger_start"] + len(ev["trigger"]), "trigger",
                                  ev["plover_type"] or "",
                                  f"event {ev['event_no']}: {ev['plover_type']} {ev['cameo'] or ''}",
                                  anchor=f"event-{ev['event_no']}"))
            ev["sentence_parts"] = _split_trigger(ev)
        quotes = query.select_quotes(cur, query.QuoteFilter(story=sid)).dicts()
        return dict(story=story, marks=marks, events=events, quotes=quotes)

    def actor_data(cur, actor_id: str) -> dict:
        found = [r for r in query.select_actors(cur, query.ActorFilter(actor=actor_id)).dicts()
                 if r["actor_id"] == actor_id]
        if not found:
            raise LookupError(f"no actor has the id {actor_id!r}")
        actor = found[0]
        aliases = [r[0] for r in cur.execute("SELECT alias FROM actor_aliases WHERE actor_id = ? ORDER BY alias",
                                             [actor_id]).fetchall()]
        codes = cur.execute("SELECT code, count(*) FROM mentions WHERE actor_id = ? AND code IS NOT NULL "
                            "GROUP BY code ORDER BY 2 DESC", [actor_id]).fetchall()
        quotes = query.select_quotes(cur, query.QuoteFilter(speaker=actor_id, limit=50, sort=("-story_date",)))
        quotes = [q for q in quotes.dicts() if q["speaker_id"] == actor_id]
        stories = cur.execute(
            "SELECT s.story_id, s.date, s.title, count(*) AS mentions FROM mentions m JOIN stories s USING (story_id) "
            "WHERE m.actor_id = ? GROUP BY ALL ORDER BY s.date DESC, s.story_id LIMIT 50", [actor_id]).fetchall()
        return dict(actor=actor, aliases=aliases, codes=codes, quotes=quotes, stories=stories)

    def place_data(cur, geonameid: int) -> dict:
        found = query.select_places(cur, query.PlaceFilter(place=str(geonameid))).dicts()
        if not found:
            raise LookupError(f"no place has the GeoNames id {geonameid}")
        stories = cur.execute(
            "SELECT s.story_id, s.date, s.title, count(*) AS mentions FROM place_mentions m "
            "JOIN stories s USING (story_id) WHERE m.geonameid = ? GROUP BY ALL ORDER BY s.date DESC, s.story_id "
            "LIMIT 50", [geonameid]).fetchall()
        names = cur.execute("SELECT text, count(*) FROM place_mentions WHERE geonameid = ? GROUP BY 1 "
                            "ORDER BY 2 DESC LIMIT 20", [geonameid]).fetchall()
        return dict(place=found[0], stories=stories, names=names)

    def run_sql(sql: str) -> dict:
        try:
            with reader.connection() as cur, reader.timeout(cur):
                query.check_read_only_sql(cur, sql)  # the guard of `storyline sql`
                cur.execute(sql)
                cols = [d[0] for d in cur.description] if cur.description else []
                rows = cur.fetchmany(SQL_MAX_ROWS + 1)
        except QueryTimeout:
            raise
        except QueryError as e:
            raise BadRequest(str(e)) from None
        except Exception as e:  # duckdb's own message (syntax, unknown column, permission) is what helps
            if type(e).__module__.startswith(("duckdb", "_duckdb")):
                raise BadRequest(str(e)) from None
            raise
        return dict(columns=cols, rows=[[_jsonable(v) for v in r] for r in rows[:SQL_MAX_ROWS]],
                    truncated=len(rows) > SQL_MAX_ROWS)

    # ---------------------------------------------------------------- JSON API
    @app.get("/api/events", tags=["events"], summary="Events matching the filters, one page")
    def api_events(request: Request, limit: int = Query(100, ge=0, le=API_MAX_LIMIT), offset: int = Query(0, ge=0)):
        """Every filter of `storyline events` is a query parameter (since, until, type, quad_class,
        goldstein_min, goldstein_max, modality, date_basis, min_confidence, actor, source, target,
        country, source_country, target_country, place, place_country, text, story, domain, sort)."""
        f = event_filter(request, extra={"limit", "offset"})
        with reader.connection() as cur, reader.timeout(cur):
            total = query.count_events(cur, dataclasses.replace(f, limit=None, offset=None))
            rows = query.select_events(cur, dataclasses.replace(f, limit=limit, offset=offset))
        return JSONResponse({"total": total, "limit": limit, "offset": offset, "filters": f.params(),
                "events": [_jsonable_row(r) for r in rows.dicts()]})

    @app.get("/api/events.{fmt}", tags=["events"], summary="Download the selection: csv, json or geojson")
    def api_download(request: Request, fmt: str):
        if fmt not in ("csv", "json", "geojson"):
            raise LookupError(f"no download format {fmt!r}: csv, json or geojson")
        f = event_filter(request, extra={"limit"})
        limit = min(f.limit or DOWNLOAD_MAX_ROWS, DOWNLOAD_MAX_ROWS)
        f = dataclasses.replace(f, limit=limit, offset=None)
        return StreamingResponse(_download(reader, f, fmt), media_type={
            "csv": "text/csv; charset=utf-8", "json": "application/json",
            "geojson": "application/geo+json"}[fmt],
            headers={"Content-Disposition": f'attachment; filename="events.{fmt}"'})

    @app.get("/api/facets", tags=["events"], summary="Counts of the selected events per value of some fields")
    def api_facets(request: Request, field: list[str] = Query(list(FACETS)), top: int = Query(20, ge=1, le=200)):
        f = event_filter(request, extra={"field", "top"})
        base = dataclasses.replace(f, limit=None, offset=None, sort=())
        with reader.connection() as cur, reader.timeout(cur):
            found = query.facets(cur, field, base, top=top)
        return JSONResponse({name: [[_jsonable(v), n] for v, n in values] for name, values in found.items()})

    @app.get("/api/count", tags=["events"], summary="Selected events counted by fields (dyad-month tables)")
    def api_count(request: Request, by: str = Query(..., examples=["source_country,target_country,month"]),
                  limit: int = Query(1000, ge=0, le=10000)):
        f = event_filter(request, extra={"by", "limit", "offset"})
        with reader.connection() as cur, reader.timeout(cur):
            rows = query.count_by(cur, by, dataclasses.replace(f, limit=limit))
        return JSONResponse({"columns": rows.columns, "rows": [[_jsonable(v) for v in r] for r in rows.rows]})

    @app.get("/api/timeline", tags=["events"], summary="Events per day, week, month or year, by type or quad class")
    def api_timeline(request: Request, unit: str = "auto", by: str = "plover_type"):
        f = event_filter(request)
        with reader.connection() as cur, reader.timeout(cur):
            ch = chart(cur, f, unit, by)
        return JSONResponse({"unit": ch.unit, "by": ch.group_by, "total": ch.total,
                "bins": [{"start": b.start.isoformat(), "end": b.end.isoformat(), "label": b.label,
                          "total": b.total, "counts": {str(s.key): s.n for s in b.segments}} for b in ch.bars]})

    @app.get("/api/map", tags=["events"], summary="Located events (or, for large selections, places) as GeoJSON")
    def api_map(request: Request):
        f = dataclasses.replace(event_filter(request), limit=None, offset=None, sort=())
        with reader.connection() as cur, reader.timeout(cur):
            places = query.count_by(cur, ["geonameid", "place_name", "lat", "lon"], f).rows
            located = sum(n for _, _, lat, lon, n in places if lat is not None and lon is not None)
            unlocated = sum(n for _, _, lat, lon, n in places if lat is None or lon is None)
            if located <= MAP_EVENT_MARKERS:
                rows = query.select_events(cur, f, ["story_id", "event_no", "story_date", "date_value", "plover_type",
                                                    "plover_mode", "cameo", "source_name", "target_name",
                                                    "geonameid", "place_name", "lat", "lon", "sentence"]).dicts()
                feats = [_feature(r["lon"], r["lat"], {**{k: _jsonable(v) for k, v in r.items()
                                                          if k not in ("lat", "lon")},
                                                       "sentence": _clip(r["sentence"], 300), "n": 1})
                         for r in rows if r["lat"] is not None and r["lon"] is not None]
                mode = "events"
            else:
                feats = [_feature(lon, lat, {"geonameid": gid, "place_name": name, "n": n})
                         for gid, name, lat, lon, n in places if lat is not None and lon is not None]
                mode = "places"
        return JSONResponse({"type": "FeatureCollection", "mode": mode, "located": located, "unlocated": unlocated,
                "features": feats})

    @app.get("/api/stories/{story_id:path}", tags=["stories"], summary="One story with its marks, events and quotes")
    def api_story(story_id: str):
        with reader.connection() as cur, reader.timeout(cur):
            data = story_data(cur, story_id)
        return JSONResponse({"story": _jsonable_row(data["story"]),
                "marks": [{"start": m.start, "end": m.end, "kind": m.kind, "label": m.label, "title": m.title}
                          for m in data["marks"]],
                "events": [_jsonable_row({k: v for k, v in e.items() if k != "sentence_parts"}) for e in data["events"]],
                "quotes": [_jsonable_row(q) for q in data["quotes"]]})

    @app.get("/api/quotes", tags=["quotes"], summary="Quotes matching the filters, one page")
    def api_quotes(request: Request, limit: int = Query(100, ge=0, le=API_MAX_LIMIT), offset: int = Query(0, ge=0)):
        """Filters: since, until, speaker, direct, text, cue, story, sort."""
        f = query.QuoteFilter.from_params(request.query_params, strict=False)
        with reader.connection() as cur, reader.timeout(cur):
            total = query.count_quotes(cur, dataclasses.replace(f, limit=None, offset=None))
            rows = query.select_quotes(cur, dataclasses.replace(f, limit=limit, offset=offset))
        return JSONResponse({"total": total, "limit": limit, "offset": offset,
                             "quotes": [_jsonable_row(r) for r in rows.dicts()]})

    @app.get("/api/actors", tags=["actors"], summary="Actors matching the filters, one page")
    def api_actors(request: Request, limit: int = Query(100, ge=0, le=API_MAX_LIMIT), offset: int = Query(0, ge=0)):
        """Filters: actor, kind, country, story, sort."""
        f = query.ActorFilter.from_params(request.query_params, strict=False)
        with reader.connection() as cur, reader.timeout(cur):
            rows = query.select_actors(cur, dataclasses.replace(f, limit=limit, offset=offset))
        return JSONResponse({"limit": limit, "offset": offset, "actors": [_jsonable_row(r) for r in rows.dicts()]})

    @app.get("/api/actors/{actor_id:path}", tags=["actors"], summary="One actor: aliases, codes, quotes, stories")
    def api_actor(actor_id: str):
        with reader.connection() as cur, reader.timeout(cur):
            data = actor_data(cur, actor_id)
            both = ("all",) if has_domains() else ()
            n_src = query.count_events(cur, EventFilter(source=actor_id, domain=both))
            n_tgt = query.count_events(cur, EventFilter(target=actor_id, domain=both))
        return JSONResponse({"actor": _jsonable_row(data["actor"]), "aliases": data["aliases"],
                "codes": [{"code": c, "mentions": n} for c, n in data["codes"]],
                "events_as_source": n_src, "events_as_target": n_tgt,
                "quotes": [_jsonable_row(q) for q in data["quotes"]],
                "stories": [{"story_id": s, "date": _jsonable(d), "title": t, "mentions": n}
                            for s, d, t, n in data["stories"]]})

    @app.get("/api/places", tags=["places"], summary="Places matching the filters, one page")
    def api_places(request: Request, limit: int = Query(100, ge=0, le=API_MAX_LIMIT), offset: int = Query(0, ge=0)):
        """Filters: place, country, story, sort."""
        f = query.PlaceFilter.from_params(request.query_params, strict=False)
        with reader.connection() as cur, reader.timeout(cur):
            rows = query.select_places(cur, dataclasses.replace(f, limit=limit, offset=offset))
        return JSONResponse({"limit": limit, "offset": offset, "places": [_jsonable_row(r) for r in rows.dicts()]})

    @app.get("/api/places/{geonameid}", tags=["places"], summary="One place: names used, stories")
    def api_place(geonameid: int):
        with reader.connection() as cur, reader.timeout(cur):
            data = place_data(cur, geonameid)
            n = query.count_events(cur, EventFilter(place=str(geonameid), domain=("all",) if has_domains() else ()))
        return JSONResponse({"place": _jsonable_row(data["place"]), "events": n,
                "names": [{"text": t, "mentions": k} for t, k in data["names"]],
                "stories": [{"story_id": s, "date": _jsonable(d), "title": t, "mentions": k}
                            for s, d, t, k in data["stories"]]})

    @app.get("/api/sql", tags=["sql"], summary="A read-only SQL query (at most 1,000 rows)")
    def api_sql(sql: str):
        """The same guard as `storyline sql`; the database is a read-only snapshot with file access
        disabled, and the query is stopped after the statement timeout."""
        return JSONResponse(run_sql(sql))

    @app.get("/api/status", tags=["status"], summary="Which database is served and how fresh the snapshot is")
    def api_status():
        with reader.connection() as cur, reader.timeout(cur):
            counts = {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # fixed table names
                      for t in ("stories", "events", "quotes", "actors", "places")}
        return JSONResponse({"database": Path(str(db)).name, "snapshot_age_seconds": reader.snapshot_age,
                "refresh_problem": reader.last_error, "counts": counts})

    return app


# ---------------------------------------------------------------- small helpers

def _empty(f: EventFilter, name: str):
    return next(x.default if x.default is not dataclasses.MISSING else x.default_factory()
                for x in dataclasses.fields(f) if x.name == name)


def _version() -> str:
    from .. import __version__

    return __version__


def _jsonable(v: Any) -> Any:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return str(v)


def _jsonable_row(r: dict) -> dict:
    return {k: _jsonable(v) for k, v in r.items()}


def _feature(lon, lat, props: dict) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


def _clip(s: str | None, n: int) -> str | None:
    return s if s is None or len(s) <= n else s[: n - 1] + "…"


def _split_trigger(r: dict) -> tuple[str, str, str]:
    """The sentence as (before, trigger, after), so the table can mark the trigger."""
    s, trig = r.get("sentence") or "", r.get("trigger") or ""
    if not trig:
        return s, "", ""
    guess = (r.get("trigger_start") or 0) - (r.get("sentence_start") or 0)
    i = s.find(trig, max(0, guess - 8))
    if i < 0:
        i = s.find(trig)
    if i < 0:
        return s, "", ""
    return s[:i], s[i:i + len(trig)], s[i + len(trig):]


def _download(reader: SnapshotReader, f: EventFilter, fmt: str) -> Iterator[bytes]:
    """The selection, written as it is read (a cursor, a few thousand rows at a time)."""
    with reader.connection() as cur, reader.timeout(cur, seconds=max(60.0, reader.statement_timeout)):
        rows = query.select_events(cur, dataclasses.replace(f, limit=0))  # only the columns
        cols = rows.columns
        sql_rows = _iter_events(cur, f)
        if fmt == "csv":
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow(cols)
            for chunk in sql_rows:
                w.writerows(chunk)
                yield buf.getvalue().encode("utf-8")
                buf.seek(0)
                buf.truncate()
            if buf.tell():
                yield buf.getvalue().encode("utf-8")
            return
        if fmt == "json":
            yield b"["
            first = True
            for chunk in sql_rows:
                parts = [json.dumps(_jsonable_row(dict(zip(cols, r))), ensure_ascii=False) for r in chunk]
                if parts:
                    yield (("" if first else ",\n") + ",\n".join(parts)).encode("utf-8")
                    first = False
            yield b"]\n"
            return
        yield b'{"type": "FeatureCollection", "features": ['
        first, skipped = True, 0
        i_lat, i_lon = cols.index("lat"), cols.index("lon")
        for chunk in sql_rows:
            parts = []
            for r in chunk:
                if r[i_lat] is None or r[i_lon] is None:
                    skipped += 1
                    continue
                props = {c: _jsonable(v) for c, v in zip(cols, r) if c not in ("lat", "lon")}
                parts.append(json.dumps(_feature(r[i_lon], r[i_lat], props), ensure_ascii=False))
            if parts:
                yield (("" if first else ",\n") + ",\n".join(parts)).encode("utf-8")
                first = False
        yield f'], "events_without_coordinates": {skipped}}}\n'.encode("utf-8")


def _iter_events(cur, f: EventFilter, chunk: int = 5000) -> Iterator[list[tuple]]:
    # select_events fetches everything; for a download we page through the same query instead
    offset = 0
    limit = f.limit or DOWNLOAD_MAX_ROWS
    while offset < limit:
        n = min(chunk, limit - offset)
        rows = query.select_events(cur, dataclasses.replace(f, limit=n, offset=offset)).rows
        if rows:
            yield rows
        if len(rows) < n:
            return
        offset += n
