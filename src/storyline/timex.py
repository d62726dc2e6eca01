"""Normalize a temporal expression to a TimeML TIMEX3 type and value, with its precision.

Hand-written on purpose: dateparser (and ctparse) return a single datetime with no notion of
precision, so "last month" comes back as a day and "last week" cannot be told from a date a
week ago; TimeML values ("2022-10", "2022-W45", "P3D", "2022-11-14TNI") need the granularity
the words give, no more. dateparser is still used as a fallback for absolute dates in forms
these rules do not know (see `_absolute_fallback`).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
WEEKDAYS.update({d.lower(): i for i, d in enumerate(calendar.day_abbr)})
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
           "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
           "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "a couple of": 2, "a few": "X",
           "several": "X", "few": "X", "many": "X", "some": "X"}
UNITS = {"second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W", "fortnight": "W",
         "month": "M", "year": "Y", "decade": "DE", "century": "CE", "quarter": "Q", "weekend": "WE"}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

_M = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WD = "(" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?"
_NUM = r"(\d+|" + "|".join(sorted((k for k in NUMBERS), key=len, reverse=True)) + ")"
_UNIT = r"(second|minute|hour|day|night|week|fortnight|month|year|decade|centur(?:y|ie))s?"


@dataclass
class Timex:
    type: str
    value: str
    precision: str
    mod: str | None = None

    def interval(self, anchor: dt.date | None = None) -> tuple[dt.date | None, dt.date | None]:
        if self.type == "DURATION" and anchor is not None and self.value.startswith("P"):
            return duration_back(self.value, anchor), anchor
        return value_interval(self.value)


def _num(s: str) -> int | str:
    s = s.lower()
    return int(s) if s.isdigit() else NUMBERS.get(s, "X")


def _week_value(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _add_months(y: int, m: int, delta: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + delta
    return idx // 12, idx % 12 + 1


def _nearest_weekday(anchor: dt.date, weekday: int, direction: str, include_anchor: bool = True) -> dt.date:
    if direction == "future":
        delta = (weekday - anchor.weekday()) % 7
        if delta == 0 and not include_anchor:
            delta = 7
        return anchor + dt.timedelta(days=delta)
    delta = (anchor.weekday() - weekday) % 7
    if delta == 0 and not include_anchor:
        delta = 7
    return anchor - dt.timedelta(days=delta)


def _month_near(anchor: dt.date, month: int, direction: str) -> int:
    if direction == "future":
        return anchor.year if month >= anchor.month else anchor.year + 1
    return anchor.year if month <= anchor.month else anchor.year - 1


def normalize(text: str, anchor: dt.date, tense: str = "past") -> Timex | None:
    """TimeML type and value for `text` read on `anchor` date; None when it is not a time expression.

    tense: 'past' or 'future', the tense of the clause; it decides which "Sunday" or "February"
    is meant when the words do not say (news reports the past unless the verb says otherwise).
    """
    t = text.lower().strip().strip(".,;:()[]\"'“”").replace("’", "'")
    t = re.sub(r"\s+", " ", t)
    t = re.sub(r"^(on|in|at|by|since|from|until|till|during|for|of|about|around|the|this past)\s+", "", t)
    t = re.sub(r"^(on|in|at|the)\s+", "", t)
    direction = "future" if tense == "future" else "past"
    for rule in _RULES:
        m = rule[0].fullmatch(t)
        if m:
            out = rule[1](m, anchor, direction)
            if out is not None:
                return out
    return _absolute_fallback(t, anchor)


# ---- rules: (compiled regex, function(match, anchor, direction) -> Timex | None) ----

def _r_iso(m, a, d):
    return Timex("DATE", f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}", "day") if _valid(m[1], m[2], m[3]) else None


def _r_us_slash(m, a, d):  # 11/15/2022, US order as in US newswire
    return Timex("DATE", f"{m[3]}-{int(m[1]):02d}-{int(m[2]):02d}", "day") if _valid(m[3], m[1], m[2]) else None


def _valid(y, mo, day) -> bool:
    try:
        dt.date(int(y), int(mo), int(day))
        return True
    except ValueError:
        return False


def _r_mdy(m, a, d):  # November 15, 2022 / Nov. 15 / 15 November 2022 / Tuesday, Nov. 15
    groups = m.groupdict()
    month = MONTHS[groups["m"]]
    day = int(groups["d"])
    year = int(groups["y"]) if groups.get("y") else None
    if year is None:
        year = _month_near(a, month, d)
        if month == a.month and ((d == "past" and day > a.day + 1) or (d == "future" and day < a.day - 1)):
            year += 1 if d == "future" else -1
    if not _valid(year, month, day):
        return None
    return Timex("DATE", f"{year:04d}-{month:02d}-{day:02d}", "day")


def _r_month_year(m, a, d):
    return Timex("DATE", f"{int(m[2]):04d}-{MONTHS[m[1]]:02d}", "month")


def _r_month(m, a, d):
    rel, month = m[1], MONTHS[m[2]]
    if rel == "last":
        year = a.year if month < a.month else a.year - 1
    elif rel == "next":
        year = a.year if month > a.month else a.year + 1
    elif rel == "this":
        year = a.year
    else:
        year = _month_near(a, month, d)
    mod = {"early": "START", "mid": "MID", "late": "END"}.get(m[3] or "")
    return Timex("DATE", f"{year:04d}-{month:02d}", "month", mod)


def _r_year(m, a, d):
    mod = {"early": "START", "mid": "MID", "late": "END", "end of": "END", "beginning of": "START"}.get(
        (m[1] or "").strip().rstrip("-").strip())
    return Timex("DATE", m[2], "year", mod)


def _r_fiscal(m, a, d):
    y = m[1] if len(m[1]) == 4 else ("20" + m[1][-2:] if int(m[1][-2:]) < 50 else "19" + m[1][-2:])
    return Timex("DATE", f"FY{y}", "year")


def _r_decade(m, a, d):
    digits = m[1]
    if len(digits) == 2:
        digits = ("19" if int(digits) >= 30 else "20") + digits
    return Timex("DATE", digits[:3], "decade")


def _r_century(m, a, d):
    n = int(re.sub(r"\D", "", m[1])) if m[1][0].isdigit() else ORDINALS.get(m[1], 0) or _num(m[1])
    return Timex("DATE", f"{int(n) - 1:02d}", "century") if isinstance(n, int) and n > 0 else None


def _r_season(m, a, d):
    rel, season, year = m[1], SEASONS[m[2]], m[3]
    first_month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[season]
    if year:
        y = int(year)
    elif rel in ("last", "past") or (rel is None and d == "past"):
        # the most recent such season that has begun (winter starts in December of its year)
        y = a.year if a.month >= first_month + (3 if rel else 0) else a.year - 1
    elif rel in ("next", "coming"):
        y = a.year if a.month < first_month else a.year + 1
    else:
        y = a.year
    return Timex("DATE", f"{y}-{season}", "season")


def _r_quarter(m, a, d):
    q = ORDINALS.get(m[1])
    if not q:
        return None
    y = int(m[2]) if m[2] else a.year
    return Timex("DATE", f"{y}-Q{q}", "quarter")


def _r_deictic_day(m, a, d):
    word, part = m[1], m[2]
    shift = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0}[word]
    day = a + dt.timedelta(days=shift)
    if word == "tonight":
        part = "night"
    if part:
        return Timex("TIME", f"{day.isoformat()}T{PARTS_OF_DAY[part]}", "part-of-day")
    return Timex("DATE", day.isoformat(), "day")


def _r_this_part(m, a, d):
    return Timex("TIME", f"{a.isoformat()}T{PARTS_OF_DAY[m[1]]}", "part-of-day")


def _r_overnight(m, a, d):
    return Timex("TIME", f"{(a - dt.timedelta(days=1)).isoformat()}TNI", "part-of-day")


def _r_weekday(m, a, d):
    g = m.groupdict()
    rel, wd = g.get("rel"), WEEKDAYS[g["wd"]]
    if rel == "last":
        day = _nearest_weekday(a, wd, "past", include_anchor=False)
    elif rel == "next":
        day = _nearest_weekday(a, wd, "future", include_anchor=False)
    elif rel == "this":
        day = a - dt.timedelta(days=a.weekday()) + dt.timedelta(days=wd)
    else:
        day = _nearest_weekday(a, wd, d)
    if g.get("dom"):  # "Friday (11)": the text gives the day of the month too; trust it, search nearby
        want = int(g["dom"])
        for back in range(0, 36, 7):
            cand = day - dt.timedelta(days=back) if d == "past" else day + dt.timedelta(days=back)
            if cand.day == want:
                day = cand
                break
    if g.get("part"):
        return Timex("TIME", f"{day.isoformat()}T{PARTS_OF_DAY[g['part']]}", "part-of-day")
    return Timex("DATE", day.isoformat(), "day")


def _r_rel_unit(m, a, d):  # last week, this month, next year, the coming week, earlier this week
    mod_word, rel, unit = m[1], m[2], m[3]
    step = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}[rel]
    mod = {"early": "START", "earlier": "START", "late": "END", "later": "END", "mid": "MID"}.get(
        (mod_word or "").strip())
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


def _r_ago(m, a, d):
    n, unit = _num(m[1]), UNITS[m[2].rstrip("s").replace("centurie", "century")]
    if n == "X":
        return Timex("DATE", "PAST_REF", "vague")
    sign = -1 if m[3] in ("ago", "earlier", "before") else 1
    if unit == "D":
        return Timex("DATE", (a + dt.timedelta(days=sign * n)).isoformat(), "day")
    if unit == "W":
        return Timex("DATE", _week_value(a + dt.timedelta(weeks=sign * n)), "week")
    if unit == "M" and m[2].startswith("month"):
        y, mo = _add_months(a.year, a.month, sign * n)
        return Timex("DATE", f"{y:04d}-{mo:02d}", "month")
    if unit == "Y":
        return Timex("DATE", f"{a.year + sign * n:04d}", "year")
    if unit == "DE":
        return Timex("DATE", f"{(a.year + sign * 10 * n) // 10:03d}", "decade")
    return None


def _duration_value(n: int | str, unit_word: str) -> str:
    unit_word = unit_word.rstrip("s").replace("centurie", "century")
    unit = UNITS[unit_word]
    if unit_word == "fortnight":
        n = n * 2 if isinstance(n, int) else n
    if unit in ("H", "S") or (unit == "M" and unit_word == "minute"):
        return f"PT{n}{unit}"
    if unit == "DE":
        return f"P{n * 10 if isinstance(n, int) else 'X'}Y" if isinstance(n, int) else "PXDE"
    if unit == "CE":
        return f"P{n * 100}Y" if isinstance(n, int) else "PXCE"
    return f"P{n}{unit}"


def _r_duration(m, a, d):
    n = _num(m[1]) if m[1] else 1
    return Timex("DURATION", _duration_value(n, m[2]), "duration")


def _r_bare_units(m, a, d):  # "years", "months": an unspecified number
    return Timex("DURATION", _duration_value("X", m[1]), "duration")


def _r_past_n(m, a, d):  # the past two years, the last three days, the next five weeks
    n = _num(m[2]) if m[2] else 1
    return Timex("DURATION", _duration_value(n, m[3]), "duration")


def _r_adverb_set(m, a, d):
    return Timex("SET", {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y",
                         "yearly": "P1Y", "hourly": "PT1H", "quarterly": "P3M"}[m[1]], "set")


def _r_ref(m, a, d):
    word = m[1]
    if word in ("now", "currently", "at present", "present", "nowadays", "today's", "the moment"):
        return Timex("DATE", "PRESENT_REF", "vague")
    if word in ("recently", "lately", "the past", "previously", "formerly", "once", "earlier"):
        return Timex("DATE", "PAST_REF", "vague")
    return Timex("DATE", "FUTURE_REF", "vague")


def _r_clock(m, a, d):
    h = int(m[1])
    mi = int(m[2] or 0)
    ampm = (m[3] or "").replace(".", "")
    if ampm == "pm" and h < 12:
        h += 12
    if ampm == "am" and h == 12:
        h = 0
    if h > 23 or mi > 59:
        return None
    return Timex("TIME", f"{a.isoformat()}T{h:02d}:{mi:02d}", "minute")


def _r_noon(m, a, d):
    return Timex("TIME", f"{a.isoformat()}T{'12:00' if m[1] == 'noon' else '24:00'}", "minute")


def _r_set_any(m, a, d):
    word = m[1]
    if word and word in WEEKDAYS:
        return Timex("SET", f"XXXX-WXX-{WEEKDAYS[word] + 1}", "set")
    if word:
        return Timex("SET", _duration_value(1, word), "set")
    n = _num(m[2]) if m[2] else 1
    return Timex("SET", _duration_value(n, m[3]), "set")



_RULES = [(re.compile(p), f) for p, f in [
    (r"(\d{4})-(\d{1,2})-(\d{1,2})", _r_iso),
    (r"(\d{1,2})/(\d{1,2})/(\d{4})", _r_us_slash),
    (rf"(?:{_WD},? )?(?P<m>{_M[1:-4]})\.? (?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,? (?P<y>\d{{4}}))?", _r_mdy),
    (rf"(?:{_WD},? )?(?P<d>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<m>{_M[1:-4]})\.?(?:,? (?P<y>\d{{4}}))?", _r_mdy),
    (rf"{_M},? (\d{{4}})", _r_month_year),
    (rf"(?:(last|next|this|early|mid|late)[- ])?{_M}(?:[- ](early|mid|late))?", _r_month),
    (r"((?:early|mid|late|the end of|end of|the beginning of|beginning of)[- ]?)?(1[5-9]\d\d|20\d\d)", _r_year),
    (r"(?:fiscal|fy|financial year)(?: year)? ?((?:19|20)?\d\d)", _r_fiscal),
    (r"(?:the )?(?:early |mid-|late )?'?(\d{2}|1\d\d0|20\d0)'?s", _r_decade),
    (r"(?:the )?(\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
     r"eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
     r"twenty-first) century", _r_century),
    (r"(?:(last|this|next|coming|past) )?(spring|summer|autumn|fall|winter)(?:,? (?:of )?(\d{4}))?", _r_season),
    (r"(first|second|third|fourth|1st|2nd|3rd|4th) quarter(?: of (\d{4}))?", _r_quarter),
    (r"(today|yesterday|tomorrow|tonight)(?:'s)?(?: (morning|afternoon|evening|night))?", _r_deictic_day),
    (r"(?:this|late this|early this) (morning|afternoon|evening)", _r_this_part),
    (r"overnight|last night", _r_overnight),
    (rf"(?:(?P<rel>last|next|this|coming|past) )?(?P<wd>{_WD[1:-4]})\.?(?: \(?(?P<dom>\d{{1,2}})\)?)?"
     r"(?: (?P<part>morning|afternoon|evening|night))?", _r_weekday),
    (r"(early |earlier |late |later |mid-)?(?:in )?(?:the )?(last|past|previous|this|current|next|coming) "
     r"(week|weekend|month|year|quarter|decade|century)", _r_rel_unit),
    (rf"{_NUM} {_UNIT} (ago|earlier|before|later|from now|hence)", _r_ago),
    (rf"(?:the )?(last|past|next|coming|previous|first|final) (?:({_NUM[1:-1]}) )?{_UNIT}", _r_past_n),
    (rf"(?:(?:about|nearly|almost|more than|less than|over|at least|some|up to|around) )?{_NUM}[- ]{_UNIT}"
     r"(?: long| old)?", _r_duration),
    (r"(seconds|minutes|hours|days|weeks|months|years|decades|centuries)", _r_bare_units),
    (rf"(?:every|each) ({_WD[1:-4]}|day|week|month|year)|(?:every|each) (?:({_NUM[1:-1]}) )?{_UNIT}", _r_set_any),
    (r"(daily|nightly|weekly|monthly|annually|yearly|hourly|quarterly)", _r_adverb_set),
    (r"(now|currently|at present|present|nowadays|recently|lately|the past|previously|formerly|future|"
     r"the future|soon|later|the moment)", _r_ref),
    (r"(\d{1,2})(?::(\d{2}))? ?(a\.?m\.?|p\.?m\.?)(?: \w+)?", _r_clock),
    (r"(noon|midnight)", _r_noon),
]]


_HAS_DIGIT_OR_MONTH = re.compile(rf"\d|\b{_M[1:-4]}\b")


def _absolute_fallback(t: str, anchor: dt.date) -> Timex | None:
    """dateparser for absolute dates in forms the rules miss; precision from what the text names."""
    if not _HAS_DIGIT_OR_MONTH.search(t) or len(t) > 40:
        return None
    import dateparser  # slow to import; most texts never get here

    settings = {"RELATIVE_BASE": dt.datetime.combine(anchor, dt.time()), "PREFER_DATES_FROM": "past",
                "REQUIRE_PARTS": ["year"] if re.search(r"\d{4}", t) else [], "STRICT_PARSING": False}
    parsed = dateparser.parse(t, languages=["en"], settings=settings)
    if parsed is None:
        return None
    has_day = bool(re.search(r"\b\d{1,2}(st|nd|rd|th)?\b", re.sub(r"\d{4}", "", t)))
    has_month = bool(re.search(rf"\b{_M[1:-4]}\b", t))
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
    """Start of a duration that ends on the anchor ("the past two years" -> two years before)."""
    m = re.fullmatch(r"P(\d+)([DWMY])", value)
    if not m:
        return None
    n, unit = int(m[1]), m[2]
    if unit == "D":
        return anchor - dt.timedelta(days=n)
    if unit == "W":
        return anchor - dt.timedelta(weeks=n)
    if unit == "M":
        y, mo = _add_months(anchor.year, anchor.month, -n)
        return dt.date(y, mo, min(anchor.day, calendar.monthrange(y, mo)[1]))
    y = anchor.year - n
    return dt.date(y, anchor.month, min(anchor.day, calendar.monthrange(y, anchor.month)[1]))
