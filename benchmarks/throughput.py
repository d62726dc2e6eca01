"""Throughput: plain spaCy nlp.pipe (one process) vs storyline ingest --jobs 1 and --jobs J.

    python benchmarks/throughput.py [--n N] [--jobs J] [--data FILE] [--json OUT]

All three run on the same N stories of Reuters-21578 (../shared/eval/news/reuters21578.jsonl), one
after the other. storyline is the real ingest (runner.ingest: reading a JSON Lines file, worker
processes, database writes) into a fresh database; its rate leaves out the time the workers take to
load the pipeline, as the plain spaCy rate leaves out spacy.load. Memory is the peak of the summed
RSS of this process and all its children, sampled every 0.2 s (psutil).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import corpus_args, emit, load, progress, tree_rss_mb  # noqa: E402


class PeakRSS:
    """Peak of the summed RSS of this process and its descendants, sampled in a thread."""

    def __init__(self, every: float = 0.2):
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb())
            self._stop.wait(self.every)

    def __enter__(self) -> "PeakRSS":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mb(self) -> float:
        return round(self.peak, 1)


def storyline_run(stories, jobs: int, batch_size: int) -> dict:
    from storyline.runner import ingest

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "stories.jsonl"
        src.write_text("".join(json.dumps({"id": s.id, "date": str(s.date), "title": s.title, "text": s.text}) + "\n"
                               for s in stories), encoding="utf-8")
        with PeakRSS() as mem:
            summary = ingest([src], Path(tmp) / "bench.duckdb", jobs=jobs, batch_size=batch_size, timeout=600)
    analysis_s = summary.seconds - summary.load_seconds
    return {"stories_per_s": round(summary.stories / analysis_s, 2), "seconds": round(analysis_s, 1),
            "load_seconds": round(summary.load_seconds, 1), "stories": summary.stories, "events": summary.events,
            "rejects": len(summary.rejects), "peak_rss_mb_all_processes": mem.mb}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    corpus_args(ap)
    ap.add_argument("--jobs", type=int, default=2, help="workers for the parallel run (default 2)")
    args = ap.parse_args()

    import spacy

    from storyline.pipeline import MODEL

    stories = load(args.data, args.n)
    chars = sum(len(s.text) for s in stories)
    print(f"{len(stories)} stories, {chars:,} characters, from {args.data}", file=sys.stderr)

    with PeakRSS() as mem:
        plain = spacy.load(MODEL)
        list(plain.pipe(["warm up the model."]))
        t0 = time.perf_counter()
        for _ in progress(plain.pipe((s.text for s in stories), batch_size=args.batch_size), total=len(stories),
                          description="plain spaCy", transient=True):
            pass
        plain_s = time.perf_counter() - t0
    del plain
    plain_rate = len(stories) / plain_s
    print(f"plain spaCy: {plain_rate:.1f} stories/s", file=sys.stderr)

    one = storyline_run(stories, 1, args.batch_size)
    print(f"storyline --jobs 1: {one['stories_per_s']} stories/s", file=sys.stderr)
    many = storyline_run(stories, args.jobs, args.batch_size)
    print(f"storyline --jobs {args.jobs}: {many['stories_per_s']} stories/s", file=sys.stderr)

    result = {
        "n": len(stories), "chars": chars, "batch_size": args.batch_size, "jobs": args.jobs,
        "plain_spacy_stories_per_s": round(plain_rate, 2),
        "plain_spacy_peak_rss_mb": mem.mb,
        "storyline_jobs_1": one,
        f"storyline_jobs_{args.jobs}": many,
        "ratio_jobs_1_vs_plain_spacy": round(one["stories_per_s"] / plain_rate, 3),
        f"ratio_jobs_{args.jobs}_vs_jobs_1": round(many["stories_per_s"] / one["stories_per_s"], 3),
        # kept from the earlier single-process benchmark: storyline (one process) over plain spaCy
        "storyline_stories_per_s": one["stories_per_s"],
        "ratio": round(one["stories_per_s"] / plain_rate, 3),
    }
    emit(result, args.json)


if __name__ == "__main__":
    main()
