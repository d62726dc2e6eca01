"""Stories written for these tests on other subjects: the same code must serve any news story."""
import datetime as dt

from conftest import actor, events_of


def test_tbilisi_arrests(tbilisi):
    arrests = events_of(tbilisi, "COERCE")
    assert len(arrests) == 1
    ev = arrests[0]
    assert ev.cameo == "173" and ev.plover_mode == "arrest"
    assert actor(tbilisi, ev.source_id).code == "GEOCOP"
    assert actor(tbilisi, ev.target_id).code == "GEOOPP"
    assert ev.date_value == "2023-03-08"  # "on Wednesday" in a Thursday story
    assert ev.place_name == "Tbilisi"


def test_tbilisi_criticism_dated_last_week(tbilisi):
    crit = events_of(tbilisi, "ACCUSE")
    assert len(crit) == 1 and crit[0].source_id == "eu"
    assert crit[0].date_value == "2023-W09"


def test_tbilisi_tear_gas_is_repression_not_a_firefight(tbilisi):
    fired = [e for e in tbilisi.events if e.trigger == "fired"]
    assert len(fired) == 1 and fired[0].cameo == "175"


def test_tbilisi_riot_is_not_a_person(tbilisi):
    assert not [a for a in tbilisi.actors.values() if a.kind == "person" and a.name == "Riot"]


def test_tbilisi_quote(tbilisi):
    direct = [q for q in tbilisi.quotes if q.direct and not q.scare]
    assert len(direct) == 1
    # the quoted term ("a law on 'foreign agents'") is kept, flagged as a scare quote
    assert [q.text for q in tbilisi.quotes if q.scare] == ["foreign agents"]
    assert direct[0].speaker_id == "person:nino-lomjaria"
    assert "teacher" in direct[0].speaker_description


def test_jeddah_hosts_are_two_events(jeddah):
    hosts = [e for e in jeddah.events if e.trigger == "hosted"]
    assert {actor(jeddah, e.source_id).country for e in hosts} == {"SAU", "USA"}
    assert all(e.date_value == "2023-05-06" and e.place_name == "Jeddah" for e in hosts)


def test_jeddah_quotes_continue_the_speaker(jeddah):
    direct = [q for q in jeddah.quotes if q.direct]
    assert len(direct) == 2
    assert {q.speaker_id for q in direct} == {"person:dafallah-al-haj"}


def test_jeddah_overnight_shelling(jeddah):
    shelled = [e for e in jeddah.events if e.trigger == "shelled"]
    assert len(shelled) == 1
    assert shelled[0].date_value == "2023-05-06TNI" and shelled[0].place_name == "Khartoum"
    assert actor(jeddah, shelled[0].source_id).role == "REB"


def test_plain_string_api():
    import storyline

    result = storyline.analyze("Russian forces fled Kherson last week.", "2022-11-15")
    assert [(e.plover_type, e.date_value) for e in result.events] == [("RETREAT", "2022-W45")]
