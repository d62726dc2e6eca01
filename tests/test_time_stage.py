"""The time stage in the pipeline: what it finds in running text, what it leaves, tense and anaphora."""
import datetime as dt

from storyline.model import Story


def _times(pipeline, text, date="1989-10-26"):
    story = Story(text=text, date=dt.date.fromisoformat(date))
    return [(t.text, t.value) for t in pipeline.analyze(story).times]


def test_look_alikes_are_not_time_expressions(pipeline):
    text = ("Prices fall as the 52-year-old chairman, 55 years old, cut the quarterly dividend. Rooms cost $35 a "
            "night, and 2000 workers watched 60 Minutes in his 30s.")
    assert _times(pipeline, text) == []


def test_bare_years_need_a_cue(pipeline):
    assert _times(pipeline, "The plant opened in 1995 and hired 2000 workers.") == [("1995", "1995")]


def test_tense_of_the_clause_picks_the_month(pipeline):
    # read in October 1989: a past March is this year's, a future one next year's
    past = _times(pipeline, "The company said sales fell in March.")
    future = _times(pipeline, "The company said it will open the plant in March.")
    assert ("March", "1989-03") in past
    assert ("March", "1990-03") in future


def test_quarters_and_a_year_earlier_resolve_in_order(pipeline):
    text = ("Third-quarter net income rose 20% to $5 million from $4.2 million a year earlier. "
            "In the quarter, sales were flat. For the first nine months, profit rose.")
    got = _times(pipeline, text)
    assert got == [("Third-quarter", "1989-Q3"), ("a year earlier", "1988-Q3"), ("the quarter", "1989-Q3"),
                   ("the first nine months", "P9M")]


def test_event_dated_by_the_expression_of_its_clause(pipeline):
    story = Story(text="Russian forces attacked the town on Sunday. Officials said talks would resume on Friday.",
                  date=dt.date(2022, 11, 15))
    times = {t.text: t for t in pipeline.analyze(story).times}
    assert times["Sunday"].value == "2022-11-13"
    assert times["Friday"].value == "2022-11-18"  # "would resume": the next Friday
    assert (times["Sunday"].earliest, times["Sunday"].latest) == (dt.date(2022, 11, 13), dt.date(2022, 11, 13))


def test_n_days_later_dates_the_event_from_the_date_before_it(pipeline):
    story = Story(text="Russian forces captured the village on Nov. 3. Three days later, Ukrainian troops attacked "
                       "the village.", date=dt.date(2022, 11, 15))
    events = pipeline.analyze(story).events
    attack = next(e for e in events if e.plover_type == "ASSAULT")
    assert (attack.date_value, attack.date_basis) == ("2022-11-06", "relative")
    capture = next(e for e in events if e.plover_type != "ASSAULT")
    assert (capture.date_value, capture.date_basis) == ("2022-11-03", "stated")


def test_timeml_extents(pipeline):
    """TimeML's extent: prepositions and "about" stay out of a duration, words that bound it stay in;
    a prenominal expression leaves the noun's determiner and the possessive outside."""
    text = ("The talks lasted about five hours after nearly five months of silence. The firm posted a "
            "third-quarter loss and its two-day meeting ended. Friday's vote was delayed.")
    got = [t for t, _ in _times(pipeline, text)]
    assert got == ["five hours", "nearly five months", "third-quarter", "two-day", "Friday"]


def test_durations_and_dates_that_look_alike(pipeline):
    got = dict(_times(pipeline, "The banks must wait 30 days before closing the deal. The company reported 1987 "
                                "full year sales. Profit for the year ended Aug. 31 fell.", date="1989-10-26"))
    assert got["30 days"] == "P30D"  # "before" opens a clause: only the duration is the expression
    assert got["1987 full year"] == "1987"  # a calendar year, not 1,987 years
    assert got["the year"] == "P1Y"  # "the year ended Aug. 31": a year's span
    assert got["Aug. 31"] == "1989-08-31"


def test_a_month_day_after_last_is_the_date(pipeline):
    got = _times(pipeline, "He was shot last Oct. 23 at his home. Inspections stopped since Jan. 13.",
                 date="1999-03-06")
    assert got == [("Oct. 23", "1998-10-23"), ("Jan. 13", "1999-01-13")]


def test_a_direct_quote_counts_from_the_day_it_was_spoken(pipeline):
    story = Story(text='"We will leave the city tomorrow," the mayor said on Monday. Officials said the convoy '
                       'left yesterday.', date=dt.date(2022, 11, 16))  # a Wednesday
    times = {t.text: t.value for t in pipeline.analyze(story).times}
    assert times["Monday"] == "2022-11-14"
    assert times["tomorrow"] == "2022-11-15"  # the mayor's tomorrow, not the story's
    assert times["yesterday"] == "2022-11-15"  # a paraphrase: the reporter's words, from the story's date


def test_rates_and_a_march_are_not_time_expressions(pipeline):
    assert _times(pipeline, "The airline runs four flights a week and the plant makes 10,000 cars a year.") == []
    assert _times(pipeline, "Thousands joined the annual March for Life, then the March of the Mothers.") == []
    assert _times(pipeline, "He left in March to join the army.") == [("March", "1989-03")]


def test_month_of_a_year_is_one_expression(pipeline):
    assert _times(pipeline, "The talks began in March of last year.") == [("March of last year", "1988-03")]
