"""Memory on a long ingest: is the summed RSS of all processes flat after warm-up?

    python benchmarks/memory.py [--n 50000] [--jobs 2] [--warmup 0.1] [--data FILE] [--json OUT]

Reuters-21578's stories with a body, repeated with distinct ids (r<round>-<id>) until N, are written to
a temporary JSON Lines file and ingested with `--jobs J` into a fresh database. Every 2 s the RSS of
this process (reader and writer) and its workers is summed. Warm-up is the first `--warmup` share of
the stories read; the check is that no later sample exceeds the RSS at the end of warm-up by more
than 10%. (The texts repeat, so spaCy's string store stops growing after the first round: this
measures storyline's own buffers, the batches in flight and DuckDB's cache, not vocabulary growth.)
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
from common import REUTERS, emit, tree_rss_mb  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--warmup", type=float, default=0.1)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--data", type=Path, default=REUTERS)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from storyline.runner import ingest

    base = [json.loads(line) for line in args.data.open(encoding="utf-8")]
    base = [r for r in base if (r.get("body") or "").strip()]
    read = {"n": 0}
    samples: list[tuple[float, int, float]] = []
    stop = threading.Event()

    def sample() -> None:
        t0 = time.monotonic()
        while not stop.is_set():
            samples.append((round(time.monotonic() - t0, 1), read["n"], round(tree_rss_mb(), 1)))
            stop.wait(2.0)

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "stories.jsonl"
        with src.open("w", encoding="utf-8") as f:
            for i in range(args.n):
                r = base[i % len(base)]
                f.write(json.dumps({"id": f"r{i // len(base)}-{r['id']}", "date": r["date"], "title": r.get("title"),
                                    "text": r["body"]}) + "\n")
        thread = threading.Thread(target=sample, daemon=True)
        thread.start()

        def seen(_rec) -> None:
            read["n"] += 1

        summary = ingest([src], Path(tmp) / "mem.duckdb", jobs=args.jobs, batch_size=args.batch_size, on_story=seen,
                         timeout=600)
        stop.set()
        thread.join()

    warm = args.warmup * args.n
    after = [s for s in samples if s[1] >= warm]
    at_warm = after[0][2] if after else None
    peak_after = max((s[2] for s in after), default=None)
    ratio = round(peak_after / at_warm, 3) if at_warm else None
    step = max(1, len(samples) // 40)
    result = {
        "n": args.n, "jobs": args.jobs, "stories_written": summary.stories, "rejects": len(summary.rejects),
        "seconds": round(summary.seconds, 1), "warmup_stories": int(warm),
        "rss_mb_at_warmup": at_warm, "peak_rss_mb_after_warmup": peak_after,
        "peak_over_warmup": ratio, "within_10_percent": ratio is not None and ratio <= 1.10,
        "profile": [{"s": t, "stories_read": n, "rss_mb": mb} for t, n, mb in samples[::step]],
    }
    emit(result, args.json)


if __name__ == "__main__":
    main()
