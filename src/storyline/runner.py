"""Ingest: read -> analyze -> store, in batches, with rejects kept. The CLI is a shell over this."""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import duckdb

from .ingest import DEFAULT_MAX_CHARS, dedupe, read_paths
from .ingest.validate import DateOptions, using_dates
from .model import Analysis, Reject, Story
from .pipeline import Failure, Pipeline, default_pipeline
from .store import Store, WriterLock
from .workers import WorkerPool


@dataclass
class IngestSummary:
    stories: int = 0  # newly written
    unchanged: int = 0  # already in the database, identical
    events: int = 0
    quotes: int = 0
    rejects: list[Reject] = field(default_factory=list)
    seconds: float = 0.0  # the whole ingest
    load_seconds: float = 0.0  # of which waiting for the pipeline to load (workers, or the default pipeline)
    skipped: dict[str, list[str]] = field(default_factory=dict)  # suffix -> files in folders not read
    canonical: int | None = None  # canonical events in the database after this ingest


class ErrorLog:
    """Tracebacks of stories a stage failed on, appended to a text file beside the database (created
    only when there is one to write): the rejects table keeps the stage and message, this the detail."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    @staticmethod
    def beside(db: str | Path) -> Path:
        return Path(db).with_suffix(".errors.log")

    def write(self, reject: Reject, story_id: str, traceback: str) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} {reject.source}:{reject.line} "
                    f"story {story_id}: {reject.reason} in {reject.stage}: {reject.detail}\n{traceback.rstrip()}\n")


def failure_reject(failure: Failure) -> Reject:
    origin = failure.story.origin
    return Reject(origin.source if origin else failure.story.id, origin.line if origin else 0, failure.reason,
                  failure.message[:500], stage=failure.stage)


def _batches(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def ingest(paths: Iterable[str | Path], db: str | Path, *, pipeline: Pipeline | None = None,
           jobs: int = 0, make_pipeline: Callable[[], Pipeline] | None = None, timeout: float | None = None,
           batch_size: int = 64, max_chars: int = DEFAULT_MAX_CHARS, fmt: str | None = None,
           on_story: Callable[[Story | Reject], None] | None = None,
           on_reject: Callable[[Reject], None] | None = None,
           error_log: str | Path | None = None,
           dates: DateOptions | None = None) -> IngestSummary:
    """Analyze every story under `paths` into the database `db`.

    Bad input becomes rejects, and so does a story that makes a stage raise (reason `error`, the
    traceback in `error_log`, by default DB.errors.log): the rest of its batch is written. `dates`
    says how to read input dates (a strptime format, a default for undated stories).

    jobs=0 analyzes in this process with `pipeline` (default: the shared default pipeline). jobs=N
    runs N worker processes, each building its pipeline with `make_pipeline` (a picklable callable,
    default `Pipeline`), while this process reads, writes and keeps the order, so the database ends
    the same as with one process. With workers, `timeout` (seconds without a story finishing) kills
    a hung worker and rejects the story that hung it with reason `timeout`.
    """
    if jobs and pipeline is not None:
        raise ValueError("worker processes build their own pipeline: pass make_pipeline, not pipeline")
    started = time.monotonic()
    summary = IngestSummary()
    log = ErrorLog(error_log or ErrorLog.beside(db))
    unwritten: list[Reject] = []
    read_ok: set[tuple[str, int]] = set()  # (source, line) of every story read

    def reject(r: Reject) -> None:
        summary.rejects.append(r)
        unwritten.append(r)
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

    def fail(failure: Failure) -> None:
        r = failure_reject(failure)
        log.write(r, failure.story.id, failure.traceback or "(no traceback: the worker was stopped)")
        reject(r)

    with WriterLock(db) as lock, Store(db) as store, using_dates(dates):
        def to_analyze() -> Iterator[list[Story]]:
            for batch in _batches(stories(), batch_size):
                store.yield_to_readers(lock)
                todo, unchanged, duplicates = store.triage(batch)
                summary.unchanged += unchanged
                for r in duplicates:
                    reject(r)
                yield todo

        if jobs:
            pool = WorkerPool(jobs, make_pipeline or Pipeline, timeout=timeout)
            pool.on_idle = lambda: store.yield_to_readers(lock)
        else:
            t0 = time.monotonic()
            pool = _InProcess(pipeline or default_pipeline())
            pool.load_seconds = time.monotonic() - t0
        with pool:
            for results in pool.map(to_analyze()):
                analyses = []
                for result in results:
                    if isinstance(result, Failure):
                        fail(result)
                    else:
                        analyses.append(result)
                summary.stories += _write_isolated(store, analyses, fail)
                summary.events += sum(len(a.events) for a in analyses)
                summary.quotes += sum(len(a.quotes) for a in analyses)
                _write_rejects(store, unwritten)
                store.yield_to_readers(lock)
            summary.load_seconds = pool.load_seconds
        _write_rejects(store, unwritten)
        store.clear_rejects(*_cleared(read_ok, summary.rejects))
        if summary.stories:  # new mentions join the canonical events (storyline/dedup.py)
            from .dedup import dedup

            summary.canonical = dedup(store.con).canonical
    summary.seconds = time.monotonic() - started
    return summary


class _InProcess:
    """The WorkerPool interface over a pipeline in this process (no time limit)."""

    load_seconds = 0.0

    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline

    def __enter__(self) -> "_InProcess":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def map(self, batches: Iterable[list[Story]]) -> Iterator[list[Analysis | Failure]]:
        for batch in batches:
            yield list(self.pipeline.pipe_guarded(batch))


def _write_rejects(store: Store, rejects: list[Reject]) -> None:
    """Write the rejects gathered since the last batch (then forget them: memory stays bounded). A path
    that does not exist is a mistake on the command line, not input to keep."""
    store.write_rejects(r for r in rejects if r.reason != "missing")
    rejects.clear()


def _cleared(read_ok: set[tuple[str, int]], rejects: list[Reject]) -> tuple[set[str], set[tuple[str, int]]]:
    """What earlier rejects this run has fixed: whole sources that now read with no reject at all,
    and single records (source, line) that now read as stories."""
    bad_lines = {(r.source, r.line) for r in rejects}
    bad_sources = {r.source for r in rejects}
    sources = {src for src, _ in read_ok} - bad_sources
    return sources, read_ok - bad_lines


def _write_isolated(store: Store, analyses: list[Analysis], fail: Callable[[Failure], None]) -> int:
    """Write a batch in one transaction; if the database refuses its rows, write each story alone so
    that only the one it refuses is lost (rejected with stage `store`). A broken or full disk is not a
    story's fault: that error stops the ingest."""
    try:
        return store.write(analyses)
    except _NOT_A_STORYS_FAULT:
        raise
    except Exception as err:
        if len(analyses) == 1:
            fail(Failure.of(analyses[0].story, "store", err))
            return 0
    return sum(_write_isolated(store, [a], fail) for a in analyses)


_NOT_A_STORYS_FAULT = (OSError, duckdb.IOException, duckdb.FatalException, duckdb.InterruptException)
