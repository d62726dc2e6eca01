"""Export the database: Parquet, CSV or JSON Lines (a file per table), or GeoJSON (located events)."""
from __future__ import annotations

import json
from pathlib import Path

from .store import Store

TABLES = {"events": "SELECT * FROM event_rows ORDER BY story_date, story_id, event_no",
          "quotes": "SELECT * FROM quote_rows ORDER BY story_date, story_id, quote_no",
          "actors": "SELECT * FROM actors ORDER BY actor_id",
          "places": "SELECT * FROM places ORDER BY geonameid",
          "times": "SELECT * FROM times ORDER BY story_id, start",
          "stories": "SELECT story_id, date, title, url, source, origin_file, origin_line, text FROM stories ORDER BY date",
          "rejects": "SELECT * FROM rejects ORDER BY source, line"}
FORMATS = ("parquet", "csv", "jsonl", "geojson")


def export(store: Store, fmt: str, out: str | Path) -> list[Path]:
    """Write the tables to `out` (a folder; for geojson, a file). Returns the files written."""
    out = Path(out)
    if fmt == "geojson":
        return [_geojson(store, out)]
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose from {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, sql in TABLES.items():
        path = out / f"{name}.{fmt}"
        rel = store.con.sql(sql)
        if fmt == "parquet":
            rel.write_parquet(str(path))
        elif fmt == "csv":
            rel.write_csv(str(path))
        else:
            cols = rel.columns
            with open(path, "w", encoding="utf-8") as f:
                for row in rel.fetchall():
                    f.write(json.dumps(dict(zip(cols, row)), default=str, ensure_ascii=False) + "\n")
        written.append(path)
    return written


def feature_collection(cols: list[str], rows: list[tuple]) -> dict:
    """Rows with lat and lon columns as a GeoJSON FeatureCollection of points (RFC 7946: lon, lat)."""
    features = []
    for row in rows:
        rec = dict(zip(cols, row))
        lon, lat = rec.pop("lon"), rec.pop("lat")
        if lat is None or lon is None:
            continue
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": json.loads(json.dumps(rec, default=str))})
    return {"type": "FeatureCollection", "features": features}


def _geojson(store: Store, path: Path) -> Path:
    cols, rows = store.query("SELECT * FROM event_rows WHERE lat IS NOT NULL ORDER BY story_date, story_id, event_no")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(feature_collection(cols, rows), ensure_ascii=False), encoding="utf-8")
    return path
