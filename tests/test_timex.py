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
    ("fiscal 2023", A, "DATE", "FY2023"),
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
