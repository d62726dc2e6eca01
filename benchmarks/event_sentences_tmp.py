"""Events on storyline's annotated real-news sentences, scored by sentence and PLOVER type.

    python benchmarks/event_sentences.py --split dev|test|train [--model on|off|default]
                                         [--json OUT] [--show-misses]

Data: benchmarks/devset/events/{train,dev,test}.jsonl (standoff annotations of Reuters-21578,
PolNeAR, LGL and GeoVirus texts read from ../shared/eval through benchmarks/devset/corpus.py; the
split is by document and was fixed before any tuning: tune on dev, report test).

Each annotated document is run whole (so context and coreference work), dated with its story date
(GeoVirus has none: 2000-01-01). Scoring follows the maintainers' scoring of unseen articles from
`storyline events --format json` (political events only, the command's default domain):
- a system event is *in* an annotated sentence when its sentence (sentence_start..sentence_end)
  overlaps one; it is *right* when one of the annotated sentences it overlaps has a gold event of
  its PLOVER type;
- precision = right / system events in annotated sentences;
- recall = gold events that some system event of the same type in an overlapping sentence finds /
  gold events. Gold events are the political ones (domain business is not a political event) that
  the text says happened or may happen (modality negated is left out: storyline codes the denial,
  not the denied act);
- source/target country on matched gold events: whether one of the system events of the gold type
  in its sentence has the gold code's country (the first three letters; gold codes that are empty
  or "---..." are not scored).
"pairs" gives the same by (sentence, type) sets, "by_type" per PLOVER type.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import emit, progress  # noqa: E402

DEVSET = HERE / "devset"
NO_DATE = "2000-01-01"  # GeoVirus gives no story dates


def load_corpus(folder: Path = DEVSET):
    """benchmarks/devset/corpus.py as a module (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location("devset_corpus", folder / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documents(corpus, split: str) -> list[tuple["object", list[dict]]]:
    """(Story, its annotated sentence records) for every document of the split, in file order."""
    from storyline.model import Story

    by_doc: dict[tuple[str, str], list[dict]] = {}
    for rec in corpus.load_events(split):
        by_doc.setdefault((rec["corpus"], str(rec["doc"])), []).append(rec)
    out = []
    for (name, doc), recs in by_doc.items():
        date = corpus.document_date(name, doc) or NO_DATE
        story = Story(text=corpus.document_text(name, doc), date=dt.date.fromisoformat(date), id=f"{name}-{doc}")
        out.append((story, recs))
    return out


def gold_events(rec: dict) -> list[dict]:
    """The sentence's political events that storyline should code (see the module doc)."""
    return [g for g in rec["events"] if g.get("domain", "political") == "political" and g.get("modality") != "negated"]


def overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


class Scorer:
    """Accumulates the figures over documents."""

    def __init__(self) -> None:
        self.events = Counter()  # right, system, found, gold
        self.pairs = Counter()  # tp, fp, fn over (sentence, type)
        self.types: dict[str, Counter] = defaultdict(Counter)
        self.source: list[bool] = []
        self.target: list[bool] = []
        self.misses: list[tuple] = []
        self.extras: list[tuple] = []

    def add(self, recs: list[dict], events: list, actors: dict) -> None:
        def country(actor_id) -> str:
            a = actors.get(actor_id) if actor_id else None
            return ((a.code or a.country or "") if a is not None else "")[:3]

        political = [e for e in events if (e.domain or "political") == "political"]
        for e in political:
            over = [r for r in recs if overlaps(e.sentence_start, e.sentence_end, r["start"], r["end"])]
            if not over:
                continue  # outside the annotated sentences
            right = any(g["type"] == e.plover_type for r in over for g in gold_events(r))
            self.events["system"] += 1
            self.events["right"] += right
            self.types[e.plover_type]["system"] += 1
            self.types[e.plover_type]["right"] += right
            if not right:
                self.extras.append((over[0]["id"], e.plover_type, e.trigger, over[0]["text"][:140]))
        for r in recs:
            inside = [e for e in political if overlaps(e.sentence_start, e.sentence_end, r["start"], r["end"])]
            gold = gold_events(r)
            for g in gold:
                same = [e for e in inside if e.plover_type == g["type"]]
                self.events["gold"] += 1
                self.events["found"] += bool(same)
                self.types[g["type"]]["gold"] += 1
                self.types[g["type"]]["found"] += bool(same)
                if not same:
                    self.misses.append((r["id"], g["type"], g["trigger"], r["text"][:140]))
                    continue
                for key, attr, acc in (("source_code", "source_id", self.source), ("target_code", "target_id", self.target)):
                    code = (g.get(key) or "")[:3]
                    if code and code != "---":
                        acc.append(any(country(getattr(e, attr)) == code for e in same))
            gold_types = {g["type"] for g in gold}
            sys_types = {e.plover_type for e in inside}
            self.pairs["tp"] += len(gold_types & sys_types)
            self.pairs["fp"] += len(sys_types - gold_types)
            self.pairs["fn"] += len(gold_types - sys_types)

    @staticmethod
    def prf(right: int, system: int, found: int, gold: int) -> dict:
        p = right / system if system else 0.0
        r = found / gold if gold else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
                "system": system, "gold": gold}

    def result(self) -> dict:
        e, p = self.events, self.pairs
        share = lambda xs: {"n": len(xs), "accuracy": round(sum(xs) / len(xs), 4) if xs else None}  # noqa: E731
        return {**self.prf(e["right"], e["system"], e["found"], e["gold"]),
                "pairs": self.prf(p["tp"], p["tp"] + p["fp"], p["tp"], p["tp"] + p["fn"]),
                "by_type": {t: self.prf(c["right"], c["system"], c["found"], c["gold"])
                            for t, c in sorted(self.types.items())},
                "source_country": share(self.source), "target_country": share(self.target)}


def build_pipeline(model: str):
    """The default pipeline, or one with the learned event layer forced on or off."""
    from storyline import Pipeline
    from storyline.pipeline import build_nlp

    if model == "default":
        return Pipeline()
    return Pipeline(nlp=build_nlp(event_model=(model == "on")))


def score(pipeline, docs: list, description: str = "documents") -> tuple[Scorer, float]:
    scorer = Scorer()
    stories = [story for story, _ in docs]
    started = time.perf_counter()
    for (story, recs), analysis in progress(zip(docs, pipeline.pipe(stories)), total=len(docs), description=description):
        scorer.add(recs, analysis.events, analysis.actors)
    return scorer, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["train", "dev", "test"], default="dev")
    ap.add_argument("--model", choices=["default", "on", "off"], default="default",
                    help="the learned event layer: as the pipeline's default, forced on, or off (rules only)")
    ap.add_argument("--devset", type=Path, default=DEVSET, help="folder holding corpus.py and events/*.jsonl")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show-misses", action="store_true", help="print missed and extra events to stderr")
    args = ap.parse_args()

    corpus = load_corpus(args.devset)
    docs = documents(corpus, args.split)
    pipeline = build_pipeline(args.model)
    model_on = "storyline_event_model" in pipeline.nlp.pipe_names and getattr(
        pipeline.nlp.get_pipe("storyline_event_model"), "enabled", False)
    scorer, seconds = score(pipeline, docs, f"{args.split} documents")
    if args.show_misses:
        for m in scorer.misses:
            print("MISS", *m, sep="\t", file=sys.stderr)
        for x in scorer.extras:
            print("EXTRA", *x, sep="\t", file=sys.stderr)
    result = {"split": args.split, "mode": "rules+model" if model_on else "rules", "documents": len(docs),
              "sentences": sum(len(recs) for _, recs in docs), **scorer.result(), "seconds": round(seconds, 1)}
    emit(result, args.json)


if __name__ == "__main__":
    main()
