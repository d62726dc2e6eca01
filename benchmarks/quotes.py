"""Attribution (quote) extraction on PolNeAR, BRAT standoff: content spans and speakers.

    python benchmarks/quotes.py [DATA_DIR ...] [--part tune|holdout] [--peer textacy] [--json OUT]

DATA_DIR is a PolNeAR split folder with text/ and attributions/ (default: the dev split of
../shared/eval/quotes/PolNeAR/data). Each article is dated by the date in its file name. Where
several annotators annotated an article, the first annotation file is used.

Measures (PolNeAR attributions with a content span are the gold):
- content span P/R/F1, exact (same span once quote marks, spaces and edge punctuation are trimmed)
  and overlap (any shared character); a gold content split in fragments around its cue is matched
  by a system span equal to the whole or to one fragment;
- source accuracy: of the gold attributions found (overlap), the share whose speaker span overlaps
  the gold source span (attributions without a gold source are left out);
- the same, separately for direct quotes (the content opens or closes with a quote mark) and
  indirect ones. A system quote counts as direct or indirect by its own flag. Quotes storyline
  flags `scare` (a quoted single word or name with no speaker) are not attributions and are left
  out, as PolNeAR leaves scare and title quotes out.

`--peer textacy` scores textacy 0.13's `direct_quotations` (the `bench` extra) through the same
code, on spaCy's parse of the same texts. `--part tune|holdout` takes the seeded tuning part or
held-out part of a split (see `split_of`): the cue model is trained and the rules are tuned on the
tuning part of train; dev is for reporting only.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, progress  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "eval" / "quotes" / "PolNeAR" / "data" / "dev"
_QUOTE_MARKS = "\"“”‘’'«»"
_TRIM = _QUOTE_MARKS + " \n\t,.;:—–-"


def read_ann(path: Path) -> list[dict]:
    """Attributions as dicts of role -> (start, end), from a BRAT .ann file."""
    spans, out = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T") and line.count("\t") >= 2:
            tid, info, _ = line.split("\t", 2)
            label, offsets = info.split(" ", 1)
            frags = [tuple(map(int, f.split())) for f in offsets.split(";")]
            spans[tid] = (label, frags)
        elif line.startswith("E") and "\t" in line:
            roles = {}
            for arg in line.split("\t")[1].split():
                role, tid = arg.split(":")
                if tid in spans:
                    roles[role.rstrip("0123456789")] = spans[tid][1]
            if "Content" in roles:
                out.append(roles)
    return out


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def is_direct(text: str, start: int, end: int) -> bool:
    inner = text[start:end].strip()
    before = text[max(0, start - 1):start]
    return bool(inner) and (inner[0] in _QUOTE_MARKS or inner[-1] in _QUOTE_MARKS or before in _QUOTE_MARKS)


def overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class Gold(NamedTuple):
    """A gold content span; a quote split around its cue ("...," said X. "...") has two fragments,
    and a system span matching the whole or any one fragment matches it."""
    whole: tuple[int, int]
    fragments: list[tuple[int, int]]

    def exact(self, span: tuple[int, int]) -> bool:
        return span == self.whole or span in self.fragments

    def overlaps(self, span: tuple[int, int]) -> bool:
        return any(overlap(span, f) for f in self.fragments)

    def shared(self, span: tuple[int, int]) -> int:
        return sum(max(0, min(span[1], f[1]) - max(span[0], f[0])) for f in self.fragments)


def prf(tp_p: int, n_sys: int, tp_r: int, n_gold: int) -> dict:
    p = tp_p / n_sys if n_sys else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def articles(folders: list[Path]):
    for folder in folders:
        seen = set()
        for ann in sorted((folder / "attributions").glob("*.ann")):
            stem = re.sub(r"_[0-9a-f]{4}$", "", ann.stem)
            txt = folder / "text" / f"{stem}.txt"
            if stem in seen or not txt.exists():
                continue
            seen.add(stem)
            date = dt.date.fromisoformat(re.search(r"\d{4}-\d{2}-\d{2}", stem).group(0))
            yield stem, date, txt.read_text(encoding="utf-8"), read_ann(ann)


HOLDOUT_SEED = 19  # issue 19
HOLDOUT_FRACTION = 0.2


def split_of(names: list[str]) -> dict[str, str]:
    """'tune' or 'holdout' for each article of a split: a seeded fifth of PolNeAR's train split is
    held out from the cue model's training and from every tuning decision (dev is never tuned on)."""
    ordered = sorted(set(names))
    held = set(random.Random(HOLDOUT_SEED).sample(ordered, round(HOLDOUT_FRACTION * len(ordered))))
    return {n: "holdout" if n in held else "tune" for n in ordered}


KINDS = ("all", "direct", "indirect")


def gold_items(text: str, gold: list[dict]):
    out = []
    for g in gold:
        frags = [f for f in (trim(text, s, e) for s, e in g["Content"]) if f[0] < f[1]]
        if frags:
            whole = (frags[0][0], frags[-1][1])
            src = g.get("Source")
            out.append((Gold(whole, frags), "direct" if is_direct(text, *g["Content"][0]) else "indirect",
                        (src[0][0], src[-1][1]) if src else None))
    return out


class Scorer:
    """Counts over articles; `add` takes the gold and a system's (content span, kind, speaker span)."""

    def __init__(self) -> None:
        self.c = {k: dict(sys=0, gold=0, exact_p=0, exact_r=0, over_p=0, over_r=0, src_n=0, src_ok=0) for k in KINDS}

    def add(self, gold, sys_items) -> None:
        for kind in KINDS:
            sel_sys = [s for s in sys_items if kind == "all" or s[1] == kind]
            sel_gold = [g for g in gold if kind == "all" or g[1] == kind]
            k = self.c[kind]
            k["sys"] += len(sel_sys)
            k["gold"] += len(sel_gold)
            k["exact_p"] += sum(any(g[0].exact(s[0]) for g in gold) for s in sel_sys)
            k["exact_r"] += sum(any(g[0].exact(s[0]) for s in sys_items) for g in sel_gold)
            k["over_p"] += sum(any(g[0].overlaps(s[0]) for g in gold) for s in sel_sys)
            k["over_r"] += sum(any(g[0].overlaps(s[0]) for s in sys_items) for g in sel_gold)
            for g in sel_gold:
                found = [s for s in sys_items if g[0].overlaps(s[0])]
                if found and g[2] is not None:
                    best = max(found, key=lambda s: g[0].shared(s[0]))
                    k["src_n"] += 1
                    k["src_ok"] += best[2] is not None and overlap(best[2], g[2])

    def result(self) -> dict:
        out = {}
        for kind in KINDS:
            k = self.c[kind]
            out[kind] = {
                "gold": k["gold"], "system": k["sys"],
                "content_exact": prf(k["exact_p"], k["sys"], k["exact_r"], k["gold"]),
                "content_overlap": prf(k["over_p"], k["sys"], k["over_r"], k["gold"]),
                "source_accuracy": round(k["src_ok"] / k["src_n"], 4) if k["src_n"] else 0.0,
                "source_judged": k["src_n"],
            }
        return out


def storyline_items(text: str, analysis) -> list:
    """storyline's attributions; quotes flagged scare (a quoted word or name with no speaker) are
    not attributions and are left out."""
    out = []
    for q in analysis.quotes:
        if q.scare:
            continue
        qs, qe = trim(text, q.start, q.end)
        speaker = (q.speaker_start, q.speaker_end) if q.speaker_start is not None else None
        out.append(((qs, qe), "direct" if q.direct else "indirect", speaker))
    return out


def show_source_errors(name: str, text: str, gold, analysis) -> int:
    """Print, to stderr, the gold attributions found whose speaker is wrong or missing: the gold
    source, storyline's speaker and cue, and the content's opening words. Returns how many."""
    n = 0
    quotes = [q for q in analysis.quotes if not q.scare]
    for g, kind, src in gold:
        found = [q for q in quotes if g.overlaps(trim(text, q.start, q.end))]
        if not found or src is None:
            continue
        q = max(found, key=lambda q: g.shared(trim(text, q.start, q.end)))
        if q.speaker_start is not None and overlap((q.speaker_start, q.speaker_end), src):
            continue
        said = text[q.speaker_start:q.speaker_end] if q.speaker_start is not None else None
        content = text[g.whole[0]:g.whole[1]].replace("\n", " ")[:70]
        print(f"{name}\t{kind}\tgold={text[src[0]:src[1]]!r}\tsys={said!r}\tcue={q.cue!r}\t{content}",
              file=sys.stderr)
        n += 1
    return n


def textacy_items(nlp, text: str) -> list:
    """textacy 0.13's direct_quotations on spaCy's parse of the same text (a document with an
    unpaired quotation mark makes it give up: no quotes for that article, as a user would get)."""
    from textacy.extract.triples import direct_quotations

    doc = nlp(text)
    out = []
    try:
        triples = list(direct_quotations(doc))
    except ValueError:
        return out
    for t in triples:
        qs, qe = trim(text, t.content.start_char, t.content.end_char)
        speaker = (t.speaker[0].idx, t.speaker[-1].idx + len(t.speaker[-1])) if t.speaker else None
        out.append(((qs, qe), "direct", speaker))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="*", type=Path, default=[DEFAULT])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--part", choices=["all", "tune", "holdout"], default="all",
                    help="of a split, the seeded part held out from tuning (holdout) or the rest (tune)")
    ap.add_argument("--peer", choices=["textacy"], action="append", default=[])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show-source-errors", type=int, default=0,
                    help="print up to N storyline speaker errors to stderr (tuning part of train only)")
    args = ap.parse_args()

    from storyline.model import Story
    from storyline.pipeline import Pipeline

    docs = list(articles(args.data))
    if args.part != "all":
        parts = split_of([name for name, _, _, _ in docs])
        docs = [d for d in docs if parts[d[0]] == args.part]
    docs = docs[: args.limit]
    pipeline = Pipeline()
    scorer = Scorer()
    t0 = time.perf_counter()
    analyses = pipeline.pipe(Story(text=text, date=date) for _, date, text, _ in docs)
    shown = 0
    for (name, date, text, gold), a in progress(zip(docs, analyses), total=len(docs), description="PolNeAR"):
        scorer.add(gold_items(text, gold), storyline_items(text, a))
        if shown < args.show_source_errors:
            if args.part != "tune":
                sys.exit("--show-source-errors reads the tuning part only: add --part tune")
            shown += show_source_errors(name, text, gold_items(text, gold), a)
    secs = time.perf_counter() - t0
    result = {"data": [str(d) for d in args.data], "part": args.part, "documents": len(docs),
              "documents_per_s": round(len(docs) / secs, 2)}
    result.update(scorer.result())
    if "textacy" in args.peer:
        import spacy

        from storyline.pipeline import MODEL

        nlp = spacy.load(MODEL)
        peer = Scorer()
        t0 = time.perf_counter()
        for name, date, text, gold in progress(docs, description="textacy"):
            peer.add(gold_items(text, gold), textacy_items(nlp, text))
        result["textacy"] = peer.result()
        result["textacy"]["documents_per_s"] = round(len(docs) / (time.perf_counter() - t0), 2)
    emit(result, args.json)


if __name__ == "__main__":
    main()
