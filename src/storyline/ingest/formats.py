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


def sniff_format(data: bytes) -> str:
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
    try:
        for row in reader:
            yield _from_mapping(name, line, row, max_chars)
            line = reader.line_num + 1
    except csv.Error as err:
        yield Reject(name, reader.line_num, "parse", f"bad CSV: {err}")


def read_html(name: str, data: bytes, max_chars: int) -> Iterator[Story | Reject]:
    text, problem = decode(name, data)
    if problem:
        yield problem
        return
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False)
    if doc is None:
        yield Reject(name, 1, "empty", "no main text found in the HTML page")
        return
    meta = doc if isinstance(doc, dict) else doc.as_dict()
    yield make_story(name, 1, meta.get("text"), meta.get("date"), max_chars, title=meta.get("title"),
                     url=meta.get("url"), source=meta.get("sitename"))


FORMATS: dict[str, Reader] = {"seed": read_seed, "jsonl": read_jsonl, "csv": read_csv, "html": read_html}
