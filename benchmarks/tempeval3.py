"""TempEval-3 task A (temporal expressions) on a folder of TimeML .tml files.

    python benchmarks/tempeval3.py [DATA_DIR] [--limit N] [--json OUT]

Each document's creation time (DCT) is its story date; the <TEXT> is run through the storyline
pipeline and the time stage's expressions are scored against the gold TIMEX3s with the TempEval-3
measures: strict (exact span) and relaxed (overlap) extraction P/R/F1; type and value accuracy over
relaxed matches; value F1 (a relaxed match with the right value counts as correct, P over the
system's expressions, R over gold).
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, progress  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "eval" / "tempeval3" / "train"


def read_tml(path: Path):
    """(dct, text, gold) with gold = [(start, end, type, value)] offsets into text."""
    root = ET.parse(path).getroot()
    dct_el = root.find("DCT/TIMEX3")
    dct = dt.date.fromisoformat(dct_el.get("value")[:10])
    text_el = root.find("TEXT")
    parts, gold = [], []
    pos = 0

    def walk(el):
        nonlocal pos
        if el.text:
            parts.append(el.text)
            pos += len(el.text)
        for child in el:
            start = pos
            walk(child)
            if child.tag == "TIMEX3":
                gold.append((start, pos, child.get("type"), child.get("value")))
            if child.tail:
                parts.append(child.tail)
                pos += len(child.tail)

    walk(text_el)
    return dct, "".join(parts), gold


def prf(tp_p, n_sys, tp_r, n_gold):
    p = tp_p / n_sys if n_sys else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    return round(p, 4), round(r, 4), round(2 * p * r / (p + r), 4) if p + r else 0.0


def gold_span_values(files: list[Path]) -> dict:
    """Value accuracy given the gold spans: storyline's normalizer against dateparser's (the library
    we would otherwise use), each reading the gold text against the DCT. dateparser returns one
    datetime, written at the precision the gold value asks for (its best case) for DATE/TIME, and
    nothing for durations and sets, which it does not model."""
    import dateparser

    from storyline.timex import normalize

    n = ours = dp = 0
    for f in files:
        dct, text, gold = read_tml(f)
        base = dt.datetime.combine(dct, dt.time())
        for start, end, _type, value in gold:
            n += 1
            tx = normalize(text[start:end], dct, None)
            ours += tx is not None and tx.value == value
            parsed = dateparser.parse(text[start:end], languages=["en"], settings={"RELATIVE_BASE": base})
            if parsed is not None:
                fmt = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}.get(len(value))
                dp += fmt is not None and value[:4].isdigit() and parsed.strftime(fmt) == value
    return {"gold_timexes": n, "storyline_value_accuracy": round(ours / n, 4),
            "dateparser_value_accuracy": round(dp / n, 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--gold-spans", action="store_true",
                    help="score normalization alone on the gold spans, storyline against dateparser")
    args = ap.parse_args()
    if args.gold_spans:
        result = gold_span_values(sorted(args.data.rglob("*.tml"))[: args.limit])
        emit(result, args.json)
        return

    from storyline.pipeline import build_nlp

    nlp = build_nlp()
    files = sorted(args.data.rglob("*.tml"))[: args.limit]
    counts = dict(sys=0, gold=0, strict_p=0, strict_r=0, relaxed_p=0, relaxed_r=0, type_ok=0, value_ok=0,
                  matched=0, value_p=0, value_r=0)
    t0 = time.perf_counter()
    for f in progress(files, description="TempEval-3"):
        dct, text, gold = read_tml(f)
        doc = nlp.make_doc(text)
        doc._.story_date = dct
        doc = nlp(doc)
        sysx = [(t.start, t.end, t.type, t.value) for _, t in doc._.times]
        counts["sys"] += len(sysx)
        counts["gold"] += len(gold)
        counts["strict_p"] += sum(any(s[:2] == g[:2] for g in gold) for s in sysx)
        counts["strict_r"] += sum(any(s[:2] == g[:2] for s in sysx) for g in gold)
        overlap = lambda a, b: a[0] < b[1] and b[0] < a[1]  # noqa: E731
        counts["relaxed_p"] += sum(any(overlap(s, g) for g in gold) for s in sysx)
        counts["relaxed_r"] += sum(any(overlap(s, g) for s in sysx) for g in gold)
        for g in gold:
            match = next((s for s in sysx if overlap(s, g)), None)
            if match is not None:
                counts["matched"] += 1
                counts["type_ok"] += match[2] == g[2]
                counts["value_ok"] += match[3] == g[3]
        counts["value_p"] += sum(any(overlap(s, g) and s[3] == g[3] for g in gold) for s in sysx)
        counts["value_r"] += sum(any(overlap(s, g) and s[3] == g[3] for s in sysx) for g in gold)
    secs = time.perf_counter() - t0
    c = counts
    result = {
        "data": str(args.data), "documents": len(files), "gold_timexes": c["gold"], "system_timexes": c["sys"],
        "strict": dict(zip("prf", prf(c["strict_p"], c["sys"], c["strict_r"], c["gold"]))),
        "relaxed": dict(zip("prf", prf(c["relaxed_p"], c["sys"], c["relaxed_r"], c["gold"]))),
        "type_accuracy": round(c["type_ok"] / c["matched"], 4) if c["matched"] else 0.0,
        "value_accuracy": round(c["value_ok"] / c["matched"], 4) if c["matched"] else 0.0,
        "value": dict(zip("prf", prf(c["value_p"], c["sys"], c["value_r"], c["gold"]))),
        "documents_per_s": round(len(files) / secs, 2),
    }
    emit(result, args.json)


if __name__ == "__main__":
    main()
