"""Adjudication of the event test split: every disagreement between the first annotator
(events/test.jsonl) and the second (events/test_second_annotator.jsonl) decided by the guide, giving
a consensus version (events/test_adjudicated.jsonl). test.jsonl itself is never changed.

    python benchmarks/devset/adjudicate.py template > /tmp/cases.txt   # every case, to decide
    python benchmarks/devset/adjudicate.py build     # events/adjudication/test.txt -> test_adjudicated.jsonl

Cases come from agreement.align (one per pair of events that differ, or per event only one
annotator has) and are named `<sentence id>/<n>`. The decisions file has one line per case:

    reuters-2563-1035/2 | second | coordinated mentions with one code are one event (guide)

Decision: `first` or `second` (that annotator's view of the case: for a pair, take that event; for
an event only one of them has, keep it (its annotator) or drop it (the other)), `both` (a pair that
is in fact two events: keep both), `neither` (drop both); then optional overrides `field=first`,
`field=second` or `field=VALUE` applied to the kept event, field one of type, mode, trigger, source,
target, modality, domain (`source`/`target` take mention, offset and code together; a VALUE sets the
code, `none` clears mention and code). Events both annotators agree on are kept as the first
annotator wrote them.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from agreement import _describe, align  # noqa: E402
from annotate import CODE, MODALITIES, MODES, TYPES  # noqa: E402
from corpus import HERE, load_events  # noqa: E402

DECISIONS = HERE / "events" / "adjudication" / "test.txt"
OUTPUT = HERE / "events" / "test_adjudicated.jsonl"
FIELDS = {"type": ("type",), "mode": ("mode",), "trigger": ("trigger", "trigger_start"),
          "source": ("source", "source_start", "source_code"), "target": ("target", "target_start", "target_code"),
          "modality": ("modality",), "domain": ("domain",)}
EVENT_KEYS = ("type", "mode", "cameo", "trigger", "trigger_start", "source", "source_start", "source_code",
              "target", "target_start", "target_code", "modality", "domain")


class AdjudicationError(ValueError):
    pass


def sentences() -> tuple[dict[str, dict], dict[str, dict]]:
    first = {r["id"]: r for r in load_events("test")}
    second = {r["id"]: r for r in load_events("test_second_annotator")}
    if set(first) != set(second):
        raise SystemExit("the two annotations of the test split cover different sentences")
    return first, second


def cases_of(first: dict, second: dict) -> list[dict]:
    """The aligned events of one sentence: agreed pairs (no case id) and numbered cases."""
    out, n = [], 0
    for case in align(first["events"], second["events"]):
        f = None if case["first"] is None else first["events"][case["first"]]
        s = None if case["second"] is None else second["events"][case["second"]]
        cid = None
        if case["class"]:
            n += 1
            cid = f"{first['id']}/{n}"
        out.append({"case": cid, "class": case["class"], "first": f, "second": s})
    return out


def template() -> None:
    first, second = sentences()
    for sid in sorted(first, key=lambda i: (first[i]["corpus"], first[i]["doc"], first[i]["start"])):
        for c in cases_of(first[sid], second[sid]):
            if c["case"]:
                print(f"# [{', '.join(c['class'])}] {' '.join(first[sid]['text'].split())[:160]}")
                print(f"#   first:  {_describe(c['first'])}\n#   second: {_describe(c['second'])}")
                print(f"{c['case']} | ? | ")


def read_decisions(path: Path = DECISIONS) -> dict[str, tuple[str, dict[str, str], str]]:
    out = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        if len(parts) != 3 or not parts[2]:
            raise SystemExit(f"{path}:{n}: a decision line is: case | decision | reason")
        case, decision, reason = parts
        base, *overrides = decision.split()
        if base not in ("first", "second", "both", "neither"):
            raise SystemExit(f"{path}:{n}: decision must start with first, second, both or neither: {decision!r}")
        fields = {}
        for o in overrides:
            field, eq, value = o.partition("=")
            if not eq or field not in FIELDS:
                raise SystemExit(f"{path}:{n}: bad override {o!r} (field one of {', '.join(FIELDS)})")
            fields[field] = value
        if case in out:
            raise SystemExit(f"{path}:{n}: case {case} is decided twice")
        out[case] = (base, fields, reason)
    return out


def _apply(case: dict, base: str, fields: dict[str, str]) -> list[dict]:
    f, s = case["first"], case["second"]
    if base == "neither":
        return []
    if base == "both":
        if f is None or s is None or fields:
            raise AdjudicationError("`both` is for a pair of events, without overrides")
        return [dict(f), dict(s)]
    chosen = f if base == "first" else s
    if chosen is None:  # the event only the other annotator has is dropped
        if fields:
            raise AdjudicationError("overrides on a dropped event")
        return []
    ev = {k: chosen.get(k, "") for k in EVENT_KEYS}
    for field, value in fields.items():
        if value in ("first", "second"):
            src = f if value == "first" else s
            if src is None:
                raise AdjudicationError(f"{field}={value}: that annotator has no event here")
            for k in FIELDS[field]:
                ev[k] = src.get(k, "")
        elif field in ("source", "target"):
            if value == "none":
                ev[field], ev[f"{field}_start"], ev[f"{field}_code"] = "", None, ""
            elif CODE.match(value):
                ev[f"{field}_code"] = value
            else:
                raise AdjudicationError(f"bad code {value!r}")
        elif field in ("trigger",):
            raise AdjudicationError("a trigger is taken from an annotator (trigger=first/second), not written")
        else:
            ev[field] = value
    if ev["type"] not in TYPES or (ev["mode"] and ev["mode"] not in MODES.get(ev["type"], set())):
        raise AdjudicationError(f"bad type/mode {ev['type']}/{ev['mode']}")
    if ev["modality"] not in MODALITIES or ev["domain"] not in ("political", "business"):
        raise AdjudicationError(f"bad modality/domain {ev['modality']}/{ev['domain']}")
    return [ev]


def build() -> dict:
    first, second = sentences()
    decisions = read_decisions()
    used, out, counts = set(), [], {}
    for sid in sorted(first, key=lambda i: (first[i]["corpus"], first[i]["doc"], first[i]["start"])):
        rec = {k: first[sid][k] for k in ("id", "corpus", "doc", "date", "start", "end", "check")}
        events, record = [], []
        for c in cases_of(first[sid], second[sid]):
            if not c["case"]:
                events.append({k: c["first"].get(k, "") for k in EVENT_KEYS})
                continue
            if c["case"] not in decisions:
                raise SystemExit(f"{DECISIONS}: case {c['case']} is not decided ({', '.join(c['class'])})")
            base, fields, reason = decisions[c["case"]]
            used.add(c["case"])
            try:
                kept = _apply(c, base, fields)
            except AdjudicationError as err:
                raise SystemExit(f"{DECISIONS}: case {c['case']}: {err}") from None
            events += kept
            decision = " ".join([base] + [f"{k}={v}" for k, v in fields.items()])
            record.append({"case": c["case"], "class": c["class"], "first": _describe(c["first"]),
                           "second": _describe(c["second"]), "decision": decision, "reason": reason})
            for cls in c["class"]:
                counts[cls] = counts.get(cls, 0) + 1
        rec["events"] = sorted(events, key=lambda e: (e["trigger_start"], e["type"], e["source_code"], e["target_code"]))
        if record:
            rec["adjudication"] = record
        out.append(rec)
    unknown = sorted(set(decisions) - used)
    if unknown:
        raise SystemExit(f"{DECISIONS}: decisions for cases that do not exist: {unknown[:5]}")
    with open(OUTPUT, "w", encoding="utf-8") as f:
        for rec in out:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    summary = {"sentences": len(out), "events": sum(len(r["events"]) for r in out),
               "sentences_with_events": sum(1 for r in out if r["events"]), "cases": len(used),
               "cases_by_class": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
               "decisions": {}}
    for base, _, _ in (decisions[c] for c in used):
        summary["decisions"][base] = summary["decisions"].get(base, 0) + 1
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("template")
    sub.add_parser("build")
    args = ap.parse_args()
    if args.cmd == "template":
        template()
    else:
        print(json.dumps(build(), indent=2))


if __name__ == "__main__":
    main()
