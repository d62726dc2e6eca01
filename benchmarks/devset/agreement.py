"""Intra-annotator agreement of the event set: a seeded sample of annotated sentences, annotated a
second time blind (events/second/*.ann -> events/second_pass.jsonl), against the first labels.

    python benchmarks/devset/agreement.py sample [--n 150] > /tmp/second_pass_todo.txt
    python benchmarks/devset/agreement.py score [--json OUT]

`sample` draws sentences with random.Random(SEED) from the sentences of batches 01-LAST_BATCH (all
three splits; 1,100 sentences when it was drawn) and prints, for each, the batch header to copy (the document's splitter fixes, which are
not labels) and the sentence with two sentences of context - never the first labels.

`score` compares the two passes on the sentences of the second pass:
- per PLOVER type, Cohen's kappa of "the sentence has an event of this type" (and over "the
  sentence has any event");
- event-level precision/recall/F1 of the second pass against the first, events matched one to one
  within a sentence: `type+trigger` (same type, overlapping trigger), `+roles` (also the same
  source and target codes), `+modality`.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate import TYPES, parse_batch, sentences  # noqa: E402
from corpus import HERE, document_text, load_events  # noqa: E402

SEED = 1500
LAST_BATCH = 13  # the sample was drawn when batches 01-13 (1,100 sentences) were done


def _fixes_by_doc() -> dict[tuple[str, str], str]:
    """The splitter fixes each document's first-pass block used (merge=, cut=)."""
    out = {}
    for path in sorted((HERE / "events" / "src").glob("*.ann")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("@"):
                parts = line[1:].split()
                out[(parts[0], parts[1])] = " ".join(p for p in parts[3:] if p.startswith(("merge=", "cut=")))
    return out


def sample(n: int) -> None:
    recs = [r for path in sorted((HERE / "events" / "src").glob("batch*.ann"))
            if int(re.sub(r"\D", "", path.stem)) <= LAST_BATCH for r in parse_batch(path)]
    for r in recs:
        r["text"] = document_text(r["corpus"], r["doc"])[r["start"]:r["end"]]
    recs.sort(key=lambda r: r["id"])
    picked = random.Random(SEED).sample(recs, n)
    fixes = _fixes_by_doc()
    for r in sorted(picked, key=lambda r: (r["corpus"], r["doc"], r["start"])):
        fix = fixes[(r["corpus"], r["doc"])]
        spans = sentences(r["corpus"], r["doc"], dict(p.split("=", 1) for p in fix.split()))
        i = spans.index((r["start"], r["end"]))
        text = document_text(r["corpus"], r["doc"])
        context = " ".join(" ".join(text[s:e].split()) for s, e in spans[max(0, i - 2):i])
        print(f"@{r['corpus']} {r['doc']} s{i}-s{i} {fix}".rstrip())
        print(f"#   context: {context[-400:]}")
        print(f"#   SENTENCE: {' '.join(r['text'].split())}")
        print()


def kappa(a: list[bool], b: list[bool]) -> float | None:
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return None if pe == 1 else (po - pe) / (1 - pe)


def _match(first: list[dict], second: list[dict], key) -> int:
    used, hits = set(), 0
    for e in second:
        for j, f in enumerate(first):
            if j not in used and key(e, f):
                used.add(j)
                hits += 1
                break
    return hits


def _overlap(e: dict, f: dict) -> bool:
    a, b = e["trigger_start"], f["trigger_start"]
    return a < b + len(f["trigger"]) and b < a + len(e["trigger"])


KEYS = {
    "type+trigger": lambda e, f: e["type"] == f["type"] and _overlap(e, f),
    "+roles": lambda e, f: (e["type"] == f["type"] and _overlap(e, f) and e["source_code"] == f["source_code"]
                            and e["target_code"] == f["target_code"]),
    "+modality": lambda e, f: (e["type"] == f["type"] and _overlap(e, f) and e["source_code"] == f["source_code"]
                               and e["target_code"] == f["target_code"] and e["modality"] == f["modality"]),
    "type only": lambda e, f: e["type"] == f["type"],
}


def score() -> dict:
    second = {r["id"]: r for r in load_events("second_pass")}
    first = {r["id"]: r for split in ("train", "dev", "test") for r in load_events(split) if r["id"] in second}
    missing = sorted(set(second) - set(first))
    if missing:
        raise SystemExit(f"second-pass sentences not in the first pass: {missing[:5]}")
    ids = sorted(second)
    out = {"sentences": len(ids), "events_first": sum(len(first[i]["events"]) for i in ids),
           "events_second": sum(len(second[i]["events"]) for i in ids)}
    any_a = [bool(first[i]["events"]) for i in ids]
    any_b = [bool(second[i]["events"]) for i in ids]
    out["has_event"] = {"kappa": kappa(any_a, any_b), "first": sum(any_a), "second": sum(any_b)}
    per_type, weighted, weight = {}, 0.0, 0
    for t in sorted(TYPES):
        a = [any(e["type"] == t for e in first[i]["events"]) for i in ids]
        b = [any(e["type"] == t for e in second[i]["events"]) for i in ids]
        if not any(a) and not any(b):
            continue
        k = kappa(a, b)
        per_type[t] = {"kappa": None if k is None else round(k, 3), "first": sum(a), "second": sum(b)}
        if k is not None:
            weighted += k * (sum(a) + sum(b))
            weight += sum(a) + sum(b)
    out["type_kappa"] = per_type
    out["type_kappa_weighted_mean"] = round(weighted / weight, 3) if weight else None
    out["event_f1"] = {}
    for name, key in KEYS.items():
        hits = sum(_match(first[i]["events"], second[i]["events"], key) for i in ids)
        p = hits / out["events_second"] if out["events_second"] else 0.0
        r = hits / out["events_first"] if out["events_first"] else 0.0
        out["event_f1"][name] = {"precision": round(p, 3), "recall": round(r, 3),
                                 "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}
    out["has_event"]["kappa"] = round(out["has_event"]["kappa"], 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--n", type=int, default=150)
    c = sub.add_parser("score")
    c.add_argument("--json", type=Path)
    args = ap.parse_args()
    if args.cmd == "sample":
        sample(args.n)
    else:
        result = score()
        text = json.dumps(result, indent=2)
        print(text)
        if args.json:
            args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
