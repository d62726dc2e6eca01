"""Worker processes that analyze batches of stories, with a time limit that can kill a hung one.

Why not concurrent.futures.ProcessPoolExecutor or multiprocessing.Pool: neither can kill one hung
worker (a C extension stuck in a loop ignores signals handled in Python) without breaking or
hanging the whole pool, and neither reports a batch's results story by story, which is what tells
"slow batch" from "stuck story". What is hand-written here is only that: N reusable processes
(`multiprocessing`, spawn), one pipe each, `multiprocessing.connection.wait` over the pipes.

A task is a batch of stories; the worker sends each story's result as soon as it has it. A worker
that sends nothing for `timeout` seconds is killed and replaced; the stories of its batch that did
not come back are tried again one per task, and one that still times out (or kills its worker)
becomes a Failure with reason `timeout` (or `error` in stage `worker`). Results come out in input order.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from .model import Analysis, Story
from .pipeline import Failure, Pipeline

Result = Analysis | Failure


def _serve(conn: Connection, make_pipeline: Callable[[], Pipeline]) -> None:
    """A worker's life: build the pipeline once (and warm it up: the gazetteer and knowledge base
    load on first use, which is not a story's time), then analyze batches until told to stop."""
    try:
        try:
            pipeline = make_pipeline()
            pipeline.analyze(Story(text="Officials met in Paris on Monday.", date=dt.date(2020, 1, 1)))
        except Exception as err:
            conn.send(("failed", f"{type(err).__name__}: {err}"))
            return
        conn.send(("ready", os.getpid()))
        while (task := conn.recv()) is not None:
            for result in pipeline.pipe_guarded(task):
                conn.send(("result", result))
            conn.send(("done", None))
    except (EOFError, KeyboardInterrupt, BrokenPipeError):
        pass


# The numeric libraries under spaCy (OpenBLAS through numpy) start one thread per core in every
# process. With N workers on C cores that is N x C threads fighting for C cores: measured on 2
# cores, --jobs 2 went from 19.2 to 21.9 stories/s with one BLAS thread per worker. A user's own
# setting of these variables is kept.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _thread_limits(jobs: int) -> dict[str, str]:
    share = str(max(1, (os.cpu_count() or 1) // max(1, jobs)))
    return {v: share for v in _THREAD_VARIABLES if v not in os.environ}


@contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    """os.environ with `values` set, restored afterwards."""
    os.environ.update(values)
    try:
        yield
    finally:
        for key in values:
            os.environ.pop(key, None)


@dataclass
class _Task:
    batch: int  # the input batch it belongs to
    positions: list[int]  # the positions of its stories in that batch
    stories: list[Story]
    retry: bool = False  # a story tried alone after its batch hung or killed its worker


@dataclass
class _Worker:
    process: mp.Process
    conn: Connection
    tasks: list[_Task] = field(default_factory=list)  # sent, oldest (the one being analyzed) first
    returned: int = 0  # results received for tasks[0]
    last_heard: float = 0.0
    ready: bool = False


@dataclass
class _Batch:
    stories: list[Story]
    results: dict[int, Result] = field(default_factory=dict)


class WorkerPool:
    def __init__(self, jobs: int, make_pipeline: Callable[[], Pipeline] = Pipeline, timeout: float | None = None,
                 load_timeout: float = 900.0):
        self.jobs = max(1, jobs)
        self.make_pipeline = make_pipeline
        self.timeout = timeout
        self.load_timeout = load_timeout  # building the pipeline (model, gazetteer) is not a story's time
        self.ctx = mp.get_context("spawn")  # fork would copy the parent's threads' locks (DuckDB, rich)
        self.workers: list[_Worker] = []
        self.started = 0.0
        self.load_seconds = 0.0  # from starting the workers until the last one was ready
        # called at least every 0.5 s while the workers analyze: the ingest lets readers in then,
        # not only between batches (a batch can take minutes on a loaded machine)
        self.on_idle: Callable[[], object] | None = None

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        for w in self.workers:
            try:
                w.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        for w in self.workers:
            w.process.join(timeout=5)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
            w.conn.close()
        self.workers = []

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_serve, args=(child, self.make_pipeline), daemon=True,
                                name="storyline-worker")
        with _environ(_thread_limits(self.jobs)):  # a spawned process takes the environment at start
            proc.start()
        child.close()
        return _Worker(proc, parent, last_heard=time.monotonic())

    def _replace(self, w: _Worker) -> None:
        w.process.kill()
        w.process.join()
        w.conn.close()
        self.workers[self.workers.index(w)] = self._start()

    def map(self, batches: Iterable[list[Story]]) -> Iterator[list[Result]]:
        """Analyze each batch; yield each batch's results (in story order) in batch order. At most
        about three batches per worker are read ahead, so memory stays bounded. Workers start with
        the first story to analyze (an ingest of unchanged stories starts none)."""
        source = iter(batches)
        pending: dict[int, _Batch] = {}
        queue: list[_Task] = []  # stories to try alone go first
        next_in = next_out = 0
        exhausted = False
        while True:
            while not exhausted and len(queue) < self.jobs and len(pending) <= 3 * self.jobs:
                try:
                    stories = next(source)
                except StopIteration:
                    exhausted = True
                    break
                pending[next_in] = _Batch(stories)
                if stories:
                    queue.append(_Task(next_in, list(range(len(stories))), stories))
                next_in += 1
            if queue and not self.workers:
                self.started = time.monotonic()
                self.workers = [self._start() for _ in range(self.jobs)]
            # each worker holds its current task and the next, so it never waits while we write
            for w in list(self.workers):
                while queue and w.ready and len(w.tasks) < 2:
                    if not w.tasks:
                        w.returned, w.last_heard = 0, time.monotonic()
                    w.tasks.append(queue.pop(0))
                    try:
                        w.conn.send(w.tasks[-1].stories)
                    except OSError:  # the worker died on its current task: that task is the suspect
                        queue.insert(0, w.tasks.pop())
                        w.process.join(timeout=1)
                        self._lost(w, pending, queue, "error", f"the worker process died (exit code "
                                                                f"{w.process.exitcode}) while analyzing this story")
                        break
            while next_out in pending and len(pending[next_out].results) == len(pending[next_out].stories):
                b = pending.pop(next_out)
                yield [b.results[i] for i in range(len(b.stories))]
                next_out += 1
            if exhausted and not pending:
                return
            if any(w.tasks or not w.ready for w in self.workers):
                self._listen(pending, queue)
                if self.on_idle is not None:
                    self.on_idle()

    def _listen(self, pending: dict[int, _Batch], queue: list[_Task]) -> None:
        by_conn = {w.conn: w for w in self.workers}
        for conn in wait(list(by_conn), timeout=0.5):
            w = by_conn[conn]
            try:
                kind, payload = conn.recv()
            except (EOFError, OSError):
                w.process.join(timeout=1)
                self._lost(w, pending, queue, "error", f"the worker process died (exit code "
                                                        f"{w.process.exitcode}) while analyzing this story")
                continue
            w.last_heard = time.monotonic()
            if kind == "failed":
                raise RuntimeError(f"a worker could not build the pipeline: {payload}")
            if kind == "ready":
                w.ready = True
                if all(x.ready for x in self.workers) and not self.load_seconds:
                    self.load_seconds = time.monotonic() - self.started
            elif kind == "result":
                task = w.tasks[0]
                pending[task.batch].results[task.positions[w.returned]] = payload
                w.returned += 1
            elif kind == "done":
                w.tasks.pop(0)
                w.returned = 0
        now = time.monotonic()
        for w in list(self.workers):
            if not w.ready and now - w.last_heard > self.load_timeout:
                raise RuntimeError(f"a worker did not load the pipeline within {self.load_timeout:g} s")
            if w.tasks and self.timeout is not None and now - w.last_heard > self.timeout:
                self._lost(w, pending, queue, "timeout", f"no result within {self.timeout:g} s (--timeout); "
                                                         f"the worker was stopped")

    def _lost(self, w: _Worker, pending: dict[int, _Batch], queue: list[_Task], reason: str, why: str) -> None:
        """A worker hung or died: replace it; its unfinished stories are tried alone, and a story
        that was already alone is the cause."""
        if not w.ready:
            w.process.join(timeout=1)
            raise RuntimeError(f"a worker process died while loading the pipeline (exit code {w.process.exitcode})")
        self._replace(w)
        if not w.tasks:
            return
        task, waiting = w.tasks[0], w.tasks[1:]
        left = list(zip(task.positions, task.stories))[w.returned:]
        if len(left) == 1 and (task.retry or len(task.positions) == 1):
            pos, story = left[0]
            pending[task.batch].results[pos] = Failure(story, "worker" if reason == "error" else "pipeline", why, "",
                                                       reason=reason)
            left = []
        queue[:0] = [_Task(task.batch, [pos], [story], retry=True) for pos, story in left] + waiting
