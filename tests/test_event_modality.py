"""Events: stated intentions and future acts, refusals, and categories across PLOVER."""
import datetime as dt

from storyline.model import Story


def coded(pipeline, text):
    a = pipeline.analyze(Story(text=text, date=dt.date(2000, 1, 1)))
    code = lambda i: a.actors[i].code if i in a.actors else None  # noqa: E731
    return [(e.plover_type, e.cameo, code(e.source_id), code(e.target_id), e.modality) for e in a.events]


def test_a_promised_cooperative_act_is_an_agree(pipeline):
    (ev,) = coded(pipeline, "Portugal will support Turkey's bid to join the bloc, the Portuguese president said.")
    assert ev[0] == "AGREE" and ev[1] == "032" and ev[2] == "PRT" and ev[4] == "future"
    assert [e[0] for e in coded(pipeline, "Portugal supported Turkey's bid to join the bloc.")] == ["SUPPORT"]


def test_a_stated_hostile_intent_is_a_threaten(pipeline):
    evs = coded(pipeline, "The rebel commander vowed to attack Syrian army positions.")
    assert [(e[0], e[1], e[4]) for e in evs] == [("THREATEN", "138", "intended")]


def test_would_in_reported_speech_is_future_and_a_refusal_is_a_reject(pipeline):
    evs = coded(pipeline, "Iraq said it would allow UN weapons inspectors to return.")
    assert ("AGREE", "035") in [(e[0], e[1]) for e in evs]
    evs = coded(pipeline, "Syria said it will not accept any more refugees.")
    assert [(e[0], e[1]) for e in evs] == [("REJECT", "120")]
    # a plain negated act stays uncoded
    assert coded(pipeline, "Russian troops did not attack the town.") == []


def test_categories_beyond_the_example(pipeline):
    cases = {
        "Zambia extradited a British militant to Britain on Sunday.": "COOPERATE",
        "Uganda granted political asylum to 18 Rwandan rebels.": "AID",
        "Japan halted economic aid to Serbia on Tuesday.": "SANCTION",
        "Israeli bulldozers demolished Palestinian homes in Gaza.": "ASSAULT",
        "Kenyan protesters marched in Nairobi on Sunday.": "PROTEST",
        "The Israeli army lifted a blockade on Palestinian lorries.": "RETREAT",
        "The president conceded to opposition demands on Friday.": "CONCEDE",
        "Rebels in the Ivory Coast dismissed an appeal from the president.": "REJECT",
    }
    for text, typ in cases.items():
        assert typ in [e[0] for e in coded(pipeline, text)], text


def test_an_obligation_with_no_speech_verb_found_is_no_request(pipeline):
    """When the parser finds no speech verb above a "should" (it may read "Trump claims" as a
    name), there is no requester: no event, and no crash."""
    assert coded(pipeline, "Still, Trump claims that he should be the candidate.") == []
