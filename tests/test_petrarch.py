"""PETRARCH-compatible mode: dictionary readers and coding with the user's dictionaries."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from storyline import Pipeline, Story
from storyline.kb.petrarch import Word, read_actors, read_agents, read_discards, read_verbs

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"

ACTORS = """\
<!-- a test actor file -->
ARNOR_ [ARN]
+ARNORIAN
GONDOR [GON]
+MINAS_TIRITH
ARGENTIN  [ARG]
ENT [ENT]
GOLLUM  # a person whose code changed
+SMEAGOL
\t[HOB <950601]
\t[HOBGOV 19950601 - 19990815]
\t[HOBREB >990816]
PRINCE_OF_DOL_AMROTH_ [DOL]
"""

AGENTS = """\
!PERSON! = MAN, MEN, WOMAN, WOMEN
GOVERNMENT [~GOV]
SOLDIER [~MIL]
POLICE {} [~COP]
CONGRESS!PERSON! [~LEG]
HUMAN_RIGHTS_GROUP [NGO~]
"""

VERBS = """\
&TIES
+DIPLOMATIC_TIES
+RELATIONS

--- RESTORE  [030] ---
RESTORE
RENEW
- * &TIES  [064]  # restore relations

--- CONDEMN  [111] ---
CONDEMN

--- ATTACK  [190] ---
ATTACK
- WILL_NOT *  [---]

--- MEET  [040] ---
MEET {MET MEETING}

--- OPPOSE  [112] ---
OPPOSE
"""

DISCARDS = """\
+FOOTBALL
BASEBALL
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("dicts")
    out = {}
    for name, text in (("actors", ACTORS), ("agents", AGENTS), ("verbs", VERBS), ("discards", DISCARDS)):
        (d / f"{name}.txt").write_text(text, encoding="utf-8")
        out[name] = d / f"{name}.txt"
    return out


@pytest.fixture(scope="module")
def coder(files) -> Pipeline:
    return Pipeline(petrarch={"verbs": files["verbs"], "actors": [files["actors"]], "agents": files["agents"],
                              "discards": files["discards"]})


def codings(pipeline: Pipeline, text: str, date: str = "2000-01-01") -> set[tuple]:
    a = pipeline.analyze(Story(text=text, date=dt.date.fromisoformat(date)))
    code = lambda i: a.actors[i].code  # noqa: E731
    return {(code(e.source_id), code(e.target_id) if e.target_id else None, e.cameo) for e in a.events}


def test_actor_dictionary(files):
    actors = read_actors(files["actors"])
    by_name = {" ".join(w.text for w in k): v for k, v in actors.items()}
    assert by_name["ARNORIAN"] is by_name["ARNOR"]  # a +synonym shares its entry
    assert by_name["MINAS TIRITH"].code_on(None) == "GON"
    gollum = by_name["SMEAGOL"]
    assert gollum.code_on(dt.date(1990, 1, 1)) == "HOB"
    assert gollum.code_on(dt.date(1997, 1, 1)) == "HOBGOV"
    assert gollum.code_on(dt.date(2005, 1, 1)) == "HOBREB"
    # stems: ARGENTIN matches Argentina/Argentine; a short stem only takes inflections
    (argentin,) = [k for k in actors if k[0].text == "ARGENTIN"]
    assert argentin[0].matches("ARGENTINA") and argentin[0].matches("ARGENTINE")
    (ent,) = [k for k in actors if k[0].text == "ENT"]
    assert ent[0].matches("ENTS") and not ent[0].matches("ENTIRE")
    assert not Word("ARNOR", stopped=True).matches("ARNORIAN")


def test_agent_dictionary(files):
    agents = {" ".join(w.text for w in k): v for k, v in read_agents(files["agents"]).items()}
    assert agents["GOVERNMENT"].code == "GOV" and not agents["GOVERNMENT"].prefix
    assert agents["HUMAN RIGHTS GROUP"].prefix  # [NGO~] goes before the actor's code
    assert {"CONGRESSMAN", "CONGRESSWOMEN"} <= set(agents)  # !PERSON! substituted
    assert agents["CONGRESSMEN"].code == "LEG"


def test_verb_dictionary(files):
    vd = read_verbs(files["verbs"])
    assert [v.block for v in vd.verbs["MET"]] == ["MEET"]  # irregular forms index the verb
    assert [v.block for v in vd.verbs["RENEW"]] == ["RESTORE"]
    (p,) = vd.patterns["RESTORE"]
    assert p.code == "064" and p.after == (("&TIES",),)
    assert [" ".join(w.text for w in m) for m in vd.synset("&TIES")] == ["DIPLOMATIC TIES", "RELATIONS"]
    sentence, story = read_discards(files["discards"])
    assert [m[0].text for m in story] == ["FOOTBALL"] and [m[0].text for m in sentence] == ["BASEBALL"]


def test_patterns_choose_the_code(coder):
    assert codings(coder, "Arnor restored diplomatic ties with Gondor on Monday.") == {("ARN", "GON", "064")}
    # no pattern matches: the block's default code
    assert codings(coder, "Arnor restored the old bridge to Gondor.") == {("ARN", "GON", "030")}
    # a pattern whose code is --- codes nothing
    assert codings(coder, "Arnor will not attack Gondor.") == set()


def test_agents_combine_with_actors(coder):
    assert codings(coder, "The Gondor government condemned Arnor.") == {("GONGOV", "ARN", "111")}
    assert codings(coder, "Soldiers from Gondor condemned Arnor.") == {("GONMIL", "ARN", "111")}
    # agent words match as written or in their plural (given in braces, else -S/-ES/-IES); "{}": none
    assert codings(coder, "Gondor's polices condemned Arnor.") == {("GON", "ARN", "111")}
    # an agent with no actor of its own takes the actors it belongs to, one code each
    assert codings(coder, "Congressmen in Arnor and Gondor condemned Ents.") == {("ARNLEG", "ENT", "111"),
                                                                               ("GONLEG", "ENT", "111")}


def test_dates_compounds_passives_discards(coder):
    assert codings(coder, "Smeagol condemned Gondor.", "1997-03-01") == {("HOBGOV", "GON", "111")}
    assert codings(coder, "Smeagol condemned Gondor.", "2003-03-01") == {("HOBREB", "GON", "111")}
    # a compound subject without a target: each with the other
    assert codings(coder, "Arnor and Gondor met on Sunday.") == {("ARN", "GON", "040"), ("GON", "ARN", "040")}
    assert codings(coder, "Gondor was opposed by Arnor.") == {("ARN", "GON", "112")}
    assert codings(coder, "Arnor condemned Gondor after the baseball game.") == set()
    assert codings(coder, "Arnor condemned Gondor.\n\nThe football season starts.") == set()
    assert codings(coder, "The Prince of Dol Amroth condemned Gondor.") == {("DOL", "GON", "111")}


def test_events_keep_cameo_and_plover(coder):
    a = coder.analyze(Story(text="The Gondor government condemned Arnor.", date=dt.date(2000, 1, 1)))
    (e,) = a.events
    assert (e.cameo, e.plover_type, e.quad_class) == ("111", "ACCUSE", 3)
    assert e.trigger == "condemned" and e.goldstein is not None


@pytest.mark.skipif(not (SHARED / "petrarch").is_dir(), reason="../shared/eval not present")
def test_suite_reader_and_real_dictionaries():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from petrarch_suite import read_records

    records, files = read_records(SHARED / "petrarch" / "PETR.UnitTest.records.xml")
    assert len(records) > 150 and files["verbs"] == "PETR.Validate.verbs.txt"
    demo = next(r for r in records if r.id == "DEMO-00")
    assert demo.expected == {("ARN", "GON", "064")} and demo.date == dt.date(1995, 1, 1)
    cameo = SHARED / "ontology" / "CAMEO_petrarch2_dictionaries"
    vd = read_verbs(cameo / "CAMEO.2.0.txt")
    assert len(vd.patterns) > 300 and sum(map(len, vd.patterns.values())) > 4000
    assert vd.synset("&CURRENCY")  # synsets whose first line is a comment still fill


def test_ingest_with_dictionaries_from_the_command_line(files, tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app
    from storyline.store import Store

    story = tmp_path / "s.txt"
    story.write_text(" date 2000-01-01\nThe Gondor government condemned Arnor.\n", encoding="utf-8")
    db = tmp_path / "p.duckdb"
    res = CliRunner().invoke(app, ["ingest", str(story), "--db", str(db), "--verbs", str(files["verbs"]),
                                   "--actors", str(files["actors"]), "--agents", str(files["agents"])])
    assert res.exit_code == 0, res.output
    with Store(db) as store:
        rows = store.con.execute("SELECT source_code, target_code, cameo FROM events").fetchall()
    assert rows == [("GONGOV", "ARN", "111")]
    res = CliRunner().invoke(app, ["ingest", str(story), "--db", str(db), "--agents", str(files["agents"])])
    assert res.exit_code != 0 and "--verbs" in res.output
