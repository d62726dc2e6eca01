"""storyline.query on a small hand-made database: each filter selects what its docstring says."""
import datetime as dt

import pytest

from storyline.query import (ActorFilter, EventFilter, PlaceFilter, QueryError, QuoteFilter, StoryFilter, count_by,
                             count_events, facet, find_story, parse_partial_date, select_actors, select_events,
                             select_places, select_quotes, select_stories)
from storyline.store import Store

D = dt.date


def build_query_db(path):
    """A small hand-made database: three stories (ids 1, 10, 100), five actors, two places, four
    events, two quotes. Also used by the CLI tests."""
    st = Store(path)
    con = st.con
    con.executemany("INSERT INTO stories (story_id, date, title, url, content_hash, text) VALUES (?, ?, ?, ?, 'h', ?)",
                    [("1", D(2024, 11, 30), "One", "http://a/1", "text one"),
                     ("10", D(2024, 12, 2), "Ten", None, "text ten"),
                     ("100", D(2023, 5, 1), "Hundred", None, "text hundred")])
    con.executemany("INSERT INTO actors (actor_id, name, kind, country, role, code) VALUES (?, ?, ?, ?, ?, ?)",
                    [("agent:RUSMIL", "Russia military", "group", "RUS", "MIL", "RUSMIL"),
                     ("agent:UKRGOV", "Ukraine government", "group", "UKR", "GOV", "UKRGOV"),
                     ("agent:BUS", "unidentified business", "group", None, "BUS", "---BUS"),
                     ("biden", "Joe Biden", "person", "USA", "GOV", "USAGOV"),
                     ("un", "United Nations", "organization", "UNO", "IGO", "IGOUNO")])
    con.executemany("INSERT INTO actor_aliases VALUES (?, ?)", [("biden", "Joseph R. Biden"), ("biden", "Joe Biden")])
    con.executemany("INSERT INTO places (geonameid, name, country, lat, lon) VALUES (?, ?, ?, ?, ?)",
                    [(706448, "Kherson", "UKR", 46.6, 32.6), (-5, "Black Sea", None, 43.0, 34.0)])
    cols = ("story_id, event_no, plover_type, plover_mode, cameo, goldstein, quad_class, source_id, source_code, "
            "target_id, target_code, sentence, date_value, date_earliest, date_latest, date_basis, geonameid, "
            "place_name, modality, confidence")
    con.executemany(f"INSERT INTO events ({cols}) VALUES ({', '.join('?' * len(cols.split(',')))})", [
        # the night of 29 November 2024, reported the next day
        ("1", 0, "ASSAULT", None, "190", -10.0, 4, "agent:RUSMIL", "RUSMIL", "agent:UKRGOV", "UKRGOV",
         "Russian forces shelled Kherson overnight.", "2024-11-29TNI", D(2024, 11, 29), D(2024, 11, 30), "stated",
         706448, "Kherson", "asserted", 0.9),
        ("1", 1, "COERCE", "arrest", "173", -5.0, 4, "agent:UKRGOV", "UKRGOV", "agent:BUS", "---BUS",
         "Police detained a businessman.", "2024-11-30", D(2024, 11, 29), D(2024, 11, 30), "reported",
         None, None, "reported", 0.4),
        ("10", 0, "AGREE", None, "057", 8.0, 1, "biden", "USAGOV", "un", "IGOUNO",
         "Biden signed an accord with the United Nations.", "2024-12", D(2024, 12, 1), D(2024, 12, 31), "stated",
         -5, "Black Sea", "intended", 0.7),
        ("100", 0, "CONSULT", "visit", "042", 1.9, 1, "biden", "USAGOV", None, None,
         "Biden visited the region last year.", "PAST_REF", None, D(2023, 5, 1), "not stated",
         None, None, "asserted", 0.5),
    ])
    con.executemany("INSERT INTO quotes (story_id, quote_no, start, \"end\", text, direct, speaker_id, cue, speech_date) "
                    "VALUES (?, ?, 0, 4, ?, ?, ?, ?, ?)",
                    [("1", 0, "We will hold", True, "agent:UKRGOV", "said", None),
                     ("10", 0, "the accord is good", False, "biden", "told", "2024-11-28")])
    con.execute("UPDATE events SET domain = 'business' WHERE story_id = '1' AND event_no = 1")
    con.execute("INSERT INTO mentions (story_id, start, \"end\", text, actor_id, how, code) "
                "VALUES ('1', 0, 4, 'Kyiv', 'agent:UKRGOV', 'place', 'UKRGOV')")
    con.execute("INSERT INTO place_mentions (story_id, start, \"end\", text, geonameid, role, score) "
                "VALUES ('1', 30, 37, 'Kherson', 706448, 'place', 1.0)")
    st.close()
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_query_db(tmp_path_factory.mktemp("q") / "q.duckdb")
    with Store(path, read_only=True) as ro:
        yield ro


def keys(rows):
    return [(r[0], r[1]) for r in rows.rows]


def ev(db, **kw):
    return keys(select_events(db, EventFilter(**kw), ["story_id", "event_no"]))


@pytest.mark.parametrize("value, first, last", [
    ("2024", D(2024, 1, 1), D(2024, 12, 31)), ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
    ("2024-12", D(2024, 12, 1), D(2024, 12, 31)), ("2024-11-29", D(2024, 11, 29), D(2024, 11, 29)),
    ("2024-W48", D(2024, 11, 25), D(2024, 12, 1))])
def test_partial_dates_cover_their_interval(value, first, last):
    assert parse_partial_date(value) == (first, last)


@pytest.mark.parametrize("bad", ["2024-13", "24-11-29", "yesterday", "2024-02-30", "2024-11-29T10"])
def test_bad_dates_are_query_errors_naming_the_parameter(bad):
    with pytest.raises(QueryError, match="since"):
        EventFilter(since=bad)


def test_a_day_filter_selects_events_whose_interval_overlaps_it(db):
    # the shelling on the night of the 29th is selected by the 29th alone (both bounds on one day)
    assert ev(db, since="2024-11-29", until="2024-11-29") == [("1", 0), ("1", 1)]
    assert ev(db, since="2024-11") == [("1", 0), ("1", 1), ("10", 0)]
    assert ev(db, since="2024-12-15") == [("10", 0)]  # December, at month precision, overlaps the 15th
    assert ev(db, until="2024") == [("100", 0), ("1", 0), ("1", 1), ("10", 0)]
    # a vague past ("last year", no earliest date) counts on its latest date
    assert ev(db, since="2023-05", until="2023-05") == [("100", 0)]
    with pytest.raises(QueryError, match="after"):
        ev(db, since="2025", until="2024")


def test_type_takes_plover_type_mode_or_cameo_root(db):
    assert ev(db, type="ASSAULT") == [("1", 0)]
    assert ev(db, type="assault") == [("1", 0)]
    assert ev(db, type="COERCE/arrest") == [("1", 1)]
    assert ev(db, type="COERCE/ban") == []
    assert ev(db, type="17") == [("1", 1)]  # root 17 = COERCE: 173 is under it
    assert ev(db, type="1") == [("1", 0), ("1", 1)]  # 19x and 17x (no root 1 in CAMEO, but the prefix holds)
    assert ev(db, type="19,05") == [("1", 0), ("10", 0)]
    with pytest.raises(QueryError, match="type"):
        ev(db, type="17;DROP")


def test_quad_goldstein_modality_confidence(db):
    assert ev(db, quad_class="4") == [("1", 0), ("1", 1)]
    assert ev(db, quad_class="verbal-cooperation") == [("100", 0), ("10", 0)]
    assert ev(db, goldstein_min=-6, goldstein_max=2) == [("100", 0), ("1", 1)]
    assert ev(db, modality="intended,reported") == [("1", 1), ("10", 0)]
    assert ev(db, min_confidence=0.7) == [("1", 0), ("10", 0)]
    assert ev(db, date_basis="not stated") == [("100", 0)]
    with pytest.raises(QueryError, match="quad_class"):
        ev(db, quad_class="5")


def test_actor_specs_are_exact_codes_countries_ids_or_names(db):
    assert ev(db, actor="US") == [("100", 0), ("10", 0)]  # alpha-2 country: not ---BUS
    assert ev(db, actor="USA") == [("100", 0), ("10", 0)]
    assert ev(db, actor="BUS") == []  # no such code, and a code is never a substring
    assert ev(db, actor="---BUS") == [("1", 1)]
    assert ev(db, actor="UKRGOV") == [("1", 0), ("1", 1)]
    assert ev(db, source="UKRGOV") == [("1", 1)]
    assert ev(db, target="UKRGOV") == [("1", 0)]
    assert ev(db, target="IGOUNO") == [("10", 0)]
    assert ev(db, actor="biden") == [("100", 0), ("10", 0)]  # id
    assert ev(db, source="joseph r") == [("100", 0), ("10", 0)]  # alias
    assert ev(db, target="russia") == []  # Russia is the source only
    assert ev(db, country="RUS") == [("1", 0)]
    assert ev(db, target_country="UA") == [("1", 0)]
    assert ev(db, source_country="USA", target_country="UKR") == []
    with pytest.raises(QueryError, match="country"):
        ev(db, country="XYZ")


def test_place_text_story_and_paging(db):
    assert ev(db, place="kher") == [("1", 0)]
    assert ev(db, place="-5") == [("10", 0)]
    assert ev(db, place_country="UKR") == [("1", 0)]
    assert ev(db, text="ACCORD") == [("10", 0)]
    assert ev(db, story="1") == [("1", 0), ("1", 1)]  # exactly story 1, not 10 or 100
    assert ev(db, limit=2, offset=1) == [("1", 0), ("1", 1)]
    assert ev(db, sort="-goldstein", limit=2) == [("10", 0), ("100", 0)]
    assert count_events(db, EventFilter(quad_class="4", limit=1)) == 2
    with pytest.raises(QueryError, match="sort"):
        ev(db, sort="1; DROP TABLE events")


def test_domain_filter(db):
    assert ev(db, domain="business") == [("1", 1)]
    assert ev(db, domain="political") == [("100", 0), ("1", 0), ("10", 0)]
    assert len(ev(db, domain="all")) == 4


def test_event_rows_carry_countries_root_and_story(db):
    row = select_events(db, EventFilter(story="10")).dicts()[0]
    assert row["source_country"] == "USA" and row["target_country"] is None  # the UN is no country
    assert row["cameo"] == "057" and row["cameo_root"] == "05"
    assert row["story_title"] == "Ten" and row["place_name"] == "Black Sea" and row["lat"] == 43.0
    assert select_events(db, EventFilter(story="1")).dicts()[0]["story_url"] == "http://a/1"


def test_count_by_gives_dyad_month_tables(db):
    res = count_by(db, ["source_country", "target_country", "month"], EventFilter(since="2024"))
    assert res.columns == ["source_country", "target_country", "month", "n"]
    assert res.rows == [("RUS", "UKR", "2024-11", 1), ("UKR", None, "2024-11", 1), ("USA", None, "2024-12", 1)]
    assert count_by(db, "quad_class", EventFilter()).rows == [(1, 2), (4, 2)]
    assert count_by(db, "year,cameo_root", EventFilter(type="17")).rows == [("2024", "17", 1)]
    assert facet(db, "source_code", EventFilter()) == [("USAGOV", 2), ("RUSMIL", 1), ("UKRGOV", 1)]
    with pytest.raises(QueryError, match="unknown field"):
        count_by(db, "nosuch", EventFilter())


def test_from_params_reads_query_strings():
    f = EventFilter.from_params({"since": "2024-11", "type": "ASSAULT,COERCE/arrest", "quad_class": "",
                                 "goldstein_min": "-5.5", "limit": "10"})
    assert f.type == ("ASSAULT", "COERCE/arrest") and f.quad_class == () and f.goldstein_min == -5.5 and f.limit == 10
    assert EventFilter.from_params(f.params()) == f

    class Multi(dict):  # a query string with a repeated parameter (Starlette's QueryParams)
        def getlist(self, key):
            return ["ASSAULT", "PROTEST"] if key == "type" else [self[key]]

    assert EventFilter.from_params(Multi(type="x", actor="US")).type == ("ASSAULT", "PROTEST")
    assert QuoteFilter.from_params({"direct": "false"}).direct is False
    with pytest.raises(QueryError, match="limit"):
        EventFilter.from_params({"limit": "ten"})
    with pytest.raises(QueryError, match="limit"):
        EventFilter.from_params({"limit": "-1"})
    with pytest.raises(QueryError, match="unknown filter 'page'"):
        EventFilter.from_params({"page": "2"})
    assert EventFilter.from_params({"page": "2", "actor": "US"}, strict=False).actor == "US"


def test_quotes_actors_places_stories(db):
    assert [r[0] for r in select_quotes(db, QuoteFilter(speaker="US"), ["story_id"]).rows] == ["10"]
    # a quote's date is its speech date where stated, else its story's date
    assert [r[0] for r in select_quotes(db, QuoteFilter(until="2024-11-29"), ["story_id"]).rows] == ["10"]
    assert [r[0] for r in select_quotes(db, QuoteFilter(direct=True), ["story_id"]).rows] == ["1"]
    assert [r[0] for r in select_actors(db, ActorFilter(actor="US"), ["actor_id"]).rows] == ["biden"]
    assert select_actors(db, ActorFilter(actor="biden"), ["aliases", "events_as_source"]).rows == \
        [("Joseph R. Biden", 2)]
    assert select_places(db, PlaceFilter(country="UKR"), ["name", "mentions", "events"]).rows == [("Kherson", 1, 1)]
    assert select_stories(db, StoryFilter(since="2024-12"), ["story_id"]).rows == [("10",)]


def test_an_exact_story_id_beats_a_prefix(db):
    assert find_story(db, "1") == "1"
    assert find_story(db, "10") == "10"
    with pytest.raises(QueryError, match="no story"):
        find_story(db, "2")


def test_facets_in_one_pass_equal_facet_per_field(db):
    from storyline.query import facet, facets

    names = ["plover_type", "quad_class", "source_country", "target_country", "modality", "month"]
    for f in (EventFilter(), EventFilter(type=("ASSAULT",)), EventFilter(actor="RUS")):
        together = facets(db, names, f, top=3)
        assert together == {n: facet(db, n, f, top=3) for n in names}
    with pytest.raises(QueryError, match="nosuch"):
        facets(db, ["nosuch"])


def test_date_range_is_the_first_and_last_start_day(db):
    from storyline.query import date_range

    days = [r[0] for r in count_by(db, "day", EventFilter(since="2024")).rows]
    assert date_range(db, EventFilter(since="2024")) == (dt.date.fromisoformat(days[0]),
                                                          dt.date.fromisoformat(days[-1]))
    assert date_range(db, EventFilter(text="no sentence says this")) == (None, None)


@pytest.mark.parametrize("params", [{}, {"type": "ASSAULT"}, {"place_country": "UKR"}, {"country": "USA"},
                                    {"source_country": "RUS", "since": "2024-11"}, {"actor": "Joe Biden"},
                                    {"domain": "all"}, {"text": "Biden", "sort": "-goldstein"}])
def test_counts_facets_and_pages_agree_whatever_tables_a_filter_joins(db, params):
    """count_events, facets and date_range join only the tables their filter and fields name: the
    count of every filter is the number of rows select_events gives, and facet totals match."""
    f = EventFilter.from_params(params, strict=False)
    rows = select_events(db, f, ["story_id", "event_no", "place_country", "source_country"]).rows
    assert count_events(db, f) == len(rows)
    assert sum(n for _, n in facet(db, "plover_type", f)) == len(rows)
    assert sum(n for _, n in facet(db, "place_country", f)) == len(rows)
