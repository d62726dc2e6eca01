"""Spark: the same N stories (default 2,000 of Reuters-21578) through local[1] and local[2].

    python benchmarks/spark.py [--n 2000] [--data FILE] [--json OUT]

Reports stories per second for each master and their ratio (time of `analyze` + `write_tables`,
with the pipeline loaded in each Python worker by a first tiny job, so that loading is not counted),
the per-story cost (core-seconds per story) and a check that the event rows Spark writes, imported
with `storyline import`, equal those of a single-machine `storyline ingest` of the same stories.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import corpus_args, emit, load  # noqa: E402


def spark_run(src: Path, out: Path, cores: int, n: int) -> float:
    from storyline import spark as sl

    session = sl.session(f"local[{cores}]")
    try:
        stories = sl.read_stories(session, [str(src)])
        # warm up: one tiny partition per core loads the pipeline in each Python worker
        sl.analyze(stories.limit(cores * 2), partitions=cores).count()
        t0 = time.perf_counter()
        sl.write_tables(sl.analyze(stories, partitions=cores * 8), str(out))
        return time.perf_counter() - t0
    finally:
        session.stop()


def event_rows(db: Path) -> list[str]:
    from storyline.store import Store

    with Store(db, read_only=True) as st:
        return sorted(map(repr, st.query("SELECT * FROM events")[1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    corpus_args(ap, n=2000)
    args = ap.parse_args()

    from storyline.runner import ingest
    from storyline.spark import import_tables

    stories = load(args.data, args.n)
    result = {"n": len(stories)}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "stories.jsonl"
        src.write_text("".join(json.dumps({"id": s.id, "date": str(s.date), "title": s.title, "text": s.text}) + "\n"
                               for s in stories), encoding="utf-8")
        for cores in (1, 2):
            seconds = spark_run(src, tmp / f"out{cores}", cores, len(stories))
            result[f"local_{cores}_stories_per_s"] = round(len(stories) / seconds, 2)
            result[f"local_{cores}_seconds"] = round(seconds, 1)
            print(f"local[{cores}]: {len(stories) / seconds:.1f} stories/s", file=sys.stderr)
        result["ratio_local_2_vs_local_1"] = round(result["local_2_stories_per_s"] / result["local_1_stories_per_s"], 3)
        result["core_seconds_per_story"] = round(1 / result["local_1_stories_per_s"], 4)
        import_tables(tmp / "out2", tmp / "spark.duckdb")
        ingest([src], tmp / "local.duckdb", jobs=2, timeout=600)
        spark_events, local_events = event_rows(tmp / "spark.duckdb"), event_rows(tmp / "local.duckdb")
        result["spark_event_rows"] = len(spark_events)
        result["single_machine_event_rows"] = len(local_events)
        result["event_rows_equal"] = spark_events == local_events
    emit(result, args.json)


if __name__ == "__main__":
    main()
