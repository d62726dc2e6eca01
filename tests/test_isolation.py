"""Failure isolation: a story that makes a stage raise becomes a reject; its batch is written."""
import datetime as dt
import json

import pytest
from spacy.language import Language
from spacy.pipeline import Pipe

from storyline.model import Reject, Story
from storyline.runner import ingest
from storyline.store import Store

MARK = "Zorblax"  # a made-up word: the stories with it are the ones the injected stage fails on


@Language.component("test_fails_on_mark")
def fails_on_mark(doc):
    if MARK in doc.text:
        raise ValueError("injected failure")
    return doc


class BatchStage(Pipe):
    """Behaves like spaCy's trained components: works on minibatches, and an error drops the batch
    through the error handler, innocent neighbours included."""

    def __init__(self, name="test_batch_stage"):
        self.name = name

    def __call__(self, doc):
        return next(self.pipe([doc]))

    def pipe(self, stream, *, batch_size=128):
        handler = self.get_error_handler()
        batch = list(stream)
        try:
            if any(MARK in d.text for d in batch):
                raise RuntimeError("injected batch failure")
            yield from batch
        except Exception as e:
            handler(self.name, self, batch, e)


@Language.factory("test_batch_stage")
def make_batch_stage(nlp, name):
    return BatchStage(name)


class UnguardedStage(BatchStage):
    """A component whose pipe lets the error escape and ends spaCy's stream."""

    def pipe(self, stream, *, batch_size=128):
        for d in stream:
            if MARK in d.text:
                raise RuntimeError("injected stream failure")
            yield d


@Language.factory("test_unguarded_stage")
def make_unguarded_stage(nlp, name):
    return UnguardedStage(name)


@pytest.fixture
def with_stage(pipeline):
    added = []

    def add(factory, after="storyline_time"):
        pipeline.nlp.add_pipe(factory, name=factory, after=after)
        added.append(factory)
        return pipeline

    yield add
    for name in added:
        if name in pipeline.nlp.pipe_names:
            pipeline.nlp.remove_pipe(name)


def stories(n, bad):
    return [Story(text=f"Story {i}: police arrested {'a ' + MARK if i in bad else 'three'} protesters in Paris.",
                  date=dt.date(2022, 1, 1 + i), id=f"s{i}") for i in range(n)]


@pytest.mark.parametrize("factory", ["test_fails_on_mark", "test_batch_stage", "test_unguarded_stage"])
def test_a_failing_stage_costs_only_its_story(with_stage, factory):
    pipeline = with_stage(factory)
    out = list(pipeline.pipe_guarded(stories(6, bad={1, 4})))
    assert [type(r).__name__ for r in out] == ["Analysis", "Failure", "Analysis", "Analysis", "Failure", "Analysis"]
    assert [r.story.id for r in out] == [f"s{i}" for i in range(6)]
    failure = out[1]
    assert failure.stage == factory and "injected" in failure.message
    assert "Traceback" in failure.traceback and "injected" in failure.traceback
    # the neighbours' analyses are complete (the places stage ran after the injected one)
    assert any(p.text == "Paris" for p in out[0].places)


def test_ingest_writes_the_batch_and_rejects_the_story(with_stage, tmp_path):
    pipeline = with_stage("test_batch_stage", after="storyline_events")
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": s.id, "date": str(s.date), "text": s.text}) + "\n"
                           for s in stories(5, bad={2})), encoding="utf-8")
    db = tmp_path / "x.duckdb"
    summary = ingest([src], db, pipeline=pipeline, batch_size=5)
    assert summary.stories == 4
    (r,) = summary.rejects
    assert (r.source, r.line, r.reason, r.stage) == (str(src), 3, "error", "test_batch_stage")
    with Store(db, read_only=True) as st:
        assert st.query("SELECT story_id FROM stories ORDER BY story_id")[1] == [("s0",), ("s1",), ("s3",), ("s4",)]
        assert st.query("SELECT reason, stage, detail FROM rejects")[1] == [
            ("error", "test_batch_stage", "RuntimeError: injected batch failure")]
    log = (tmp_path / "x.errors.log").read_text()
    assert f"{src}:3 story s2" in log and "Traceback" in log
    # the failure is not remembered as done: once the stage is fixed, a re-run analyzes the story
    pipeline.nlp.remove_pipe("test_batch_stage")
    again = ingest([src], db, pipeline=pipeline)
    assert (again.stories, again.unchanged) == (1, 4)


def test_a_store_failure_costs_only_its_story(pipeline, tmp_path, monkeypatch):
    from storyline import store as store_mod

    real_rows = store_mod._rows

    def rows(analyses):
        out = real_rows(analyses)
        for r in out["stories"]:
            if r["story_id"] == "s1":
                r["n_chars"] = "not a number"  # the database refuses this row
        return out

    monkeypatch.setattr(store_mod, "_rows", rows)
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": s.id, "date": str(s.date), "text": s.text}) + "\n"
                           for s in stories(3, bad=set())), encoding="utf-8")
    summary = ingest([src], tmp_path / "y.duckdb", pipeline=pipeline)
    assert summary.stories == 2
    assert [(r.line, r.reason, r.stage) for r in summary.rejects] == [(2, "error", "store")]


def test_a_reader_that_raises_keeps_what_it_read(monkeypatch, tmp_path):
    from storyline import ingest as ingest_mod
    from storyline.ingest import formats

    def reader(name, data, max_chars):
        yield formats.make_story(name, 1, "One good story.", "2022-01-01", max_chars)
        raise KeyError("surprise")

    monkeypatch.setitem(formats.FORMATS, "seed", reader)
    f = tmp_path / "a.txt"
    f.write_text("date 2022-01-01 x", encoding="utf-8")
    story, rej = list(ingest_mod.read_paths([f]))
    assert isinstance(story, Story) and isinstance(rej, Reject)
    assert (rej.line, rej.reason, rej.stage) == (1, "error", "reader") and "surprise" in rej.detail


def test_an_out_of_range_duration_has_no_start():
    from storyline.timex import duration_back

    # "1987 full year sales" once read as a 1987-year duration ended the whole ingest
    assert duration_back("P1987Y", dt.date(1987, 3, 6)) is None
    assert duration_back("P99999999D", dt.date(1987, 3, 6)) is None
    assert duration_back("P2Y", dt.date(1987, 3, 6)) == dt.date(1985, 3, 6)
