"""Counts for the README: the event set per split (sentences, documents, positives, events by type,
corpus, modality, domain), the actor stories and the dedup set.

    python benchmarks/devset/stats.py [--json OUT]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import HERE, DevsetError, load_actor_stories, load_dedup, load_events  # noqa: E402


def event_stats() -> dict:
    out = {}
    for split in ("train", "dev", "test"):
        recs = load_events(split)
        events = [e for r in recs for e in r["events"]]
        out[split] = {
            "sentences": len(recs),
            "documents": len({(r["corpus"], r["doc"]) for r in recs}),
            "with_event": sum(1 for r in recs if r["events"]),
            "events": len(events),
            "by_corpus": dict(Counter(r["corpus"] for r in recs)),
            "by_type": dict(sorted(Counter(e["type"] for e in events).items())),
            "by_modality": dict(Counter(e["modality"] for e in events)),
            "by_domain": dict(Counter(e["domain"] for e in events)),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    result = {"events": event_stats()}
    try:
        stories = load_actor_stories()
        result["actors"] = {
            split: {"stories": len(s), "mentions": sum(len(x["mentions"]) for x in s),
                    "actors": sum(len(x["actors"]) for x in s), "events": sum(len(x["events"]) for x in s),
                    "by_corpus": dict(Counter(x["corpus"] for x in s))}
            for split in ("dev", "test") for s in [[x for x in stories if x["split"] == split]]}
    except DevsetError as err:
        result["actors"] = str(err)
    result["dedup"] = {}
    for split in ("dev", "test"):
        if (HERE / "dedup" / f"{split}.jsonl").exists():
            recs = load_dedup(split)
            clusters = Counter(r["cluster"] for r in recs)
            result["dedup"][split] = {"mentions": len(recs), "clusters": len(clusters),
                                      "singletons": sum(1 for c in clusters.values() if c == 1),
                                      "stories": len({r["doc"] for r in recs}),
                                      "topics": dict(Counter(r["topic"] for r in recs)),
                                      "by_type": dict(sorted(Counter(r["type"] for r in recs).items()))}
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
