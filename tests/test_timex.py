"""Time normalization against the story date, form by form, including calendar edges."""
import datetime as dt

import pytest

from storyline.timex import normalize, value_interval

A = dt.date(2022, 11, 15)  # a Tuesday


@pytest.mark.parametrize("text,anchor,type_,value", [
    ("last month", A, "DATE", "2022-10"),
    ("last week", A, "DATE", "2022-W45"),
    ("on Sunday", A, "DATE", "2022-11-13"),
    ("Friday (11)", A, "DATE", "2022-11-11"),
    ("in February", A, "DATE", "2022-02"),
    ("overnight", A, "TIME", "2022-11-14TNI"),
    ("three days", A, "DURATION", "P3D"),
    ("every week", A, "SET", "P1W"),
    ("the past two years", A, "DURATION", "P2Y"),
    ("next Tuesday", A, "DATE", "2022-11-22"),
    ("mid-2021", A, "DATE", "2021"),
    ("early this week", A, "DATE", "2022-W46"),
    ("fiscal 2023", A, "DATE", "2023"),  # TimeBank annotates a fiscal year as its year
    ("the 1990s", A, "DATE", "199"),
    ("the 19th century", A, "DATE", "18"),
    ("last summer", A, "DATE", "2022-SU"),
    ("November 15, 2022", A, "DATE", "2022-11-15"),
    ("15 November 2022", A, "DATE", "2022-11-15"),
    ("Feb. 24", A, "DATE", "2022-02-24"),
    ("2022-02-24", A, "DATE", "2022-02-24"),
    ("yesterday", A, "DATE", "2022-11-14"),
    ("three days ago", A, "DATE", "2022-11-12"),
    ("the third quarter", A, "DATE", "2022-Q3"),
    ("this morning", A, "TIME", "2022-11-15TMO"),
    ("3 p.m.", A, "TIME", "2022-11-15T15:00"),
    ("weekly", A, "SET", "P1W"),
    # month and year boundaries
    ("last month", dt.date(2023, 1, 3), "DATE", "2022-12"),
    ("last week", dt.date(2023, 1, 3), "DATE", "2022-W52"),
    ("last year", dt.date(2023, 1, 1), "DATE", "2022"),
    ("yesterday", dt.date(2023, 1, 1), "DATE", "2022-12-31"),
    ("in December", dt.date(2023, 1, 10), "DATE", "2022-12"),
    ("on Friday", dt.date(2023, 1, 2), "DATE", "2022-12-30"),
    ("next month", dt.date(2022, 12, 20), "DATE", "2023-01"),
    ("last week", dt.date(2021, 1, 4), "DATE", "2020-W53"),  # 2020 has an ISO week 53
    # leap years
    ("yesterday", dt.date(2024, 3, 1), "DATE", "2024-02-29"),
    ("yesterday", dt.date(2023, 3, 1), "DATE", "2023-02-28"),
    ("Feb. 29", dt.date(2024, 3, 10), "DATE", "2024-02-29"),
])
def test_normalize(text, anchor, type_, value):
    tx = normalize(text, anchor)
    assert tx is not None, text
    assert (tx.type, tx.value) == (type_, value)


def test_future_tense_moves_forward():
    assert normalize("on Friday", A, tense="future").value == "2022-11-18"
    assert normalize("in February", A, tense="future").value == "2023-02"


def test_feb_29_in_a_common_year_goes_to_the_last_leap_year():
    assert normalize("Feb. 29", dt.date(2023, 3, 10)).value == "2020-02-29"


def test_not_time_expressions():
    assert normalize("43-year-old", A) is None
    assert normalize("Kherson", A) is None


def test_precision_and_interval():
    tx = normalize("last week", A)
    assert tx.precision == "week"
    assert tx.interval(A) == (dt.date(2022, 11, 7), dt.date(2022, 11, 13))
    assert value_interval("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert value_interval("2022-Q4") == (dt.date(2022, 10, 1), dt.date(2022, 12, 31))
    assert normalize("the past two years", A).interval(A) == (dt.date(2020, 11, 15), A)


# ---- more forms, anaphora, tense, and finding expressions in running text ----

from storyline.timex import Timex, scan  # noqa: E402

OCT89 = dt.date(1989, 10, 26)  # a Thursday


@pytest.mark.parametrize("text,anchor,value", [
    ("third-quarter", OCT89, "1989-Q3"),
    ("the fiscal first quarter", OCT89, "1989-Q1"),
    ("the third quarter of 1990", OCT89, "1990-Q3"),
    ("the first nine months", OCT89, "P9M"),
    ("nineteen ninety-six", OCT89, "1996"),
    ("the year two thousand", OCT89, "2000"),
    ("January nineteen ninety-seven", OCT89, "1997-01"),
    ("5 1/2 hours", OCT89, "PT5H30M"),
    ("2 1/2 years", OCT89, "P2Y6M"),
    ("a minute and a half", OCT89, "PT1M30S"),
    ("twenty four hours", OCT89, "PT24H"),
    ("at least 72 hours", OCT89, "PT72H"),
    ("more than four decades ago", OCT89, "1949"),
    ("the week of March 6", dt.date(2000, 3, 10), "2000-W10"),
    ("June last year", OCT89, "1988-06"),
    ("the middle of October", OCT89, "1989-10"),
    ("mid-afternoon yesterday", OCT89, "1989-10-25TAF"),
    ("9 a.m. Tuesday", dt.date(2000, 4, 5), "2000-04-04T09:00"),
    ("5 p.m. EST Nov. 9", dt.date(1989, 11, 10), "1989-11-09T17:00"),
    ("the winter of nineteen ninety-four", OCT89, "1994-WI"),
    ("4 in the morning", OCT89, "1989-10-26T04:00"),
    ("the past decade", OCT89, "P10Y"),
    ("the coming years", OCT89, "PXY"),
    ("now", OCT89, "PRESENT_REF"),
    ("recently", OCT89, "PAST_REF"),
    ("the future", OCT89, "FUTURE_REF"),
    ("twice a week", OCT89, "P1W"),
    ("every July", OCT89, "XXXX-07"),
    ("the nineties", OCT89, "199"),
    ("year-end", OCT89, "1989-12-31"),
    ("last week", dt.date(2023, 1, 1), "2022-W51"),  # 1 January 2023 is in ISO week 2022-W52
    ("a year ago", dt.date(2024, 2, 29), "2023"),
])
def test_more_forms(text, anchor, value):
    tx = normalize(text, anchor)
    assert tx is not None, text
    assert tx.value == value


@pytest.mark.parametrize("text,anchor,value", [
    ("Thanksgiving", dt.date(2022, 11, 28), "2022-11-24"),   # fourth Thursday of November
    ("Christmas", dt.date(2023, 1, 5), "2022-12-25"),         # the last one, in the past tense
    ("Easter", dt.date(2024, 4, 10), "2024-03-31"),
    ("Thanksgiving Day", dt.date(2000, 1, 7), "1999-11-25"),
])
def test_holidays(text, anchor, value):
    assert normalize(text, anchor).value == value


def test_no_tense_takes_the_nearest_month_and_the_story_year():
    # A month named without a year and without a tense: the nearest such month.
    assert normalize("Nov. 25", dt.date(2000, 1, 7), tense=None).value == "1999-11-25"
    assert normalize("Dec. 15", OCT89, tense=None).value == "1989-12-15"
    assert normalize("Jan. 2", dt.date(1989, 11, 2), tense=None).value == "1990-01-02"
    assert normalize("March", OCT89, tense=None).value == "1989-03"
    # the past tense still looks back, the future forward
    assert normalize("Dec. 15", OCT89, tense="past").value == "1988-12-15"
    assert normalize("March", OCT89, tense="future").value == "1990-03"
    # a weekday with no tense: the last one, or tomorrow's
    assert normalize("Tuesday", dt.date(2000, 4, 3), tense=None).value == "2000-04-04"
    assert normalize("Friday", dt.date(2000, 4, 3), tense=None).value == "2000-03-31"


def test_anaphora_resolves_against_the_last_calendar_expression():
    q3_1990 = Timex("DATE", "1990-Q3", "quarter")
    assert normalize("the quarter", OCT89, ref=q3_1990).value == "1990-Q3"
    assert normalize("a year earlier", OCT89, ref=q3_1990).value == "1989-Q3"
    assert normalize("the year-ago quarter", OCT89, ref=q3_1990).value == "1989-Q3"
    # without a quarter before it, "a year earlier" is the year before the story's
    assert normalize("a year earlier", OCT89).value == "1988"
    # "the quarter" alone: the last completed one, which is what results report
    assert normalize("the quarter", OCT89).value == "1989-Q3"
    day = Timex("DATE", "1989-10-12", "day")
    assert normalize("that day", OCT89, ref=day).value == "1989-10-12"
    assert normalize("the next morning", OCT89, ref=day).value == "1989-10-13TMO"
    assert normalize("later that year", OCT89, ref=Timex("DATE", "1975-06", "month")).value == "1975"
    assert normalize("that day", OCT89) is None  # nothing to refer to


def _found(text):
    return [text[s:e] for s, e in scan(text)]


def test_scan_finds_expressions_in_running_text():
    text = ("Third-quarter net income rose to $5 million from $3 million a year earlier. Now the company, "
            "which may sell the unit by Sept. 30, said last week it met on Friday (11) and in May 1990.")
    assert _found(text) == ["Third-quarter", "a year earlier", "Now", "Sept. 30", "last week", "Friday (11)",
                            "May 1990"]


def test_scan_keeps_the_longest_expression_and_drops_the_full_stop():
    assert _found("They met the week of March 6.") == ["the week of March 6"]
    assert _found("It happened on Sunday.") == ["Sunday"]
    assert _found("Talks resumed in Feb. 2023 after the past two years of war.") == ["Feb. 2023", "the past two years"]


def test_scan_skips_lowercase_month_words_and_may_the_verb():
    assert _found("They may march on the capital.") == []
    assert _found("It was released in May.") == ["May"]
    assert _found("Jan Kowalski said so.") == []


def test_a_holiday_without_tense_is_the_nearest_one():
    assert normalize("Thanksgiving Day", dt.date(2000, 1, 7), tense=None).value == "1999-11-25"
    assert normalize("Thanksgiving Day", dt.date(2000, 11, 1), tense=None).value == "2000-11-23"


def test_intervals_never_raise():
    """A stray number read as a duration must not break the stage: its start is unknown."""
    from storyline.timex import duration_back

    for value in ("P1987Y", "P99999999D", "P500000W", "P100000M"):
        assert duration_back(value, dt.date(1987, 3, 3)) is None
    assert normalize("1987 full year", dt.date(1987, 3, 3)).interval(dt.date(1987, 3, 3)) == (
        dt.date(1987, 1, 1), dt.date(1987, 12, 31))


@pytest.mark.parametrize("text,anchor,tense,value", [
    # around the turn of the year the story's date decides which year
    ("Jan. 2", dt.date(2022, 12, 30), "past", "2023-01-02"),  # a deadline days ahead, not a year back
    ("Dec. 30", dt.date(2023, 1, 2), None, "2022-12-30"),
    ("the fourth quarter", dt.date(2023, 1, 20), None, "2022-Q4"),  # the quarter that just ended
    ("the fourth quarter", dt.date(2023, 8, 20), None, "2023-Q4"),
    ("this week", dt.date(2021, 1, 3), None, "2020-W53"),  # ISO week 53
    ("next week", dt.date(2020, 12, 28), None, "2021-W01"),
    ("yesterday", dt.date(2023, 1, 1), None, "2022-12-31"),
    ("Sunday", dt.date(2022, 11, 20), "past", "2022-11-20"),  # the story's own day
])
def test_creation_date_edges(text, anchor, tense, value):
    assert normalize(text, anchor, tense=tense).value == value


@pytest.mark.parametrize("text,value", [
    ("the last half of 1989", "1989-H2"),
    ("the first half", "1989-H1"),
    ("two to three weeks", "P2W"),  # a range: TimeML's value is the first bound
    ("the current quarter", "1989-Q4"),  # the story's own quarter, not the last one reported
])
def test_halves_ranges_and_the_current_quarter(text, value):
    assert normalize(text, dt.date(1989, 10, 26), tense=None).value == value


def test_year_ago_quarters_and_periods():
    a = dt.date(1989, 10, 26)
    assert normalize("the year-ago third quarter", a).value == "1988-Q3"
    assert normalize("a three-year period", a).value == "P3Y"
    assert normalize("at least the past 18 months", a).value == "P18M"


@pytest.mark.parametrize("sentence,found,type_,value", [
    ("Sales for that quarter rose 4%.", "that quarter", "DATE", "2022-Q2"),
    ("The plant should reopen by year's end.", "year's end", "DATE", "2022-12-31"),
    ("Funds may sell more bonds in the weeks ahead.", "the weeks ahead", "DURATION", "PXW"),
    ("Over the next couple of years the fleet will grow.", "the next couple of years", "DURATION", "P2Y"),
    ("Buyers were busy in the morning and quiet later.", "the morning", "TIME", "2022-11-15TMO"),
    ("For the week, the index fell 2%.", "the week", "DATE", "2022-W46"),
    ("Trading slowed by mid-afternoon.", "mid-afternoon", "TIME", "2022-11-15TAF"),
])
def test_definite_and_anaphoric_periods_are_found(sentence, found, type_, value):
    spans = [sentence[s:e] for s, e in scan(sentence)]
    assert spans == [found]
    tx = normalize(found, A, None, Timex("DATE", "2022-Q2", "quarter"))
    assert (tx.type, tx.value) == (type_, value)


def test_that_quarter_with_no_quarter_named_before_is_the_last_one():
    tx = normalize("that quarter", A, None, Timex("DATE", "2021", "year"))
    assert (tx.type, tx.value) == ("DATE", "2022-Q3")
