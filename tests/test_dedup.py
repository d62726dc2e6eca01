"""Canonical events: mentions of one real-world event across stories become one record."""
import datetime as dt

import pytest

from storyline.dedup import Mention, cluster_mentions, dedup, summarize

D = dt.date


def mention(story, no=0, type_="ASSAULT", src="IRNMIL", tgt="USA", day=D(1987, 10, 19), basis="reported",
            earliest=None, latest=None, place=None, country=None, fclass="P", lat=None, lon=None, pub=None,
            value=None):
    return Mention(story, no, type_, src, tgt, earliest, latest, basis, day, date_value=value or day.isoformat(),
                   precision="day", geonameid=place, place_country=country, feature_class=fclass, lat=lat,
                   lon=lon, publisher=pub)


def groups(clusters):
    return sorted(sorted(m.story_id for m in c.mentions) for c in clusters)


def test_reports_of_one_attack_on_consecutive_days_are_one_event():
    ms = [mention("a", day=D(1987, 10, 19)), mention("b", day=D(1987, 10, 20)),
          mention("c", day=D(1987, 10, 20), basis="stated", earliest=D(1987, 10, 19), latest=D(1987, 10, 19))]
    assert groups(cluster_mentions(ms)) == [["a", "b", "c"]]


def test_same_dyad_weeks_apart_is_two_events():
    ms = [mention("a", day=D(1987, 10, 19)), mention("b", day=D(1987, 11, 20))]
    assert groups(cluster_mentions(ms)) == [["a"], ["b"]]


def test_other_target_or_type_is_another_event():
    ms = [mention("a"), mention("b", tgt="KWT"), mention("c", type_="PROTEST")]
    assert len(cluster_mentions(ms)) == 3


def test_a_country_stands_for_its_own_actors_but_not_for_others():
    ms = [mention("a", src="IRN"), mention("b", src="IRNMIL"), mention("c", src="IRQMIL")]
    assert groups(cluster_mentions(ms)) == [["a", "b"], ["c"]]


def test_parts_of_one_state_and_unknown_sides_agree_but_other_groups_do_not():
    ms = [mention("a", src="USAMIL"), mention("b", src="USAGOV"), mention("c", src=None),
          mention("d", src="USAREB")]
    assert groups(cluster_mentions(ms)) == [["a", "b", "c"], ["d"]]


def test_type_and_days_alone_do_not_make_one_event():
    # "a company agreed ..." in two stories: no actor whose country is known, no place in the clause
    ms = [mention("a", type_="AGREE", src="---BUS", tgt=None), mention("b", type_="AGREE", src=None, tgt="---BUS"),
          mention("c", type_="AGREE", src="---", tgt=None)]
    assert len(cluster_mentions(ms)) == 3
    # a shared known actor, or a shared place the clause names, is enough
    ms = [mention("a", type_="AGREE", src="JPNGOV", tgt=None), mention("b", type_="AGREE", src="JPNGOV", tgt=None),
          mention("c", type_="AGREE", src=None, tgt=None, place=1, fclass="P"),
          mention("d", type_="AGREE", src=None, tgt=None, place=1, fclass="P")]
    assert groups(cluster_mentions(ms)) == [["a", "b"], ["c", "d"]]
    # the same country in other roles is not enough by itself
    ms = [mention("a", type_="AGREE", src="JPNGOV", tgt=None), mention("b", type_="AGREE", src="JPN", tgt=None)]
    assert len(cluster_mentions(ms)) == 2


def test_an_undated_reference_back_joins_the_recent_stated_event_not_an_older_one():
    stated = dict(basis="stated")
    ms = [mention("old", day=D(1987, 10, 2), earliest=D(1987, 10, 1), latest=D(1987, 10, 1), **stated),
          mention("new", day=D(1987, 10, 19), earliest=D(1987, 10, 19), latest=D(1987, 10, 19), **stated),
          mention("ref", day=D(1987, 10, 26)),  # "the raid" a week later, no date given
          mention("far", day=D(1987, 12, 1))]
    assert groups(cluster_mentions(ms)) == [["far"], ["new", "ref"], ["old"]]


def test_two_named_speakers_are_two_statements():
    a = mention("a", type_="THREATEN", src="IRNGOV")
    b = mention("b", type_="THREATEN", src="IRNGOV")
    c = mention("c", type_="THREATEN", src="IRNGOV")
    a.source_id, b.source_id, c.source_id = "khamenei", "mousavi", "khamenei"
    assert groups(cluster_mentions([a, b, c])) == [["a", "c"], ["b"]]


def test_symmetric_types_ignore_the_order_of_sides():
    ms = [mention("a", type_="CONSULT", src="USAGOV", tgt="JPNGOV"),
          mention("b", type_="CONSULT", src="JPNGOV", tgt="USAGOV")]
    assert len(cluster_mentions(ms)) == 1
    ms = [mention("a", src="USAMIL", tgt="IRN"), mention("b", src="IRN", tgt="USAMIL")]
    assert len(cluster_mentions(ms)) == 2  # an attack has a direction


def test_places_far_apart_veto_and_contained_places_agree():
    gulf = dict(country="IRN", lat=27.18, lon=56.27)
    ms = [mention("a", place=1, **gulf), mention("b", place=2, country="IRN", lat=35.69, lon=51.42),
          mention("c", place=3, country="IRN", fclass="A", lat=32.0, lon=53.0)]
    clusters = cluster_mentions(ms)
    assert groups(clusters) == [["a", "c"], ["b"]]
    assert groups(cluster_mentions([mention("a", place=1, **gulf), mention("b", place=9, country="KWT")])) == \
        [["a"], ["b"]]


def test_vague_date_joins_but_does_not_stretch_the_event():
    ms = [mention("a", day=D(1987, 10, 19)),
          mention("b", day=D(1987, 10, 25), basis="stated", earliest=D(1987, 10, 1), latest=D(1987, 10, 31),
                  value="1987-10"),
          mention("c", day=D(1987, 10, 30))]
    assert groups(cluster_mentions(ms)) == [["a", "b"], ["c"]]


def test_summary_counts_stories_and_sources_and_prefers_stated_dates():
    ms = [mention("a", pub="Reuters"), mention("a", no=1, pub="Reuters"), mention("b", pub="AP", day=D(1987, 10, 20)),
          mention("c", basis="stated", earliest=D(1987, 10, 18), latest=D(1987, 10, 18), value="1987-10-18",
                  day=D(1987, 10, 20))]
    (c,) = cluster_mentions(ms)
    row = summarize(c)
    assert (row["n_mentions"], row["n_stories"], row["n_sources"]) == (4, 3, 2)
    assert row["date_value"] == "1987-10-18" and row["date_basis"] == "stated"
    assert row["first_report"] == D(1987, 10, 19) and row["last_report"] == D(1987, 10, 20)
    assert row["canonical_id"].startswith("ce-")


def test_existing_clusters_keep_their_id_when_a_new_report_joins():
    (first,) = cluster_mentions([mention("a")])
    clusters = cluster_mentions([mention("b", day=D(1987, 10, 20))], [first])
    assert len(clusters) == 1 and clusters[0].canonical_id == first.canonical_id
    assert groups(clusters) == [["a", "b"]]


STORIES = [
    ("2024-03-04", "Iranian troops attacked Iraqi soldiers near Basra on Monday, officials said."),
    ("2024-03-05", "Iranian troops attacked Iraqi soldiers near Basra on Monday, Iraq said on Tuesday."),
    ("2024-04-20", "Iranian troops attacked Iraqi soldiers near Basra, officials said."),
]


@pytest.fixture()
def db(tmp_path, pipeline):
    from storyline.model import Story
    from storyline.store import Store

    path = tmp_path / "dedup.duckdb"
    with Store(path) as store:
        store.write(list(pipeline.pipe(Story(text=t, date=D.fromisoformat(d)) for d, t in STORIES[:2])))
    return path


def _links(con):
    return con.execute("SELECT story_id, event_no, canonical_id FROM event_links ORDER BY ALL").fetchall()


def test_dedup_in_the_database_is_idempotent_and_incremental(db, pipeline):
    from storyline.model import Story
    from storyline.store import Store

    with Store(db) as store:
        n = store.con.execute("SELECT count(*) FROM events WHERE plover_type = 'ASSAULT'").fetchone()[0]
        assert n == 2, "the pipeline should code both reports as ASSAULT"
        first = dedup(store.con)
        links = _links(store.con)
        assert first.canonical <= first.mentions
        assault = store.con.execute(
            "SELECT n_stories FROM canonical_events WHERE plover_type = 'ASSAULT'").fetchall()
        assert assault == [(2,)]
        again = dedup(store.con)
        assert again.linked == 0 and _links(store.con) == links  # idempotent
        store.write([pipeline.analyze(Story(text=STORIES[2][1], date=D.fromisoformat(STORIES[2][0])))])
        later = dedup(store.con)
        assert later.linked >= 1
        assert set(links) <= set(_links(store.con))  # earlier links are kept
        assault = store.con.execute(
            "SELECT n_stories FROM canonical_events WHERE plover_type = 'ASSAULT' ORDER BY first_report").fetchall()
        assert assault == [(2,), (1,)]  # six weeks later is another attack
        before = _links(store.con)
        rebuilt = dedup(store.con, rebuild=True)
        assert rebuilt.linked == rebuilt.mentions and _links(store.con) == before


def test_reingesting_a_story_drops_its_links(db, pipeline):
    from storyline.model import Story
    from storyline.store import Store

    with Store(db) as store:
        dedup(store.con)
        sid = store.con.execute("SELECT story_id FROM stories ORDER BY date LIMIT 1").fetchone()[0]
        changed = Story(text="Iranian troops attacked Iraqi soldiers.", date=D(2024, 3, 4), id=sid)
        store.write([pipeline.analyze(changed)])
        assert store.con.execute("SELECT count(*) FROM event_links WHERE story_id = ?", [sid]).fetchone()[0] == 0
        dedup(store.con)
        assert store.con.execute("SELECT count(*) FROM event_links WHERE story_id = ?", [sid]).fetchone()[0] >= 1


def test_ingest_links_mentions_and_the_dedup_command_reports(tmp_path):
    import json as _json

    from typer.testing import CliRunner

    from storyline.cli import app

    src = tmp_path / "stories.jsonl"
    src.write_text("".join(_json.dumps({"id": f"s{i}", "date": d, "text": t}) + "\n"
                           for i, (d, t) in enumerate(STORIES)), encoding="utf-8")
    db = tmp_path / "cli.duckdb"
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", "--db", str(db), str(src)])
    assert res.exit_code == 0, res.output
    from storyline.store import Store

    with Store(db, read_only=True) as store:
        unlinked = store.con.execute("SELECT count(*) FROM events e ANTI JOIN event_links l "
                                     "USING (story_id, event_no)").fetchone()[0]
        assert unlinked == 0  # ingest ran the dedup step
    res = runner.invoke(app, ["dedup", "--db", str(db)])
    assert res.exit_code == 0 and "0 newly linked" in res.output, res.output
    res = runner.invoke(app, ["dedup", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "no such database" in res.output


def test_events_canonical_lists_one_row_per_event_with_its_reports(tmp_path):
    import json as _json

    from typer.testing import CliRunner

    from storyline.cli import app

    src = tmp_path / "stories.jsonl"
    src.write_text("".join(_json.dumps({"id": f"s{i}", "date": d, "text": t}) + "\n"
                           for i, (d, t) in enumerate(STORIES)), encoding="utf-8")
    db = tmp_path / "c.duckdb"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "--db", str(db), str(src)]).exit_code == 0
    res = runner.invoke(app, ["events", "--db", str(db), "--canonical", "--type", "ASSAULT", "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = _json.loads(res.output)
    assert [(r["n_stories"], r["source_code"], r["target_code"]) for r in rows] == \
        [(2, "IRNMIL", "IRQMIL"), (1, "IRNMIL", "IRQMIL")]
    res = runner.invoke(app, ["events", "--db", str(db), "--canonical", "--type", "ASSAULT", "--since", "2024-04",
                              "-f", "json"])
    assert [r["n_stories"] for r in _json.loads(res.output)] == [1]
