"""Time spent in each pipeline stage, and what the time stage adds to the pipeline's time.

    python benchmarks/stage_times.py [--n N] [--data FILE] [--batch-size B] [--json OUT]

Runs the storyline pipeline on the first N stories of Reuters-21578 the way Language.pipe does
(each component over a batch, with its own .pipe where it has one), but finishes each component
on the batch before the next, so the seconds of each stage can be read apart. "time stage share"
is the time stage's seconds over the rest of the pipeline's: the issue's bar is < 10%.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import corpus_args, emit, load, progress  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    corpus_args(ap)
    args = ap.parse_args()

    from storyline.pipeline import build_nlp

    stories = load(args.data, args.n)
    nlp = build_nlp()
    list(nlp.pipe(["Warm up the model on Monday."]))
    seconds: dict[str, float] = defaultdict(float)
    batches = [stories[i:i + args.batch_size] for i in range(0, len(stories), args.batch_size)]
    times_found = 0
    for batch in progress(batches, description="stages"):
        t0 = time.perf_counter()
        docs = []
        for story in batch:
            doc = nlp.make_doc(story.text)
            doc._.story_date = story.date
            docs.append(doc)
        seconds["tokenizer"] += time.perf_counter() - t0
        for name, proc in nlp.pipeline:
            t0 = time.perf_counter()
            if hasattr(proc, "pipe"):
                docs = list(proc.pipe(docs, batch_size=args.batch_size))
            else:
                docs = [proc(doc) for doc in docs]
            seconds[name] += time.perf_counter() - t0
        times_found += sum(len(doc._.times) for doc in docs)
    total = sum(seconds.values())
    time_stage = seconds["storyline_time"]
    result = {
        "data": str(args.data), "stories": len(stories), "time_expressions": times_found,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "share_of_total": {k: round(v / total, 4) for k, v in seconds.items()},
        "time_stage_share_of_rest": round(time_stage / (total - time_stage), 4),
        "stories_per_s": round(len(stories) / total, 2),
    }
    emit(result, args.json)


if __name__ == "__main__":
    main()
