"""Events on business-heavy newswire: Reuters-21578, the first N stories with a body (1987).

    python benchmarks/reuters_events.py [--n 2000] [--json OUT] [--sample FILE] [--draw N] [--show]

Measures:
- how many events the coder makes, by domain;
- of the events listed by default (domain political), and of all events, the share whose actors are
  all companies or of unknown kind (no political actor among source and target: the word-sense and
  domain failures of issue 14, "business news yields hundreds of AGREE events between companies");
- the precision of a seeded random sample of political events judged by hand: the judgements are
  kept standoff in --sample (benchmarks/reuters_political_sample.tsv: story id, the trigger's
  character offset, type and codes, the judgement and a note in our words; no Reuters text is
  copied). A judged row counts when the coder still makes that event (same story, trigger offset
  and type); --draw N writes a fresh sample of N unjudged rows, --show prints the judged rows with
  their sentences (read from ../shared/eval) for review.
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, corpus_args, emit, load, progress  # noqa: E402

SAMPLE = ROOT / "benchmarks" / "reuters_political_sample.tsv"
FIELDS = ["story_id", "trigger_start", "trigger", "plover_type", "source_code", "target_code", "judgement", "note"]
SEED = 14


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    corpus_args(ap, n=2000)
    ap.add_argument("--sample", type=Path, default=SAMPLE)
    ap.add_argument("--draw", type=int, default=0, help="write a new unjudged sample of this many political events")
    ap.add_argument("--show", action="store_true", help="print the sample's rows with their sentences")
    ap.add_argument("--rules-only", action="store_true", help="run the event coder without its learned layer")
    args = ap.parse_args()

    from storyline import Pipeline
    from storyline.pipeline.events.filters import Guards

    stories = load(args.data, args.n)
    if args.show:
        show_sample(args.sample, {s.id: s.text for s in stories})
        return
    pipeline = Pipeline(batch_size=args.batch_size)
    if args.rules_only:
        pipeline.nlp.get_pipe("storyline_events").model = None
    kind = Guards().actor_kind
    events = []  # (story, event, source kind, target kind, source code, target code)
    for story, a in progress(zip(stories, pipeline.pipe(stories)), total=len(stories), description="reuters"):
        for e in a.events:
            src, tgt = a.actors.get(e.source_id), a.actors.get(e.target_id)
            events.append((story, e, kind(src), kind(tgt), src.code if src else "", tgt.code if tgt else ""))

    def nonpolitical(rows) -> dict:
        n = sum(1 for r in rows if "political" not in (r[2], r[3]))
        return {"events": len(rows), "no_political_actor": n, "share": round(n / len(rows), 4) if rows else None}

    political = [r for r in events if r[1].domain == "political"]
    result = {
        "stories": len(stories),
        "rules_only": args.rules_only,
        "events": len(events),
        "by_domain": dict(Counter(r[1].domain for r in events)),
        "political_by_type": dict(Counter(r[1].plover_type for r in political).most_common()),
        "all_events": nonpolitical(events),
        "political_events": nonpolitical(political),
    }
    by_key = {(r[0].id, r[1].trigger_start, r[1].plover_type): r for r in political}
    if args.draw:
        rng = random.Random(SEED)
        picked = rng.sample(political, min(args.draw, len(political)))
        with open(args.sample, "w", encoding="utf-8", newline="") as f:
            f.write("# A seeded sample of political events storyline coded on Reuters-21578 (benchmarks/reuters_events.py),\n"
                    "# judged by hand: judgement is y (the sentence reports this PLOVER type between these actors'\n"
                    "# sides, or the type is right and a role is merely missing), n (wrong type, no event, or not\n"
                    "# political). Standoff: Reuters ids and offsets only, no text.\n")
            w = csv.DictWriter(f, fieldnames=FIELDS, delimiter="\t", lineterminator="\n")
            w.writeheader()
            for story, e, _, _, sc, tc in sorted(picked, key=lambda r: (int(r[0].id), r[1].trigger_start)):
                w.writerow({"story_id": story.id, "trigger_start": e.trigger_start, "trigger": e.trigger,
                            "plover_type": e.plover_type, "source_code": sc, "target_code": tc, "judgement": "",
                            "note": ""})
    if args.sample.exists():
        rows = [r for r in csv.DictReader((ln for ln in open(args.sample, encoding="utf-8") if not ln.startswith("#")),
                                          delimiter="\t")]
        judged = [r for r in rows if r["judgement"] in ("y", "n")]
        current = [r for r in judged if (r["story_id"], int(r["trigger_start"]), r["plover_type"]) in by_key]
        result["hand_judged"] = {
            "rows": len(rows), "judged": len(judged),
            "precision": round(sum(r["judgement"] == "y" for r in judged) / len(judged), 4) if judged else None,
            "still_coded": len(current),
            "precision_still_coded": round(sum(r["judgement"] == "y" for r in current) / len(current), 4)
            if current else None,
        }
    emit(result, args.json)


def show_sample(path: Path, texts: dict[str, str]) -> None:
    """The sample's rows with their sentences (read from the corpus, never stored), for judging."""
    rows = [r for r in csv.DictReader((ln for ln in open(path, encoding="utf-8") if not ln.startswith("#")),
                                      delimiter="\t")]
    for n, r in enumerate(rows, 1):
        text = texts.get(r["story_id"], "")
        i = int(r["trigger_start"])
        start = max(text.rfind(". ", 0, i), text.rfind(".\n", 0, i), text.rfind("\n    ", 0, i)) + 1
        end = min([j for j in (text.find(". ", i), text.find(".\n", i)) if j >= 0] or [len(text)])
        print(f"{n}\t{r['story_id']}\t{r['plover_type']}\t{r['source_code']} -> {r['target_code']}\t[{r['trigger']}]"
              f"\t{r['judgement']}\t{' '.join(text[start:end + 1].split())}")


if __name__ == "__main__":
    main()
