"""The web app through its HTTP interface (no browser): pages, JSON API, downloads, safety, and the
snapshot that lets it read while an ingest writes."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time

import duckdb
import pytest
from fastapi.testclient import TestClient

from storyline.web.markup import Mark, pieces, to_html
from storyline.web.reader import DatabaseUnavailable, SnapshotReader
from webdata import build_web_db


@pytest.fixture(scope="module")
def web_db(tmp_path_factory, pipeline):
    return build_web_db(tmp_path_factory, pipeline)


@pytest.fixture(scope="module")
def client(web_db):
    from storyline.web import create_app

    with TestClient(create_app(web_db, follow=False)) as c:
        yield c


def sql(db, q, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(q, list(params)).fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize("path", ["/events", "/timeline", "/map", "/sql", "/docs", "/events?type=ASSAULT&since=2022",
                                  "/timeline?by=quad_class&unit=month", "/api/status"])
def test_pages_answer(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]


def test_story_actor_place_pages(client, web_db):
    sid, actor_id, gid = sql(web_db, "SELECT story_id, source_id, geonameid FROM events WHERE trigger = 'fled'")[0]
    story = client.get(f"/story/{sid}")
    assert story.status_code == 200 and 'id="event-' in story.text and "m-trigger" in story.text
    actor = client.get(f"/actor/{actor_id}")
    assert actor.status_code == 200 and "as source" in actor.text
    place = client.get(f"/place/{gid}")
    assert place.status_code == 200 and "Kherson" in place.text


def test_events_page_counts_match_the_query_api(client, web_db):
    n = sql(web_db, "SELECT count(*) FROM events WHERE plover_type = 'ASSAULT'")[0][0]
    assert n > 0
    page = client.get("/events", params={"type": "ASSAULT"}).text
    assert f'id="total">{n}<' in page
    api = client.get("/api/events", params={"type": "ASSAULT"}).json()
    assert api["total"] == n and {e["plover_type"] for e in api["events"]} == {"ASSAULT"}


def test_unknown_parameter_and_bad_date_are_clear_400s(client):
    r = client.get("/events", params={"typo": "x"})
    assert r.status_code == 400 and "typo" in r.text and "Traceback" not in r.text
    r = client.get("/api/events", params={"since": "2022-13"})
    assert r.status_code == 400 and "since" in r.json()["detail"]


def test_missing_story_is_a_404_page(client):
    r = client.get("/story/no-such-story")
    assert r.status_code == 404 and "no-such-story" in r.text


def test_api_page_size_is_bounded(client):
    assert client.get("/api/events", params={"limit": 100000}).status_code == 422
    assert len(client.get("/api/events", params={"limit": 2}).json()["events"]) == 2


def test_paging_and_sorting(client, web_db):
    total = sql(web_db, "SELECT count(*) FROM events")[0][0]
    a = client.get("/api/events", params={"limit": 5, "offset": 0, "sort": "-goldstein"}).json()["events"]
    b = client.get("/api/events", params={"limit": 5, "offset": 5, "sort": "-goldstein"}).json()["events"]
    scores = [e["goldstein"] for e in a + b if e["goldstein"] is not None]
    assert scores == sorted(scores, reverse=True)
    assert not {(e["story_id"], e["event_no"]) for e in a} & {(e["story_id"], e["event_no"]) for e in b}
    assert total > 10


def test_downloads_hold_the_whole_selection(client, web_db):
    n = sql(web_db, "SELECT count(*) FROM events WHERE plover_type IN ('ASSAULT', 'COERCE')")[0][0]
    located = sql(web_db, "SELECT count(*) FROM event_rows WHERE plover_type IN ('ASSAULT', 'COERCE') "
                          "AND lat IS NOT NULL")[0][0]
    params = {"type": "ASSAULT,COERCE"}
    rows = list(csv.DictReader(io.StringIO(client.get("/api/events.csv", params=params).text)))
    assert len(rows) == n and rows[0]["cameo"].isdigit()
    assert len(client.get("/api/events.json", params=params).json()) == n
    geo = client.get("/api/events.geojson", params=params).json()
    assert len(geo["features"]) == located and geo["events_without_coordinates"] == n - located
    assert client.get("/api/events.xml").status_code == 404


def test_map_api_has_one_feature_per_located_event(client, web_db):
    located = sql(web_db, "SELECT count(*) FROM event_rows WHERE lat IS NOT NULL")[0][0]
    body = client.get("/api/map").json()
    assert body["mode"] == "events" and len(body["features"]) == body["located"] == located


def test_timeline_api_counts_every_dated_event(client, web_db):
    total = sql(web_db, "SELECT count(*) FROM events")[0][0]
    body = client.get("/api/timeline", params={"unit": "month", "domain": "all"}).json()
    assert body["unit"] == "month" and body["total"] == total
    assert sum(b["total"] for b in body["bins"]) == total
    assert all(b["start"] <= b["end"] for b in body["bins"])


def test_facets_and_counts(client, web_db):
    body = client.get("/api/facets", params={"field": ["plover_type"], "domain": "all"}).json()
    want = dict(sql(web_db, "SELECT plover_type, count(*) FROM events GROUP BY 1"))
    assert {k: n for k, n in body["plover_type"]} == want
    rows = client.get("/api/count", params={"by": "plover_type,month", "domain": "all"}).json()["rows"]
    assert sum(r[-1] for r in rows) == sum(want.values())


def test_pages_show_political_events_unless_told_as_the_cli_does(client, web_db):
    from typer.testing import CliRunner

    from storyline.cli import app

    political = sql(web_db, "SELECT count(*) FROM events WHERE domain = 'political'")[0][0]
    business = sql(web_db, "SELECT count(*) FROM events WHERE domain = 'business'")[0][0]
    assert political and business
    assert client.get("/api/events").json()["total"] == political
    assert client.get("/api/events", params={"domain": "business"}).json()["total"] == business
    assert client.get("/api/events", params={"domain": "all"}).json()["total"] == political + business
    cli = CliRunner().invoke(app, ["events", "--db", str(web_db), "--format", "json"])
    assert cli.exit_code == 0 and len(json.loads(cli.stdout)) == political
    page = client.get("/events").text
    assert f'id="total">{political}<' in page and "<option selected>political</option>" in page


# ---------------------------------------------------------------- safety


def test_story_html_is_escaped(client, web_db):
    sid = sql(web_db, "SELECT story_id FROM stories WHERE text LIKE '%onerror%'")[0][0]
    page = client.get(f"/story/{sid}").text
    assert "<script>document.title" not in page and "<img src=x" not in page
    assert "&lt;script&gt;document.title" in page and "&lt;img src=x onerror=" in page
    events = client.get("/events", params={"text": "onerror"}).text
    assert "<img src=x" not in events and "&lt;img src=x" in events
    assert "script-src 'self'" in client.get("/events").headers["content-security-policy"]


@pytest.mark.parametrize("query, says", [
    ("SELECT content FROM read_text('/etc/hostname')", "disabled"),
    ("SELECT * FROM read_csv('/etc/passwd')", "disabled"),
    ("ATTACH '/tmp/other.duckdb' AS o", "read-only"),
    ("DROP TABLE events", "read-only"),
    ("SELECT 1; DROP TABLE events", "read-only"),
    ("COPY (SELECT 1) TO '/tmp/x.csv'", "read-only"),
    ("INSTALL httpfs", "read-only"),
    ("SET enable_external_access = true", "read-only"),
    ("SELEC 1", "syntax error"),
])
def test_sql_refuses_files_and_writes(client, web_db, query, says):
    r = client.get("/api/sql", params={"sql": query})
    assert r.status_code == 400 and says in r.json()["detail"]
    assert sql(web_db, "SELECT count(*) FROM events")[0][0] > 0


def test_sql_answers_reads_and_says_why_it_fails(client, web_db):
    r = client.get("/api/sql", params={"sql": "SELECT plover_type, count(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC"})
    assert r.status_code == 200 and r.json()["columns"] == ["plover_type", "n"]
    r = client.get("/api/sql", params={"sql": "SELECT nosuchcolumn FROM events"})
    assert r.status_code == 400 and "nosuchcolumn" in r.json()["detail"]
    page = client.get("/sql", params={"sql": "SELECT '<b>bold</b>' AS x"}).text
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_sql_rows_are_bounded(client):
    body = client.get("/api/sql", params={"sql": "SELECT * FROM range(5000)"}).json()
    assert len(body["rows"]) == 1000 and body["truncated"]


def test_slow_query_is_stopped(web_db):
    reader = SnapshotReader(web_db, statement_timeout=0.3)
    reader.wait_ready(5)
    try:
        from storyline.web.reader import QueryTimeout

        t = time.monotonic()
        with pytest.raises(QueryTimeout):
            reader.query("SELECT count(*) FROM range(1000000000000) a, range(10) b")
        assert time.monotonic() - t < 10
    finally:
        reader.close()


# ---------------------------------------------------------------- story marks


def test_pieces_cut_overlapping_marks():
    text = "Zelenskiy said Russian forces fled Kherson."
    marks = [Mark(0, 9, "actor", "UKRGOV"), Mark(15, 29, "reported"), Mark(15, 29, "actor", "RUSMIL"),
             Mark(30, 34, "trigger", "RETREAT", anchor="event-4"), Mark(15, 42, "reported"),
             Mark(35, 42, "place", "UKR")]
    ps = pieces(text, marks)
    assert "".join(p.text for p in ps) == text
    fled = next(p for p in ps if p.text == "fled")
    assert fled.anchors == ["event-4"] and fled.kinds == ["reported", "trigger"]
    assert [m.label for p in ps for m in p.labels] == ["UKRGOV", "RUSMIL", "RETREAT", "UKR"]


def test_two_events_on_one_trigger_both_have_anchors():
    ps = pieces("They met.", [Mark(5, 8, "trigger", "CONSULT", anchor="event-1"),
                              Mark(5, 8, "trigger", "CONSULT", anchor="event-2")])
    html = str(to_html(ps))
    assert 'id="event-1"' in html and 'id="event-2"' in html


def test_marks_outside_the_text_are_dropped_and_text_is_escaped():
    ps = pieces("<b>x</b>", [Mark(0, 3, "actor", "A<"), Mark(5, 99, "time"), Mark(4, 4, "place")])
    html = str(to_html(ps))
    assert html.startswith('<span class="m-actor">&lt;b&gt;</span>') and "A&lt;" in html
    assert "&lt;/b&gt;" in html and "<b>" not in html


# ---------------------------------------------------------------- reading while writing


def test_snapshot_follows_the_file(tmp_path, web_db):
    import shutil

    db = tmp_path / "follow.duckdb"
    shutil.copy(web_db, db)
    reader = SnapshotReader(db, poll_seconds=0.1)
    reader.wait_ready(5)
    try:
        before = reader.query("SELECT count(*) FROM stories")[1][0][0]
        con = duckdb.connect(str(db))
        con.execute("DELETE FROM events")
        con.execute("DELETE FROM stories WHERE story_id IN (SELECT story_id FROM stories LIMIT 1)")
        con.close()
        assert reader.refresh()
        assert reader.query("SELECT count(*) FROM stories")[1][0][0] == before - 1
        assert not reader.refresh()  # unchanged file: no new copy
    finally:
        reader.close()


HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE IF NOT EXISTS held (x INT)")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_pages_work_while_another_process_writes(tmp_path, web_db):
    """A writer holding the file (as an ingest does) does not break the server: it keeps the last
    snapshot, says it is being written, and picks up the changes once the writer lets go."""
    import shutil

    from storyline.web import create_app

    db = tmp_path / "busy.duckdb"
    shutil.copy(web_db, db)
    with TestClient(create_app(db, follow=False)) as c:
        n = c.get("/api/events").json()["total"]
        writer = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db), "3"], stdout=subprocess.PIPE, text=True)
        try:
            assert writer.stdout.readline().strip() == "locked"
            reader = c.app.state.reader
            assert not reader.refresh() and "being written" in reader.last_error
            assert c.get("/api/events").json()["total"] == n
            page = c.get("/events")
            assert page.status_code == 200 and "being written" in page.text
        finally:
            writer.wait(timeout=30)
        assert reader.refresh()
        assert c.get("/api/sql", params={"sql": "SELECT count(*) FROM held"}).status_code == 200


def test_first_snapshot_waits_a_bounded_time_then_says_why(tmp_path, web_db):
    import shutil

    db = tmp_path / "locked.duckdb"
    shutil.copy(web_db, db)
    writer = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db), "5"], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "locked"
        reader = SnapshotReader(db)
        t = time.monotonic()
        with pytest.raises(DatabaseUnavailable, match="being written"):
            reader.wait_ready(1.0)
        assert time.monotonic() - t < 4
        reader.close()
    finally:
        writer.wait(timeout=30)
