"""Checks shared by every reader: encoding, binary content, size, dates."""
from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

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


# Dates are read by hand rather than with dateutil or dateparser: both settle "01/06/2024" silently
# by a default day/month order, and a news archive read in the wrong order is wrong everywhere.
# Here a numeric date is accepted only when it reads one way (or --date-format says how).
_MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for m in names}
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = r"(?:(?:,\s*|\s+|T)(?:at\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?m\.?)?" \
        r"(?:\s*(?:Z|[A-Z]{2,5}|[+-]\d{2}:?\d{2}))?)?"
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$", re.IGNORECASE)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DMY_NAME = re.compile(r"^" + _WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?[-\s]+([a-z]+)\.?,?[-\s]+(\d{4})" + _TIME + "$",
                       re.IGNORECASE)
_MDY_NAME = re.compile(r"^" + _WEEKDAY + r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME + "$",
                       re.IGNORECASE)
_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{2,4})" + _TIME + "$", re.IGNORECASE)


@dataclass(frozen=True)
class DateOptions:
    """How to read input dates: an explicit strptime format, and a date for stories with none."""

    format: str | None = None
    default: dt.date | None = None


# The ingest sets these for the readers (which call make_story) without changing every reader's
# signature: `with using_dates(DateOptions(...)):`.
_DATES: ContextVar[DateOptions] = ContextVar("storyline_date_options", default=DateOptions())


@contextmanager
def using_dates(options: DateOptions | None):
    token = _DATES.set(options or DateOptions())
    try:
        yield
    finally:
        _DATES.reset(token)


def _ymd(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def read_date(value: object, fmt: str | None = None) -> tuple[dt.date | None, str]:
    """An input date -> (date, "") or (None, why not). ISO dates and datetimes, 2024/05/03, 20240503,
    "May 3, 2024", "3 May 2024", "Fri, 03 May 2024 10:00:00 GMT", "26-FEB-1987 15:01:01"; numeric
    day/month dates only when they read one way ("13/06/2024") or `fmt` (strptime) says how."""
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    if not isinstance(value, str):
        return None, f"a date must be text, not {type(value).__name__} {str(value)[:40]}"
    v = " ".join(value.split())
    if fmt:
        try:
            return dt.datetime.strptime(v, fmt).date(), ""
        except ValueError:
            pass
    if m := _ISO_DATE.match(v) or _YMD.match(v) or _COMPACT.match(v):
        d = _ymd(int(m[1]), int(m[2]), int(m[3]))
        return (d, "") if d else (None, f"no such day {v[:40]!r}")
    for rx, order in ((_DMY_NAME, "dmy"), (_MDY_NAME, "mdy")):
        if m := rx.match(v):
            day, month, year = (m[1], m[2], m[3]) if order == "dmy" else (m[2], m[1], m[3])
            mon = _MONTHS.get(month.lower())
            if mon is None:
                return None, f"unknown month {month!r} in {v[:40]!r}"
            d = _ymd(int(year), mon, int(day))
            return (d, "") if d else (None, f"no such day {v[:40]!r}")
    if m := _NUMERIC.match(v):
        a, b, year = int(m[1]), int(m[3]), m[4]
        if len(year) != 4:
            return None, f"two-digit year in {v[:40]!r}: write the year in full or give --date-format"
        if a > 12 and b <= 12:
            d = _ymd(int(year), b, a)
        elif b > 12 and a <= 12:
            d = _ymd(int(year), a, b)
        elif a == b:
            d = _ymd(int(year), a, a)
        else:
            sep = m[2]
            return None, (f"ambiguous date {v[:40]!r}: day {a} of month {b}, or month {a} day {b}? give "
                          f"--date-format %d{sep}%m{sep}%Y or %m{sep}%d{sep}%Y")
        return (d, "") if d else (None, f"no such day {v[:40]!r}")
    hint = f" (and not {fmt})" if fmt else ""
    return None, (f"malformed date {v[:40]!r}{hint}: expected YYYY-MM-DD, 'May 3, 2024', '3 May 2024' or "
                  "a format given with --date-format")


def parse_date(value: object, fmt: str | None = None) -> dt.date | None:
    """An input date -> date; None when absent, malformed or ambiguous (read_date says why)."""
    return read_date(value, fmt)[0]


def make_story(name: str, line: int, text: object, date: object, max_chars: int, *,
               id: object = None, title: object = None, url: object = None,
               source: object = None) -> Story | Reject:
    """Validate one record's fields and build a Story, or say what is wrong with it."""
    options = _DATES.get()
    if date is None or (isinstance(date, str) and not date.strip()):
        if options.default is None:
            return Reject(name, line, "no-date", "the story has no date: storyline anchors every time expression "
                                                 "to it (give --default-date)")
        when = options.default
    else:
        when, why = read_date(date, options.format)
        if when is None:
            return Reject(name, line, "bad-date", why)
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
