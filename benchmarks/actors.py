"""Actors: within-story clustering (B-cubed) and actor codes on storyline's own dev set, and the
actor codes of PETRARCH's validation records coded with their own dictionaries.

    python benchmarks/actors.py [DEVSET_DIR] [--records RECORDS_XML] [--json OUT] [--show N]

Dev set (benchmarks/devset/, how it was made: its README): each marked mention is matched to the
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
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEVSET, emit, progress, read_devset  # noqa: E402


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
    sys_code = (system or "").replace("---", "")
    return sys_code[:3] == gold[:3], sys_code.startswith(gold)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("devset", nargs="?", type=Path, default=DEVSET)
    ap.add_argument("--records", type=Path, help="PETRARCH validation records (default: ../shared/eval/petrarch)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show", type=int, default=0, help="print the code errors (up to N)")
    args = ap.parse_args()

    from storyline import Pipeline
    from storyline.model import Story

    stories = read_devset(args.devset)
    pipeline = Pipeline()
    P = R = 0.0
    n = 0
    found = gold_total = sys_right = sys_total = 0
    country = full = actors_total = 0
    errors = []
    docs = [Story(text=s["text"], date=s["date"], id=s["id"]) for s in stories]
    for story, analysis in progress(zip(stories, pipeline.pipe(docs)), total=len(stories), description="dev set"):
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
            ids = Counter(mapped[i] for i in gold if gold[i] == aid and i in mapped)
            if not any(gold[i] == aid for i in gold):
                continue
            actors_total += 1
            sid = ids.most_common(1)[0][0] if ids else None
            scode = analysis.actors[sid].code if sid in analysis.actors else None
            c, f = code_match(scode, gcode)
            country += c
            full += f
            if not f:
                names = [story["text"][gs:ge] for gs, ge, a in story["mentions"] if a == aid]
                errors.append((story["id"], gcode, scode, names[0]))
    prec, rec = P / n, R / n
    result = {
        "devset": {
            "stories": len(stories), "mentions": gold_total, "actors": actors_total,
            "bcubed": {"precision": round(prec, 3), "recall": round(rec, 3), "f1": round(2 * prec * rec / (prec + rec), 3)},
            "mention_detection": {"precision": round(sys_right / sys_total, 3), "recall": round(found / gold_total, 3)},
            "code_accuracy": {"country": round(country / actors_total, 3), "full": round(full / actors_total, 3)},
        },
    }
    result["petrarch_records"] = petrarch_codes(args.records)
    emit(result, args.json)
    for e in errors[:args.show]:
        print("CODE", *e, sep="\t", file=sys.stderr)


def petrarch_codes(path: Path | None) -> dict | None:
    """Source and target codes of PETRARCH's validation records, in the PETRARCH mode."""
    from petrarch_suite import RECORDS, read_records, suite_dictionaries

    from storyline import Pipeline
    from storyline.model import Story

    path = path or RECORDS
    if not path.exists():
        return None
    records, files = read_records(path)
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
    return {"records": len(records), "actor_codes_expected": expected,
            "produced": round(right / expected, 3) if expected else None}


if __name__ == "__main__":
    main()
