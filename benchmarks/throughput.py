"""Throughput: plain spaCy nlp.pipe vs the full storyline pipeline with database writes.

    python benchmarks/throughput.py [--n N] [--data FILE] [--json OUT]

Both run on the same N stories of Reuters-21578 (../shared/eval/news/reuters21578.jsonl), in one
process, one after the other; peak memory (RSS high-water mark) is read after each phase and at
N/4, N/2 and N to show whether memory stays flat as N grows.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import corpus_args, emit, load, progress  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    corpus_args(ap)
    args = ap.parse_args()

    import spacy

    from storyline.pipeline import MODEL, Pipeline
    from storyline.runner import _batches
    from storyline.store import Store

    stories = load(args.data, args.n)
    chars = sum(len(s.text) for s in stories)
    print(f"{len(stories)} stories, {chars:,} characters, from {args.data}", file=sys.stderr)

    plain = spacy.load(MODEL)
    list(plain.pipe(["warm up the model."]))
    t0 = time.perf_counter()
    for _ in progress(plain.pipe((s.text for s in stories), batch_size=args.batch_size), total=len(stories),
                   description="plain spaCy", transient=True):
        pass
    plain_s = time.perf_counter() - t0
    mem_plain = peak_mb()
    del plain

    pipe = Pipeline(batch_size=args.batch_size)
    pipe.analyze(stories[0])  # load the gazetteer and knowledge base before timing
    marks = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        t0 = time.perf_counter()
        done = 0
        for batch in _batches(progress(stories, description="storyline", transient=True), args.batch_size):
            analyses = list(pipe.pipe(batch))
            store.write(analyses)
            done += len(batch)
            for frac in (0.25, 0.5, 1.0):
                if done >= frac * len(stories) and frac not in marks:
                    marks[frac] = round(peak_mb(), 1)
        full_s = time.perf_counter() - t0
        counts = store.counts()
        store.close()

    result = {
        "n": len(stories), "chars": chars, "batch_size": args.batch_size,
        "plain_spacy_stories_per_s": round(len(stories) / plain_s, 2),
        "storyline_stories_per_s": round(len(stories) / full_s, 2),
        "ratio": round(plain_s / full_s, 3),
        "peak_rss_mb_after_plain": round(mem_plain, 1),
        "peak_rss_mb_during_storyline": {f"{int(k * 100)}%": v for k, v in sorted(marks.items())},
        "stored": counts,
    }
    emit(result, args.json)


if __name__ == "__main__":
    main()
