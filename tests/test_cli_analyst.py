"""What an event-data analyst expects of the CLI and the exports (issue 21), and the dataset
layouts users' scripts read (issue 18): each test states one rule."""
import csv
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import DATA, KHERSON
from storyline.cli import app, plain_marks
from storyline.store import Store
from test_query import build_query_db

runner = CliRunner()


def run(*args):
    res = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in res.output, res.output
    return res


@pytest.fixture(scope="module")
def qdb(tmp_path_factory):
    return build_query_db(tmp_path_factory.mktemp("q") / "q.duckdb")


@pytest.fixture(scope="module")
def real(tmp_path_factory, pipeline):
    """The example and the two test stories, analyzed."""
    from storyline.runner import ingest

    d = tmp_path_factory.mktemp("stories")
    shutil.copy(KHERSON, d / KHERSON.name)
    for f in DATA.glob("*.txt"):
        shutil.copy(f, d / f.name)
    path = tmp_path_factory.mktemp("db") / "real.duckdb"
    ingest([d], path, pipeline=pipeline)
    return path


def events_json(db, *args):
    res = run("events", "--db", db, "-f", "json", "--domain", "all", *args)
    assert res.exit_code == 0, res.output
    return [(r["story_id"], r["event_no"]) for r in json.loads(res.stdout)]


# ---------------------------------------------------------------- filters


def test_date_filters_overlap_and_take_partial_dates(qdb):
    assert events_json(qdb, "--since", "2024-11-29", "--until", "2024-11-29") == [("1", 0), ("1", 1)]
    assert events_json(qdb, "--since", "2024-11") == [("1", 0), ("1", 1), ("10", 0)]
    assert events_json(qdb, "--since", "2024", "--until", "2024") == [("1", 0), ("1", 1), ("10", 0)]
    res = run("events", "--db", qdb, "--since", "2024-13")
    assert res.exit_code == 2 and "since" in res.output and "not a date" in res.output


def test_filters_analysts_expect(qdb):
    assert events_json(qdb, "--actor", "US") == [("100", 0), ("10", 0)]  # not ---BUS
    assert events_json(qdb, "--type", "17") == [("1", 1)]
    assert events_json(qdb, "--type", "COERCE/arrest") == [("1", 1)]
    assert events_json(qdb, "--quad-class", "4", "--goldstein-max", "-6") == [("1", 0)]
    assert events_json(qdb, "--modality", "intended") == [("10", 0)]
    assert events_json(qdb, "--min-confidence", "0.8") == [("1", 0)]
    assert events_json(qdb, "--source", "UKRGOV") == [("1", 1)]
    assert events_json(qdb, "--target", "UKRGOV") == [("1", 0)]
    assert events_json(qdb, "--limit", "1") == [("100", 0)]
    assert events_json(qdb, "--sort", "-goldstein", "-n", "1") == [("10", 0)]
    res = run("events", "--db", qdb, "--country", "XYZ")
    assert res.exit_code == 2 and "XYZ" in res.output


def test_count_gives_dyad_month_tables(qdb):
    res = run("count", "--db", qdb, "--by", "source_country,target_country,month", "--type", "ASSAULT", "-f", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == [{"source_country": "RUS", "target_country": "UKR", "month": "2024-11", "n": 1}]
    table = run("count", "--db", qdb, "--by", "quad_class,cameo_root", "--domain", "all").stdout
    assert "material conflict" in table and "FIGHT" in table.upper()  # labels beside the codes


def test_tables_show_labels_beside_codes(qdb):
    out = run("events", "--db", qdb, "--type", "ASSAULT").stdout
    assert "190 Use" in out and "conventional" in out  # CAMEO 190 "Use conventional military force"
    assert "Russia military" in out and "[RUSMIL]" in out
    out = run("actors", "--db", qdb).stdout
    assert "business" in out.lower() and "---BUS" in out


# ---------------------------------------------------------------- show, sql, polish


def test_show_an_exact_id_beats_a_prefix(qdb):
    res = run("show", "1", "--db", qdb)
    assert res.exit_code == 0 and "One" in res.output and "[[text]{actor UKRGOV}]{quote} one" in res.output
    res = run("show", "2", "--db", qdb)
    assert res.exit_code == 2 and "no story" in res.output


def test_show_marks_spans_in_plain_text_and_names_actors(real):
    with Store(real, read_only=True) as st:
        sid = st.query("SELECT story_id FROM stories WHERE date = '2022-11-15'")[1][0][0]
    out = run("show", sid, "--db", real).stdout
    assert "[Kherson]{place}" in out
    assert "{actor UKRGOV}" in out and "{time " in out and "marks:" in out
    assert "Russia military" in out and "[RUSMIL]" in out  # the events table names actors beside codes


def test_plain_marks_nest():
    assert plain_marks("Putin said Kyiv fell", [(0, 5, "actor RUSGOV"), (11, 20, "reported"), (11, 15, "place")]) == \
        "[Putin]{actor RUSGOV} said [[Kyiv]{place} fell]{reported}"


def test_sql_reports_syntax_errors_and_refuses_writes(qdb):
    res = run("sql", "SELEC 1", "--db", qdb)
    assert res.exit_code == 2 and "syntax error" in res.output
    res = run("sql", "DELETE FROM stories", "--db", qdb)
    assert res.exit_code == 2 and "read-only" in res.output
    res = run("sql", "SELECT count(*) AS n FROM events", "--db", qdb, "-f", "json")
    assert json.loads(res.stdout) == [{"n": 4}]


def test_version_help_and_formats_only_where_they_work(qdb):
    res = run("--version")
    assert res.exit_code == 0 and res.stdout.startswith("storyline ")
    for cmd in ([], ["ingest"], ["events"], ["quotes"], ["export"], ["show"], ["count"], ["codes"]):
        res = run(*cmd, "-h")
        assert res.exit_code == 0, res.output
        assert "<bool>" not in res.output and "{paths}" not in res.output and "<list[" not in res.output
    for cmd in ("quotes", "actors", "sql"):
        extra = ["SELECT 1"] if cmd == "sql" else []
        res = run(cmd, *extra, "--db", qdb, "-f", "geojson")
        assert res.exit_code == 2 and "geojson" in res.output


def test_a_quote_is_dated_by_its_story_unless_stated(qdb):
    rows = json.loads(run("quotes", "--db", qdb, "-f", "json").stdout)
    by_story = {r["story_id"]: (r["speech_date"], r["speech_date_basis"]) for r in rows}
    assert by_story == {"1": ("2024-11-30", "story"), "10": ("2024-11-28", "stated")}


# ---------------------------------------------------------------- ingest: exit codes, rejects, dates


def test_ingest_exit_codes_and_missing_paths(tmp_path, pipeline, monkeypatch):
    import storyline.pipeline as pl

    monkeypatch.setattr(pl, "default_pipeline", lambda: pipeline)
    db = tmp_path / "x.duckdb"
    res = run("ingest", tmp_path / "nosuch.txt", "--db", db)
    assert res.exit_code == 3 and "nosuch.txt" in res.output
    with Store(db, read_only=True) as st:
        assert st.query("SELECT count(*) FROM rejects")[1] == [(0,)]  # a typo is not input to keep
    good = tmp_path / "good.txt"
    good.write_text("date 2024-05-03\nThe minister met the ambassador in Paris.")
    (tmp_path / "notes.md").write_text("# notes")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"date": "2024-05-03", "text": "Police arrested two men."}\nnot json\n')
    res = run("ingest", good, bad, "--db", db)
    assert res.exit_code == 1, res.output  # something ingested, something rejected
    res = run("ingest", good, "--db", db)
    assert res.exit_code == 0, res.output  # already stored, nothing rejected
    folder = run("ingest", tmp_path, "--db", db)
    assert "skipped" in folder.output and "notes.md" in folder.output


def test_a_reject_is_cleared_when_its_source_ingests_cleanly(tmp_path, pipeline):
    from storyline.runner import ingest

    db = tmp_path / "x.duckdb"
    f = tmp_path / "story.txt"
    f.write_text("")
    ingest([f], db, pipeline=pipeline)
    f.write_text("date 2024-05-03\nThe minister met the ambassador in Paris.")
    summary = ingest([f], db, pipeline=pipeline)
    assert summary.stories == 1
    with Store(db, read_only=True) as st:
        assert st.query("SELECT count(*) FROM rejects")[1] == [(0,)]


@pytest.mark.parametrize("value, expected", [
    ("2024-05-03", "2024-05-03"), ("May 3, 2024", "2024-05-03"), ("3 May 2024", "2024-05-03"),
    ("Fri, 03 May 2024 10:00:00 GMT", "2024-05-03"), ("26-FEB-1987 15:01:01.79", "1987-02-26"),
    ("13/06/2024", "2024-06-13"), ("2024/05/03", "2024-05-03"), ("Sept. 5, 2023", "2023-09-05")])
def test_input_dates_in_common_formats(value, expected):
    from storyline.ingest.validate import read_date

    assert str(read_date(value)[0]) == expected


@pytest.mark.parametrize("value, why", [("01/06/2024", "ambiguous"), ("1/6/24", "two-digit"),
                                        ("2022-02-30", "no such day"), ("yesterday", "malformed"),
                                        ("3 Mayo 2024", "unknown month")])
def test_ambiguous_or_bad_input_dates_are_rejected_with_a_reason(value, why):
    from storyline.ingest.validate import read_date

    date, reason = read_date(value)
    assert date is None and why in reason


def test_date_format_and_default_date_options(tmp_path):
    from storyline.ingest import read_paths
    from storyline.ingest.validate import DateOptions, parse_date, using_dates
    from storyline.model import Reject

    f = tmp_path / "s.jsonl"
    f.write_text('{"date": "01/06/2024", "text": "A."}\n{"text": "B."}\n')
    recs = list(read_paths([f]))
    assert [getattr(r, "reason", None) for r in recs] == ["bad-date", "no-date"]
    assert "--date-format" in recs[0].detail and "--default-date" in recs[1].detail
    with using_dates(DateOptions("%d/%m/%Y", parse_date("2024-01-01"))):
        recs = list(read_paths([f]))
    assert not any(isinstance(r, Reject) for r in recs)
    assert [str(r.date) for r in recs] == ["2024-06-01", "2024-01-01"]


def test_cli_date_options_are_checked(tmp_path):
    res = run("ingest", tmp_path, "--db", tmp_path / "x.duckdb", "--default-date", "soon")
    assert res.exit_code == 2 and "--default-date" in res.output


# ---------------------------------------------------------------- exports


def test_every_event_with_a_place_has_its_place_row(real):
    with Store(real, read_only=True) as st:
        orphans = st.query("SELECT count(*) FROM events WHERE geonameid IS NOT NULL "
                           "AND geonameid NOT IN (SELECT geonameid FROM places)")[1][0][0]
        located = st.query("SELECT count(*) FROM events WHERE geonameid IS NOT NULL")[1][0][0]
    assert located and orphans == 0


def test_an_event_placed_by_the_story_focus_gets_the_country_row():
    from storyline.kb import countries
    from storyline.store import _add_event_places

    ukr = countries().by_alpha3["UKR"]
    out = {"places": [], "events": [{"geonameid": ukr.geonameid}, {"geonameid": 99999999999}]}
    _add_event_places(out)
    assert [(p["geonameid"], p["country"], p["feature_code"]) for p in out["places"]] == \
        [(ukr.geonameid, "UKR", "PCLI")]
    assert out["events"][1]["geonameid"] is None  # never an id without its row


def test_exports_carry_countries_root_story_and_code_strings(real, tmp_path):
    for fmt in ("parquet", "csv", "jsonl"):
        res = run("export", tmp_path / fmt, "-f", fmt, "--db", real)
        assert res.exit_code == 0, res.output
        for name in ("events", "quotes", "actors", "actor_aliases", "mentions", "places", "place_mentions", "times",
                     "stories", "rejects"):
            assert (tmp_path / fmt / f"{name}.{fmt}").exists(), name
    ev = pd.read_parquet(tmp_path / "parquet" / "events.parquet")
    for col in ("source_country", "target_country", "cameo_root", "story_url", "story_title"):
        assert col in ev.columns
    for col in ("cameo", "cameo_root", "plover_type", "source_code", "target_code", "story_id"):
        assert pd.api.types.is_string_dtype(ev[col]) or ev[col].dropna().map(type).eq(str).all(), col
    assert ev["cameo"].str.len().ge(2).all()
    first = json.loads((tmp_path / "jsonl" / "events.jsonl").read_text().splitlines()[0])
    assert isinstance(first["cameo"], str) and isinstance(first["cameo_root"], str)
    text = (tmp_path / "csv" / "events.csv").read_text()
    row = next(csv.DictReader(io.StringIO(text)))
    assert f',"{row["cameo"]}",' in text  # quoted in the file
    # and read back as strings the way the codebook says
    back = pd.read_csv(tmp_path / "csv" / "events.csv", dtype={"cameo": str, "cameo_root": str})
    assert back["cameo"].str.fullmatch(r"\d{2,4}").all() and back["cameo"].tolist() == ev["cameo"].tolist()
    assert len(pd.read_csv(tmp_path / "csv" / "mentions.csv")) > 0
    assert len(pd.read_csv(tmp_path / "csv" / "place_mentions.csv")) > 0
    assert len(pd.read_csv(tmp_path / "csv" / "actor_aliases.csv")) > 0


def test_geojson_has_one_feature_per_located_event_and_warns_of_the_rest(qdb, tmp_path):
    res = run("export", tmp_path / "ev.geojson", "-f", "geojson", "--db", qdb)
    gj = json.loads((tmp_path / "ev.geojson").read_text())
    assert len(gj["features"]) == 2  # events at Kherson and the Black Sea
    assert "2 of 4 events have no coordinates" in res.output.replace("\n", " ")
    res = run("events", "--db", qdb, "-f", "geojson", "--domain", "all")
    assert len(json.loads(res.stdout)["features"]) == 2 and "2 of 4" in res.output


# ---------------------------------------------------------------- dataset layouts (issue 18)


def read_layout(path, header=True, names=None):
    return pd.read_csv(path, sep="\t", header=0 if header else None, names=names, keep_default_na=False,
                       na_values=[""], dtype=str)


@pytest.mark.parametrize("layout", ["icews", "phoenix", "polecat"])
def test_dataset_layouts_read_back_with_pandas(layout, real, tmp_path):
    from storyline.export_layouts import LAYOUTS

    columns, header = LAYOUTS[layout]
    names = [c[0] for c in columns]
    out = tmp_path / f"events.{layout}"
    res = run("export", out, "-f", layout, "--db", real)
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out, sep="\t", header=0 if header else None, names=None if header else names)
    with Store(real, read_only=True) as st:
        n = st.query("SELECT count(*) FROM events")[1][0][0]
    assert list(df.columns) == names and len(df) == n
    as_text = read_layout(out, header, None if header else names)
    code, lat = {"icews": ("CAMEO Code", "Latitude"), "phoenix": ("EventCode", "Lat"),
                 "polecat": ("Event Type", "Latitude")}[layout]
    assert pd.api.types.is_float_dtype(df[lat])  # coordinates are numbers
    if layout == "polecat":
        assert set(as_text[code]) <= {"agree", "consult", "support", "concede", "cooperate", "aid", "retreat",
                                      "request", "accuse", "reject", "threaten", "protest", "sanction",
                                      "mobilize", "coerce", "assault"}
    else:
        assert as_text[code].str.fullmatch(r"\d{2,4}").all()  # codes as written, with leading zeros
    if layout == "phoenix":
        assert df["Year"].dtype.kind == "i" and set(df["QuadClass"]) <= {0, 1, 2, 3, 4}


# ---------------------------------------------------------------- the codebook


def test_codes_command_shows_each_topic():
    out = run("codes", "plover").stdout
    assert "ASSAULT" in out and "arrest" in out
    assert "PAST_REF" in run("codes", "time").stdout and "TNI" in run("codes", "time").stdout
    actors = run("codes", "actors").stdout
    assert "---" in actors and "REB" in actors and "GOV" in actors
    assert "story-focus" in run("codes", "events").stdout
    assert "190" in run("codes", "cameo").stdout
    data = json.loads(run("codes", "columns", "-f", "json").stdout)
    assert any(t["title"].startswith("export -f icews") for t in data["columns"])


def test_docs_codebook_is_current():
    from storyline.codebook import markdown

    page = Path(__file__).resolve().parents[1] / "docs" / "codebook.md"
    assert page.read_text(encoding="utf-8") == markdown(), "run scripts/build_codebook.py"


def test_the_codebook_covers_every_column_of_every_listing_and_export(qdb, tmp_path):
    from storyline.codebook import columns

    documented = {t: {c for c, _ in cols} for t, cols in columns().items()}
    run("export", tmp_path, "-f", "parquet", "--db", qdb)
    for f in tmp_path.glob("*.parquet"):
        missing = set(pd.read_parquet(f).columns) - documented[f.stem]
        assert not missing, (f.stem, missing)
    for cmd in ("events", "quotes", "actors", "places"):
        rows = json.loads(run(cmd, "--db", qdb, "-f", "json").stdout)
        missing = set(rows[0]) - documented[cmd]
        assert not missing, (cmd, missing)
    rows = json.loads(run("count", "--db", qdb, "--by", "year,month,week,day", "-f", "json").stdout)
    assert set(rows[0]) <= documented["count"]
