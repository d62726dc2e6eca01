"""Real crashes: `storyline ingest` in a subprocess, SIGKILLed at seeded random moments (model loading,
migration, analysis, writing), run again each time; at the end the database must equal, table by table,
one from an uninterrupted run, and after every kill `storyline check` must find it whole."""
import json
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from storyline.check import check
from storyline.store import MIGRATIONS, Store

SEED = 20240517
COUNTRIES = ["Russian", "Ukrainian", "French", "Turkish", "Iranian", "Chinese", "Japanese", "Brazilian"]
CITIES = ["Kherson", "Lyon", "Ankara", "Tabriz", "Osaka", "Recife", "Odessa", "Marseille"]
ACTS = ["forces attacked", "officials met envoys in", "police arrested protesters in",
        "the foreign minister visited", "troops withdrew from", "the government sent aid to"]


def corpus(path, n=160):
    """Stories of our own, with a few bad lines and duplicates, as JSON Lines."""
    rng = random.Random(SEED)
    lines = []
    for i in range(n):
        c, city, act = rng.choice(COUNTRIES), rng.choice(CITIES), rng.choice(ACTS)
        text = (f"{c} {act} {city} on Tuesday, a spokesman said. "
                f"\"We will not accept this,\" he told reporters in {rng.choice(CITIES)} on {i % 28 + 1} March.")
        lines.append(json.dumps({"id": f"c{i}", "date": f"2021-03-{i % 28 + 1:02d}", "text": text}))
        if i % 40 == 7:
            lines.append("{broken json")
        if i % 50 == 9:
            lines.append(json.dumps({"id": f"c{i}", "date": f"2021-03-{i % 28 + 1:02d}", "text": text}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def dump(db):
    with Store(db, read_only=True) as st:
        tables = [r[0] for r in st.query("SELECT table_name FROM information_schema.tables "
                                         "WHERE table_type = 'BASE TABLE' ORDER BY 1")[1]]
        out = {}
        for t in tables:
            cols = [c for c in st.query(f"SELECT * FROM {t} LIMIT 0")[0] if c not in ("ingested_at", "first_seen")]
            select = ", ".join(f'"{c}"' for c in cols)
            out[t] = sorted(map(repr, st.query(f"SELECT {select} FROM {t}")[1]))
    return out


def run_ingest(src, db, kill_after=None):
    cmd = [sys.executable, "-m", "storyline.cli", "ingest", str(src), "--db", str(db), "--jobs", "1",
           "--batch-size", "8"]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if kill_after is None:
        _, errors = p.communicate(timeout=600)
        assert p.returncode == 1, errors  # exit 1: the corpus holds bad lines, which are rejected
        assert "Traceback" not in errors
        return None
    try:
        p.wait(timeout=kill_after)
        return p.returncode  # finished before the kill
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        return -9


@pytest.mark.slow
def test_sigkill_at_random_points_then_rerun_gives_the_same_database(tmp_path):
    src = tmp_path / "stories.jsonl"
    corpus(src)
    t0 = time.monotonic()
    run_ingest(src, tmp_path / "whole.duckdb")
    full = time.monotonic() - t0
    expected = dump(tmp_path / "whole.duckdb")
    assert len(expected["stories"]) == 160 and expected["events"] and len(expected["rejects"]) >= 4

    rng = random.Random(SEED)
    db = tmp_path / "killed.duckdb"
    kills = []
    for _ in range(4):
        at = rng.uniform(0.1, 1.0) * full
        if run_ingest(src, db, kill_after=at) == -9:
            kills.append(round(at, 1))
            if db.exists():
                with Store(db, read_only=True) as st:
                    version, problems = check(st)
                    assert not problems, problems
    assert kills, "every run finished before its kill point: nothing was tested"
    run_ingest(src, db)
    assert dump(db) == expected
    print(f"SIGKILL at {kills} s of a {full:.1f} s ingest; the database equals the uninterrupted one")


SLOW_MIGRATION = textwrap.dedent("""
    import sys, time
    import duckdb
    from storyline import store

    class Slow:  # every statement takes 0.2 s longer: the kill can land between any two of them
        def __init__(self, con):
            self._con = con
        def execute(self, *a, **k):
            time.sleep(0.2)
            return self._con.execute(*a, **k)
        def __getattr__(self, name):
            return getattr(self._con, name)

    real = store.connect
    store.connect = lambda *a, **k: Slow(real(*a, **k))
    print("start", flush=True)
    store.Store(sys.argv[1]).close()
    print("end", flush=True)
""")


@pytest.mark.slow
def test_sigkill_during_migration(tmp_path):
    """An old database (schema 1, with rows) is migrated; killed at any statement, the next open finishes
    the migration and the result equals an uninterrupted migration."""
    import duckdb

    def old(path):
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute(MIGRATIONS[0])
        con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        con.execute("INSERT INTO stories (story_id, date, content_hash, text) VALUES ('s1', '2021-01-01', 'h', 'x')")
        con.execute("INSERT INTO quotes (story_id, quote_no, text, direct) VALUES ('s1', 0, 'old words', true)")
        con.execute("INSERT INTO rejects VALUES ('f', 1, 'empty', 'no text', now())")
        con.close()

    old(tmp_path / "whole.duckdb")
    Store(tmp_path / "whole.duckdb").close()
    expected = dump(tmp_path / "whole.duckdb")
    rng = random.Random(SEED)
    statements = 4 * (len(MIGRATIONS) - 1)
    for k in range(3):
        db = tmp_path / f"m{k}.duckdb"
        old(db)
        p = subprocess.Popen([sys.executable, "-c", SLOW_MIGRATION, str(db)], stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "start"
        time.sleep(rng.uniform(0.0, 0.2 * statements))
        p.send_signal(signal.SIGKILL)
        p.wait()
        Store(db).close()
        assert dump(db) == expected
