"""Agreement of the event set's annotations.

Intra-annotator: a seeded sample of annotated sentences, annotated a second time blind by the same
annotator (events/second/*.ann -> events/second_pass.jsonl), against the first labels.
Inter-annotator: an independent second annotator's labels of the whole test split and of the same
sample (events/test_second_annotator.jsonl, events/sample_second_annotator.jsonl, written with
annotate_second.py) against the first annotator's.

    python benchmarks/devset/agreement.py sample [--n 150] > /tmp/second_pass_todo.txt
    python benchmarks/devset/agreement.py score [--json OUT]
    python benchmarks/devset/agreement.py inter [--json OUT] [--list]

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
import functools
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


# --- inter-annotator agreement -------------------------------------------------------------------

# The second annotator's files, and the figures they are compared on. "sample" is scored against
# the first annotator's first labels (as `score` does for the intra-annotator pass);
# "sample_vs_second_pass" against the first annotator's own blind re-labelling of the same sentences.
INTER_FILES = {"test": "test_second_annotator", "sample": "sample_second_annotator"}
ATTRIBUTES = ("source_code", "target_code", "modality", "mode", "domain")


def _same_countries(e: dict, f: dict) -> bool:
    return e["source_code"][:3] == f["source_code"][:3] and e["target_code"][:3] == f["target_code"][:3]


INTER_KEYS = {
    "type+trigger": lambda e, f: e["type"] == f["type"] and _overlap(e, f),
    "+countries": lambda e, f: e["type"] == f["type"] and _overlap(e, f) and _same_countries(e, f),
    "+codes": KEYS["+roles"],
    "+modality": KEYS["+modality"],
}


def max_matching(first: list[dict], second: list[dict], key, prefer=None) -> list[tuple[int, int]]:
    """The best one-to-one matching of a sentence's events under `key(second_event, first_event)`:
    the most pairs, and among those the highest total `prefer(e, f)` (so that events agreeing on
    codes and modality are paired together). Exact, by dynamic programming over the subsets of the
    second annotator's events: a sentence holds a handful of events, and no assignment library is a
    dependency of the project (scipy is only there by accident)."""
    if not first or not second:
        return []
    if len(second) > 16:
        raise ValueError("too many events in one sentence for the exact matcher")
    edges = [[j for j in range(len(second)) if key(second[j], first[i])] for i in range(len(first))]

    @functools.lru_cache(maxsize=None)
    def best(i: int, used: int) -> tuple[int, int, tuple]:
        if i == len(first):
            return (0, 0, ())
        options = [best(i + 1, used)]
        for j in edges[i]:
            if not used >> j & 1:
                n, w, pairs = best(i + 1, used | 1 << j)
                options.append((n + 1, w + (prefer(second[j], first[i]) if prefer else 0), ((i, j),) + pairs))
        return max(options, key=lambda o: (o[0], o[1]))

    return sorted(best(0, 0)[2])


def _agreement_score(e: dict, f: dict) -> int:
    return sum(e.get(a, "") == f.get(a, "") for a in ATTRIBUTES) + 2 * _same_countries(e, f)


def _attribute_classes(f: dict, e: dict) -> list[str]:
    """The classes of disagreement between two events aligned on type and trigger."""
    out = []
    for role in ("source", "target"):
        a, b = f[f"{role}_code"], e[f"{role}_code"]
        if a[:3] != b[:3]:
            out.append(f"{role} country")
        elif a != b:
            out.append(f"{role} role")
    for attr in ("modality", "mode", "domain"):
        if f.get(attr, "") != e.get(attr, ""):
            out.append(attr)
    return out


def align(first: list[dict], second: list[dict]) -> list[dict]:
    """Pairs a sentence's events of the two annotators and names each disagreement:
    1. same type, overlapping trigger: one case per pair that differs in codes, modality, mode or
       domain (classes "source country", "source role", "target country", "target role",
       "modality", "mode", "domain");
    2. overlapping trigger, another type: class "type";
    3. same type, triggers apart, same source or target country: class "trigger" (one act, another
       word chosen as its trigger);
    4. the rest: "first only" / "second only" (whether there is an event at all).
    Every case: {"class": [..], "first": index or None, "second": index or None}; agreed pairs have
    an empty class list."""
    cases = []
    left_f, left_s = set(range(len(first))), set(range(len(second)))

    def stage(key, kind):
        fi, si = sorted(left_f), sorted(left_s)
        pairs = max_matching([first[i] for i in fi], [second[j] for j in si], key, _agreement_score)
        for a, b in pairs:
            i, j = fi[a], si[b]
            left_f.discard(i)
            left_s.discard(j)
            classes = _attribute_classes(first[i], second[j]) if kind is None else [kind]
            cases.append({"class": classes, "first": i, "second": j})

    stage(lambda e, f: e["type"] == f["type"] and _overlap(e, f), None)
    stage(lambda e, f: _overlap(e, f), "type")
    stage(lambda e, f: e["type"] == f["type"] and (
        (e["source_code"][:3] and e["source_code"][:3] == f["source_code"][:3])
        or (e["target_code"][:3] and e["target_code"][:3] == f["target_code"][:3])), "trigger")
    cases += [{"class": ["first only"], "first": i, "second": None} for i in sorted(left_f)]
    cases += [{"class": ["second only"], "first": None, "second": j} for j in sorted(left_s)]
    cases.sort(key=lambda c: min(x["trigger_start"] for x in
                                 ([first[c["first"]]] if c["first"] is not None else [])
                                 + ([second[c["second"]]] if c["second"] is not None else [])))
    return cases


def compare(first: dict[str, dict], second: dict[str, dict]) -> dict:
    """Agreement figures of two annotations of the same sentences ({id: record})."""
    if set(first) != set(second):
        raise SystemExit(f"the two annotations cover different sentences: {sorted(set(first) ^ set(second))[:5]}")
    ids = sorted(first)
    ev_a = sum(len(first[i]["events"]) for i in ids)
    ev_b = sum(len(second[i]["events"]) for i in ids)
    out = {"sentences": len(ids), "events_first": ev_a, "events_second": ev_b}
    any_a = [bool(first[i]["events"]) for i in ids]
    any_b = [bool(second[i]["events"]) for i in ids]
    out["has_event"] = {"kappa": round(kappa(any_a, any_b), 3), "first": sum(any_a), "second": sum(any_b)}
    per_type, pooled_a, pooled_b = {}, [], []
    for t in sorted(TYPES):
        a = [any(e["type"] == t for e in first[i]["events"]) for i in ids]
        b = [any(e["type"] == t for e in second[i]["events"]) for i in ids]
        pooled_a += a
        pooled_b += b
        if not any(a) and not any(b):
            continue
        k = kappa(a, b)
        per_type[t] = {"kappa": None if k is None else round(k, 3), "first": sum(a), "second": sum(b),
                       "both": sum(x and y for x, y in zip(a, b))}
    out["type_kappa"] = per_type
    # pooled: every (sentence, type) decision in one 2x2 table (16 decisions per sentence)
    out["type_kappa_pooled"] = round(kappa(pooled_a, pooled_b), 3)
    weights = {t: v["first"] + v["second"] for t, v in per_type.items() if v["kappa"] is not None}
    out["type_kappa_weighted_mean"] = round(sum(per_type[t]["kappa"] * w for t, w in weights.items())
                                            / sum(weights.values()), 3)
    out["event_f1"] = {}
    for name, key in INTER_KEYS.items():
        hits = sum(len(max_matching(first[i]["events"], second[i]["events"], key)) for i in ids)
        p = hits / ev_b if ev_b else 0.0
        r = hits / ev_a if ev_a else 0.0
        out["event_f1"][name] = {"matched": hits, "precision": round(p, 3), "recall": round(r, 3),
                                 "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}
    classes: Counter = Counter()
    for i in ids:
        for case in align(first[i]["events"], second[i]["events"]):
            classes.update(case["class"])
    out["disagreements"] = dict(sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def inter_sets() -> dict[str, tuple[dict, dict]]:
    """{name: (first annotator's records, second annotator's records)} by sentence id."""
    labelled = {r["id"]: r for split in ("train", "dev", "test") for r in load_events(split)}
    out = {}
    for name, fname in INTER_FILES.items():
        second = {r["id"]: r for r in load_events(fname)}
        out[name] = ({i: labelled[i] for i in second}, second)
    first_pass2 = {r["id"]: r for r in load_events("second_pass")}
    out["sample_vs_second_pass"] = (first_pass2, out["sample"][1])
    if (HERE / "events" / "test_adjudicated.jsonl").exists():
        adjudicated = {r["id"]: r for r in load_events("test_adjudicated")}
        out["test_first_vs_adjudicated"] = (adjudicated, out["test"][0])
        out["test_second_vs_adjudicated"] = (adjudicated, out["test"][1])
    return out


def _describe(e: dict | None) -> str:
    if e is None:
        return "-"
    mode = f"/{e['mode']}" if e.get("mode") else ""
    dom = " business" if e.get("domain") == "business" else ""
    return (f"{e['type']}{mode} '{e['trigger']}'@{e['trigger_start']} "
            f"{e['source_code'] or '?'}->{e['target_code'] or '?'} {e['modality']}{dom}")


def disagreements(first: dict[str, dict], second: dict[str, dict]) -> list[dict]:
    """Every disagreement case, with an id (`<sentence id>/<n>`) and both events."""
    out = []
    for sid in sorted(first, key=lambda i: (first[i]["corpus"], first[i]["doc"], first[i]["start"])):
        fe, se = first[sid]["events"], second[sid]["events"]
        n = 0
        for case in align(fe, se):
            if not case["class"]:
                continue
            n += 1
            out.append({"case": f"{sid}/{n}", "id": sid, "class": case["class"],
                        "first": None if case["first"] is None else fe[case["first"]],
                        "second": None if case["second"] is None else se[case["second"]]})
    return out


def inter(list_cases: bool = False, cases_file: Path | None = None) -> dict:
    """Figures for every pair of annotations (INTER_FILES, the first annotator's second pass and,
    once it exists, the adjudicated test split); `list_cases` prints each disagreement with its
    sentence on stderr; `cases_file` gets the same list without the texts (it may be committed)."""
    result, lines = {}, []
    for name, (first, second) in inter_sets().items():
        result[name] = compare(first, second)
        if cases_file and name in INTER_FILES:
            lines.append(f"## {name}: first annotator vs second annotator")
            for case in sorted(disagreements(first, second), key=lambda c: (c["class"][0], c["case"])):
                lines.append(f"{case['class'][0]:<15} {case['case']}  [{', '.join(case['class'])}]\n"
                             f"{'':<15}   first:  {_describe(case['first'])}\n{'':<15}   second: {_describe(case['second'])}")
        if list_cases:
            by_class: dict[str, list] = {}
            for case in disagreements(first, second):
                by_class.setdefault(case["class"][0], []).append(case)
            print(f"## {name}", file=sys.stderr)
            for cls in sorted(by_class, key=lambda c: -len(by_class[c])):
                print(f"### {cls} ({len(by_class[cls])})", file=sys.stderr)
                for case in by_class[cls]:
                    text = " ".join(first[case["id"]]["text"].split())
                    print(f"{case['case']}  [{', '.join(case['class'])}]\n    first:  {_describe(case['first'])}"
                          f"\n    second: {_describe(case['second'])}\n    {text[:220]}", file=sys.stderr)
    if cases_file:
        cases_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--n", type=int, default=150)
    c = sub.add_parser("score")
    c.add_argument("--json", type=Path)
    i = sub.add_parser("inter", help="inter-annotator agreement (second annotator vs first)")
    i.add_argument("--json", type=Path)
    i.add_argument("--list", action="store_true", help="list every disagreement by class (on stderr)")
    i.add_argument("--cases", type=Path, help="write the disagreements, without sentence texts, to this file")
    args = ap.parse_args()
    if args.cmd == "sample":
        sample(args.n)
    else:
        result = score() if args.cmd == "score" else inter(args.list, args.cases)
        text = json.dumps(result, indent=2)
        print(text)
        if args.json:
            args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
