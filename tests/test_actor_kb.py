"""The actor knowledge base and actor hygiene (issue 20), as general rules on sentences of our own."""
import datetime as dt
import gzip
import json
from importlib import resources

import pytest
from typer.testing import CliRunner

from storyline import kb
from storyline.cli import app
from storyline.kb.actorbook import ActorFileError, read_user_actors
from storyline.model import Story

runner = CliRunner()


def analyze(pipeline, text, date="2023-03-15"):
    return pipeline.analyze(Story(text=text, date=dt.date.fromisoformat(date)))


def codes_by_text(a):
    return {m.text: a.actors[m.actor_id].code for m in a.mentions}


def test_the_shipped_kb_has_thousands_of_dated_entries_with_provenance():
    book = kb.actors()
    generated = [r for r in book.rows if r.layer == 0]
    assert len({r.id for r in generated}) > 10000
    assert sum(1 for r in generated if r.dated) > 10000
    assert all(r.source.startswith("Phoenix.") and ":" in r.source for r in generated)
    hand = [r for r in book.rows if r.layer == 1]
    assert all(r.source.startswith("actors.tsv:") for r in hand)
    # the file ships inside the package, compressed
    with resources.files("storyline.kb").joinpath("actors_phoenix.tsv.gz").open("rb") as f:
        assert gzip.open(f).readline().startswith(b"#")


def test_an_office_holder_is_coded_with_the_office_held_on_the_story_date(pipeline):
    a = analyze(pipeline, "Treasury Secretary Janet Yellen said on Tuesday that banks were sound.", "2023-03-15")
    assert a.actors["yellen"].code == "USAGOV"
    assert a.quotes and a.quotes[0].speaker_id == "yellen"
    # a hand row (2014- Fed chair) and a later office: the same id, the office of each date
    a = analyze(pipeline, "Janet Yellen said the economy was strong.", "2016-06-01")
    assert a.actors["yellen"].code == "USAGOV"
    b = analyze(pipeline, "Janet Yellen said the economy was strong.", "2019-06-01")
    assert b.actors["yellen"].code == "USAELI"


def test_a_former_leader_from_the_generated_dictionaries_is_dated(pipeline):
    # Phoenix lists Mohammad Najibullah as AFGGOV 1987-1992, AFGELI otherwise
    during = analyze(pipeline, "Mohammad Najibullah met tribal elders on Monday.", "1988-05-02")
    after = analyze(pipeline, "Mohammad Najibullah met tribal elders on Monday.", "1994-05-02")
    assert codes_by_text(during)["Mohammad Najibullah"] == "AFGGOV"
    assert codes_by_text(after)["Mohammad Najibullah"] == "AFGELI"


@pytest.mark.parametrize("text, name, prefix", [
    ("The Federal Reserve raised interest rates on Wednesday.", "Federal Reserve", "USAGOV"),
    ("The European Commission proposed new sanctions on Monday.", "European Commission", "IGOEUR"),
    ("The Bundestag approved the budget on Friday.", "Bundestag", "DEULEG"),
    ("The Bank of Japan kept its policy unchanged.", "Bank of Japan", "JPNGOV"),
    ("The U.S. Supreme Court heard the case on Monday.", "U.S. Supreme Court", "USAJUD"),
    ("The International Monetary Fund approved a loan to Egypt.", "International Monetary Fund", "IGOIMF"),
])
def test_central_banks_courts_parliaments_and_igos_have_codes(pipeline, text, name, prefix):
    codes = codes_by_text(analyze(pipeline, text))
    got = next(c for t, c in codes.items() if name in t)
    assert got.startswith(prefix), (name, got)


def test_a_surname_after_the_full_name_is_the_same_person_never_an_organization(pipeline):
    a = analyze(pipeline, "Venezuelan President Nicolas Maduro said on Monday he would not resign. "
                          "Maduro accused the opposition of plotting a coup.")
    ids = {m.text: m.actor_id for m in a.mentions}
    assert ids["Nicolas Maduro"] == ids["Maduro"] == ids["he"]
    assert a.actors[ids["Maduro"]].kind == "person"
    accuse = next(e for e in a.events if e.plover_type == "ACCUSE")
    assert accuse.source_id == ids["Nicolas Maduro"]
    # an unknown person too: the surname the model tags as an organization is the person
    b = analyze(pipeline, "Local councillor Amara Okonkwo opened the bridge. Okonkwo praised the workers.")
    people = {b.actors[m.actor_id].kind for m in b.mentions if "Okonkwo" in m.text}
    assert people == {"person"} and len({m.actor_id for m in b.mentions if "Okonkwo" in m.text}) == 1


def test_the_same_person_keeps_one_id_across_stories(pipeline):
    one = analyze(pipeline, "Nicolas Maduro addressed the assembly.", "2020-01-10")
    two = analyze(pipeline, "Maduro rejected the offer.", "2021-02-11")
    assert set(one.actors) & set(two.actors) == {"nicolas-maduro"}


def test_currency_and_unit_abbreviations_tickers_and_table_fragments_are_never_actors(pipeline):
    a = analyze(pipeline, "Shr 35 cts vs 22 cts\nNet 3,779.2 mln dlrs vs 2,100 mln dlrs\n"
                          "Revs 12.1 bln dlrs vs 11.4 bln\n\nAcme Widgets Inc (ACMW.O) said profit rose.")
    texts = {m.text.lower() for m in a.mentions}
    assert not texts & {"cts", "dlrs", "mln", "bln", "acmw.o", "net", "shr", "revs"}
    for actor in a.actors.values():
        for alias in [actor.name, *actor.aliases]:
            assert "\n" not in alias and len(alias) <= 60


def test_the_datelines_country_never_goes_to_an_actor_the_text_does_not_place(pipeline):
    a = analyze(pipeline, "GENEVA, March 3 (Reuters) - Delegations met in Geneva on Friday. "
                          "Officials said the talks would continue.")
    assert not any(x.country == "CHE" for x in a.actors.values())
    assert all(e.source_id is None or a.actors[e.source_id].country != "CHE" for e in a.events)


def test_a_bare_role_noun_refers_back_to_the_body_named_before(pipeline):
    a = analyze(pipeline, "Kenyan police fired tear gas at demonstrators in Nairobi on Tuesday. "
                          "Police said 40 people were arrested.")
    ids = [m.actor_id for m in a.mentions if m.text.lower().endswith("police")]
    assert len(ids) == 2 and len(set(ids)) == 1 and a.actors[ids[0]].code == "KENCOP"


def test_the_ministry_is_the_government_of_the_minister_named_before(pipeline):
    a = analyze(pipeline, "Dutch Foreign Minister Hanneke Vos summoned the ambassador. "
                          "The ministry said the talks had failed.")
    ministry = next(m for m in a.mentions if m.text.lower() == "the ministry")
    assert a.actors[ministry.actor_id].code == "NLDGOV"


def test_the_speaker_of_a_threat_is_the_person_named_not_a_nearby_role_noun(pipeline):
    a = analyze(pipeline, "Prime Minister Kaja Kallas threatened to expel Russian diplomats, the police said.",
                "2023-04-04")
    threat = next(e for e in a.events if e.plover_type == "THREATEN")
    assert a.actors[threat.source_id].code == "ESTGOV"


def test_a_title_in_the_text_wins_over_a_stale_generated_office(pipeline):
    # the generated dictionaries (2014) leave Raila Odinga's government office open
    a = analyze(pipeline, "Kenyan opposition leader Raila Odinga called for protests on Monday.", "2023-03-20")
    assert codes_by_text(a)["Raila Odinga"] == "KENOPP"


# ---- user dictionaries ----

TSV = ("# my actors\nid\tname\tkind\tcountry\trole\taliases\tfrom\tto\tdescription\tcode\n"
       "zfront\tZarovian Liberation Front\torganization\t\t\tZLF|the Front\t\t\trebel group\tNGAREB\n"
       "okafor\tChidi Okafor\tperson\tNGA\tGOV\tOkafor\t2020-01-01\t\tgovernor\t\n")
PETR = ("ZAROVIAN_LIBERATION_FRONT [NGAREB]  # a rebel group\n+ZLF\n"
        "CHIDI_OKAFOR\n+OKAFOR\n\t[NGACVL <20200101]\n\t[NGAGOV >20200101]\n")


@pytest.mark.parametrize("content, suffix", [(TSV, ".tsv"), (PETR, ".txt")])
def test_a_user_dictionary_adds_actors_in_either_format(tmp_path, content, suffix):
    path = tmp_path / f"mine{suffix}"
    path.write_text(content)
    rows = read_user_actors(path, set(kb.countries().by_alpha3))
    book = kb.actors((str(path),))
    front = book.lookup("ZLF", dt.date(2023, 1, 1))
    assert front is not None and front.code == "NGAREB" and front.source.startswith(str(path))
    assert book.lookup("Okafor", dt.date(2023, 1, 1)).country == "NGA"
    assert {r.layer for r in rows} == {2}


def test_a_user_dictionary_overrides_the_shipped_actors(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("id\tname\tkind\tcountry\trole\tcode\nmy-fed\tFederal Reserve\torganization\tUSA\tBUS\n")
    assert kb.actors((str(path),)).lookup("Federal Reserve").id == "my-fed"
    assert kb.actors().lookup("Federal Reserve").id != "my-fed"  # the shipped book is unchanged


@pytest.mark.parametrize("content, line, words", [
    ("GOOD_ONE [USAGOV]\nBAD_ONE [usagov 2020]\n", 2, "not a CAMEO code"),
    ("GOOD_ONE [USAGOV]\n+ALIAS\nBROKEN [USAGOV\n", 3, "unbalanced"),
    ("id\tname\tkind\nx\tSomebody\tcompany\n", 2, "kind 'company'"),
    ("id\tname\tkind\tcountry\trole\taliases\tfrom\nx\tSomebody\tperson\tUSA\tGOV\t\tlast year\n", 2, "bad date"),
    ("NO_CODE_ACTOR\n", 1, "has no [CODE]"),
])
def test_a_bad_line_in_a_user_dictionary_is_named_with_its_line(tmp_path, content, line, words):
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(ActorFileError) as e:
        read_user_actors(path, set(kb.countries().by_alpha3))
    assert f"{path}:{line}:" in str(e.value) and words in str(e.value)


def test_ingest_takes_user_actors_without_petrarch_verbs(tmp_path):
    mine = tmp_path / "mine.tsv"
    mine.write_text(TSV)
    story = tmp_path / "story.txt"
    story.write_text(" date 2023-05-01\nThe Zarovian Liberation Front attacked a convoy, and Chidi Okafor "
                     "condemned the ZLF on Monday.\n")
    db = tmp_path / "s.duckdb"
    r = runner.invoke(app, ["ingest", "--db", str(db), "--actors", str(mine), str(story)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["actors", "--db", str(db), "-f", "json"])
    codes = {a["actor_id"]: a["code"] for a in json.loads(r.output)}
    assert codes["zfront"] == "NGAREB" and codes["okafor"] == "NGAGOV"
    bad = tmp_path / "bad.txt"
    bad.write_text("GOOD [USAGOV]\nBAD [USA GOV X]\n")
    r = runner.invoke(app, ["ingest", "--db", str(tmp_path / "t.duckdb"), "--actors", str(bad), str(story)])
    assert r.exit_code == 2 and f"{bad}:2:" in r.output and "Traceback" not in r.output


def test_actors_listing_shows_top_aliases_and_all_with_an_option(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(" date 2023-05-01\nVolodymyr Zelenskiy spoke on Monday. Zelenskiy said the war would end. "
                     "Zelensky thanked allies. President Zelenskyy left. Zelenskyi returned. Zelenskiy smiled.\n")
    db = tmp_path / "s.duckdb"
    assert runner.invoke(app, ["ingest", "--db", str(db), str(story)]).exit_code == 0
    top = runner.invoke(app, ["actors", "--db", str(db), "-f", "json"]).output
    every = runner.invoke(app, ["actors", "--db", str(db), "-f", "json", "--aliases"]).output
    top_aliases = next(r for r in json.loads(top) if r["actor_id"] == "zelenskyy")["aliases"].split("; ")
    all_aliases = next(r for r in json.loads(every) if r["actor_id"] == "zelenskyy")["aliases"].split("; ")
    assert len(top_aliases) <= 3 and top_aliases[0] == "Zelenskiy"
    assert len(all_aliases) > len(top_aliases)


def test_role_nouns_from_the_phoenix_agents_dictionary_code_groups(pipeline):
    # kb/roles_phoenix.tsv: role nouns the hand-kept roles.tsv lacks ("rustlers" CRM), kb/roles.tsv wins
    from storyline import kb
    roles = kb.roles()
    assert roles["rustler"].role == "CRM" and roles["president"].role == "GOV"
    a = analyze(pipeline, "Kenyan cattle rustlers raided a village near Baragoi on Sunday.")
    assert "KENCRM" in {x.code for x in a.actors.values()}


def test_local_people_take_the_country_of_the_one_setting_but_officials_do_not(pipeline):
    a = analyze(pipeline, "Two men robbed a pharmacy in Wichita, Kansas, on Friday. The victim, a clerk, was "
                          "driven home to Topeka. Officials said the road was closed.", "2009-03-20")
    codes = {m.text: a.actors[m.actor_id].code for m in a.mentions}
    assert codes["The victim"] == "USACVL" and codes["Two men"] == "USACVL"
    assert codes["Officials"] == "---GOV"  # never from the places: issue 14
    # two countries among the places: nobody takes either
    a = analyze(pipeline, "Two men were arrested on Friday after a long drive from Wichita into Toronto.", "2009-03-20")
    assert {a.actors[m.actor_id].code for m in a.mentions if m.text == "Two men"} == {"---CVL"}


def test_an_office_wins_over_the_dictionaries_filler_code_on_a_date():
    # Phoenix dates "ELI" (a notable without office) from birth, around the offices held: the office wins
    import datetime as dt

    from storyline import kb
    book = kb.actors()
    assert book.lookup("Yoweri Museveni", dt.date(1987, 6, 1)).role == "GOV"
    she = book.lookup("Eduard Shevardnadze", dt.date(1987, 6, 1))
    assert (she.country, she.role) == ("RUS", "GOV")  # Soviet foreign minister (coded SUN by date)
    assert book.lookup("Eduard Shevardnadze", dt.date(1995, 6, 1)).country == "GEO"


def test_the_house_and_the_senate_are_two_bodies_of_congress(pipeline):
    a = analyze(pipeline, "The House approved the bill on Tuesday and the Senate rejected it.", "1987-06-02")
    ids = {m.text: m.actor_id for m in a.mentions}
    assert ids["House"] != ids["Senate"]
    assert {a.actors[ids["House"]].code, a.actors[ids["Senate"]].code} == {"USALEG"}
