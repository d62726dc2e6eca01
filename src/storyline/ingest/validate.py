"""Checks shared by every reader: encoding, binary content, size, dates."""
from __future__ import annotations

import datetime as dt
import re

from ..model import Origin, Reject, Story

# spaCy refuses texts over nlp.max_length (1,000,000 characters) by default; a news story is
# rarely over 50,000. Anything bigger is almost certainly a mis-split corpus, not a story.
DEFAULT_MAX_CHARS = 200_000

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


def decode(name: str, data: bytes) -> tuple[str | None, Reject | None]:
    """UTF-8 text, or a Reject saying why not (empty, binary, not UTF-8), with the line."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte-order mark (Windows "Unicode" files)
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as err:
            return None, Reject(name, 1, "encoding", f"UTF-16 file with a broken character at byte {err.start}")
    if not data.strip():
        return None, Reject(name, 1, "empty", "the input holds no text")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return None, Reject(name, line, "binary", f"NUL byte at offset {nul}: this is not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return None, Reject(name, line, "encoding",
                            f"not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}")
    return text, None


def parse_date(value: object) -> dt.date | None:
    """An ISO date (or datetime) string -> date; None when absent or malformed."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    m = _ISO_DATE.match(value.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def make_story(name: str, line: int, text: object, date: object, max_chars: int, *,
               id: object = None, title: object = None, url: object = None,
               source: object = None) -> Story | Reject:
    """Validate one record's fields and build a Story, or say what is wrong with it."""
    if date is None or (isinstance(date, str) and not date.strip()):
        return Reject(name, line, "no-date", "the story has no date: storyline anchors every time expression to it")
    when = parse_date(date)
    if when is None:
        return Reject(name, line, "bad-date", f"malformed date {str(date)[:40]!r}: expected YYYY-MM-DD")
    if not isinstance(text, str) or not text.strip():
        return Reject(name, line, "empty", "the story has no text")
    if "\x00" in text:
        return Reject(name, line, "binary", "NUL character in the story text")
    if len(text) > max_chars:
        return Reject(name, line, "too-large",
                      f"{len(text):,} characters, over the limit of {max_chars:,} (--max-chars)")
    return Story(text=text.strip(), date=when, id=str(id) if id not in (None, "") else "",
                 title=str(title) if title else None, url=str(url) if url else None,
                 source=str(source) if source else None, origin=Origin(name, line))
