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
           error_log: str | Path | None = None) -> IngestSummary:
    """Analyze every story under `paths` into the database `db`.

    Bad input becomes rejects, and so does a story that makes a stage raise (reason `error`, the
    traceback in `error_log`, by default DB.errors.log): the rest of its batch is written.

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

    def reject(r: Reject) -> None:
        summary.rejects.append(r)
        unwritten.append(r)
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

    def fail(failure: Failure) -> None:
        r = failure_reject(failure)
        log.write(r, failure.story.id, failure.traceback or "(no traceback: the worker was stopped)")
        reject(r)

    with WriterLock(db) as lock, Store(db) as store:
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
                store.write_rejects(unwritten)
                unwritten.clear()
                store.yield_to_readers(lock)
            summary.load_seconds = pool.load_seconds
        store.write_rejects(unwritten)
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
