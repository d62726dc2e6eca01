"""The event coder's failure classes of issue 14, each as a general rule on sentences written for
these tests (none is taken from evaluation data)."""
import datetime as dt

from storyline.model import Story


def analyze(pipeline, text, date="2018-03-05"):
    return pipeline.analyze(Story(text=text, date=dt.date.fromisoformat(date)))


def coded(pipeline, text, **kw):
    """(type, source code, target code) of every political event."""
    a = analyze(pipeline, text, **kw)
    code = lambda i: a.actors[i].code if i in a.actors else None  # noqa: E731
    return [(e.plover_type, code(e.source_id), code(e.target_id)) for e in a.events if e.domain == "political"]


def country(code):
    return code[:3] if code else None


# ---- recipients ----

def test_blaming_someone_for_an_act_targets_them(pipeline):
    evs = coded(pipeline, "The Lebanese army blamed Damascus for the rocket attack on the border post.")
    assert ("ACCUSE", "LBN") in [(t, country(s)) for t, s, _ in evs]
    assert country(next(tg for t, _, tg in evs if t == "ACCUSE")) == "SYR"
    # the act put on someone: "blamed the attack on X"
    evs = coded(pipeline, "Colombia's defence minister blamed the pipeline bombing on Venezuelan guerrillas.")
    assert [country(tg) for t, _, tg in evs if t == "ACCUSE"] == ["VEN"]


def test_expelled_diplomats_name_their_own_country_as_target(pipeline):
    evs = coded(pipeline, "Lithuania expelled two Russian diplomats on Friday.")
    assert [(t, country(s), country(tg)) for t, s, tg in evs] == [("SANCTION", "LTU", "RUS")]


def test_two_named_recipients_are_two_events(pipeline):
    evs = coded(pipeline, "Germany urged Greece and Italy to tighten controls on their sea borders.")
    requests = sorted(country(tg) for t, s, tg in evs if t == "REQUEST" and country(s) == "DEU")
    assert requests == ["GRC", "ITA"]


def test_a_possessor_or_an_of_phrase_names_the_recipient(pipeline):
    assert ("SUPPORT", "FRA", "SEN") in [(t, country(s), country(tg)) for t, s, tg in coded(
        pipeline, "France praised Senegal's efforts to hold peaceful elections.")]
    assert ("REJECT", "JPN", "CHN") in [(t, country(s), country(tg)) for t, s, tg in coded(
        pipeline, "Japan rejected China's demand for an apology.")]
    assert ("ASSAULT", "IND", "PAK") in [(t, country(s), country(tg)) for t, s, tg in coded(
        pipeline, "Indian artillery shelled positions of the Pakistani army along the border.")]


def test_a_demonym_on_the_object_gives_the_target_country(pipeline):
    evs = coded(pipeline, "Nigerian troops killed four Cameroonian smugglers near the border.")
    assert ("ASSAULT", "NGA", "CMR") in [(t, country(s), country(tg)) for t, s, tg in evs]


def test_an_apposition_names_the_actor(pipeline):
    evs = coded(pipeline, "Ali Haddad, a Tunisian opposition leader, condemned the arrests.")
    assert any(t == "ACCUSE" and country(s) == "TUN" for t, s, _ in evs)


def test_the_target_of_a_refused_or_threatened_act_is_the_refusal_s_target(pipeline):
    evs = coded(pipeline, "Peru threatened to cut diplomatic ties with Bolivia over the border dispute.")
    assert [(t, country(s), country(tg)) for t, s, tg in evs] == [("THREATEN", "PER", "BOL")]
    evs = coded(pipeline, "The Kenyan president refused to meet Somalia's foreign minister.")
    assert [(t, country(tg)) for t, _, tg in evs] == [("REJECT", "SOM")]


def test_an_agentless_passive_takes_the_actor_its_story_names(pipeline):
    text = ("Russian jets bombed the Syrian town of Saraqeb on Monday. "
            "A rebel spokesman said twelve Syrian civilians were killed in the town.")
    a = analyze(pipeline, text)
    killed = [e for e in a.events if e.trigger == "killed"]
    assert killed and killed[0].source_id and a.actors[killed[0].source_id].country == "RUS"
    evs = coded(pipeline, "Police said three Somali soldiers were killed in an ambush by al Shabaab militants.")
    assert any(t == "ASSAULT" and country(tg) == "SOM" and s for t, s, tg in evs)


# ---- reported speech ----

def test_saying_someone_was_behind_an_attack_is_an_accusation(pipeline):
    for text in ("The Iraqi interior ministry said Turkish agents were involved in the bombing of the pipeline.",
                 "Baghdad says Ankara was behind the attack on the pipeline."):
        evs = coded(pipeline, text)
        assert ("ACCUSE", "IRQ", "TUR") in [(t, country(s), country(tg)) for t, s, tg in evs], text


def test_what_a_speaker_says_another_must_do_is_a_request(pipeline):
    evs = coded(pipeline, "Britain said Iran must release the seized tanker immediately.")
    assert [(t, country(s), country(tg)) for t, s, tg in evs] == [("REQUEST", "GBR", "IRN")]


def test_the_content_of_a_request_or_threat_is_not_an_event_of_its_own(pipeline):
    types = [t for t, _, _ in coded(pipeline, "The United States called for sanctions against Myanmar's generals.")]
    assert types == ["REQUEST"]
    types = [t for t, _, _ in coded(pipeline, "Hungary refused to send troops to the border mission.")]
    assert types == ["REJECT"]


# ---- nouns and verbs beyond the first lexicon ----

def test_acts_named_by_nouns_take_roles_from_the_noun_s_modifiers(pipeline):
    evs = coded(pipeline, "The Saudi offensive against Houthi rebels entered its third week.")
    assert any(t == "ASSAULT" and country(s) == "SAU" for t, s, _ in evs)
    evs = coded(pipeline, "Talks between Ethiopia and Eritrea resumed in Asmara on Tuesday.")
    assert ("CONSULT", "ETH", "ERI") in [(t, country(s), country(tg)) for t, s, tg in evs]
    evs = coded(pipeline, "Egypt launched an air campaign against militants in the Sinai.")
    assert any(t == "ASSAULT" and country(s) == "EGY" for t, s, _ in evs)
    evs = coded(pipeline, "The European Union imposed sanctions on Belarus on Monday.")
    assert ("SANCTION", "BLR") in [(t, country(tg)) for t, _, tg in evs]


def test_capturing_encircling_and_evacuating_are_events(pipeline):
    assert "COERCE" in [t for t, _, _ in coded(pipeline, "Government forces captured the town of Tal Afar on Sunday.")]
    assert "COERCE" in [t for t, _, _ in coded(pipeline, "Syrian troops encircled the rebel-held district.")]
    assert "ASSAULT" in [t for t, _, _ in coded(pipeline, "Kurdish fighters captured dozens of militants.")]
    assert "AID" in [t for t, _, _ in coded(pipeline, "The Lebanese army evacuated hundreds of residents from the villages.")]
    assert "SANCTION" in [t for t, _, _ in coded(pipeline, "Government troops displaced thousands of villagers.")]


# ---- word senses and domains ----

def test_a_violent_verb_needs_someone_or_something_to_hit(pipeline):
    assert coded(pipeline, "Northwind Video Corp executed three franchise agreements last quarter.") == []
    assert coded(pipeline, "The senate committee killed the budget proposal on Tuesday.") == []
    assert "ASSAULT" in [t for t, _, _ in coded(pipeline, "Islamic State militants executed four hostages.")]


def test_business_only_events_are_kept_apart(pipeline):
    a = analyze(pipeline, "Harbor Foods Inc agreed to acquire Lakeside Dairy Co for 120 mln dlrs, the companies said.")
    assert a.events and all(e.domain == "business" for e in a.events)
    a = analyze(pipeline, "The Kenyan government agreed to buy two ferries from a Dutch shipyard.")
    assert any(e.domain == "political" for e in a.events)


def test_the_dateline_country_does_not_become_an_actor_s(pipeline):
    text = "GENEVA, March 5 (Reuters) - Leaders meet in Geneva on Monday to discuss the war in Yemen, officials said."
    a = analyze(pipeline, text)
    for e in a.events:
        for i in (e.source_id, e.target_id):
            assert i is None or a.actors[i].country != "CHE", e


def test_declining_to_comment_is_no_rejection(pipeline):
    assert coded(pipeline, "A Turkish foreign ministry spokesman declined to comment on the report.") == []
    assert coded(pipeline, "Exports to Iran declined sharply in March.") == []
    assert [t for t, _, _ in coded(pipeline, "The Turkish foreign minister declined to meet the Greek envoy.")] == ["REJECT"]
