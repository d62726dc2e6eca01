"""Fuzzing with Hypothesis: every generated input becomes stories or rejects with a reason, never an
exception, and in bounded time; the whole pipeline on generated text gives analyses whose offsets
lie inside the text, and no stage fails.

Runs are derandomized (the same cases in every run, so CI is reproducible); FUZZ_SCALE=N multiplies
the number of cases for a longer local run. Each test counts its cases in CASES; the totals are
printed by `test_zz_report`, which runs last in this file."""
import bz2
import csv
import datetime as dt
import gzip
import io
import json
import os
import time

import pytest
import zstandard
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from storyline.ingest import DEFAULT_MAX_CHARS, read_source
from storyline.model import Reject, Story

SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
FUZZ = settings(max_examples=150 * SCALE, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
REASONS = {"empty", "binary", "encoding", "no-date", "bad-date", "too-large", "parse", "compression", "duplicate"}
CASES: dict[str, dict[str, int]] = {}

# the characters that break text handling: controls, zero-width and direction marks, RTL scripts,
# emoji (astral, with joiners and skin tones), line and paragraph separators, CR, CRLF, BOM
NASTY = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e",
         "\u202d", "\u2066", "\u2069", "\u2028", "\u2029", "\r", "\r\n", "\n\n", "\t", "\u00a0",
         "مرحبا بالعالم", "שלום עולם", "русский", "中文新闻", "👩🏽‍⚕️", "🇺🇦", "🏳️‍🌈", "\U0001d54f", "e\u0301",
         "\ufffd", "\uffff", "Zelenskiy visited Kherson on Tuesday.", "said", "\"", "“", "”", "'", "<", "&amp;"]
DATES = ["2022-11-15", "2022-02-30", "0001-01-01", "9999-12-31", "2022-01-01T10:00:00+05:00",
         "2022-01-01T23:59:59Z", "2022-1-1", "", " ", "yesterday", "20220101", "2022-13-01", "-0001-01-01",
         "2022-01-01T25:00:00"]
text = st.lists(st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30), st.sampled_from(NASTY)),
                max_size=25).map("".join)
any_date = st.one_of(st.sampled_from(DATES), st.text(max_size=12), st.integers(), st.none(), st.floats(),
                     st.lists(st.integers(), max_size=2))
json_value = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text,
                       st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                                              max_size=2))
COMPRESS = [lambda b: b, gzip.compress, bz2.compress, zstandard.ZstdCompressor().compress]
ENCODE = [lambda s: s.encode("utf-8", "surrogatepass"), lambda s: s.encode("utf-8-sig", "surrogatepass"),
          lambda s: s.encode("utf-16", "surrogatepass"), lambda s: s.encode("latin-1", "replace")]


def count(test: str, outcome: str) -> None:
    CASES.setdefault(test, {}).setdefault(outcome, 0)
    CASES[test][outcome] += 1


def check_records(test: str, name: str, data: bytes, fmt: str | None, max_chars: int = DEFAULT_MAX_CHARS):
    count(test, "cases")
    t0 = time.monotonic()
    records = list(read_source(name, data, fmt, max_chars=max_chars))
    assert time.monotonic() - t0 < 30, "a reader took more than 30 s"
    assert records, "every input gives at least one story or reject"
    for r in records:
        assert isinstance(r, (Story, Reject))
        if isinstance(r, Reject):
            assert r.reason in REASONS and r.detail and r.source == name and r.line >= 0, r
            count(test, f"reject:{r.reason}")
        else:
            assert r.text.strip() and isinstance(r.date, dt.date) and len(r.text) <= max_chars
            assert "\x00" not in r.text
            count(test, "story")
    return records


@FUZZ
@given(body=text, date=st.sampled_from(DATES), sep=st.sampled_from([" ", "\n", "\r\n", "\r", ":", "\t"]),
       enc=st.sampled_from(ENCODE), comp=st.sampled_from(COMPRESS))
@example(body="x" * 1_000_000, date="2022-11-15", sep=" ", enc=ENCODE[0], comp=COMPRESS[0])  # a 1 MB line
@example(body="A.\n\n" * 10_000, date="2022-11-15", sep="\n", enc=ENCODE[0], comp=COMPRESS[1])  # tiny paragraphs
def test_seed_format(body, date, sep, enc, comp):
    check_records("seed", "f.txt", comp(enc(f" date {date}{sep}{body}")), None)


@FUZZ
@given(lines=st.lists(st.one_of(
    st.fixed_dictionaries({"text": text, "date": st.sampled_from(DATES)}, optional={"id": st.text(max_size=8)}),
    st.fixed_dictionaries({"text": json_value, "date": any_date}, optional={"id": json_value, "title": json_value,
                                                                           "url": json_value, "body": json_value}),
    text, st.lists(st.integers(), max_size=2)), max_size=6),
    newline=st.sampled_from(["\n", "\r\n", "\r"]), broken=st.booleans(), comp=st.sampled_from(COMPRESS))
def test_jsonl(lines, newline, broken, comp):
    rows = [json.dumps(x) if not isinstance(x, str) else x for x in lines]
    if broken and rows:
        rows[0] = rows[0][: len(rows[0]) // 2]
    check_records("jsonl", "f.jsonl", comp(newline.join(rows).encode("utf-8", "surrogatepass")), "jsonl")


@FUZZ
@given(header=st.sampled_from(["id,date,text", "date,text", "text", "date,body,title", "a,b", "", "id;date;text"]),
       rows=st.lists(st.lists(st.one_of(text, st.sampled_from(DATES)), min_size=0, max_size=4), max_size=5),
       quoting_error=st.booleans(), comp=st.sampled_from(COMPRESS))
def test_csv(header, rows, quoting_error, comp):
    buf = io.StringIO()
    w = csv.writer(buf)
    for r in rows:
        w.writerow(r)
    data = header + "\n" + buf.getvalue()
    if quoting_error:
        data = data.replace('"', "", 1) + '\n"unclosed, quote'
    check_records("csv", "f.csv", comp(data.encode("utf-8", "surrogatepass")), "csv")


tags = st.sampled_from(["div", "p", "article", "span", "table", "td", "script", "style", "b", "h1", "main"])


@FUZZ
@given(depth=st.integers(0, 300), tag=tags, body=text, title=text, close=st.booleans(),
       date=st.sampled_from(DATES), garbage=st.sampled_from(["", "<", "<p", "</div></div>", "<!--", "<![CDATA[",
                                                             "&#xFFFFFF;", "<meta charset='utf-16'>"]))
def test_html(depth, tag, body, title, close, date, garbage):
    inner = f"<p>{body}</p>" * 3 + garbage
    page = (f"<html><head><title>{title}</title><meta property='article:published_time' content='{date}'></head>"
            f"<body>{f'<{tag}>' * depth}{inner}{f'</{tag}>' * depth if close else ''}</body></html>")
    check_records("html", "f.html", page.encode("utf-8", "surrogatepass"), "html")


@FUZZ
@given(data=st.binary(max_size=300), comp=st.sampled_from(COMPRESS), fmt=st.sampled_from([None, "seed", "jsonl",
                                                                                         "csv", "html", "warc"]))
def test_arbitrary_bytes(data, comp, fmt):
    check_records("bytes", "f.bin", comp(data), fmt)


# ---- the whole pipeline on generated text ----

@pytest.fixture(scope="module")
def guarded(pipeline):
    return pipeline


def spans_inside(analysis):
    n = len(analysis.story.text)
    spans = [(m.start, m.end) for m in analysis.mentions] + [(t.start, t.end) for t in analysis.times]
    spans += [(p.start, p.end) for p in analysis.places] + [(q.start, q.end) for q in analysis.quotes]
    spans += [(e.sentence_start, e.sentence_end) for e in analysis.events]
    return all(0 <= a <= b <= n for a, b in spans)


@settings(FUZZ, max_examples=60 * SCALE)
@given(body=text, extra=st.lists(st.sampled_from(NASTY), max_size=40), date=st.dates(dt.date(1, 1, 1),
                                                                                     dt.date(9999, 12, 31)))
@example(body="A.\n\n" * 10_000, extra=[], date=dt.date(2022, 11, 15))
@example(body="Ukraine said on Monday it " + "and " * 2000 + "attacked.", extra=[], date=dt.date(9999, 12, 31))
@example(body="The 1987 full year sales and the past 9999 years, in 10000 AD.", extra=[], date=dt.date(1, 1, 1))
def test_pipeline_on_generated_text(guarded, body, extra, date):
    from storyline.pipeline import Failure

    text_ = (body + " " + " ".join(extra)).replace("\x00", " ").strip() or "."
    story = Story(text=text_, date=date, id="fuzz")
    t0 = time.monotonic()
    (result,) = list(guarded.pipe_guarded([story]))
    assert time.monotonic() - t0 < 300  # generous: CI machines are shared; a hang is what this is for
    if isinstance(result, Failure):
        count("pipeline", f"error:{result.stage}")
        pytest.fail(f"stage {result.stage} failed on generated text: {result.message}\n{result.traceback}")
    count("pipeline", "cases")
    count("pipeline", "story")
    assert spans_inside(result)


def test_zz_report(capsys):
    """Not a test of its own: prints how many generated cases ran and their outcomes."""
    total = sum(v.get("cases", 0) for v in CASES.values())
    with capsys.disabled():
        print(f"\nfuzz cases run: {total}; records by outcome: " + json.dumps(CASES, sort_keys=True))
    if CASES:
        assert all(k == "cases" or k.startswith(("story", "reject:")) for v in CASES.values() for k in v)
