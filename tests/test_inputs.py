"""Inputs users hold: gzip, bzip2 and zstd files of any format, and WARC/ARC web archives."""
import bz2
import datetime as dt
import gzip
import io
import json

import pytest
import zstandard

from storyline.ingest import read_paths
from storyline.model import Reject, Story

PAGE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>{body} The talks lasted three hours and ended without a statement, according to officials present.</p>
<p>Both delegations said they would meet again in the same city next month to continue the negotiations.</p>
</article></body></html>"""

COMPRESS = {"gz": gzip.compress, "bz2": bz2.compress, "zst": zstandard.ZstdCompressor().compress}


def read(*paths, **kw):
    return list(read_paths([str(p) for p in paths], **kw))


@pytest.mark.parametrize("kind", sorted(COMPRESS))
def test_compressed_jsonl_and_csv(tmp_path, kind):
    jsonl = (json.dumps({"id": "a", "date": "2021-05-01", "text": "Envoys met in Geneva."}) + "\n{bad\n").encode()
    csv = b"id,date,text\nb,2021-05-02,\"Talks, again, in Geneva.\"\n"
    (tmp_path / f"s.jsonl.{kind}").write_bytes(COMPRESS[kind](jsonl))
    (tmp_path / f"s.csv.{kind}").write_bytes(COMPRESS[kind](csv))
    recs = read(tmp_path)
    stories = sorted((r.id, r.text) for r in recs if isinstance(r, Story))
    assert stories == [("a", "Envoys met in Geneva."), ("b", "Talks, again, in Geneva.")]
    (bad,) = [r for r in recs if isinstance(r, Reject)]
    assert (bad.source, bad.line, bad.reason) == (str(tmp_path / f"s.jsonl.{kind}"), 2, "parse")


def test_compression_is_recognized_by_content_and_damage_is_a_reject(tmp_path):
    f = tmp_path / "odd-name.txt"
    f.write_bytes(gzip.compress(b"date 2021-01-01 A seed story, gzipped under a plain name."))
    (story,) = read(f)
    assert isinstance(story, Story) and story.text.startswith("A seed story")
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(b'{"date": "2021-01-01", "text": "x"}\n' * 50)[:40])
    (rej,) = read(broken)
    assert rej.reason == "compression" and "gzip" in rej.detail


def warc(records):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for uri, date, ctype, body in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        rec = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                        warc_headers_dict={"WARC-Date": date})
        writer.write_record(rec)
    writer.write_record(writer.create_warc_record("urn:x", "metadata", payload=io.BytesIO(b"k: v"),
                                                  warc_content_type="application/warc-fields"))
    return buf.getvalue()


def test_warc_html_responses_become_stories(tmp_path):
    data = warc([
        ("https://news.example/a", "2023-05-07T10:00:00Z", "text/html; charset=utf-8",
         PAGE.format(title="Talks in Jeddah", body="Envoys of both sides met in Jeddah on Saturday.").encode()),
        ("https://news.example/logo.png", "2023-05-07T10:00:01Z", "image/png", b"\x89PNG\r\n"),
        ("https://news.example/b", "2023-05-08T09:30:00Z", "text/html; charset=iso-8859-1",
         PAGE.format(title="Caf\u00e9 talks", body="Ministers met at a caf\u00e9 in Tunis.").encode("latin-1")),
    ])
    (tmp_path / "crawl.warc").write_bytes(data)
    (tmp_path / "crawl2.warc.gz").write_bytes(gzip.compress(data))
    for name in ("crawl.warc", "crawl2.warc.gz"):
        recs = read(tmp_path / name)
        assert [type(r).__name__ for r in recs] == ["Story", "Story"], recs
        a, b = recs
        assert (a.date, a.url, a.title) == (dt.date(2023, 5, 7), "https://news.example/a", "Talks in Jeddah")
        assert "Jeddah" in a.text and a.origin.line == 1
        assert b.date == dt.date(2023, 5, 8) and "café in Tunis" in b.text and b.origin.line == 3


def test_arc_file(tmp_path):
    body = PAGE.format(title="Old crawl", body="Officials met in Lisbon on Monday.").encode()
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    desc = b"1 0 Example\nURL IP-address Archive-date Content-type Archive-length\n"
    head = b"filedesc://crawl.arc 0.0.0.0 20050614070159 text/plain %d\n" % len(desc)
    rec = b"http://old.example/x 1.2.3.4 20050614070200 text/html %d\n" % len(http)
    (tmp_path / "old.arc").write_bytes(head + desc + b"\n" + rec + http + b"\n")
    (story,) = read(tmp_path / "old.arc")
    assert isinstance(story, Story), story
    assert story.date == dt.date(2005, 6, 14) and story.url == "http://old.example/x" and "Lisbon" in story.text


def test_not_a_warc(tmp_path):
    f = tmp_path / "fake.warc"
    f.write_bytes(b"WARC/1.0\r\nthis is not a record\r\n\r\n")
    recs = read(f)
    assert recs and all(isinstance(r, Reject) for r in recs) and recs[0].reason in ("parse", "empty")
