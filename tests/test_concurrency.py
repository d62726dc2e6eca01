"""Several processes, one database: a second ingest is refused with a message naming the first;
readers get in between an ingest's batches; a holder that never lets go gives a clear message
after a bounded wait, never a traceback."""
import json
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.store import DatabaseBusy, Store, WriterLock

runner = CliRunner()


def test_a_second_ingest_is_refused_with_who_holds_it(tmp_path, monkeypatch):
    db = tmp_path / "x.duckdb"
    src = tmp_path / "a.txt"
    src.write_text("date 2022-01-01 Police arrested protesters.", encoding="utf-8")
    with WriterLock(db):  # as a running ingest holds it (flock: per open file, so this process counts too)
        res = runner.invoke(app, ["ingest", str(src), "--db", str(db), "--jobs", "1"])
    assert res.exit_code == 3
    msg = " ".join(res.output.split())
    assert "already being written by storyline ingest (PID" in msg and "wait for that one" in msg
    assert "Traceback" not in res.output and res.exception is None or isinstance(res.exception, SystemExit)


HOLDER = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("CREATE TABLE IF NOT EXISTS t (i INTEGER)")
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
    con.close()
    print("released", flush=True)
    time.sleep(30)
""")


def hold(db, seconds):
    p = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "holding"
    return p


def test_a_reader_waits_for_a_short_hold_and_names_a_long_one(tmp_path, monkeypatch):
    db = tmp_path / "x.duckdb"
    Store(db).close()
    p = hold(db, 1.0)
    try:
        t0 = time.monotonic()
        with Store(db, read_only=True, wait=20) as st:
            assert st.query("SELECT count(*) FROM stories")[1] == [(0,)]
        assert time.monotonic() - t0 >= 0.5  # it did wait for the holder
    finally:
        p.kill()
        p.wait()
    p = hold(db, 60)
    try:
        with pytest.raises(DatabaseBusy) as exc:
            Store(db, read_only=True, wait=0.5)
        assert f"PID {p.pid}" in str(exc.value) and "Close that program's connection" in str(exc.value)
        monkeypatch.setenv("STORYLINE_LOCK_WAIT", "0.5")
        monkeypatch.setattr("storyline.store.LOCK_WAIT", 0.5)
        res = runner.invoke(app, ["events", "--db", str(db)])
        assert res.exit_code == 2 and f"PID {p.pid}" in res.output and "Traceback" not in res.output
    finally:
        p.kill()
        p.wait()


SLOW_INGEST = textwrap.dedent("""
    import sys, time
    import spacy
    from spacy.language import Language
    from storyline.pipeline import Pipeline
    from storyline.runner import ingest

    @Language.component("slow")
    def slow(doc):
        time.sleep(0.05)
        return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("slow")
    print("start", flush=True)
    ingest([sys.argv[1]], sys.argv[2], pipeline=Pipeline(nlp=nlp), batch_size=2)
    print("end", flush=True)
""")


@pytest.mark.slow
def test_readers_get_in_while_an_ingest_runs(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"s{i}", "date": "2022-01-01", "text": f"Story number {i}."}) + "\n"
                           for i in range(120)), encoding="utf-8")
    db = tmp_path / "x.duckdb"
    p = subprocess.Popen([sys.executable, "-c", SLOW_INGEST, str(src), str(db)], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "start"
    counts, waits = [], []
    try:
        while p.poll() is None:
            t0 = time.monotonic()
            try:
                with Store.serving(db, wait=10) as st:
                    counts.append(st.query("SELECT count(*) FROM stories")[1][0][0])
            except FileNotFoundError:
                pass  # not created yet
            except duckdb.CatalogException:
                pass  # created, not yet migrated
            waits.append(time.monotonic() - t0)
            time.sleep(0.05)
    finally:
        p.wait(timeout=120)
    assert p.returncode == 0
    assert len(counts) >= 3 and counts == sorted(counts) and counts[-1] > counts[0]  # read during the ingest
    assert max(waits) < 10
    with Store(db, read_only=True) as st:
        assert st.query("SELECT count(*) FROM stories")[1] == [(120,)]


def test_sql_cannot_read_files_unless_allowed(tmp_path):
    db = tmp_path / "x.duckdb"
    Store(db).close()
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret", encoding="utf-8")
    q = f"SELECT content FROM read_text('{secret}')"
    res = runner.invoke(app, ["sql", q, "--db", str(db)])
    assert res.exit_code == 2 and "the secret" not in res.output and "--allow-files" in res.output
    # nor can the query switch it back on
    with Store.serving(db) as st:
        with pytest.raises(duckdb.Error):
            st.query("SET enable_external_access = true")
        with pytest.raises(duckdb.Error):
            st.query(q)
    res = runner.invoke(app, ["sql", q, "--db", str(db), "--allow-files", "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout) == [{"content": "the secret"}]


def test_a_served_query_has_a_time_limit(tmp_path):
    from storyline.store import QueryTimeout

    db = tmp_path / "x.duckdb"
    Store(db).close()
    with Store.serving(db) as st:
        t0 = time.monotonic()
        with pytest.raises(QueryTimeout):
            st.query("SELECT count(*) FROM range(1000000000000) a", timeout=0.5)
        assert time.monotonic() - t0 < 10
        assert st.query("SELECT 42", timeout=5)[1] == [(42,)]  # the connection still works


def test_check_finds_what_is_wrong(tmp_path):
    db = tmp_path / "x.duckdb"
    res = runner.invoke(app, ["check", "--db", str(db)])
    assert res.exit_code == 2  # no such database
    with Store(db) as st:
        st.con.execute("INSERT INTO stories (story_id, date, content_hash, text, n_chars) "
                       "VALUES ('s1', '2021-01-01', 'h', 'Paris is far.', 13)")
        st.con.execute("INSERT INTO place_mentions (story_id, start, \"end\", text) VALUES ('s1', 0, 5, 'Paris')")
    assert runner.invoke(app, ["check", "--db", str(db)]).exit_code == 0
    with Store(db) as st:
        st.con.execute("INSERT INTO place_mentions (story_id, start, \"end\", text, geonameid) "
                       "VALUES ('s1', 9, 40, 'far.', 2988507)")
        st.con.execute("INSERT INTO events (story_id, event_no, sentence_start, sentence_end) VALUES ('gone', 0, 0, 1)")
        st.con.execute("INSERT INTO mentions (story_id, start, \"end\", text) VALUES ('s1', 0, 5, 'Pari')")
    res = runner.invoke(app, ["check", "--db", str(db)])
    out = " ".join(res.output.split())
    assert res.exit_code == 1
    assert "events rows whose story is not in stories (orphans): 1 row (e.g. story gone)" in out
    assert "place_mentions.geonameid naming no row of places: 1 row" in out
    assert "place_mentions.start..end outside the story's text: 1 row (e.g. story s1 at 9..40)" in out
    assert "mentions.text differing from the story's text at its offsets: 1 row" in out
    assert "4 problem(s)" in out
