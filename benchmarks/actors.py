"""Actors: within-story clustering (B-cubed) and actor codes on storyline's own dev set, and the
actor codes of PETRARCH's validation records coded with their own dictionaries.

    python benchmarks/actors.py [DEVSET_DIR] [--real dev|test|both|none] [--records RECORDS_XML]
                                [--split all|tune|heldout] [--json OUT] [--show N]

Two annotated sets (benchmarks/devset/README.md): the 22 synthetic stories (key "devset", all dev)
and the real-news actor stories over ../shared/eval (key "real", split "dev" and "test" before any
tuning: tune on dev, report test). In each, each marked mention is matched to the
system mention that overlaps it most. B-cubed precision, recall and F1 (Bagga & Baldwin 1998) are
computed over the gold mentions; a gold mention the system did not find is its own singleton
(lowering recall). Mention detection precision/recall are given beside it (a system mention counts
as right when it overlaps a gold mention).

Codes: for each gold actor, the system actor most of its mentions map to; "country" compares the
first three letters (IGO/NGO included), "full" compares the whole code, a gold code being as
specific as the annotator could make it ("NGO" accepts any NGO's code).

PETRARCH records: share of expected source and target codes produced, in the PETRARCH mode with
the suite's own actor and agent dictionaries (records from benchmarks/petrarch_suite.py).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEVSET, emit, progress, read_devset, read_real_devset  # noqa: E402

UNDATED = dt.date(2012, 1, 1)  # GeoVirus gives no dates: its stories are of about 2008-2016


def bcubed(gold: dict[int, str], system: dict[int, str]) -> tuple[float, float, int]:
    """Summed B-cubed precision and recall over the mentions in `gold` (mention -> cluster id)."""
    p = r = 0.0
    for m in gold:
        g = {x for x in gold if gold[x] == gold[m]}
        s = {x for x in gold if system.get(x) is not None and system.get(x) == system.get(m)} or {m}
        both = len(g & s)
        p += both / len(s)
        r += both / len(g)
    return p, r, len(gold)


def code_match(system: str | None, gold: str) -> tuple[bool, bool]:
    """(country right, full code right). An unknown country is "---" on either side and is removed
    from both before comparing: gold "---GOV" (a government the text does not place) accepts a
    system "---GOV" or "GOV"."""
    sys_code = (system or "").replace("---", "")
    gold = gold.replace("---", "")
    return sys_code[:3] == gold[:3], sys_code.startswith(gold)


def score(stories: list[dict], pipeline, description: str, errors: list | None = None) -> dict:
    """B-cubed, mention detection and code accuracy of the pipeline on annotated stories."""
    from storyline.model import Story

    P = R = 0.0
    n = found = gold_total = sys_right = sys_total = 0
    country = full = actors_total = 0
    docs = [Story(text=s["text"], date=s["date"] or UNDATED, id=s["id"]) for s in stories]
    for story, analysis in progress(zip(stories, pipeline.pipe(docs)), total=len(stories), description=description):
        sys_mentions = [(m.start, m.end, m.actor_id) for m in analysis.mentions]
        mapped: dict[int, str] = {}
        gold: dict[int, str] = {}
        for i, (gs, ge, aid) in enumerate(story["mentions"]):
            gold[i] = aid
            overlaps = [(min(ge, se) - max(gs, ss), sid) for ss, se, sid in sys_mentions if min(ge, se) > max(gs, ss)]
            if overlaps:
                mapped[i] = max(overlaps)[1]
        p, r, k = bcubed(gold, mapped)
        P, R, n = P + p, R + r, n + k
        found += len(mapped)
        gold_total += len(gold)
        sys_total += len(sys_mentions)
        sys_right += sum(1 for ss, se, _ in sys_mentions
                         if any(min(ge, se) > max(gs, ss) for gs, ge, _ in story["mentions"]))
        for aid, gcode in story["actors"].items():
            if not gcode or gcode == "---" or not any(gold[i] == aid for i in gold):
                continue  # an actor the annotator could not code is not scored for codes
            ids = Counter(mapped[i] for i in gold if gold[i] == aid and i in mapped)
            actors_total += 1
            sid = ids.most_common(1)[0][0] if ids else None
            scode = analysis.actors[sid].code if sid in analysis.actors else None
            c, f = code_match(scode, gcode)
            country += c
            full += f
            if not f and errors is not None:
                names = [story["text"][gs:ge] for gs, ge, a in story["mentions"] if a == aid]
                errors.append((story["id"], gcode, scode, names[0]))
    prec, rec = (P / n, R / n) if n else (0.0, 0.0)
    return {
        "stories": len(stories), "mentions": gold_total, "actors": actors_total,
        "bcubed": {"precision": round(prec, 3), "recall": round(rec, 3),
                   "f1": round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0},
        "mention_detection": {"precision": round(sys_right / sys_total, 3) if sys_total else None,
                              "recall": round(found / gold_total, 3) if gold_total else None},
        "code_accuracy": {"country": round(country / actors_total, 3) if actors_total else None,
                          "full": round(full / actors_total, 3) if actors_total else None},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("devset", nargs="?", type=Path, default=DEVSET)
    ap.add_argument("--real", choices=["dev", "test", "both", "none"], default="both",
                    help="which split of the real-news actor stories to score (benchmarks/devset/actors)")
    ap.add_argument("--records", type=Path, help="PETRARCH validation records (default: ../shared/eval/petrarch)")
    ap.add_argument("--split", choices=["all", "tune", "heldout"], default="all",
                    help="PETRARCH records from one side of the fixed split (petrarch_suite.held_out)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show", type=int, default=0, help="print the code errors (up to N; dev stories only)")
    args = ap.parse_args()

    from storyline import Pipeline

    pipeline = Pipeline()
    errors: list = []
    result = {"devset": score(read_devset(args.devset), pipeline, "synthetic dev set", errors)}
    if args.real != "none":
        try:
            real = {split: read_real_devset(split) for split in ("dev", "test")
                    if args.real in (split, "both")}
        except Exception as e:  # the texts live in ../shared/eval; without them the real set is skipped
            print(f"real-news stories skipped: {e}", file=sys.stderr)
            real = {}
        result["real"] = {split: score(stories, pipeline, f"real {split}", errors if split == "dev" else None)
                          for split, stories in real.items() if stories} or None
    result["petrarch_records"] = petrarch_codes(args.records, args.split)
    emit(result, args.json)
    for e in errors[:args.show]:
        print("CODE", *e, sep="\t", file=sys.stderr)


def petrarch_codes(path: Path | None, split: str = "all") -> dict | None:
    """Source and target codes of PETRARCH's validation records, in the PETRARCH mode."""
    from petrarch_suite import RECORDS, held_out, read_records, suite_dictionaries

    from storyline import Pipeline
    from storyline.model import Story

    path = path or RECORDS
    if not path.exists():
        return None
    records, files = read_records(path)
    if split != "all":
        records = [r for r in records if held_out(r.id) == (split == "heldout")]
    pipeline = Pipeline(petrarch=suite_dictionaries(files, path.parent))
    expected = right = 0
    docs = [Story(text=r.text, date=r.date, id=f"{r.id}-{i}") for i, r in enumerate(records)]
    for rec, analysis in progress(zip(records, pipeline.pipe(docs)), total=len(records), description="records"):
        code = lambda i: analysis.actors[i].code if i in analysis.actors else "---"  # noqa: E731
        got = {code(e.source_id) for e in analysis.events} | {code(e.target_id) for e in analysis.events if e.target_id}
        for s, t, _ in rec.expected:
            for c in (s, t):
                if c and c != "---":
                    expected += 1
                    right += c in got
    return {"records": len(records), "split": split, "actor_codes_expected": expected,
            "produced": round(right / expected, 3) if expected else None}


if __name__ == "__main__":
    main()
