"""The learned event layer (pipeline/event_model.py): shipped weights, the component, switching it
off, and what it adds where the rules stop. Sentences are our own."""
import datetime as dt

import pytest

from storyline import kb
from storyline.model import Story
from storyline.pipeline.event_model import NONE, EventModelLayer, load_model, type_codes

PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT"}


@pytest.fixture(scope="module")
def rules_pipeline():
    from storyline import Pipeline

    return Pipeline(event_model=False)


@pytest.fixture(scope="module")
def model_pipeline():
    from storyline import Pipeline

    return Pipeline(event_model=True)


def story(text, date="2018-03-05"):
    return Story(text=text, date=dt.date.fromisoformat(date))


def test_model_ships_in_the_package():
    model = load_model()
    assert model is not None, "kb/models/event_model.npz is missing from the package"
    assert NONE in model.classes
    assert set(model.classes) - {NONE} <= PLOVER_TYPES
    assert model.coef.shape == (len(model.classes), len(model.vocab) + len(model.dense_mean))
    assert 0 < model.add_threshold < 1
    assert load_model() is model  # read once per process


def test_generic_codes_are_cameo_codes_of_their_type():
    cameo = kb.cameo()
    codes = type_codes()
    assert set(codes) == PLOVER_TYPES
    for plover, code in codes.items():
        assert cameo[code].plover == plover, (plover, code)


def test_component_is_in_the_pipeline_and_can_be_switched_off(rules_pipeline, model_pipeline):
    assert rules_pipeline.nlp.pipe_names[-1] == "storyline_event_model"
    assert rules_pipeline.nlp.get_pipe("storyline_event_model").enabled is False
    assert model_pipeline.nlp.get_pipe("storyline_event_model").enabled is True


def test_layer_is_on_by_default_and_the_environment_can_switch_it_off(monkeypatch):
    from storyline.pipeline import event_model_default

    monkeypatch.delenv("STORYLINE_EVENT_MODEL", raising=False)
    assert event_model_default() is True
    monkeypatch.setenv("STORYLINE_EVENT_MODEL", "0")
    assert event_model_default() is False


def test_switched_off_gives_the_rules_output(rules_pipeline):
    """With the layer off, the events are exactly those the rule coder left on the Doc."""
    text = ("Russian forces shelled the town of Avdiivka on Monday. The ministry accused Kyiv of "
            "provocations, and the two sides held talks in Minsk.")
    nlp = rules_pipeline.nlp
    doc = nlp.make_doc(text)
    doc._.story_date = dt.date(2018, 3, 5)
    for name, proc in nlp.pipeline:
        if name == "storyline_event_model":
            before = list(doc._.events)
            doc = proc(doc)
            assert doc._.events == before
        else:
            doc = proc(doc)
    assert before, "the rules should code something here"


def test_proposals_have_valid_types_and_codes(model_pipeline, rules_pipeline):
    text = ("Government troops launched a fierce offensive against rebel positions near Idlib on Sunday, "
            "and warplanes kept up the bombardment overnight. Opposition leaders condemned the assault "
            "and appealed to the United Nations for help. Thousands of protesters marched in the capital "
            "against the siege. Colombian police stations have come under repeated guerrilla attack this year.")
    cameo = kb.cameo()
    on = model_pipeline.analyze(story(text))
    off = rules_pipeline.analyze(story(text))
    rule_keys = {(e.trigger_start, e.plover_type) for e in off.events}
    added = [e for e in on.events if (e.trigger_start, e.plover_type) not in rule_keys]
    assert added, "the model should add events the rules did not code in this text"
    for e in on.events:
        assert e.plover_type in PLOVER_TYPES
        assert e.cameo in cameo and cameo[e.cameo].plover == e.plover_type, (e.cameo, e.plover_type)
        # a row says who acted or to whom; only a proposal in a sentence naming a political actor
        # may leave both to the text around it, and it ranks lowest
        assert e.source_id or e.target_id or (e.confidence <= 0.3 and e.domain == "political")
        assert e.domain in ("political", "business")


@pytest.mark.parametrize("text,trigger,plover", [
    # an attack named by a noun under "come under", its attacker only a modifier: the rules find
    # no one acting; the model proposes it and the coder takes the clause's actors
    ("Colombian police stations have come under repeated guerrilla attack this year.", "attack", "ASSAULT"),
])
def test_model_adds_a_nominal_event_the_rules_miss(model_pipeline, rules_pipeline, text, trigger, plover):
    off = rules_pipeline.analyze(story(text))
    assert not [e for e in off.events if e.trigger == trigger], "the rules alone already code it"
    on = model_pipeline.analyze(story(text))
    assert [e for e in on.events if e.trigger == trigger and e.plover_type == plover], on.events


def test_layer_without_weights_is_a_no_op():
    layer = EventModelLayer(enabled=False)
    assert layer.enabled is False
    sentinel = object()
    assert layer(sentinel) is sentinel
