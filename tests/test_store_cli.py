"""The database and the command line: idempotent writes, resumable ingest, listings, export."""
import datetime as dt
import json
import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import DATA, KHERSON
from storyline.cli import app
from storyline.runner import ingest
from storyline.store import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    shutil.copy(KHERSON, d / KHERSON.name)
    for f in DATA.glob("*.txt"):
        shutil.copy(f, d / f.name)
    (d / "empty.txt").write_bytes(b"")
    (d / "latin1.txt").write_bytes(b"date 2022-01-01 caf\xe9")
    return d


def dump(db):
    con = duckdb.connect(str(db), read_only=True)
    out = {t: sorted(map(repr, con.execute(f"SELECT * EXCLUDE ({excl}) FROM {t}").fetchall()))
           for t, excl in [("stories", "ingested_at"), ("events", "confidence"), ("quotes", "quote_no"),
                           ("actors", "description"), ("rejects", "first_seen"), ("places", "population"),
                           ("mentions", "how"), ("times", "precision")]}
    con.close()
    return out


@pytest.fixture(scope="module")
def db(corpus, tmp_path_factory, pipeline):
    path = tmp_path_factory.mktemp("db") / "s.duckdb"
    summary = ingest([corpus], path, pipeline=pipeline, batch_size=2)
    assert summary.stories == 3 and len(summary.rejects) == 2
    return path


def test_reingest_changes_nothing(db, corpus, pipeline):
    before = dump(db)
    summary = ingest([corpus], db, pipeline=pipeline)
    assert summary.stories == 0 and summary.unchanged == 3
    assert dump(db) == before


def test_killed_ingest_resumes_to_same_db(db, corpus, pipeline, tmp_path):
    partial = tmp_path / "p.duckdb"

    class Boom(Exception):
        pass

    seen = []

    def die_on_third(rec):
        seen.append(rec)
        if len(seen) == 4:
            raise Boom

    with pytest.raises(Boom):
        ingest([corpus], partial, pipeline=pipeline, batch_size=1, on_story=die_on_third)
    ingest([corpus], partial, pipeline=pipeline, batch_size=1)
    assert dump(partial) == dump(db)


def test_rejects_kept_with_reason(db):
    with Store(db, read_only=True) as st:
        _, rows = st.query("SELECT reason, line FROM rejects ORDER BY reason")
    assert rows == [("empty", 1), ("encoding", 1)]


def test_duplicate_from_another_file_is_a_reject(db, pipeline, tmp_path):
    copy = tmp_path / "copy.txt"
    shutil.copy(KHERSON, copy)
    summary = ingest([copy], db, pipeline=pipeline)
    assert [r.reason for r in summary.rejects] == ["duplicate"]


def test_cli_events_json_with_names_and_filters(db):
    res = runner.invoke(app, ["events", "--db", str(db), "--format", "json", "--type", "RETREAT", "--actor", "RUSMIL"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows and all(r["plover_type"] == "RETREAT" and r["source_code"] == "RUSMIL" for r in rows)
    assert rows[0]["source_name"] == "Russia military" and rows[0]["sentence"]
    res = runner.invoke(app, ["events", "--db", str(db), "--format", "json", "--since", "2023-01-01"])
    assert {r["story_date"][:4] for r in json.loads(res.stdout)} == {"2023"}
    res = runner.invoke(app, ["events", "--db", str(db), "--format", "csv", "--place", "Tbilisi"])
    assert res.stdout.splitlines()[0].startswith("story_id") and "Tbilisi" in res.stdout


def test_cli_quotes_actors_places_show_sql(db):
    res = runner.invoke(app, ["quotes", "--db", str(db), "--speaker", "Papernaya", "--format", "json"])
    rows = json.loads(res.stdout)
    assert len(rows) == 1 and rows[0]["speaker_name"] == "Natalia Papernaya" and rows[0]["direct"]
    res = runner.invoke(app, ["actors", "--db", str(db), "--actor", "Zelenskyi", "--format", "json"])
    assert json.loads(res.stdout)[0]["actor_id"] == "zelenskyy"
    res = runner.invoke(app, ["places", "--db", str(db), "--place", "Kherson", "--format", "json"])
    assert json.loads(res.stdout)[0]["country"] == "UKR"
    with Store(db, read_only=True) as st:
        sid = st.query("SELECT story_id FROM stories WHERE date = '2022-11-15'")[1][0][0]
    res = runner.invoke(app, ["show", sid[:12], "--db", str(db)])
    assert res.exit_code == 0 and "Zelenskiy" in res.stdout and "RETREAT" in res.stdout
    res = runner.invoke(app, ["sql", "SELECT count(*) AS n FROM stories", "--db", str(db), "--format", "json"])
    assert json.loads(res.stdout) == [{"n": 3}]
    res = runner.invoke(app, ["sql", "DELETE FROM stories", "--db", str(db)])
    assert res.exit_code == 2


def test_cli_export(db, tmp_path):
    for fmt in ("parquet", "csv", "jsonl"):
        res = runner.invoke(app, ["export", str(tmp_path / fmt), "--format", fmt, "--db", str(db)])
        assert res.exit_code == 0, res.output
        assert (tmp_path / fmt / f"events.{fmt}").stat().st_size > 0
    res = runner.invoke(app, ["export", str(tmp_path / "ev.geojson"), "--format", "geojson", "--db", str(db)])
    gj = json.loads((tmp_path / "ev.geojson").read_text())
    assert gj["type"] == "FeatureCollection" and gj["features"]
    lon, lat = gj["features"][0]["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_cli_ingest_reports_rejects(tmp_path, corpus):
    res = runner.invoke(app, ["ingest", str(corpus / "empty.txt"), "--db", str(tmp_path / "x.duckdb")])
    assert res.exit_code == 3  # nothing ingested
    assert "empty.txt:1: empty" in res.output.replace("\n", "")


def test_missing_database_is_a_clear_error(tmp_path):
    res = runner.invoke(app, ["events", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "no such database" in res.output


def test_a_schema_1_database_migrates_and_keeps_its_rows(tmp_path):
    import duckdb

    from storyline.store import MIGRATIONS, SCHEMA_VERSION, Store

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute(MIGRATIONS[0])
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO quotes (story_id, quote_no, text, direct) VALUES ('s1', 0, 'old words', true)")
    con.close()
    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION >= 2
    row = store.con.execute("SELECT text, speaker_start, addressee FROM quotes").fetchall()
    assert row == [("old words", None, None)]
    assert "addressee" in [d[0] for d in store.con.execute("SELECT * FROM quote_rows").description]
    store.close()


def test_quote_rows_carry_scare_flag_and_speaker_phrase(tmp_path, pipeline):
    from storyline.model import Story

    text = ("Victor Wan, an analyst at South Johore Securities, said the market would fall. The rally was the "
            "group’s “victory.”")
    store = Store(tmp_path / "q.duckdb")
    store.write([pipeline.analyze(Story(text=text, date=dt.date(2022, 11, 15)))])
    rows = store.query("SELECT text, scare, speaker_phrase FROM quote_rows ORDER BY quote_no")[1]
    store.close()
    assert ("the market would fall", False, "Victor Wan, an analyst at South Johore Securities") in rows
    assert ("victory.", True, None) in rows
