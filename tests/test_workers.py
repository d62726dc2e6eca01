"""Worker processes (ingest --jobs): the same database as one process; a hung or crashing story is
rejected (timeout / error) and its worker replaced, and the rest of the batch is written."""
import datetime as dt
import json
import os
import signal
import time

import pytest
import spacy
from spacy.language import Language

from storyline.pipeline import Pipeline
from storyline.runner import ingest
from storyline.store import Store

HANG, CRASH = "Quorbid", "Vextrane"  # made-up words that make the injected stage hang or kill its process


@Language.component("test_hang_or_crash")
def hang_or_crash(doc):
    if HANG in doc.text:
        while True:  # a loop that never ends, as a pathological regex would
            time.sleep(0.01)
    if CRASH in doc.text:
        os.kill(os.getpid(), signal.SIGSEGV)
    return doc


def faulty_pipeline() -> Pipeline:
    """Built in each worker process (the factory must be importable there). A blank English
    pipeline: what is tested is the workers, and it loads in a fraction of a second."""
    nlp = spacy.blank("en")
    nlp.add_pipe("test_hang_or_crash")
    return Pipeline(nlp=nlp)


def write_stories(path, texts):
    path.write_text("".join(json.dumps({"id": f"s{i}", "date": f"2022-03-{i + 1:02d}", "text": t}) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")


def dump(db):
    with Store(db, read_only=True) as st:
        out = {}
        for table in ["stories", "actors", "actor_aliases", "mentions", "times", "places", "place_mentions", "quotes",
                      "events", "rejects"]:
            cols = [c for c in st.query(f"SELECT * FROM {table} LIMIT 0")[0] if c not in ("ingested_at", "first_seen")]
            select = ", ".join(f'"{c}"' for c in cols)
            out[table] = sorted(map(repr, st.query(f"SELECT {select} FROM {table}")[1]))
    return out


@pytest.mark.slow
def test_hung_and_crashing_stories_are_rejected_and_the_rest_written(tmp_path):
    texts = [f"Story {i}: the minister met the ambassador in Vienna on Tuesday." for i in range(8)]
    texts[2] = f"Story 2: a {HANG} story that never finishes."
    texts[5] = f"Story 5: a {CRASH} story that kills its worker."
    src = tmp_path / "in.jsonl"
    write_stories(src, texts)
    db = tmp_path / "w.duckdb"
    summary = ingest([src], db, jobs=2, make_pipeline=faulty_pipeline, timeout=3, batch_size=4)
    assert summary.stories == 6
    got = sorted((r.line, r.reason, r.stage) for r in summary.rejects)
    assert got == [(3, "timeout", "pipeline"), (6, "error", "worker")]
    with Store(db, read_only=True) as st:
        ids = [r[0] for r in st.query("SELECT story_id FROM stories ORDER BY story_id")[1]]
        assert ids == ["s0", "s1", "s3", "s4", "s6", "s7"]
        assert st.query("SELECT count(*) FROM rejects WHERE reason IN ('timeout', 'error')")[1] == [(2,)]
    assert "s2" in (tmp_path / "w.errors.log").read_text()


@pytest.mark.slow
def test_jobs_2_gives_the_same_database_as_jobs_1(tmp_path):
    from conftest import DATA, KHERSON

    texts = [KHERSON.read_text(encoding="utf-8").split("\n", 1)[1]]
    texts += [p.read_text(encoding="utf-8").split("\n", 1)[1] for p in sorted(DATA.glob("*.txt"))]
    texts += [f"Protesters gathered in Lyon on Saturday; police arrested {i + 2} of them, the mayor said."
              for i in range(9)]
    src = tmp_path / "in.jsonl"
    write_stories(src, texts)
    (tmp_path / "bad.txt").write_bytes(b"no date line")
    ingest([src, tmp_path / "bad.txt"], tmp_path / "one.duckdb", jobs=1, batch_size=3)
    two = ingest([src, tmp_path / "bad.txt"], tmp_path / "two.duckdb", jobs=2, batch_size=3)
    assert two.stories == len(texts)
    a, b = dump(tmp_path / "one.duckdb"), dump(tmp_path / "two.duckdb")
    assert a["events"] and a == b


def test_workers_share_the_cores_among_their_math_threads(monkeypatch):
    """Each worker's BLAS/OpenMP threads get cores / jobs (at least one); a user's own setting stays."""
    from storyline import workers

    monkeypatch.setattr(workers.os, "cpu_count", lambda: 8)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "3")
    assert workers._thread_limits(2) == {"OMP_NUM_THREADS": "4", "MKL_NUM_THREADS": "4"}
    assert workers._thread_limits(16)["OMP_NUM_THREADS"] == "1"
    with workers._environ(workers._thread_limits(4)):
        assert workers.os.environ["OMP_NUM_THREADS"] == "2"
    assert "OMP_NUM_THREADS" not in workers.os.environ
    assert workers.os.environ["OPENBLAS_NUM_THREADS"] == "3"
