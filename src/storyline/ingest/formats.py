"""One reader per input format. Each yields Story or Reject records."""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from ..model import Reject, Story
from .validate import decode, make_story

Reader = Callable[[str, bytes, int], Iterator[Story | Reject]]

# The seed format: first line " date YYYY-MM-DD", then the body (on the same line or the next).
_SEED_HEADER = re.compile(r"\A\s*date[ \t:]+(\S+)[ \t]*\n?", re.IGNORECASE)


def read_bytes(path: Path) -> tuple[bytes, Reject | None]:
    try:
        return path.read_bytes(), None
    except OSError as err:
        return b"", Reject(str(path), 0, "unreadable", err.strerror or str(err))


# gzip, bzip2 and zstd are recognized by their first bytes, whatever the file is called (and on stdin)
_MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\x28\xb5\x2f\xfd": "zstd"}
COMPRESSED_SUFFIXES = {".gz", ".gzip", ".bz2", ".zst", ".zstd"}


def compression_of(data: bytes) -> str | None:
    return next((kind for magic, kind in _MAGIC.items() if data.startswith(magic)), None)


def decompress(name: str, data: bytes) -> tuple[bytes, Reject | None]:
    """The bytes of a gzip, bzip2 or zstd file uncompressed (others as they are), or a Reject."""
    kind = compression_of(data)
    if kind is None:
        return data, None
    try:
        if kind == "gzip":
            import gzip

            return gzip.decompress(data), None
        if kind == "bzip2":
            import bz2

            return bz2.decompress(data), None
        import zstandard

        # a frame may not say its size: stream it rather than trust a header
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)) as reader:
            return reader.read(), None
    except Exception as err:  # each library has its own error types; any of them means a damaged file
        return b"", Reject(name, 0, "compression", f"damaged {kind} data: {type(err).__name__}: {err}"[:300])


def sniff_format(data: bytes) -> str:
    if data.startswith(b"WARC/") or data.startswith(b"filedesc://"):
        return "warc"
    head = data.lstrip()[:200].lower()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"<"):
        return "html"
    if head.startswith(b"date"):
        return "seed"
    if b"," in head.split(b"\n", 1)[0] and b"date" in head.split(b"\n", 1)[0]:
        return "csv"
    return "seed"


def read_seed(name: str, data: bytes, max_chars: int) -> Iterator[Story | Reject]:
    text, problem = decode(name, data)
    if problem:
        yield problem
        return
    m = _SEED_HEADER.match(text)
    if not m:
        yield Reject(name, 1, "no-date", "first line must be ' date YYYY-MM-DD' followed by the story")
        return
    yield make_story(name, 1, text[m.end():], m[1], max_chars)


def read_jsonl(name: str, data: bytes, max_chars: int) -> Iterator[Story | Reject]:
    text, problem = decode(name, data)
    if problem:
        yield problem
        return
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            yield Reject(name, lineno, "parse", f"not JSON: {err.msg} at column {err.colno}")
            continue
        if not isinstance(rec, dict):
            yield Reject(name, lineno, "parse", "each line must be a JSON object")
            continue
        yield _from_mapping(name, lineno, rec, max_chars)


def _from_mapping(name: str, lineno: int, rec: dict, max_chars: int) -> Story | Reject:
    body = rec.get("text", rec.get("body"))
    return make_story(name, lineno, body, rec.get("date"), max_chars, id=rec.get("id"),
                      title=rec.get("title"), url=rec.get("url"), source=rec.get("source"))


def read_csv(name: str, data: bytes, max_chars: int) -> Iterator[Story | Reject]:
    text, problem = decode(name, data)
    if problem:
        yield problem
        return
    csv.field_size_limit(max(max_chars * 4, 131072))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or not ({"text", "body"} & set(reader.fieldnames)):
        yield Reject(name, 1, "parse", "CSV header must name a 'text' column (and 'date')")
        return
    line = reader.line_num + 1
    rows = 0
    try:
        for row in reader:
            rows += 1
            yield _from_mapping(name, line, row, max_chars)
            line = reader.line_num + 1
    except csv.Error as err:
        yield Reject(name, reader.line_num, "parse", f"bad CSV: {err}")
        return
    if not rows:
        yield Reject(name, 2, "empty", "the CSV has a header but no rows")


def read_html(name: str, data: bytes, max_chars: int) -> Iterator[Story | Reject]:
    text, problem = decode(name, data)
    if problem:
        yield problem
        return
    yield html_story(name, 1, text, max_chars)


def html_story(name: str, line: int, html: str, max_chars: int, *, date: object = None,
               url: str | None = None) -> Story | Reject:
    """A page's main text, title and date (trafilatura); a given date and url win over the page's."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if doc is None:
        return Reject(name, line, "empty", "no main text found in the HTML page")
    meta = doc if isinstance(doc, dict) else doc.as_dict()
    return make_story(name, line, meta.get("text"), date or meta.get("date"), max_chars, title=meta.get("title"),
                      url=url or meta.get("url"), source=meta.get("sitename"))


def read_warc(name: str, data: bytes, max_chars: int) -> Iterator[Story | Reject]:
    """WARC and ARC web archives (CC-NEWS, Heritrix crawls): each HTML response is a story, dated by
    the archive's capture date, with the captured URI as its url. Its "line" is the record number.
    Other records (requests, metadata, images, robots.txt) are not stories and are passed over."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = ArchiveIterator(io.BytesIO(data), arc2warc=True)
    number = found = 0
    try:
        for number, record in enumerate(records, start=1):
            if record.rec_type not in ("response", "resource"):
                continue
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers
                     else record.rec_headers.get_header("Content-Type")) or ""
            if "html" not in ctype.lower():
                continue
            body = record.content_stream().read()
            charset = re.search(r"charset=[\"']?([\w-]+)", ctype, re.IGNORECASE)
            try:
                html = body.decode(charset[1]) if charset else None
            except (LookupError, UnicodeDecodeError):
                html = None
            if html is None:
                html, problem = decode(name, body)
                if problem:
                    found += 1
                    yield Reject(name, number, problem.reason, f"record {number}: {problem.detail}")
                    continue
            found += 1
            yield html_story(name, number, html, max_chars, date=record.rec_headers.get_header("WARC-Date"),
                             url=record.rec_headers.get_header("WARC-Target-URI"))
    except ArchiveLoadFailed as err:
        found += 1
        yield Reject(name, number + 1, "parse", f"not a WARC/ARC record: {err}"[:300])
    if not found:
        yield Reject(name, 1, "empty", f"{number} archive record(s), none an HTML page")


FORMATS: dict[str, Reader] = {"seed": read_seed, "jsonl": read_jsonl, "csv": read_csv, "html": read_html,
                              "warc": read_warc}
