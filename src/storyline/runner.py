"""Ingest: read -> analyze -> store, in batches, with rejects kept. The CLI is a shell over this."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .ingest import DEFAULT_MAX_CHARS, dedupe, read_paths
from .model import Reject, Story
from .pipeline import Pipeline, default_pipeline
from .store import Store


@dataclass
class IngestSummary:
    stories: int = 0  # newly written
    unchanged: int = 0  # already in the database, identical
    events: int = 0
    quotes: int = 0
    rejects: list[Reject] = field(default_factory=list)


def _batches(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def ingest(paths: Iterable[str | Path], db: str | Path, *, pipeline: Pipeline | None = None,
           batch_size: int = 64, max_chars: int = DEFAULT_MAX_CHARS, fmt: str | None = None,
           on_story: Callable[[Story | Reject], None] | None = None,
           on_reject: Callable[[Reject], None] | None = None) -> IngestSummary:
    """Analyze every story under `paths` into the database `db`; bad input becomes rejects."""
    pipeline = pipeline or default_pipeline()
    summary = IngestSummary()

    def reject(r: Reject) -> None:
        summary.rejects.append(r)
        if on_reject:
            on_reject(r)

    def stories() -> Iterator[Story]:
        for rec in dedupe(read_paths(paths, fmt=fmt, max_chars=max_chars)):
            if on_story:
                on_story(rec)
            if isinstance(rec, Reject):
                reject(rec)
            else:
                yield rec

    with Store(db) as store:
        for batch in _batches(stories(), batch_size):
            todo, unchanged, duplicates = store.triage(batch)
            analyses = list(pipeline.pipe(todo))
            summary.stories += store.write(analyses)
            summary.unchanged += unchanged
            summary.events += sum(len(a.events) for a in analyses)
            summary.quotes += sum(len(a.quotes) for a in analyses)
            for r in duplicates:
                reject(r)
        store.write_rejects(summary.rejects)
    return summary
