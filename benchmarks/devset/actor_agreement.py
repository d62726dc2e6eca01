"""Agreement between two annotation passes of the real-news actor stories: the first pass
(actors/<corpus>-<doc>.json, built from actors/src/*.ann) and a second pass of some of the same
stories (actors/second/*.ann, same batch format, compiled here).

    python benchmarks/devset/actor_agreement.py [--json OUT]

Figures (the first pass is the reference where a direction is needed):
- mentions: precision/recall/F1 of the second pass's spans, exact (same start and end) and
  overlapping (one-to-one, largest overlap first);
- clusters: B-cubed (Bagga & Baldwin 1998) over the mentions both passes marked with the same span,
  and B-cubed as benchmarks/actors.py scores a system (second pass as the system: overlap mapping,
  a first-pass mention the second pass lacks is a singleton);
- codes: for each first-pass actor, the second-pass actor most of its mentions map to (overlap);
  country (first three letters) and full code agreement, over the first-pass actors mapped.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate_actors import finish, parse  # noqa: E402
from corpus import HERE  # noqa: E402


def second_pass() -> list[dict]:
    stories = []
    for path in sorted((HERE / "actors" / "second").glob("*.ann")):
        for story in parse(path):
            stories.append(finish(story, {}))
    return stories


def bcubed(gold: dict, system: dict) -> tuple[float, float]:
    """Mean B-cubed precision and recall of `system` against `gold` (mention -> cluster) over the
    mentions of `gold`; a mention missing from `system` is its own singleton."""
    p = r = 0.0
    for m in gold:
        g = {x for x in gold if gold[x] == gold[m]}
        s = {x for x in gold if system.get(x) is not None and system.get(x) == system.get(m)} or {m}
        p += len(g & s) / len(s)
        r += len(g & s) / len(g)
    return p / len(gold), r / len(gold)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def overlap_pairs(first: list, second: list) -> list[tuple[int, int]]:
    """One-to-one pairs (i, j) of overlapping mentions, the largest overlap first."""
    cands = sorted(((min(a[1], b[1]) - max(a[0], b[0]), i, j) for i, a in enumerate(first)
                    for j, b in enumerate(second) if min(a[1], b[1]) > max(a[0], b[0])), reverse=True)
    used_i, used_j, pairs = set(), set(), []
    for _, i, j in cands:
        if i not in used_i and j not in used_j:
            used_i.add(i), used_j.add(j)
            pairs.append((i, j))
    return pairs


def compare(first: dict, second: dict) -> dict:
    m1 = [tuple(m[:3]) for m in first["mentions"]]
    m2 = [tuple(m[:3]) for m in second["mentions"]]
    exact = {(s, e) for s, e, _ in m1} & {(s, e) for s, e, _ in m2}
    pairs = overlap_pairs(m1, m2)
    # B-cubed over the shared spans (symmetric: precision is recall the other way round)
    g = {(s, e): a for s, e, a in m1 if (s, e) in exact}
    s_ = {(s, e): a for s, e, a in m2 if (s, e) in exact}
    shared_p, shared_r = bcubed(g, s_) if g else (0.0, 0.0)
    # B-cubed as the actor benchmark scores a system: every first-pass mention, overlap mapping
    mapped = {i: m2[j][2] for i, j in pairs}
    gold = {i: m[2] for i, m in enumerate(m1)}
    bench_p, bench_r = bcubed(gold, mapped)
    codes = []
    for aid, code in first["actors"].items():
        votes = Counter(mapped[i] for i in gold if gold[i] == aid and i in mapped)
        if votes:
            other = second["actors"][votes.most_common(1)[0][0]]
            codes.append((code, other))
    return {"first": len(m1), "second": len(m2), "exact": len(exact), "overlap": len(pairs),
            "shared": len(g), "shared_bcubed": (shared_p * len(g), shared_r * len(g)),
            "bench_bcubed": (bench_p * len(m1), bench_r * len(m1)), "codes": codes,
            "actors_first": len(first["actors"]), "actors_second": len(second["actors"])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, help="write the figures as JSON")
    args = ap.parse_args()
    rows, code_pairs = [], []
    tot = Counter()
    sp = sr = bp = br = 0.0
    for second in second_pass():
        key = f"{second['corpus']}-{second['doc']}"
        first = json.loads((HERE / "actors" / f"{key}.json").read_text(encoding="utf-8"))
        c = compare(first, second)
        for k in ("first", "second", "exact", "overlap", "shared", "actors_first", "actors_second"):
            tot[k] += c[k]
        sp, sr = sp + c["shared_bcubed"][0], sr + c["shared_bcubed"][1]
        bp, br = bp + c["bench_bcubed"][0], br + c["bench_bcubed"][1]
        code_pairs += c["codes"]
        rows.append({"story": key, "split": first["split"], "mentions_first": c["first"],
                     "mentions_second": c["second"], "exact": c["exact"],
                     "code_disagreements": [p for p in c["codes"] if p[0] != p[1]]})
    ep, er = tot["exact"] / tot["second"], tot["exact"] / tot["first"]
    op, orr = tot["overlap"] / tot["second"], tot["overlap"] / tot["first"]
    result = {
        "stories": len(rows),
        "mentions": {"first": tot["first"], "second": tot["second"],
                     "exact_f1": round(f1(ep, er), 3), "exact_precision": round(ep, 3), "exact_recall": round(er, 3),
                     "overlap_f1": round(f1(op, orr), 3)},
        "bcubed_shared_spans": {"mentions": tot["shared"], "precision": round(sp / tot["shared"], 3),
                                "recall": round(sr / tot["shared"], 3),
                                "f1": round(f1(sp / tot["shared"], sr / tot["shared"]), 3)},
        "bcubed_benchmark_style": {"precision": round(bp / tot["first"], 3), "recall": round(br / tot["first"], 3),
                                   "f1": round(f1(bp / tot["first"], br / tot["first"]), 3)},
        "codes": {"actors_first": tot["actors_first"], "actors_second": tot["actors_second"],
                  "actors_mapped": len(code_pairs),
                  "country": round(sum(a[:3] == b[:3] for a, b in code_pairs) / len(code_pairs), 3),
                  "full": round(sum(a == b for a, b in code_pairs) / len(code_pairs), 3)},
        "per_story": rows,
    }
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
