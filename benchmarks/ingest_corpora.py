"""Every corpus in ../shared/eval through the real ingest: how many stories each stage rejected and why.

    python benchmarks/ingest_corpora.py [--jobs 2] [--only NAME...] [--db FILE] [--json OUT]

Each corpus is turned into a JSON Lines file of stories (id, date, text) in a temporary folder, using
the readers the accuracy benchmarks already have, and ingested with `runner.ingest(jobs=J)` into one
database. Reuters-21578 is read as it is (its JSONL has `body`). Corpora without story dates get a
fixed one, named in the output (LGL: 2009-06-01, GeoVirus: 2015-06-01; their articles are from those
years). Figures: stories written, rejects by reason and by (reason, stage), seconds.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REUTERS, ROOT, emit  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"


def corpora(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (input file, how its dates were obtained)."""
    import geoparse
    import petrarch_suite
    import quotes
    import tempeval3

    out: dict[str, tuple[Path, str]] = {"reuters21578": (REUTERS, "the wire's date")}

    def write(name: str, rows, note: str) -> None:
        path = tmp / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, default=str) + "\n")
        out[name] = (path, note)

    tml = sorted((EVAL / "tempeval3" / "train").rglob("*.tml"))
    write("tempeval3", ({"id": p.stem, "date": tempeval3.read_tml(p)[0], "text": tempeval3.read_tml(p)[1]}
                        for p in tml), "the document creation time")
    polnear = [d for d in (EVAL / "quotes" / "PolNeAR" / "data").glob("*") if (d / "attributions").is_dir()]
    write("polnear", ({"id": stem, "date": date, "text": text} for stem, date, text, _ in quotes.articles(polnear)),
          "the date in the file name")
    for name, file, date in (("lgl", "lgl.xml", "2009-06-01"), ("geovirus", "GeoVirus.xml", "2015-06-01")):
        write(name, ({"id": f"{name}-{i}", "date": date, "text": a.text}
                     for i, a in enumerate(geoparse.read(EVAL / "geo" / file))), f"fixed: {date}")
    for name, file in (("petrarch_records", "PETR.UnitTest.records.xml"),
                       ("gigaword_sample", "GigaWord.sample.PETR.xml")):
        records, _ = petrarch_suite.read_records(EVAL / "petrarch" / file)
        write(name, ({"id": f"{name}-{r.id}-{i}", "date": r.date, "text": r.text} for i, r in enumerate(records)),
              "the record's date (2000-01-01 when unreadable)")
    gsr = EVAL / "ontology" / "PLOVER" / "gold_standard_records" / "PLOVER_GSR_CAMEO.txt"
    write("plover_gsr", ({"id": r["id"], "date": r.get("date") or "2000-01-01", "text": r.get("text")}
                         for r in json.loads(gsr.read_text(encoding="utf-8"))), "the record's date")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--db", type=Path, help="database to ingest into (default: a temporary one)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from storyline.runner import ingest

    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = args.db or tmp / "corpora.duckdb"
        for name, (path, note) in corpora(tmp).items():
            if args.only and name not in args.only:
                continue
            print(f"{name}: {path}", file=sys.stderr)
            s = ingest([path], db, jobs=args.jobs, timeout=300)
            result[name] = {
                "dates": note, "stories_written": s.stories, "unchanged": s.unchanged, "events": s.events,
                "rejects": len(s.rejects), "rejects_by_reason": dict(Counter(r.reason for r in s.rejects)),
                "rejects_by_reason_and_stage": {f"{r}/{st}": n for (r, st), n in
                                                Counter((r.reason, r.stage) for r in s.rejects if r.stage).items()},
                "errors": [str(r) for r in s.rejects if r.reason in ("error", "timeout")][:20],
                "seconds": round(s.seconds, 1),
            }
            print(json.dumps(result[name]), file=sys.stderr)
    emit(result, args.json)


if __name__ == "__main__":
    main()
