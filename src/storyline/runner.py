"""Ingest: read -> analyze -> store, in batches, with rejects kept. The CLI is a shell over this."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .ingest import DEFAULT_MAX_CHARS, dedupe, read_paths
from .ingest.validate import DateOptions, using_dates
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
    skipped: dict[str, list[str]] = field(default_factory=dict)  # suffix -> files in folders not read


def _batches(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def ingest(paths: Iterable[str | Path], db: str | Path, *, pipeline: Pipeline | None = None,
           batch_size: int = 64, max_chars: int = DEFAULT_MAX_CHARS, fmt: str | None = None,
           on_story: Callable[[Story | Reject], None] | None = None,
           on_reject: Callable[[Reject], None] | None = None,
           dates: DateOptions | None = None) -> IngestSummary:
    """Analyze every story under `paths` into the database `db`; bad input becomes rejects. `dates`
    says how to read input dates (a strptime format, a default for undated stories)."""
    pipeline = pipeline or default_pipeline()
    summary = IngestSummary()
    read_ok: set[tuple[str, int]] = set()  # (source, line) of every story read

    def reject(r: Reject) -> None:
        summary.rejects.append(r)
        if on_reject:
            on_reject(r)

    def stories() -> Iterator[Story]:
        def skip(file: Path) -> None:
            summary.skipped.setdefault(file.suffix.lower(), []).append(str(file))

        for rec in dedupe(read_paths(paths, fmt=fmt, max_chars=max_chars, on_skip=skip)):
            if isinstance(rec, Story) and rec.origin is not None:
                read_ok.add((rec.origin.source, rec.origin.line))
            if on_story:
                on_story(rec)
            if isinstance(rec, Reject):
                reject(rec)
            else:
                yield rec

    with Store(db) as store, using_dates(dates):
        for batch in _batches(stories(), batch_size):
            todo, unchanged, duplicates = store.triage(batch)
            analyses = list(pipeline.pipe(todo))
            summary.stories += store.write(analyses)
            summary.unchanged += unchanged
            summary.events += sum(len(a.events) for a in analyses)
            summary.quotes += sum(len(a.quotes) for a in analyses)
            for r in duplicates:
                reject(r)
        # a path that does not exist is a mistake on the command line, not input to keep
        store.write_rejects(r for r in summary.rejects if r.reason != "missing")
        store.clear_rejects(*_cleared(read_ok, summary.rejects))
    return summary


def _cleared(read_ok: set[tuple[str, int]], rejects: list[Reject]) -> tuple[set[str], set[tuple[str, int]]]:
    """What earlier rejects this run has fixed: whole sources that now read with no reject at all,
    and single records (source, line) that now read as stories."""
    bad_lines = {(r.source, r.line) for r in rejects}
    bad_sources = {r.source for r in rejects}
    sources = {src for src, _ in read_ok} - bad_sources
    return sources, read_ok - bad_lines
