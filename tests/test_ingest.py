"""Readers and bad input: every problem is a Reject naming file, line and reason."""
import datetime as dt
import io
import json
import sys

import pytest

from storyline.ingest import dedupe, read_paths
from storyline.model import Reject, Story


def read(*paths, **kw):
    return list(dedupe(read_paths([str(p) for p in paths], **kw)))


def test_seed_format_same_line_and_next_line(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text(" date 2022-11-15 Body on the first line.\n\nMore.", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text("date 2021-01-02\nBody on the next line.", encoding="utf-8")
    sa, sb = read(a, b)
    assert (sa.date, sa.text) == (dt.date(2022, 11, 15), "Body on the first line.\n\nMore.")
    assert (sb.date, sb.text) == (dt.date(2021, 1, 2), "Body on the next line.")
    assert sa.id.startswith("sha256-") and sa.id != sb.id


def test_jsonl_csv_and_ids(tmp_path):
    j = tmp_path / "s.jsonl"
    j.write_text(json.dumps({"id": "x1", "date": "2020-05-01", "text": "Police arrested protesters.",
                             "title": "T", "url": "http://e/1", "source": "Wire"}) + "\n"
                 + "{not json\n"
                 + json.dumps({"date": "2020-05-02", "body": "Another story."}) + "\n", encoding="utf-8")
    c = tmp_path / "s.csv"
    c.write_text('id,date,text\nc1,2020-06-01,"A story, with a comma."\nc2,,No date here\n', encoding="utf-8")
    recs = read(j, c)
    stories = [r for r in recs if isinstance(r, Story)]
    rejects = [r for r in recs if isinstance(r, Reject)]
    assert [s.id for s in stories][:1] == ["x1"] and stories[0].source == "Wire"
    assert stories[2].id == "c1" and stories[2].text == "A story, with a comma."
    assert {(r.line, r.reason) for r in rejects} == {(2, "parse"), (3, "no-date")}
    assert {r.source for r in rejects} == {str(j), str(c)}


def test_html_with_trafilatura(tmp_path):
    h = tmp_path / "page.html"
    h.write_text("""<html><head><title>Talks in Jeddah</title>
    <meta property="article:published_time" content="2023-05-07T10:00:00Z"></head>
    <body><article><h1>Talks in Jeddah</h1><p>Saudi Arabia hosted talks between Sudan's warring factions in
    Jeddah on Saturday, the first direct meeting since fighting erupted last month, officials said.</p>
    <p>Envoys of the army met representatives of the paramilitary forces in the city.</p></article></body></html>""",
                 encoding="utf-8")
    (story,) = read(h)
    assert isinstance(story, Story), story
    assert story.date == dt.date(2023, 5, 7) and "Jeddah" in story.text


@pytest.mark.parametrize("content,reason,line", [
    (b"", "empty", 1),
    (b"   \n\n ", "empty", 1),
    (b"date 2022-01-01\nok\n\x00\x01binary", "binary", 3),
    (b"date 2022-01-01\nfine line\ncaf\xe9", "encoding", 3),
    (b"no date line at all", "no-date", 1),
    (b"date 2022-02-30 Thirtieth of February.", "bad-date", 1),
    (b"date yesterday Body.", "bad-date", 1),
])
def test_bad_input(tmp_path, content, reason, line):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    (rec,) = read(f)
    assert isinstance(rec, Reject)
    assert (rec.source, rec.line, rec.reason) == (str(f), line, reason)
    assert str(f) in str(rec) and rec.detail


def test_huge_story(tmp_path):
    f = tmp_path / "huge.txt"
    f.write_text("date 2022-01-01 " + "word " * 1000, encoding="utf-8")
    (rec,) = read(f, max_chars=1000)
    assert isinstance(rec, Reject) and rec.reason == "too-large" and "1,000" in rec.detail


def test_duplicate_in_batch_and_batch_goes_on(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("date 2022-01-01 Same story.", encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(b"")
    (tmp_path / "d.txt").write_text("date 2022-01-02 Another.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored: not a story suffix", encoding="utf-8")
    recs = read(tmp_path)
    assert [type(r).__name__ for r in recs] == ["Story", "Reject", "Reject", "Story"]
    assert recs[1].reason == "duplicate" and "a.txt" in recs[1].detail
    assert recs[2].reason == "empty"


def test_missing_path():
    (rec,) = read("/no/such/file.txt")
    assert isinstance(rec, Reject) and rec.reason == "missing"


def test_stdin(monkeypatch):
    data = json.dumps({"date": "2022-11-15", "text": "Russian forces fled Kherson."}).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    (story,) = read("-")
    assert story.origin.source == "<stdin>" and story.date == dt.date(2022, 11, 15)
