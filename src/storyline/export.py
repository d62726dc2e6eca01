"""Export the database: Parquet, CSV or JSON Lines (a file per table), GeoJSON (located events),
and the column layouts of ICEWS, Phoenix and POLECAT event files (storyline.export_layouts).

Code columns (CAMEO, PLOVER, actor codes, ids) are strings in every typed format, and every text
value is quoted in CSV, so "030" stays "030" for readers that respect quoting (see the codebook
for reading CSV back with pandas)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .store import Store

# Tables besides events (which come from storyline.query, with actor names and countries, CAMEO
# root, place and story). Columns are listed so the export does not change when a table gains one
# internally; each is in the codebook (kb/columns.tsv).
TABLES = {
    "quotes": None,  # storyline.query.select_quotes
    "actors": None,  # storyline.query.select_actors
    "actor_aliases": "SELECT actor_id, alias FROM actor_aliases ORDER BY actor_id, alias",
    "mentions": "SELECT story_id, start, \"end\", text, actor_id, how, code FROM mentions ORDER BY story_id, start",
    "places": None,  # storyline.query.select_places
    "place_mentions": "SELECT story_id, start, \"end\", text, geonameid, role, score FROM place_mentions "
                      "ORDER BY story_id, start",
    "times": "SELECT story_id, start, \"end\", text, type, value, precision, earliest, latest FROM times "
             "ORDER BY story_id, start",
    "stories": "SELECT story_id, date, title, url, source, origin_file, origin_line, n_chars, text FROM stories "
               "ORDER BY date, story_id",
    "rejects": "SELECT source, line, reason, detail, stage, first_seen FROM rejects ORDER BY source, line",
    "canonical_events": "SELECT c.canonical_id, c.plover_type, c.cameo, c.source_code, src.name AS source_name, "
                        "c.target_code, tgt.name AS target_name, c.date_value, c.date_earliest, c.date_latest, "
                        "c.date_basis, c.geonameid, c.place_name, c.first_report, c.last_report, c.n_mentions, "
                        "c.n_stories, c.n_sources FROM canonical_events c "
                        "LEFT JOIN actors src ON src.actor_id = c.source_id "
                        "LEFT JOIN actors tgt ON tgt.actor_id = c.target_id ORDER BY c.first_report, c.canonical_id",
    "event_links": "SELECT story_id, event_no, canonical_id FROM event_links ORDER BY story_id, event_no",
}
TABLE_FORMATS = ("parquet", "csv", "jsonl")
LAYOUTS = ("icews", "phoenix", "polecat")
FORMATS = (*TABLE_FORMATS, "geojson", *LAYOUTS)


@dataclass
class ExportReport:
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def table_rows(store: Store, name: str):
    """(columns, rows) of one exported table."""
    from . import query

    if name == "events":
        r = query.select_events(store, query.EventFilter(domain=("all",)))
    elif name == "quotes":
        r = query.select_quotes(store)
    elif name == "actors":
        r = query.select_actors(store, query.ActorFilter(sort=("actor_id",)))
    elif name == "places":
        r = query.select_places(store, query.PlaceFilter(sort=("geonameid",)))
    else:
        return store.query(TABLES[name])
    return r.columns, r.rows


def export(store: Store, fmt: str, out: str | Path) -> ExportReport:
    """Write the tables to `out` (a folder; a file for geojson and the dataset layouts)."""
    out = Path(out)
    report = ExportReport()
    if fmt == "geojson":
        cols, rows = table_rows(store, "events")
        fc, missing = feature_collection(cols, rows)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(fc, ensure_ascii=False, default=str), encoding="utf-8")
        report.files.append(out)
        if missing:
            report.warnings.append(f"{missing} of {len(rows)} events have no coordinates and are not in {out}")
        return report
    if fmt in LAYOUTS:
        from .export_layouts import write_layout

        out.parent.mkdir(parents=True, exist_ok=True)
        n, skipped = write_layout(store, fmt, out)
        report.files.append(out)
        if skipped:
            report.warnings.append(skipped)
        return report
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose from {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    for name in ["events", *TABLES]:
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            _parquet(store, name, path)
            report.files.append(path)
            continue
        cols, rows = table_rows(store, name)
        if fmt == "csv":
            with open(path, "w", encoding="utf-8", newline="") as f:
                write_csv(f, cols, rows)
        else:
            with open(path, "w", encoding="utf-8") as f:
                for row in rows:
                    f.write(json.dumps(dict(zip(cols, row)), default=_json_default, ensure_ascii=False) + "\n")
        report.files.append(path)
    return report


def _json_default(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


def _parquet(store: Store, name: str, path: Path) -> None:
    """Written by DuckDB from the same SELECT, so each column keeps its SQL type (an all-null
    column stays a typed column)."""
    store.con.sql(_sql_of(store, name)).write_parquet(str(path))


def _sql_of(store: Store, name: str) -> str:
    if name in TABLES and TABLES[name]:
        return TABLES[name]
    from . import query

    con = store.con
    if name == "events":
        fields = query._fields(con)
        sel = ", ".join(f'{fields[c]} AS "{c}"' for c in query.EVENT_COLUMNS)
        return f"SELECT {sel} FROM {query._EVENTS_FROM} ORDER BY s.date, e.story_id, e.event_no"
    fields, source, order = {"quotes": (query.QUOTE_FIELDS, query._QUOTES_FROM, "s.date, q.story_id, q.quote_no"),
                             "actors": (query.ACTOR_FIELDS, "actors a", "a.actor_id"),
                             "places": (query.PLACE_FIELDS, "places p", "p.geonameid")}[name]
    sel = ", ".join(f'{expr} AS "{col}"' for col, expr in fields.items())
    return f"SELECT {sel} FROM {source} ORDER BY {order}"


def _csv_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v) if isinstance(v, float) else str(v)
    s = v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else str(v)
    return '"' + s.replace('"', '""') + '"'


def write_csv(f: IO[str], cols: list[str], rows: list[tuple]) -> None:
    """RFC 4180 CSV with every text value quoted and numbers bare; NULL is an empty, unquoted field.
    (The csv module's QUOTE_NONNUMERIC would quote NULL as "" and QUOTE_STRINGS needs Python 3.12.)"""
    f.write(",".join(cols) + "\r\n")  # column names are identifiers: no quoting needed
    for r in rows:
        f.write(",".join(_csv_cell(v) for v in r) + "\r\n")


def feature_collection(cols: list[str], rows: list[tuple]) -> tuple[dict, int]:
    """Rows with lat and lon columns as a GeoJSON FeatureCollection of points (RFC 7946: lon, lat),
    one feature per row with coordinates; also returns how many rows had none."""
    features, missing = [], 0
    for row in rows:
        rec = dict(zip(cols, row))
        lon, lat = rec.pop("lon"), rec.pop("lat")
        if lat is None or lon is None:
            missing += 1
            continue
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": json.loads(json.dumps(rec, default=_json_default))})
    return {"type": "FeatureCollection", "features": features}, missing
