"""Inter-annotator agreement and adjudication of the event set (benchmarks/devset/agreement.py,
adjudicate.py): the matcher, the disagreement classes and the decision rules, on events written
here; and, when ../shared/eval is present, that the adjudicated test split covers the test split
and every disagreement has a recorded decision."""
import importlib.util
import json
import sys
from pathlib import Path

import pytest

DEVSET = Path(__file__).resolve().parents[1] / "benchmarks" / "devset"
sys.path.insert(0, str(DEVSET))


def _module(name):
    spec = importlib.util.spec_from_file_location(f"devset_{name}", DEVSET / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


agreement = _module("agreement")
adjudicate = _module("adjudicate")
corpus = _module("corpus")


def ev(typ, trigger, start, src="", tgt="", modality="asserted", mode="", domain="political"):
    return {"type": typ, "mode": mode, "cameo": "", "trigger": trigger, "trigger_start": start,
            "source": "", "source_start": None, "source_code": src, "target": "", "target_start": None,
            "target_code": tgt, "modality": modality, "domain": domain}


def test_kappa_is_one_for_agreement_and_near_zero_for_chance():
    a = [True, False] * 20
    assert agreement.kappa(a, a) == pytest.approx(1.0)
    assert agreement.kappa(a, [True, True, False, False] * 10) == pytest.approx(0.0)
    assert agreement.kappa([True] * 4, [True] * 4) is None  # no variation: undefined


def test_matching_pairs_the_events_that_agree_on_codes():
    # two REQUESTs on one trigger by the second annotator, one by the first: the matcher must pair
    # the first's U.S. event with the second's U.S. event, whatever their order
    first = [ev("REQUEST", "advice", 10, "USAGOV", "BRAGOV")]
    second = [ev("REQUEST", "advice", 10, "---GOV", "BRAGOV"), ev("REQUEST", "advice", 10, "USAGOV", "BRAGOV")]
    key = agreement.INTER_KEYS["type+trigger"]
    assert agreement.max_matching(first, second, key, agreement._agreement_score) == [(0, 1)]
    cases = agreement.align(first, second)
    assert sorted(tuple(c["class"]) for c in cases) == [(), ("second only",)]


def test_matching_finds_the_largest_set_of_pairs():
    # a greedy matcher that gives the first event of `second` the first candidate loses a pair here
    first = [ev("ACCUSE", "said", 0), ev("ACCUSE", "said accused", 0)]
    second = [ev("ACCUSE", "said accused", 0), ev("ACCUSE", "accused", 5)]
    key = agreement.INTER_KEYS["type+trigger"]
    assert len(agreement.max_matching(first, second, key)) == 2


def test_disagreement_classes():
    first = [ev("AID", "help", 10, "SAU", "USA"), ev("ACCUSE", "designed", 40, "BOLGOV", "BOLLAB"),
             ev("PROTEST", "strike", 60, "BOLLAB", modality="asserted"), ev("SUPPORT", "sympathy", 90, "---BUS", "BRA")]
    second = [ev("COOPERATE", "help", 10, "SAU", "USA"), ev("ACCUSE", "said", 30, "BOLGOV", "BOLLAB"),
              ev("PROTEST", "strike", 60, "BOLLAB", modality="reported"), ev("CONSULT", "talks", 120, "USALAB", "USABUS")]
    classes = sorted(tuple(c["class"]) for c in agreement.align(first, second))
    assert classes == [("first only",), ("modality",), ("second only",), ("trigger",), ("type",)]
    role = agreement.align([ev("AGREE", "talk", 0, "BRAGOV", "JPN")], [ev("AGREE", "talk", 0, "BRAGOV", "JPNGOV")])
    assert role[0]["class"] == ["target role"]
    country = agreement.align([ev("ACCUSE", "charges", 0, "USACOP")], [ev("ACCUSE", "charges", 0, "")])
    assert country[0]["class"] == ["source country"]


def test_compare_counts_events_and_pools_types():
    rec = lambda i, evs: {"id": i, "corpus": "x", "doc": "1", "start": i, "events": evs}  # noqa: E731
    first = {1: rec(1, [ev("ACCUSE", "said", 0, "USA", "IRN")]), 2: rec(2, []), 3: rec(3, [ev("AID", "sent", 5)])}
    second = {1: rec(1, [ev("ACCUSE", "said", 0, "USAGOV", "IRQ")]), 2: rec(2, []), 3: rec(3, [])}
    out = agreement.compare(first, second)
    assert out["events_first"] == 2 and out["events_second"] == 1
    f1 = out["event_f1"]
    assert f1["type+trigger"]["matched"] == 1 and f1["+countries"]["matched"] == 0
    assert out["disagreements"] == {"first only": 1, "source role": 1, "target country": 1}
    assert out["type_kappa"]["ACCUSE"]["kappa"] == pytest.approx(1.0)


def test_decisions_take_fields_from_the_chosen_annotator():
    f = ev("REQUEST", "enlist", 10, "BRAGOV", "", modality="asserted")
    s = ev("REQUEST", "enlist", 10, "BRAGOV", "---GOV", modality="reported")
    case = {"first": f, "second": s}
    (kept,) = adjudicate._apply(case, "first", {"target": "second"})
    assert kept["target_code"] == "---GOV" and kept["modality"] == "asserted"
    (kept,) = adjudicate._apply(case, "second", {"modality": "hypothetical", "target": "none"})
    assert kept["target_code"] == "" and kept["modality"] == "hypothetical"
    assert adjudicate._apply({"first": f, "second": None}, "second", {}) == []
    assert len(adjudicate._apply(case, "both", {})) == 2
    with pytest.raises(adjudicate.AdjudicationError):
        adjudicate._apply(case, "first", {"modality": "probable"})


def _eval_available():
    try:
        corpus.eval_dir()
        return True
    except corpus.DevsetError:
        return False


needs_eval = pytest.mark.skipif(not _eval_available(), reason="../shared/eval is not present")


@needs_eval
def test_every_disagreement_of_the_test_split_is_decided():
    first, second = adjudicate.sentences()
    cases = {c["case"] for sid in first for c in adjudicate.cases_of(first[sid], second[sid]) if c["case"]}
    assert cases and cases == set(adjudicate.read_decisions())


@needs_eval
def test_adjudicated_split_covers_the_test_split_with_reasons():
    adjudicated = corpus.load_events("test_adjudicated")
    test = corpus.load_events("test")
    assert {r["id"] for r in adjudicated} == {r["id"] for r in test}
    decided = [c for r in adjudicated for c in r.get("adjudication", [])]
    assert decided and all(c["decision"] and c["reason"] for c in decided)
    # test.jsonl is never changed by adjudication: sentences agreed on keep the first labels
    line = json.loads((DEVSET / "events" / "test.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "adjudication" not in line
