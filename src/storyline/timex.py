"""Find temporal expressions and normalize them to TimeML TIMEX3 type and value, with precision.

Hand-written on purpose. dateparser (and ctparse) return one datetime with no notion of
precision: "last month" comes back as a day, and "last week" cannot be told from a date a week
ago. TimeML values ("2022-10", "2022-W45", "P3D", "2022-11-14TNI", "PRESENT_REF") need the
granularity the words give, no more, and the anaphoric forms of news ("the quarter", "a year
earlier") need the date the story last talked about. Libraries are still used where they fit:
`holidays` and `dateutil.easter` date named days, and dateparser is the fallback for absolute
dates in forms these rules do not know (see `_absolute_fallback`). Measured on TempEval-3's gold
spans (`benchmarks/tempeval3.py --gold-spans`): these rules normalize 0.789 of the values right,
dateparser 0.451 even when its datetime is cut to the precision the gold asks for.

The rules are a list of (regular expression, normalizer). The same expressions serve twice:
`scan(text)` finds every expression in running text (longest match wins) and `normalize(text,
anchor, tense, ref)` turns one expression into a Timex.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
WEEKDAYS.update({d.lower(): i for i, d in enumerate(calendar.day_abbr)})
WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3})
_UNITS_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
               "eighty": 80, "ninety": 90}
NUMBERS: dict[str, int | str] = {"a": 1, "an": 1, "a single": 1, "a couple of": 2, "a couple": 2, "couple of": 2, "a dozen": 12,
                                 "a hundred": 100, "hundred": 100, "a few": "X", "several": "X", "few": "X",
                                 "many": "X", "some": "X", "a number of": "X"}
NUMBERS.update(_UNITS_WORDS)
NUMBERS.update(_TENS_WORDS)
UNITS = {"second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W", "fortnight": "W",
         "month": "M", "year": "Y", "decade": "DE", "century": "CE", "quarter": "Q", "weekend": "WE"}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
# Words for an edge of a period, and the TIMEX3 mod they give.
EDGE_MODS = {"early": "START", "earlier": "START", "beginning of": "START", "start of": "START",
             "late": "END", "later": "END", "end of": "END", "mid": "MID", "middle of": "MID"}


def _alt(words) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


_M = _alt(MONTHS) + r"\.?"
_WD = _alt(WEEKDAYS) + r"\.?"
_NUMWORD = rf"(?:{_alt(_TENS_WORDS)}(?:[- ]{_alt(k for k in _UNITS_WORDS if k != 'zero')})?|{_alt(NUMBERS)})"
_NUM = rf"(?:\d+(?:\.\d+)?(?: 1/2)?|\d+ and a half|{_NUMWORD}(?: and a half)?)"
_UNIT = r"(?:second|minute|hour|day|night|week|fortnight|month|year|decade|centur(?:y|ie))s?"
_UNIT_SG = r"(?:second|minute|hour|day|night|week|fortnight|month|year|decade|century)"
# Units counted in news besides the calendar's: quarters ("the past two quarters"; not "three
# quarters of the vote") and trading days.
_COUNT_UNIT = rf"(?:{_UNIT}|quarters?(?! of)|(?:trading|business|working) days?)"
_APPROX = (r"(?:(?:about|nearly|almost|more than|less than|fewer than|over|at least|at most|some|up to|around|"
           r"roughly|just|only|just over|just under|no more than|no less than|under|barely|within) )?")
# Before a plain duration TimeML keeps the words that bound it ("nearly", "more than", "at least")
# and leaves out prepositions and adverbs ("about", "over", "within", "only"): TimeBank and AQUAINT
# agree on it ("about five hours" -> "five hours").
_BOUND_WORDS = r"(?:nearly|almost|more than|less than|fewer than|at least|at most|up to|no more than|no less than)"
_BOUND = rf"(?:{_BOUND_WORDS} )?"
_CLOCK = r"(?:\d{1,2}(?::\d{2})? ?[ap]\.?m\.?|\d{1,2}:\d{2}|noon|midnight|midday)"
_TZ = r"(?: \(?(?:est|edt|cst|cdt|mst|mdt|pst|pdt|gmt|utc|bst|cet|cest|local time)\)?)?"
_DAYWORD = rf"(?:today|yesterday|tomorrow|tonight|{_WD}(?: \(?\d{{1,2}}\)?)?)"
_PART = r"(?:morning|afternoon|evening|night)"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_SPELLED_YEAR = rf"(?:(?:eighteen|nineteen|twenty) {_NUMWORD}|two thousand(?: (?:and )?{_NUMWORD})?)"
_MD = rf"(?:{_M} \d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_M})(?:,? {_YEAR})?"


@dataclass
class Timex:
    type: str
    value: str
    precision: str
    mod: str | None = None
    anaphoric: bool = False  # resolved against an earlier expression, not against the story date

    def interval(self, anchor: dt.date | None = None) -> tuple[dt.date | None, dt.date | None]:
        if self.type == "DURATION" and anchor is not None and self.value.startswith("P"):
            return duration_back(self.value, anchor), anchor
        return value_interval(self.value)

    @property
    def is_calendar(self) -> bool:
        """A value on the calendar (a year, quarter, month, week, day...), usable as a reference."""
        return self.type in ("DATE", "TIME") and bool(re.match(r"\d{4}", self.value))


# ---- small calendar helpers ----

def _num(s: str) -> int | float | str:
    s = s.lower().strip()
    half = 0.5 if s.endswith(" and a half") or s.endswith(" 1/2") else 0.0
    s = re.sub(r" (and a half|1/2)$", "", s)
    if re.fullmatch(r"\d+(\.\d+)?", s):
        n = float(s) + half
        return int(n) if n == int(n) else n
    if s in NUMBERS:
        n = NUMBERS[s]
        return n if isinstance(n, str) else (n + half if half else n)
    parts = re.split(r"[- ]", s)
    if len(parts) == 2 and parts[0] in _TENS_WORDS and parts[1] in _UNITS_WORDS:
        n = _TENS_WORDS[parts[0]] + _UNITS_WORDS[parts[1]]
        return n + half if half else n
    return "X"


def _week_value(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _add_months(y: int, m: int, delta: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + delta
    return idx // 12, idx % 12 + 1


def _valid(y, mo, day) -> bool:
    try:
        dt.date(int(y), int(mo), int(day))
        return True
    except ValueError:
        return False


def _nearest_weekday(anchor: dt.date, weekday: int, direction: str | None, include_anchor: bool = True) -> dt.date:
    if direction == "future":
        delta = (weekday - anchor.weekday()) % 7
        if delta == 0 and not include_anchor:
            delta = 7
        return anchor + dt.timedelta(days=delta)
    delta = (anchor.weekday() - weekday) % 7
    if delta == 0 and not include_anchor:
        delta = 7
    return anchor - dt.timedelta(days=delta)


def _year_for(anchor: dt.date, month: int, direction: str | None) -> int:
    """The year of a month named without one: the last such month in the past tense, the next in the
    future tense, the story's own year when the tense does not say."""
    if direction == "past":
        return anchor.year if month <= anchor.month else anchor.year - 1
    if direction == "future":
        return anchor.year if month >= anchor.month else anchor.year + 1
    diff = month - anchor.month  # no tense: the nearest such month, the past one on a tie
    return anchor.year - 1 if diff >= 6 else anchor.year + 1 if diff <= -8 else anchor.year


def _quarter_of(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def _shift_value(value: str, years: int) -> str | None:
    """The same period `years` later (negative: earlier), at the same granularity."""
    m = re.match(r"(\d{4})(.*)", value)
    if not m:
        return None
    rest = m[2]
    y = int(m[1]) + years
    if re.fullmatch(r"-\d{2}-\d{2}.*", rest) and rest[1:6] == "02-29" and not calendar.isleap(y):
        rest = "-02-28" + rest[6:]
    return f"{y:04d}{rest}"


def _edge(word: str | None) -> str | None:
    if not word:
        return None
    return EDGE_MODS.get(re.sub(r"^the |-$", "", word.strip()).strip())


# ---- named days ----

_HOLIDAY_ALIASES = {"thanksgiving": "thanksgiving day", "christmas": "christmas day", "xmas": "christmas day",
                    "new year's": "new year's day", "new year": "new year's day", "fourth of july": "independence day",
                    "july fourth": "independence day", "july 4th": "independence day", "easter": "easter sunday",
                    "presidents' day": "washington's birthday", "mlk day": "martin luther king jr. day",
                    "martin luther king day": "martin luther king jr. day", "veterans' day": "veterans day",
                    "labour day": "labor day", "may day": "may day"}
_FIXED_HOLIDAYS = {"christmas eve": (12, 24), "new year's eve": (12, 31), "boxing day": (12, 26),
                   "halloween": (10, 31), "valentine's day": (2, 14), "st. patrick's day": (3, 17),
                   "may day": (5, 1), "bastille day": (7, 14), "armistice day": (11, 11), "all saints' day": (11, 1)}
_HOLIDAY_RE = _alt(list(_HOLIDAY_ALIASES) + list(_FIXED_HOLIDAYS) + [
    "thanksgiving day", "christmas day", "new year's day", "independence day", "easter sunday", "easter monday",
    "good friday", "washington's birthday", "martin luther king jr. day", "veterans day", "labor day",
    "memorial day", "columbus day", "election day"])


@lru_cache(maxsize=256)
def _holiday_dates(year: int) -> dict[str, dt.date]:
    import holidays  # the library keeps the moving feasts (Thanksgiving, Memorial Day...) right
    from dateutil.easter import easter

    out: dict[str, dt.date] = {}
    for country in ("US", "GB"):
        for day, name in holidays.country_holidays(country, years=year).items():
            for part in name.split(";"):
                key = re.sub(r"\s*\(observed\)|\s*\[.*?\]", "", part.strip()).lower()
                out.setdefault(key, day)
    e = easter(year)
    out["easter sunday"] = e
    out["easter monday"] = e + dt.timedelta(days=1)
    out["good friday"] = e - dt.timedelta(days=2)
    first_monday = dt.date(year, 11, 1) + dt.timedelta(days=(0 - dt.date(year, 11, 1).weekday()) % 7)
    out["election day"] = first_monday + dt.timedelta(days=1)  # US: the Tuesday after the first Monday
    for name, (mo, d) in _FIXED_HOLIDAYS.items():
        out[name] = dt.date(year, mo, d)
    return out


def holiday(name: str, year: int) -> dt.date | None:
    key = name.lower().strip().replace("’", "'")
    key = _HOLIDAY_ALIASES.get(key, key)
    return _holiday_dates(year).get(key)


# ---- the rules: each returns a Timex, or None when the words do not make a time expression ----
# A rule's function gets (match, anchor, direction, ref): direction is 'past', 'future' or None
# (the tense does not say); ref is the last calendar expression before this one in the story.

def _r_iso(m, a, d, r):
    return Timex("DATE", f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}", "day") if _valid(m[1], m[2], m[3]) else None


def _r_us_slash(m, a, d, r):  # 11/15/2022, US order as in US newswire
    y = int(m[3]) if len(m[3]) == 4 else 1900 + int(m[3]) if int(m[3]) >= 50 else 2000 + int(m[3])
    return Timex("DATE", f"{y}-{int(m[1]):02d}-{int(m[2]):02d}", "day") if _valid(y, m[1], m[2]) else None


def _r_mdy(m, a, d, r):  # November 15, 2022 / Nov. 15 / 15 November 2022 / Tuesday, Nov. 15
    g = m.groupdict()
    month, day = MONTHS[g["m"]], int(g["d"])
    year = int(g["y"]) if g.get("y") else _year_for(a, month, d)
    if not g.get("y") and d == "past" and _valid(year + 1, month, day) \
            and 0 < (dt.date(year + 1, month, day) - a).days <= 31:
        year += 1  # "was extended to Nov. 16" two weeks before: a deadline, not last year's date
    if not g.get("y") and not _valid(year, month, day):  # Feb. 29 read in a common year: the last leap year
        while year > a.year - 8 and not _valid(year, month, day):
            year -= 1
    if not _valid(year, month, day):
        return None
    return Timex("DATE", f"{year:04d}-{month:02d}-{day:02d}", "day")


def _r_week_of(m, a, d, r):  # the week of March 6
    inner = normalize(m[1], a, d, r)
    if inner is None or inner.precision != "day":
        return None
    return Timex("DATE", _week_value(dt.date.fromisoformat(inner.value)), "week")


def _r_month_year(m, a, d, r):  # March 1998, June last year, January this year
    month = MONTHS[m[2]]
    if m[3].isdigit():
        year = int(m[3])
    elif _spelled_year(m[3]):
        year = _spelled_year(m[3])
    else:
        year = a.year + {"last": -1, "this": 0, "next": 1}[m[3].split()[0]]
    return Timex("DATE", f"{year:04d}-{month:02d}", "month", _edge(m[1]))


def _r_month(m, a, d, r):  # April, last April, early March, the end of November, mid-November
    edge, rel, month, tail = m[1], m[2], MONTHS[m[3]], m[4]
    if rel == "last":
        year = a.year if month < a.month else a.year - 1
    elif rel == "next":
        year = a.year if month > a.month else a.year + 1
    elif rel == "this":
        year = a.year
    else:
        year = _year_for(a, month, d)
    return Timex("DATE", f"{year:04d}-{month:02d}", "month", _edge(edge) or _edge(tail))


def _r_year(m, a, d, r):
    return Timex("DATE", m[2], "year", _edge(m[1]))


def _spelled_year(s: str) -> int | None:
    """'nineteen ninety-six' -> 1996, 'two thousand' -> 2000, 'two thousand and one' -> 2001."""
    s = s.replace("-", " ")
    if m := re.fullmatch(r"two thousand(?: (?:and )?(.+))?", s):
        rest = _num(m[1]) if m[1] else 0
        return 2000 + rest if isinstance(rest, int) else None
    words = s.split(" ", 1)
    if len(words) == 2 and words[0] in ("eighteen", "nineteen", "twenty"):
        hundreds, rest = NUMBERS[words[0]], _num(words[1])
        if isinstance(rest, int) and 10 <= rest <= 99:
            return hundreds * 100 + rest
    return None


def _r_spelled_year(m, a, d, r):
    y = _spelled_year(m[2])
    return Timex("DATE", f"{y:04d}", "year", _edge(m[1])) if y else None


def _r_fiscal(m, a, d, r):  # fiscal 1989 -> 1989, as TimeBank annotates it
    y = m[1] if len(m[1]) == 4 else ("20" + m[1][-2:] if int(m[1][-2:]) < 50 else "19" + m[1][-2:])
    return Timex("DATE", y, "year")


def _r_decade(m, a, d, r):
    digits = m[2]
    if len(digits) == 2:
        digits = ("19" if int(digits) >= 30 else "20") + digits
    return Timex("DATE", digits[:3], "decade", _edge(m[1]))


_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                 "eighties": 8, "nineties": 9}


def _r_decade_word(m, a, d, r):
    return Timex("DATE", f"19{_DECADE_WORDS[m[2]]}", "decade", _edge(m[1]))


def _r_century(m, a, d, r):
    word = m[2]
    n = int(re.sub(r"\D", "", word)) if word[0].isdigit() else _ordinal_word(word)
    return Timex("DATE", f"{n - 1:02d}", "century", _edge(m[1])) if n else None


_ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                  "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
                  "eighteenth", "nineteenth", "twentieth", "twenty-first", "twenty first"]


def _ordinal_word(w: str) -> int:
    w = w.replace(" ", "-")
    return _ORDINAL_WORDS.index(w) + 1 if w in _ORDINAL_WORDS else 0


def _r_season(m, a, d, r):
    rel, season, year = m[1], SEASONS[m[2]], m[3]
    first_month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[season]
    if year:
        y = int(year) if year.isdigit() else _spelled_year(year)
    elif rel in ("last", "past") or (rel is None and d == "past"):
        # the most recent such season that has begun (winter starts in December of its year)
        y = a.year if a.month >= first_month + (3 if rel else 0) else a.year - 1
    elif rel in ("next", "coming") or (rel is None and d == "future"):
        y = a.year if a.month < first_month else a.year + 1
    else:
        y = a.year
    return Timex("DATE", f"{y}-{season}", "season")


def _r_quarter(m, a, d, r):  # the third quarter, third-quarter, this year's third quarter, Q3 1989
    g = m.groupdict()
    q = ORDINALS.get(g["q"]) or (int(g["q"]) if g["q"].isdigit() else None)
    if not q:
        return None
    if g.get("y") or g.get("y2"):
        y = int(g.get("y") or g.get("y2"))
    elif g.get("rel"):
        y = a.year + {"last": -1, "this": 0, "next": 1}[g["rel"]]
    else:
        # A quarter named without a year is this year's, unless the past tense puts it last year.
        # Not moved forward in the future tense: "will report third-quarter results" in October
        # means the quarter just ended. Without a tense, the nearer one: "the fourth quarter" in
        # January is the one that just ended.
        y = a.year - 1 if d == "past" and q > _quarter_of(a) else a.year
        if d is None and q > _quarter_of(a):
            ended = (a - dt.date(a.year - 1, 3 * q, calendar.monthrange(a.year - 1, 3 * q)[1])).days
            starts = (dt.date(a.year, 3 * q - 2, 1) - a).days
            y = a.year - 1 if ended < starts else a.year
    return Timex("DATE", f"{y}-Q{q}", "quarter")


def _ref_period(a: dt.date, r: Timex | None, unit: str) -> str:
    """The period a definite noun ("the quarter", "the year") refers to: the one the story last named,
    else the story's (for a quarter: the last one completed, which is what results report)."""
    if r is not None and r.is_calendar:
        y = r.value[:4]
        if unit == "year":
            return y
        if unit == "quarter" and (m := re.match(r"\d{4}-Q(\d)", r.value)):
            return f"{y}-Q{m[1]}"
        if unit == "month" and (m := re.match(r"\d{4}-(\d{2})", r.value)):
            return f"{y}-{m[1]}"
        if unit == "day" and re.match(r"\d{4}-\d{2}-\d{2}", r.value):
            return r.value[:10]
    if unit == "year":
        return f"{a.year:04d}"
    if unit == "quarter":
        y, mo = _add_months(a.year, a.month, -3)
        return f"{y}-Q{(mo - 1) // 3 + 1}"
    if unit == "month":
        return f"{a.year:04d}-{a.month:02d}"
    return a.isoformat()


def _r_the_period(m, a, d, r):  # the quarter, the latest quarter, the year, the full year, the period
    unit = {"period": "quarter", "fiscal year": "year", "full year": "year"}.get(m[2], m[2])
    if m[1] == "current":  # the current quarter / year: the story's own, whatever was mentioned before
        if unit == "quarter":
            return Timex("DATE", f"{a.year:04d}-Q{_quarter_of(a)}", "quarter")
        r = None
    return Timex("DATE", _ref_period(a, r, unit), unit, anaphoric=r is not None)


def _r_half(m, a, d, r):  # the first half of 1989, the second half, the latter half of the year
    half = 1 if m[1] == "first" else 2
    year = m[2] or (r.value[:4] if r is not None and r.is_calendar and m[2] is None and m[3] else None) or str(a.year)
    return Timex("DATE", f"{year}-H{half}", "half-year")


def _r_range(m, a, d, r):  # two to three weeks, 12 to 18 months: TimeML takes the first bound
    return Timex("DURATION", _duration_value(_num(m[1]), m[3]), "duration")


def _r_year_period(m, a, d, r):  # the 1988 quarter, the 1989 period: the quarter talked about, in that year
    if r is not None and r.is_calendar and (q := re.match(r"\d{4}-Q(\d)", r.value)):
        return Timex("DATE", f"{m[1]}-Q{q[1]}", "quarter", anaphoric=True)
    return Timex("DATE", m[1], "year")


def _r_year_ago_quarter(m, a, d, r):  # the year-ago third quarter
    return Timex("DATE", f"{a.year - 1:04d}-Q{ORDINALS[m[1]]}", "quarter")


def _r_year_earlier(m, a, d, r):
    """a year earlier / a year ago / the year-earlier quarter / year-ago: the period the story talks
    about, a year before. Results are compared quarter to quarter, so a quarter stays a quarter."""
    unit = m[2]
    if r is not None and r.is_calendar and (r.precision == "quarter" or unit in ("quarter", "period")):
        base = _ref_period(a, r, "quarter")
        return Timex("DATE", _shift_value(base, -1), "quarter", anaphoric=True)
    return Timex("DATE", f"{a.year - 1:04d}", "year")


def _r_deictic_day(m, a, d, r):  # today, yesterday afternoon, late yesterday, mid-afternoon yesterday
    g = m.groupdict()
    word, part = g["word"], g.get("part") or g.get("part0")
    shift = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0}[word]
    day = a + dt.timedelta(days=shift)
    if word == "tonight":
        part = "night"
    if part:
        return Timex("TIME", f"{day.isoformat()}T{PARTS_OF_DAY[part]}", "part-of-day")
    return Timex("DATE", day.isoformat(), "day", _edge(g.get("edge")))


def _r_this_part(m, a, d, r):
    return Timex("TIME", f"{a.isoformat()}T{PARTS_OF_DAY[m[1]]}", "part-of-day")


def _r_overnight(m, a, d, r):
    return Timex("TIME", f"{(a - dt.timedelta(days=1)).isoformat()}TNI", "part-of-day")


def _r_that_day(m, a, d, r):  # that day, that same day, earlier that day, the next morning, the following day
    g = m.groupdict()
    if r is not None and re.match(r"\d{4}-\d{2}-\d{2}", r.value):
        day = dt.date.fromisoformat(r.value[:10])
    elif g.get("step"):
        day = a  # "the next day" with no date before it: the day after the story's
    else:
        return None
    if g.get("step"):
        day += dt.timedelta(days=1 if g["step"] in ("next", "following") else -1)
    part = g.get("part")
    if part and part != "day":
        return Timex("TIME", f"{day.isoformat()}T{PARTS_OF_DAY[part]}", "part-of-day", anaphoric=True)
    return Timex("DATE", day.isoformat(), "day", anaphoric=True)


def _r_that_period(m, a, d, r):  # that year, later that month, the following year, the previous month
    g = m.groupdict()
    unit = g["unit"]
    step = {"next": 1, "following": 1, "previous": -1, "preceding": -1, "prior": -1}.get(g.get("step") or "", 0)
    base = r if (r is not None and r.is_calendar) else None
    if unit == "quarter" and (base is None or not re.match(r"\d{4}-Q\d", base.value)):
        return Timex("DATE", _ref_period(a, None, "quarter"), "quarter")  # no quarter named before: the last one
    if base is None:
        return None
    y = int(base.value[:4])
    mod = _edge(g.get("edge"))
    if unit == "year":
        return Timex("DATE", f"{y + step:04d}", "year", mod, anaphoric=True)
    mo_m = re.match(r"\d{4}-(\d{2})", base.value)
    if unit == "month" and mo_m:
        yy, mo = _add_months(y, int(mo_m[1]), step)
        return Timex("DATE", f"{yy:04d}-{mo:02d}", "month", mod, anaphoric=True)
    if unit == "week" and re.match(r"\d{4}-\d{2}-\d{2}", base.value):
        day = dt.date.fromisoformat(base.value[:10]) + dt.timedelta(weeks=step)
        return Timex("DATE", _week_value(day), "week", mod, anaphoric=True)
    q_m = re.match(r"\d{4}-Q(\d)", base.value)
    if unit == "quarter" and q_m:
        yy, mo = _add_months(y, 3 * int(q_m[1]) - 2, 3 * step)
        return Timex("DATE", f"{yy:04d}-Q{(mo - 1) // 3 + 1}", "quarter", mod, anaphoric=True)
    return None


NEAR_FUTURE_DAYS = 1


def _r_weekday(m, a, d, r):
    g = m.groupdict()
    rel, wd = g.get("rel"), WEEKDAYS[g["wd"]]
    if rel == "last":
        day = _nearest_weekday(a, wd, "past", include_anchor=False)
    elif rel == "next":
        day = _nearest_weekday(a, wd, "future", include_anchor=False)
    elif rel in ("this", "coming", "this coming"):
        day = _nearest_weekday(a, wd, "future") if rel != "this" else a - dt.timedelta(days=a.weekday()) + dt.timedelta(days=wd)
    elif rel == "this past":
        day = _nearest_weekday(a, wd, "past", include_anchor=False)
    elif d is None and 0 < (wd - a.weekday()) % 7 <= NEAR_FUTURE_DAYS:
        day = _nearest_weekday(a, wd, "future")  # no tense: "Tuesday" read on a Monday is tomorrow
    else:
        day = _nearest_weekday(a, wd, d or "past")
    if g.get("dom"):  # "Friday (11)": the text gives the day of the month too; trust it, search nearby
        want = int(g["dom"])
        for back in range(0, 36, 7):
            cand = day - dt.timedelta(days=back) if d != "future" else day + dt.timedelta(days=back)
            if cand.day == want:
                day = cand
                break
    part = g.get("part") or g.get("part0")
    if part:
        return Timex("TIME", f"{day.isoformat()}T{PARTS_OF_DAY[part]}", "part-of-day")
    return Timex("DATE", day.isoformat(), "day", _edge(g.get("edge")))


def _r_clock_day(m, a, d, r):  # 9 a.m. Tuesday, noon Thursday, 5 p.m. EST Nov. 9, Tuesday at 9 a.m.
    g = m.groupdict()
    day = normalize(g["day"], a, d, r)
    clock = _r_clock(re.fullmatch(_CLOCK_RE, g["clock"]), a, d, r)
    if day is None or clock is None or day.precision != "day":
        return None
    return Timex("TIME", day.value[:10] + clock.value[10:], "minute")


def _r_rel_unit(m, a, d, r):  # last week, this month, next year, the coming week, earlier this week
    edge, rel, unit = m[1], m[2], m[3]
    step = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}[rel]
    mod = _edge(edge)
    if rel == "past" and unit in ("week", "month", "year", "decade", "century") and not edge:
        # "the past year" is the year up to now, a duration; "last year" is the calendar year
        return Timex("DURATION", _duration_value(1, unit), "duration")
    if unit == "week":
        return Timex("DATE", _week_value(a + dt.timedelta(weeks=step)), "week", mod)
    if unit == "weekend":
        return Timex("DATE", _week_value(a + dt.timedelta(weeks=step)) + "-WE", "week", mod)
    if unit == "month":
        y, mo = _add_months(a.year, a.month, step)
        return Timex("DATE", f"{y:04d}-{mo:02d}", "month", mod)
    if unit == "year":
        return Timex("DATE", f"{a.year + step:04d}", "year", mod)
    if unit == "quarter":
        y, mo = _add_months(a.year, a.month, 3 * step)
        return Timex("DATE", f"{y}-Q{(mo - 1) // 3 + 1}", "quarter", mod)
    if unit == "decade":
        return Timex("DATE", f"{(a.year // 10 + step):03d}", "decade", mod)
    if unit == "century":
        return Timex("DATE", f"{(a.year // 100 + step):02d}", "century", mod)
    return None


def _r_the_edge_of(m, a, d, r):  # the end of the month, the end of the year, year-end, the end of this week
    unit = m[2]
    mod = _edge(m[1] + " of") or "END"
    if unit == "week":
        return Timex("DATE", _week_value(a), "week", mod)
    if unit == "month":
        return Timex("DATE", f"{a.year:04d}-{a.month:02d}", "month", mod)
    return Timex("DATE", _ref_period(a, None, "year"), "year", mod)


def _r_year_end(m, a, d, r):  # year-end: December 31 of the story's year, as financial reporting means it
    y = int(r.value[:4]) if r is not None and r.is_calendar and r.precision == "year" else a.year
    return Timex("DATE", f"{y}-12-31", "day")


def _r_weekend(m, a, d, r):  # the weekend: the last one in the past tense, the next in the future
    monday = a - dt.timedelta(days=a.weekday())
    if a.weekday() >= 5 or d == "future":
        return Timex("DATE", _week_value(monday) + "-WE", "week")
    return Timex("DATE", _week_value(monday - dt.timedelta(weeks=1)) + "-WE", "week")


def _r_the_week(m, a, d, r):  # "for the week", "the week's most active session": the week talked about
    if r is not None and re.match(r"\d{4}-\d{2}-\d{2}", r.value):
        return Timex("DATE", _week_value(dt.date.fromisoformat(r.value[:10])), "week", anaphoric=True)
    return Timex("DATE", _week_value(a), "week")


def _r_the_part(m, a, d, r):  # "in the morning": that part of the day talked about (the story's day)
    day = r.value[:10] if r is not None and re.match(r"\d{4}-\d{2}-\d{2}", r.value) else a.isoformat()
    return Timex("TIME", f"{day}T{PARTS_OF_DAY[m[1]]}", "part-of-day", anaphoric=r is not None)


def _r_recent_units_ahead(m, a, d, r):  # the weeks ahead, the months ahead: an unstated stretch to come
    return Timex("DURATION", _duration_value("X", m[1]), "duration")


def _r_holiday(m, a, d, r):
    rel, name, year = m[1], m[2], m[3]
    if year:
        day = holiday(name, int(year))
    else:
        this = holiday(name, a.year)
        if this is None:
            return None
        if rel == "last" or (rel is None and d == "past"):
            day = this if this <= a else holiday(name, a.year - 1)
        elif rel == "next" or (rel is None and d == "future"):
            day = this if this >= a else holiday(name, a.year + 1)
        elif rel == "this":
            day = this
        else:  # the tense does not say: the nearer of last year's, this year's and next year's
            days = [x for x in (holiday(name, a.year - 1), this, holiday(name, a.year + 1)) if x is not None]
            day = min(days, key=lambda x: (abs((x - a).days), x > a))
    return Timex("DATE", day.isoformat(), "day") if day else None


def _r_ago(m, a, d, r):
    n, unit_word = _num(m[1]), m[2].rstrip("s").replace("centurie", "century")
    unit = UNITS[unit_word]
    if n == "X":
        return Timex("DATE", "PAST_REF" if m[3] in ("ago", "earlier", "before") else "FUTURE_REF", "vague")
    if isinstance(n, float):
        n = int(n)
    sign = -1 if m[3] in ("ago", "earlier", "before") else 1
    if unit == "D":
        return Timex("DATE", (a + dt.timedelta(days=sign * n)).isoformat(), "day")
    if unit == "W":
        return Timex("DATE", _week_value(a + dt.timedelta(weeks=sign * n)), "week")
    if unit_word == "month":
        y, mo = _add_months(a.year, a.month, sign * n)
        return Timex("DATE", f"{y:04d}-{mo:02d}", "month")
    if unit == "Y":
        return Timex("DATE", f"{a.year + sign * n:04d}", "year")
    if unit == "DE":
        return Timex("DATE", f"{a.year + sign * 10 * n:04d}", "year")
    if unit == "CE":
        return Timex("DATE", f"{(a.year + sign * 100 * n) // 100:02d}", "century")
    if unit in ("H", "M", "S"):
        return Timex("DATE", a.isoformat(), "day")
    return None


_HALF = {"Y": ("M", 6), "H": ("M", 30), "D": ("H", 12), "W": ("D", 3.5)}


def _duration_value(n: int | float | str, unit_word: str) -> str:
    unit_word = re.sub(r"^(?:trading|business|working) ", "", unit_word).rstrip("s").replace("centurie", "century")
    unit = UNITS[unit_word]
    if unit_word == "fortnight":
        n = n * 2 if not isinstance(n, str) else n
    if unit == "DE":
        unit, n = "Y", n * 10 if not isinstance(n, str) else n
    elif unit == "CE":
        unit, n = "Y", n * 100 if not isinstance(n, str) else n
    elif unit == "Q":
        unit, n = "M", n * 3 if not isinstance(n, str) else n
    elif unit == "WE":
        unit, n = "D", n * 2 if not isinstance(n, str) else n
    time_unit = unit in ("H", "S") or (unit == "M" and unit_word == "minute")
    prefix = "PT" if time_unit else "P"
    if isinstance(n, float) and n != int(n):
        whole, frac = int(n), n - int(n)
        if frac == 0.5 and unit_word == "minute":
            return f"PT{whole}M30S" if whole else "PT30S"
        if frac == 0.5 and unit in _HALF:
            sub, amount = _HALF[unit]
            sep = "T" if unit == "D" else ""
            head = f"{whole}{unit}" if whole else ""
            return f"{prefix}{head}{sep}{amount:g}{sub}" if unit != "W" else f"P{n:g}W"
        return f"{prefix}{n:g}{unit}"
    if isinstance(n, float):
        n = int(n)
    return f"{prefix}{n}{unit}"


def _r_duration(m, a, d, r):
    if re.fullmatch(_YEAR, m[1] or "") and m[2] in ("year", "fiscal year"):
        return Timex("DATE", m[1], "year")  # "1987 full year": the calendar year, not 1,987 years
    n = _num(m[1]) if m[1] else 1
    return Timex("DURATION", _duration_value(n, m[2]), "duration")


def _r_unit_and_half(m, a, d, r):  # a minute and a half, an hour and a half
    unit = m[1]
    return Timex("DURATION", _duration_value(1.5, unit), "duration")


def _r_bare_units(m, a, d, r):  # "years", "months": an unspecified number
    return Timex("DURATION", _duration_value("X", m[1]), "duration")


def _r_past_n(m, a, d, r):  # the past two years, the last three days, the next five weeks, the first nine months
    n = _num(m[2]) if m[2] else ("X" if m[3].endswith("s") else 1)
    return Timex("DURATION", _duration_value(n, m[3]), "duration")


def _r_recent_units(m, a, d, r):  # recent years, the coming months
    return Timex("DURATION", _duration_value("X", m[2]), "duration")


def _r_adverb_set(m, a, d, r):
    return Timex("SET", {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y",
                         "yearly": "P1Y", "hourly": "PT1H", "quarterly": "P3M", "biweekly": "P2W"}[m[1]], "set")


_PRESENT = {"now", "currently", "at present", "present", "nowadays", "the present", "current", "the moment",
            "right now", "these days", "today's"}
_PAST = {"recently", "lately", "the past", "previously", "formerly", "recent", "in the past"}


def _r_ref(m, a, d, r):
    word = m[1]
    if word in _PRESENT:
        return Timex("DATE", "PRESENT_REF", "vague")
    if word in _PAST:
        return Timex("DATE", "PAST_REF", "vague")
    return Timex("DATE", "FUTURE_REF", "vague")


_CLOCK_RE = re.compile(r"(\d{1,2})(?::(\d{2}))? ?([ap]\.?m\.?)?|noon|midnight|midday")


def _r_clock(m, a, d, r):
    if m is None:
        return None
    if m[0] in ("noon", "midday"):
        return Timex("TIME", f"{a.isoformat()}T12:00", "minute")
    if m[0] == "midnight":
        return Timex("TIME", f"{a.isoformat()}T24:00", "minute")
    h = int(m[1])
    mi = int(m[2] or 0)
    ampm = (m[3] or "").replace(".", "")
    if not ampm and m[2] is None:
        return None
    if ampm == "pm" and h < 12:
        h += 12
    if ampm == "am" and h == 12:
        h = 0
    if h > 24 or mi > 59:
        return None
    return Timex("TIME", f"{a.isoformat()}T{h:02d}:{mi:02d}", "minute")


def _r_clock_words(m, a, d, r):  # 4 in the morning, 10 at night
    h = int(m[1])
    part = m[2]
    if part in ("afternoon", "evening", "night") and h < 12:
        h += 12
    if h > 24:
        return None
    return Timex("TIME", f"{a.isoformat()}T{h:02d}:00", "hour")


def _r_set_any(m, a, d, r):  # every week, each Thursday, every two years, every July
    word = m[1]
    if word and word in WEEKDAYS:
        return Timex("SET", f"XXXX-WXX-{WEEKDAYS[word] + 1}", "set")
    if word and word.rstrip(".") in MONTHS:
        return Timex("SET", f"XXXX-{MONTHS[word.rstrip('.')]:02d}", "set")
    if word:
        return Timex("SET", _duration_value(1, word), "set")
    n = _num(m[2]) if m[2] else 1
    return Timex("SET", _duration_value(n, m[3]), "set")


def _r_per_unit(m, a, d, r):  # twice a week, three times a year
    return Timex("SET", _duration_value(1, m[1]), "set")


# How `scan` uses a rule's pattern in running text. TimeBank keeps a leading "the" in the span of
# some forms ("the quarter", "the past two years"); some forms are expressions only with it ("the
# year", not "a year"); bare plurals ("years") are too often not temporal to scan for at all, but
# they are normalized when the model's entity recognizer proposes them.
AS_IS, THE, NEED_THE, NO_SCAN = 0, 1, 2, 3

_RULE_TABLE = [
    (r"(\d{4})-(\d{1,2})-(\d{1,2})", _r_iso, AS_IS),
    (r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})", _r_us_slash, AS_IS),
    (rf"(?P<clock>{_CLOCK}){_TZ},? (?:on )?(?P<day>{_DAYWORD}|{_MD})", _r_clock_day, AS_IS),
    (rf"(?P<day>{_DAYWORD}|{_MD}),? at (?P<clock>{_CLOCK}){_TZ}", _r_clock_day, AS_IS),
    (rf"(?:{_WD},? )?(?P<m>{_alt(MONTHS)})\.? (?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,? (?P<y>{_YEAR}))?", _r_mdy, AS_IS),
    (rf"(?:{_WD},? )?(?:the )?(?P<d>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<m>{_alt(MONTHS)})\.?(?:,? (?P<y>{_YEAR}))?",
     _r_mdy, AS_IS),
    (rf"week of ({_MD})", _r_week_of, THE),
    (rf"((?:early|mid|late|the end of|end of|the beginning of|the middle of)[- ]?)?({_alt(MONTHS)})\.?,? (?:of )?"
     rf"({_YEAR}|{_SPELLED_YEAR}|(?:last|this|next) year)", _r_month_year, AS_IS),
    (rf"((?:early|mid|late|the end of|end of|the beginning of|beginning of|the middle of|middle of)[- ]?)?"
     rf"(?:(last|next|this)[- ])?({_alt(MONTHS)})(?!\.? \d{{1,2}}\b)\.?(?:[- ](early|mid|late))?", _r_month, AS_IS),
    (rf"((?:early|mid|late|the end of|end of|the beginning of|beginning of|the middle of)[- ]?)?(?:the year )?({_YEAR})",
     _r_year, AS_IS),
    (rf"((?:early|mid|late)[- ]?)?(?:the year )?((?:eighteen|nineteen|twenty) (?:{_NUMWORD})|two thousand(?: (?:and )?"
     rf"(?:{_NUMWORD}))?)", _r_spelled_year, AS_IS),
    (r"(?:fiscal|fy|financial year)(?: year)? ?((?:19|20)?\d\d)(?![\d-])", _r_fiscal, AS_IS),
    (r"((?:early|mid|late)[- ]?)?'?(\d{2}|1\d\d0|20\d0)'?s", _r_decade, THE),
    (rf"((?:early|mid|late)[- ]?)?({_alt(_DECADE_WORDS)})", _r_decade_word, THE),
    (r"((?:early|mid|late)[- ]?)?(\d{1,2}(?:st|nd|rd|th)|" + "|".join(_ORDINAL_WORDS) + r")[- ]century",
     _r_century, THE),
    (rf"(?:(last|this|next|coming|past) )?(spring|summer|autumn|fall|winter)(?:,? (?:of )?(\d{{4}}|{_SPELLED_YEAR}))?",
     _r_season, THE),
    (rf"(?:(?P<y>{_YEAR})(?:'s)? |(?P<rel>last|this|next) year's )?(?:a )?(?:fiscal[- ])?(?:(?:flat|strong|weak|"
     rf"disappointing|record) )?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)[- ](?:fiscal[- ])?quarter"
     rf"(?: of (?:fiscal )?(?P<y2>{_YEAR}))?", _r_quarter, THE),
    (rf"(first|second|last|latter) half(?: of (?:fiscal )?(?:({_YEAR})|(the year|this year)))?", _r_half, NEED_THE),
    (rf"{_BOUND}({_NUM}) (?:to|or) ({_NUM})[- ]({_COUNT_UNIT})", _r_range, THE),
    (rf"q(?P<q>[1-4]),? (?P<y>{_YEAR})", _r_quarter, AS_IS),
    (r"(latest|current|recent|most recent|same|just-ended|just ended)? ?(quarter|period|full year|fiscal year)",
     _r_the_period, NEED_THE),
    (r"()(year)", _r_the_period, NEED_THE),
    (rf"({_YEAR}) (quarter|period)", _r_year_period, THE),
    (r"(a|one) (year) (?:earlier|ago|before)", _r_year_earlier, AS_IS),
    (r"()year-(?:earlier|ago)(?: (quarter|period|year))?", _r_year_earlier, THE),
    (r"year-(?:earlier|ago) (first|second|third|fourth) quarter", _r_year_ago_quarter, THE),
    (rf"year-(?:earlier|ago) ({_NUM}) (months|weeks)", lambda m, a, d, r: _r_duration(m, a, d, r), THE),
    (rf"(?:a |an )?({_NUM})[- ]({_UNIT_SG})[- ](?:long )?(?:period|span|stretch|term|window|interval)", _r_duration,
     THE),
    (r"(?:(?P<edge>early|earlier|late|later) |mid-? ?)?(?:(?P<part0>morning|afternoon|evening|night),? )?"
     r"(?P<word>today|yesterday|tomorrow|tonight)(?:'s)?(?: (?P<part>morning|afternoon|evening|night))?",
     _r_deictic_day, AS_IS),
    (r"(?:this|late this|early this|later this|earlier this) (morning|afternoon|evening)", _r_this_part, AS_IS),
    (r"overnight|last night", _r_overnight, AS_IS),
    (r"(?:(?:earlier|later) )?(?:that|the same|that same) (?P<part>day|morning|afternoon|evening|night)",
     _r_that_day, AS_IS),
    (r"the (?P<step>next|following|previous) (?P<part>day|morning|afternoon|evening|night)", _r_that_day, AS_IS),
    (r"(?:(?P<edge>early|earlier|late|later) (?:in )?)?(?:that|the (?P<step>following|next|previous|preceding|prior))"
     r" (?P<unit>year|quarter|month|week)", _r_that_period, AS_IS),
    (rf"(?:(?P<edge>early|earlier|late|later|mid-?) )?(?:(?P<part0>morning|afternoon|evening|night),? )?(?:(?P<rel>"
     rf"this past|this coming|last|next|this|coming|past) )?(?P<wd>{_alt(WEEKDAYS)})\.?(?: \((?P<dom>\d{{1,2}})\))?"
     rf"(?: (?P<part>morning|afternoon|evening|night))?", _r_weekday, AS_IS),
    (r"((?:(?:early|earlier|late|later) (?:in )?|mid-)?)(?:the )?(last|past|previous|this|current|next|coming) "
     r"(week|weekend|month|year|quarter|decade|century)", _r_rel_unit, THE),
    (r"(end|beginning|start|middle) of (?:the |this )?(week|month|year)", _r_the_edge_of, THE),
    (r"year-end|end-year|year end|year's end", _r_year_end, AS_IS),
    (r"weekend", _r_weekend, NEED_THE),
    (r"week", _r_the_week, NEED_THE),
    (r"(morning|afternoon|evening)", _r_the_part, NEED_THE),
    (r"mid[- ]?(morning|afternoon)", _r_the_part, AS_IS),
    (rf"({_UNIT_SG}s|quarters) ahead", _r_recent_units_ahead, NEED_THE),
    (rf"(?:(last|next|this) )?({_HOLIDAY_RE})(?:,? (\d{{4}}))?", _r_holiday, AS_IS),
    # "N units before" is left to the duration rule: "before" there opens a clause ("wait 30 days
    # before closing"), and TimeML annotates only the duration.
    (rf"{_APPROX}({_NUM}) (?:or so )?({_UNIT}) (?:or so )?(ago|earlier|from now|hence)", _r_ago, AS_IS),
    (rf"(?:{_BOUND_WORDS} )?(?:the )?(last|past|next|coming|previous|first|final|initial|remaining|latest) "
     rf"(?:({_NUM}) )?({_COUNT_UNIT})",
     _r_past_n, THE),
    (rf"(recent|coming|following|past|preceding|next few|past few|last few) ({_UNIT_SG}s|quarters)", _r_recent_units,
     AS_IS),
    (rf"{_BOUND}({_NUM})(?: more| additional| full| straight| consecutive)?[- ]({_COUNT_UNIT})(?:[- ]long| old)?",
     _r_duration, THE),
    (rf"(?:a|an|one) ({_UNIT_SG}) and a half", _r_unit_and_half, AS_IS),
    (r"(seconds|minutes|hours|days|weeks|months|years|decades|centuries)", _r_bare_units, NO_SCAN),
    (rf"(?:every|each) ({_alt(WEEKDAYS)}|{_alt(MONTHS)}|day|week|month|year|quarter)|(?:every|each) (?:({_NUM}) )?"
     rf"({_UNIT})", _r_set_any, AS_IS),
    (rf"(?:once|twice|\w+ times) (?:a|per|each) ({_UNIT_SG})", _r_per_unit, AS_IS),
    (r"(daily|nightly|weekly|biweekly|monthly|annually|yearly|hourly|quarterly)", _r_adverb_set, AS_IS),
    (r"(now|right now|currently|at present|nowadays|recently|lately|the past|the present|current|the future|"
     r"the near future|these days)", _r_ref, AS_IS),
    # Too often not temporal in news ("previously unknown", "future talks") to scan for.
    (r"(previously|formerly|recent|future|soon)", _r_ref, NO_SCAN),
    (rf"(\d{{1,2}}) (?:o'clock )?(?:in the |at )(morning|afternoon|evening|night)", _r_clock_words, AS_IS),
    (rf"({_CLOCK}){_TZ}", lambda m, a, d, r: _r_clock(_CLOCK_RE.fullmatch(m[1]), a, d, r), AS_IS),
]
_RULES = [(re.compile(p), f, mode) for p, f, mode in _RULE_TABLE]


def normalize(text: str, anchor: dt.date, tense: str | None = "past", ref: Timex | None = None) -> Timex | None:
    """TimeML type and value for `text` read on `anchor` date; None when it is not a time expression.

    tense: 'past', 'future' or None, the tense of the clause; it decides which "Sunday" or "February"
    is meant when the words do not say (None: the story's own year, and the last such weekday).
    ref: the last calendar expression of the story before this one, for "the quarter", "a year
    earlier", "that day".
    """
    t = text.lower().strip().strip(".,;:[]\"'“”").replace("’", "'").replace("‘", "'")
    if t.endswith(")") and "(" not in t:
        t = t[:-1]
    if t.startswith("(") and ")" not in t or t.startswith("(") and t.endswith(")"):
        t = t.lstrip("(").rstrip(")")
    t = re.sub(r"\s+", " ", t)
    t = re.sub(r"^(on|in|at(?! (?:least|most))|by|since|from|until|till|during|for|of|about|around|through|throughout|before|after)\s+",
               "", t)
    bare = re.sub(r"^the\s+", "", t)
    direction = tense if tense in ("past", "future") else None
    for rule, fn, _ in _RULES:
        m = rule.fullmatch(bare) or (rule.fullmatch(t) if bare != t else None)
        if m:
            out = fn(m, anchor, direction, ref)
            if out is not None:
                return out
    return _absolute_fallback(t, anchor)


# ---- finding expressions in running text ----

# Words a rule's expression cannot do without. A text without them skips the rule: re has no fast
# path for patterns that open with optional words, so each pattern costs a pass over the text.
_MONTH_WORD = rf"\b{_alt(MONTHS)}\b"
_NEEDS = {
    _r_iso: r"\d{4}-\d", _r_us_slash: r"\d/\d", _r_mdy: _MONTH_WORD, _r_week_of: r"week of",
    _r_month_year: _MONTH_WORD, _r_month: _MONTH_WORD, _r_spelled_year: r"eighteen|nineteen|twenty|thousand",
    _r_fiscal: r"fiscal|fy|financial year", _r_decade_word: r"ties\b", _r_century: r"centur",
    _r_season: r"spring|summer|autumn|fall|winter", _r_quarter: r"quarter|\bq[1-4]",
    _r_the_period: r"quarter|period|year", _r_year_earlier: r"year", _r_deictic_day: r"today|yesterday|tomorrow|tonight",
    _r_this_part: r"morning|afternoon|evening", _r_overnight: r"overnight|last night", _r_that_day: r"day|morning|"
    r"afternoon|evening|night", _r_weekday: rf"\b{_alt(WEEKDAYS)}", _r_the_edge_of: r" of ",
    _r_year_end: r"year.end|end.year|year's end", _r_weekend: r"weekend", _r_holiday: _HOLIDAY_RE,
    _r_ago: r"ago\b|earlier|before|from now|hence", _r_unit_and_half: r"and a half", _r_set_any: r"every|each",
    _r_per_unit: r"once|twice|times", _r_clock_words: r"morning|afternoon|evening|night",
    _r_clock_day: r"\d ?[ap]\.?m|noon|midnight|midday|\d:\d\d",
    _r_the_week: r"the week", _r_the_part: r"the (?:morning|afternoon|evening)|mid[- ]?(?:morning|afternoon)", _r_recent_units_ahead: r"ahead",
}


def _scan_pattern() -> list[tuple[re.Pattern, re.Pattern | None]]:
    out = []
    for p, fn, mode in _RULE_TABLE:
        if mode == NO_SCAN:
            continue
        lead = {AS_IS: "", THE: r"(?:the )?", NEED_THE: r"the "}[mode]
        needs = re.compile(_NEEDS[fn]) if fn in _NEEDS else None
        out.append((re.compile(rf"(?<![\w'-]){lead}(?:{p})(?![\w]|-\w)"), needs))
    return out


_SCAN = _scan_pattern()
_NAME_WORD = re.compile(rf"(?<![\w]){_alt(list(MONTHS) + list(WEEKDAYS))}(?![\w])")
_ABBREVIATED = {w for w in list(MONTHS) + list(WEEKDAYS) if len(w) <= 4 and w not in ("may", "june", "july")}
_ABBREVIATED.add("sept")
_MAY_CONTEXT = re.compile(r"(?:in|since|until|by|of|during|from|through|early|late|mid|last|next|this|before|after|"
                          r"end of|beginning of)[ -]$")


def _names_ok(text: str, start: int, end: int, low: str) -> bool:
    """Month and weekday names must be capitalized in the text; short forms ("Sat", "Mar") need a
    period or a number after them, and "May" needs the context of a date (it is also a verb)."""
    for w in _NAME_WORD.finditer(low, start, end):
        word = w.group(0)
        if not text[w.start()].isupper():
            return False
        after = low[w.end():w.end() + 3]
        if word in _ABBREVIATED and not (after.startswith(".") or re.match(r" ?\d", after)):
            return False
        if word == "may" and not (re.match(r"\.? \d", low[w.end():w.end() + 4]) or w.start() > start
                                  or _MAY_CONTEXT.search(low[max(0, w.start() - 16):w.start()])):
            return False
    return True


def scan(text: str) -> list[tuple[int, int]]:
    """Character spans of the time expressions in `text`, longest first, not overlapping."""
    low = text.lower()
    if len(low) != len(text):  # a few characters change length when lowered; keep offsets aligned
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    low = low.replace("’", "'")
    found = []
    for pattern, needs in _SCAN:
        if needs is not None and needs.search(low) is None:
            continue
        for m in pattern.finditer(low):
            s, e = m.span()
            if low[e - 1] == "." and low[s:e - 1].rsplit(" ", 1)[-1].rstrip(".") not in _ABBREVIATED:
                e -= 1  # the sentence's full stop, not an abbreviation's
            if e > s and _names_ok(text, s, e, low):
                found.append((s, e))
    found.sort(key=lambda se: (-(se[1] - se[0]), se[0]))
    taken: list[tuple[int, int]] = []
    for s, e in found:
        if all(e <= ts or s >= te for ts, te in taken):
            taken.append((s, e))
    # TimeML leaves a possessive out of the extent ("Friday's meeting" -> "Friday"), not a
    # decade's plural ("the 1990's")
    return sorted((s, e - 2 if low.endswith("'s", s, e) and low[e - 3].isalpha() else e) for s, e in taken)


# Worth asking dateparser only when the text names a month or writes a numeric date; bare numbers
# ("44", an age the model tagged DATE) would come back as years.
_WORTH_DATEPARSER = re.compile(rf"\b{_alt(MONTHS)}\b|\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{2,4}}")


def _absolute_fallback(t: str, anchor: dt.date) -> Timex | None:
    """dateparser for absolute dates in forms the rules miss; precision from what the text names."""
    if not _WORTH_DATEPARSER.search(t) or len(t) > 40:
        return None
    import dateparser  # slow to import; most texts never get here

    settings = {"RELATIVE_BASE": dt.datetime.combine(anchor, dt.time()), "PREFER_DATES_FROM": "past",
                "REQUIRE_PARTS": ["year"] if re.search(r"\d{4}", t) else [], "STRICT_PARSING": False}
    parsed = dateparser.parse(t, languages=["en"], settings=settings)
    if parsed is None:
        return None
    has_day = bool(re.search(r"\b\d{1,2}(st|nd|rd|th)?\b", re.sub(r"\d{4}", "", t)))
    has_month = bool(re.search(rf"\b{_alt(MONTHS)}\b", t))
    if has_day and has_month:
        return Timex("DATE", parsed.date().isoformat(), "day")
    if has_month:
        return Timex("DATE", parsed.strftime("%Y-%m"), "month")
    return None


# ---- the interval a value covers ----

_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}


def value_interval(value: str) -> tuple[dt.date | None, dt.date | None]:
    """First and last day covered by a TIMEX3 DATE/TIME value (None, None when not calendar-bound)."""
    v = value.split("T")[0]
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            d = dt.date.fromisoformat(v)
            if value.endswith("TNI"):
                return d, d + dt.timedelta(days=1)
            return d, d
        if m := re.fullmatch(r"(\d{4})-W(\d{2})(-WE)?", v):
            monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            if m[3]:
                return monday + dt.timedelta(days=5), monday + dt.timedelta(days=6)
            return monday, monday + dt.timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", v):
            y, mo = int(m[1]), int(m[2])
            return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", v):
            y, q = int(m[1]), int(m[2])
            return dt.date(y, 3 * q - 2, 1), dt.date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])
        if m := re.fullmatch(r"(\d{4})-H([12])", v):
            y, h = int(m[1]), int(m[2])
            return dt.date(y, 6 * h - 5, 1), dt.date(y, 6 * h, 30 if h == 1 else 31)
        if m := re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", v):
            y = int(m[1])
            a, b = _SEASON_MONTHS[m[2]]
            end_y, end_m = _add_months(y, b, 0) if b <= 12 else (y + 1, b - 12)
            return dt.date(y, a, 1), dt.date(end_y, end_m, calendar.monthrange(end_y, end_m)[1])
        if m := re.fullmatch(r"(?:FY)?(\d{4})", v):
            y = int(m[1])
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        if re.fullmatch(r"\d{3}", v):
            y = int(v) * 10
            return dt.date(max(y, 1), 1, 1), dt.date(y + 9, 12, 31)
        if re.fullmatch(r"\d{2}", v):
            y = int(v) * 100
            return dt.date(max(y, 1), 1, 1), dt.date(y + 99, 12, 31)
    except ValueError:
        return None, None
    return None, None


def duration_back(value: str, anchor: dt.date) -> dt.date | None:
    """Start of a duration that ends on the anchor ("the past two years" -> two years before);
    None when the value is not a plain count of days, weeks, months or years, or reaches past the
    calendar's range ("P1987Y" read from a stray number): a duration never raises."""
    m = re.fullmatch(r"P(\d+)([DWMY])", value)
    if not m:
        return None
    n, unit = int(m[1]), m[2]
    try:
        if unit == "D":
            return anchor - dt.timedelta(days=n)
        if unit == "W":
            return anchor - dt.timedelta(weeks=n)
        if unit == "M":
            y, mo = _add_months(anchor.year, anchor.month, -n)
        else:
            y, mo = anchor.year - n, anchor.month
        return dt.date(y, mo, min(anchor.day, calendar.monthrange(y, mo)[1]))
    except (ValueError, OverflowError):  # before year 1
        return None


__all__ = ["Timex", "normalize", "scan", "value_interval", "duration_back", "holiday", "SEASONS"]
