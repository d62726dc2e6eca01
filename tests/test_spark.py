"""storyline on Spark (local[2]): the same event rows as a single-machine ingest, Parquet tables with the
database's columns partitioned by story date, and `storyline import` loading them."""
import json
import shutil

import pytest

pytest.importorskip("pyspark")

from typer.testing import CliRunner  # noqa: E402

from conftest import DATA, KHERSON  # noqa: E402
from storyline.cli import app  # noqa: E402
from storyline.runner import ingest  # noqa: E402
from storyline.store import Store  # noqa: E402

pytestmark = [pytest.mark.spark, pytest.mark.slow]

EVENT_COLUMNS = None  # filled from the database


def stories(tmp_path):
    texts = [KHERSON.read_text(encoding="utf-8").split("\n", 1)[1]]
    texts += [p.read_text(encoding="utf-8").split("\n", 1)[1] for p in sorted(DATA.glob("*.txt"))]
    texts += ["Police arrested 40 protesters in Lyon on Saturday, the prefecture said.",
              "Turkey's foreign minister visited Baghdad on Monday for talks on water and trade."]
    rows = [{"id": f"t{i}", "date": f"2022-11-{10 + i:02d}", "text": t, "title": f"Story {i}"}
            for i, t in enumerate(texts)]
    rows.append({"id": "bad", "date": "2022-02-30", "text": "A story with an impossible date."})
    src = tmp_path / "stories.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return src, len(texts)


def events(db):
    with Store(db, read_only=True) as st:
        cols = [c for c in st.query("SELECT * FROM events LIMIT 0")[0]]
        return sorted(map(repr, st.query("SELECT * FROM events")[1])), cols


def test_spark_tables_import_to_the_same_events(tmp_path, pipeline):
    src, n = stories(tmp_path)
    out = tmp_path / "tables"
    res = CliRunner().invoke(app, ["spark", str(src), "--out", str(out), "--master", "local[2]", "--partitions", "3"])
    assert res.exit_code == 0, res.output
    assert any(p.name.startswith("story_date=2022-11-") for p in (out / "events").iterdir())
    assert not (out / "_rows").exists()

    spark_db, local_db = tmp_path / "spark.duckdb", tmp_path / "local.duckdb"
    res = CliRunner().invoke(app, ["import", str(out), "--db", str(spark_db)])
    assert res.exit_code == 0, res.output
    ingest([src], local_db, pipeline=pipeline)
    got, cols = events(spark_db)
    want, _ = events(local_db)
    assert got and got == want
    with Store(spark_db, read_only=True) as st:
        assert st.query("SELECT count(*) FROM stories")[1] == [(n,)]
        assert st.query("SELECT reason FROM rejects")[1] == [("bad-date",)]
        assert st.query("SELECT count(*) FROM actors")[1][0][0] > 0
    # the dedup step on Spark links every event mention, as the single-machine ingest does
    assert any(p.name.startswith("story_date=") for p in (out / "event_links").iterdir())
    canonical = "SELECT * FROM canonical_events ORDER BY canonical_id"
    links = "SELECT story_id, event_no, canonical_id FROM event_links ORDER BY ALL"
    with Store(spark_db, read_only=True) as s_st, Store(local_db, read_only=True) as l_st:
        assert s_st.query(links)[1] and s_st.query(links)[1] == l_st.query(links)[1]
        assert s_st.query(canonical)[1] == l_st.query(canonical)[1]
    # importing again changes nothing
    before = events(spark_db)[0]
    CliRunner().invoke(app, ["import", str(out), "--db", str(spark_db)])
    assert events(spark_db)[0] == before
    shutil.rmtree(out)
