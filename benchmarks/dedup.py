"""Canonical events: how well storyline groups event mentions into real-world events.

    python benchmarks/dedup.py [--split dev|test] [--reuters N] [--json OUT]

Gold: benchmarks/devset/dedup/ (330 mentions of 81 real-world events in 103 Reuters-21578 stories,
grouped by hand; split by cluster; guide in benchmarks/devset/README.md).

Two views, both reported:
- end to end: the stories of the split run through the pipeline into a fresh database and
  `storyline.dedup`; each gold mention is matched to the system event in its sentence (same PLOVER
  type preferred, then the nearest trigger); over the matched gold mentions, a pair is linked in
  the gold when the two share a cluster and in the system when they share a canonical event.
- given the gold mentions: the clustering alone, on mentions built from the gold annotation (type,
  codes, the date the sentence gives, the story's date), i.e. with perfect extraction.
Each with pairwise precision/recall/F1 and B-cubed, beside two baselines: no grouping (every mention
its own event) and the ICEWS rule (one event per source, target, type and day).

--reuters N: the first N Reuters-21578 stories with a body through the pipeline and dedup: raw
event mentions against canonical events.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "devset"))
from common import REUTERS, emit, load, progress  # noqa: E402


def pairwise(gold: dict, system: dict) -> dict:
    """Pairwise P/R/F1 over the mentions in `gold` (mention -> gold cluster; system: -> system id)."""
    ms = sorted(gold)
    tp = fp = fn = 0
    for a, b in combinations(ms, 2):
        g = gold[a] == gold[b]
        s = system.get(a) is not None and system.get(a) == system.get(b)
        tp += g and s
        fp += s and not g
        fn += g and not s
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "gold_pairs": tp + fn, "system_pairs": tp + fp}


def bcubed(gold: dict, system: dict) -> dict:
    by_gold, by_sys = defaultdict(set), defaultdict(set)
    for m in gold:
        by_gold[gold[m]].add(m)
        by_sys[system.get(m, ("alone", m))].add(m)
    p = r = 0.0
    for m in gold:
        g, s = by_gold[gold[m]], by_sys[system.get(m, ("alone", m))]
        p += len(g & s) / len(s)
        r += len(g & s) / len(g)
    n = len(gold) or 1
    p, r = p / n, r / n
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def scores(gold: dict, system: dict) -> dict:
    return {"pairwise": pairwise(gold, system), "bcubed": bcubed(gold, system), "mentions": len(gold),
            "gold_clusters": len(set(gold.values())),
            "system_clusters": len({system.get(m, ("alone", m)) for m in gold})}


def _interval(value: str) -> tuple[dt.date | None, dt.date | None]:
    """A partial ISO date ("1987-10-19", "1987-10", "1987") as its first and last day."""
    try:
        if len(value) == 10:
            d = dt.date.fromisoformat(value)
            return d, d
        if len(value) == 7:
            y, m = int(value[:4]), int(value[5:7])
            nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
            return dt.date(y, m, 1), nxt - dt.timedelta(days=1)
        if len(value) == 4:
            return dt.date(int(value), 1, 1), dt.date(int(value), 12, 31)
    except ValueError:
        pass
    return None, None


def gold_mentions(gold: list[dict]):
    """The gold annotation as storyline Mentions: perfect extraction, for the clustering alone."""
    from storyline.dedup import Mention

    out = {}
    for g in gold:
        lo, hi = _interval(g["event_date"])
        out[g["id"]] = Mention(f"reuters-{g['doc']}", g["trigger_start"], g["type"], g["source_code"] or None,
                               g["target_code"] or None, lo, hi, "stated" if lo else "reported",
                               dt.date.fromisoformat(g["date"]), date_value=g["event_date"] or g["date"],
                               place_name=g["place"] or None)
    return out


def icews_key(m) -> tuple:
    """ICEWS keeps one event per source, target, code and day (here: type, and the stated day or
    the report's)."""
    day = m.earliest if m.earliest and m.earliest == m.latest else m.story_date
    return (m.plover_type, m.source_code, m.target_code, day)


def end_to_end(gold: list[dict]) -> tuple[dict, dict, dict, dict]:
    """Run the split's stories through storyline and dedup; match gold mentions to system events."""
    import json

    from storyline import Pipeline
    from storyline.dedup import MENTION_SQL, Mention, dedup
    from storyline.model import Story
    from storyline.store import Store

    docs = sorted({g["doc"] for g in gold}, key=int)
    by_id = {}
    with open(REUTERS, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if str(rec["id"]) in docs:
                by_id[str(rec["id"])] = rec
    stories = [Story(text=by_id[d]["body"], date=dt.date.fromisoformat(by_id[d]["date"][:10]), id=f"reuters-{d}")
               for d in docs]
    pipeline = Pipeline()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "dedup.duckdb") as store:
        t0 = time.perf_counter()
        analyses = list(progress(pipeline.pipe(stories), total=len(stories), description="stories"))
        store.write(analyses)
        t1 = time.perf_counter()
        dedup(store.con)
        t2 = time.perf_counter()
        rows = store.con.execute(
            "SELECT e.story_id, e.event_no, e.plover_type, e.trigger_start, l.canonical_id FROM events e "
            "JOIN event_links l USING (story_id, event_no)").fetchall()
        mentions = {(r[0], r[1]): Mention(*r) for r in store.con.execute(MENTION_SQL).fetchall()}
    by_story = defaultdict(list)
    for sid, no, typ, trig, cid in rows:
        by_story[sid].append((no, typ, trig, cid))
    matched, taken = {}, set()
    for g in sorted(gold, key=lambda g: (g["doc"], g["trigger_start"])):
        sid = f"reuters-{g['doc']}"
        cands = [c for c in by_story[sid] if g["start"] <= c[2] < g["end"] and (sid, c[0]) not in taken]
        if not cands:
            continue
        best = min(cands, key=lambda c: (c[1] != g["type"], abs(c[2] - g["trigger_start"])))
        taken.add((sid, best[0]))
        matched[g["id"]] = (best[3], mentions[(sid, best[0])], best[1] == g["type"])
    timing = {"stories": len(stories), "pipeline_s": round(t1 - t0, 1), "dedup_s": round(t2 - t1, 3),
              "system_mentions": len(rows)}
    gold_of = {g["id"]: g["cluster"] for g in gold if g["id"] in matched}
    system = {k: v[0] for k, v in matched.items()}
    icews = {k: icews_key(v[1]) for k, v in matched.items()}
    coverage = {"gold_mentions": len(gold), "matched": len(matched),
                "matched_same_type": sum(v[2] for v in matched.values())}
    return gold_of, system, icews, {**timing, **coverage}


def evaluate(split: str) -> dict:
    from corpus import load_dedup

    from storyline.dedup import cluster_mentions

    gold = load_dedup(split)
    gold_of = {g["id"]: g["cluster"] for g in gold}
    ms = gold_mentions(gold)
    clusters = cluster_mentions(ms.values())
    owner = {id(m): c.canonical_id for c in clusters for m in c.mentions}
    given = {k: owner[id(m)] for k, m in ms.items()}
    e2e_gold, e2e_sys, e2e_icews, info = end_to_end(gold)
    return {
        "end_to_end": {**scores(e2e_gold, e2e_sys), "coverage": info,
                       "baselines": {"no_grouping": scores(e2e_gold, {}),
                                     "icews_key": scores(e2e_gold, e2e_icews)}},
        "given_gold_mentions": {**scores(gold_of, given),
                                "baselines": {"no_grouping": scores(gold_of, {}),
                                              "icews_key": scores(gold_of, {k: icews_key(m) for k, m in ms.items()})}},
    }


def reuters_counts(n: int) -> dict:
    from storyline import Pipeline
    from storyline.dedup import dedup
    from storyline.store import Store

    stories = load(REUTERS, n)
    pipeline = Pipeline()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "r.duckdb") as store:
        batch = []
        for a in progress(pipeline.pipe(stories), total=len(stories), description="reuters"):
            batch.append(a)
            if len(batch) == 64:
                store.write(batch)
                batch = []
        store.write(batch)
        t0 = time.perf_counter()
        summary = dedup(store.con)
        seconds = time.perf_counter() - t0
        political = store.con.execute(
            "SELECT count(*), count(DISTINCT l.canonical_id) FROM events e JOIN event_links l "
            "USING (story_id, event_no) WHERE coalesce(e.domain, 'political') = 'political'").fetchone()
        multi = store.con.execute("SELECT count(*), max(n_stories) FROM canonical_events WHERE n_stories > 1").fetchone()
    return {"stories": len(stories), "event_mentions": summary.mentions, "canonical_events": summary.canonical,
            "ratio": round(summary.canonical / summary.mentions, 3) if summary.mentions else None,
            "political_mentions": political[0], "political_canonical": political[1],
            "canonical_reported_by_2plus_stories": multi[0], "max_stories_per_event": multi[1],
            "dedup_seconds": round(seconds, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["dev", "test"], action="append",
                    help="gold split(s) to score (default: test; tune on dev only)")
    ap.add_argument("--reuters", type=int, default=0, metavar="N",
                    help="also count raw vs canonical events on the first N Reuters stories with a body")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    result = {split: evaluate(split) for split in (args.split or ["test"])}
    if args.reuters:
        result["reuters"] = reuters_counts(args.reuters)
    emit(result, args.json)


if __name__ == "__main__":
    main()
