"""The standoff loader of the real-news annotation sets (benchmarks/devset/corpus.py): fixed splits,
check hashes that catch drift, and the structures the benchmarks read. Tests that need the texts
in ../shared/eval skip when they are absent."""
import importlib.util
import json
import sys
from pathlib import Path

import pytest

DEVSET = Path(__file__).resolve().parents[1] / "benchmarks" / "devset"


def _module(name):
    sys.path.insert(0, str(DEVSET))
    spec = importlib.util.spec_from_file_location(f"devset_{name}", DEVSET / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


corpus = _module("corpus")


def _eval_available():
    try:
        corpus.eval_dir()
        return True
    except corpus.DevsetError:
        return False


needs_eval = pytest.mark.skipif(not _eval_available(), reason="../shared/eval is not present")


def test_document_split_is_a_fixed_hash():
    # the split was fixed in the first commit: these values must never change
    assert corpus.split_of("reuters", "7533") == "test"
    assert corpus.split_of("reuters", "18357") == "train"
    assert corpus.split_of("polnear", "nyt_2016-02-18_trump-fires-up-g-o-p-base-by-pri") == "dev"
    shares = [corpus.split_of("reuters", str(i)) for i in range(3000)]
    assert 0.65 < shares.count("train") / 3000 < 0.75
    assert 0.10 < shares.count("test") / 3000 < 0.20


def test_check_is_sha1_prefix():
    import hashlib

    text = "Iran warned the United States \u2019again\u2019."
    assert corpus.check(text) == hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    assert corpus.check("x") != corpus.check("y")


def test_every_sentence_record_sits_in_its_documents_split():
    for split in ("train", "dev", "test"):
        for line in (DEVSET / "events" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            assert corpus.split_of(rec["corpus"], rec["doc"]) == split, rec["id"]


@needs_eval
def test_load_events_verifies_text_and_offsets():
    recs = corpus.load_events("dev")
    assert recs and all(r["text"] for r in recs)
    ev = next(e for r in recs for e in r["events"] if e["source_start"] is not None)
    rec = next(r for r in recs if ev in r["events"])
    text = corpus.document_text(rec["corpus"], rec["doc"])
    assert text[ev["source_start"]:ev["source_start"] + len(ev["source"])] == ev["source"]


@needs_eval
def test_a_changed_text_is_caught():
    rec = json.loads((DEVSET / "events" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[0])
    rec["check"] = "00000000"
    with pytest.raises(corpus.DevsetError, match="does not match"):
        corpus._checked_sentence(rec, "test")
    rec = json.loads((DEVSET / "events" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[0])
    rec["events"] = [{"trigger": "zzz", "trigger_start": rec["start"]}]
    with pytest.raises(corpus.DevsetError, match="not at offset"):
        corpus._checked_sentence(rec, "test")


@needs_eval
def test_actor_stories_have_read_devset_structure():
    stories = corpus.load_actor_stories()
    assert len(stories) >= 38
    assert {s["split"] for s in stories} == {"dev", "test"}
    keys = {"id", "date", "region", "subject", "text", "actors", "mentions", "events", "path"}
    for s in stories:
        assert keys <= set(s)
        assert corpus.split_of(s["corpus"], s["doc"]) != "test", "actor stories avoid the event test split"
        for start, end, aid in s["mentions"]:
            assert aid in s["actors"] and 0 <= start < end <= len(s["text"])
        for typ, src, tgt, trigger in s["events"]:
            assert src is None or src in s["actors"]
            assert tgt is None or tgt in s["actors"]


@needs_eval
def test_dedup_mentions_are_checked_and_clustered():
    for split in ("dev", "test"):
        recs = corpus.load_dedup(split)
        assert recs and all(r["cluster"] and r["sentence"] for r in recs)
    dev = {r["cluster"] for r in corpus.load_dedup("dev")}
    test = {r["cluster"] for r in corpus.load_dedup("test")}
    assert not dev & test, "the dedup set is split by cluster"


def _batch_stories(path):
    """(corpus, doc) of every story block in an actor batch file."""
    return [tuple(line[1:].split()[:2]) for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("@")]


@needs_eval
def test_every_actor_story_record_validates():
    annotate = _module("annotate")
    actors_mod = _module("annotate_actors")
    stories = corpus.load_actor_stories()  # raises when a mention's text is not at its offsets
    assert len(stories) >= 60, "issue 20: at least 60 real-news actor stories"
    for s in stories:
        raw = json.loads(Path(s["path"]).read_text(encoding="utf-8"))
        text = s["text"]
        assert raw["split"] == actors_mod.actor_split(raw["corpus"], raw["doc"]), s["id"]
        assert raw["date"] == corpus.document_date(raw["corpus"], raw["doc"])
        assert all(annotate.CODE.match(code) for code in raw["actors"].values()), s["id"]
        spans = sorted(raw["mentions"])
        for (s1, e1, _, span), (s2, _, _, _) in zip(spans, spans[1:]):
            assert e1 <= s2, f"{s['id']}: overlapping mentions"
        for start, end, _, span in raw["mentions"]:
            assert text[start:end] == span and span.strip() == span, (s["id"], span)
        assert {m[2] for m in raw["mentions"]} == set(raw["actors"]), f"{s['id']}: an actor without mentions"


@needs_eval
def test_new_actor_stories_are_in_no_other_set_and_rebuild_identically():
    actors_mod = _module("annotate_actors")
    batch = DEVSET / "actors" / "src" / "batchA8.ann"
    new = _batch_stories(batch)
    assert len(new) >= 25
    elsewhere = set()
    for split in ("train", "dev", "test"):
        for line in (DEVSET / "events" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            elsewhere.add((rec["corpus"], rec["doc"]))
    for split in ("dev", "test"):
        for line in (DEVSET / "dedup" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            elsewhere.add((rec["corpus"], rec["doc"]))
    for other in sorted((DEVSET / "actors" / "src").glob("*.ann")):
        if other != batch:
            elsewhere |= set(_batch_stories(other))
    assert not set(new) & elsewhere
    # the stored standoff files are exactly what the batch file compiles to
    for story in actors_mod.parse(batch):
        built = actors_mod.finish(story, {})
        stored = json.loads((DEVSET / "actors" / f"{story['corpus']}-{story['doc']}.json").read_text(encoding="utf-8"))
        assert built == stored, f"{story['corpus']}-{story['doc']}: rebuild the actor stories"
    splits = [actors_mod.actor_split(c, d) for c, d in new]
    assert 0.35 < splits.count("test") / len(splits) < 0.65


@needs_eval
def test_second_pass_compiles_onto_first_pass_stories():
    agreement = _module("actor_agreement")
    second = agreement.second_pass()
    assert len(second) == 8
    for story in second:
        first = json.loads((DEVSET / "actors" / f"{story['corpus']}-{story['doc']}.json").read_text(encoding="utf-8"))
        text = corpus.document_text(story["corpus"], story["doc"])
        assert all(text[s:e] == span for s, e, _, span in story["mentions"])
        result = agreement.compare(first, story)
        assert result["exact"] <= min(result["first"], result["second"])


def test_bcubed_of_the_agreement_script():
    agreement = _module("actor_agreement")
    gold = {1: "a", 2: "a", 3: "b"}
    assert agreement.bcubed(gold, {1: "x", 2: "x", 3: "y"}) == (1.0, 1.0)
    p, r = agreement.bcubed(gold, {1: "x", 2: "y", 3: "y"})
    assert p < 1.0 and r < 1.0
