"""Train the learned event layer (pipeline/event_model.py) and write kb/models/event_model.npz.

    python scripts/train_event_tagger.py [--out PATH] [--cache DIR] [--json REPORT]

Data: storyline's annotated real-news sentences (benchmarks/devset/events/{train,dev}.jsonl, read
through benchmarks/devset/corpus.py from ../shared/eval). The split is by document and was fixed
before any tuning. The test split is never read here.

1. Every document of train and dev is run whole through the pipeline with the layer off (the rules'
   events as they are). Each verb and noun inside an annotated sentence is one example: its
   features (event_model.example_rows) and as label the PLOVER type of the political gold event
   whose trigger it is (the head word of a multi-word trigger), else NONE (a business-only act and
   an act the text says did not happen are NONE too: storyline codes neither as a political event).
2. A multinomial logistic regression (scikit-learn, lbfgs) is fitted on the train examples for each
   regularisation strength of C_GRID. For each, the layer is run on the dev documents for every
   pair of thresholds (add, drop) and switches (lexicon_bound, sourceless) and scored as
   benchmarks/event_sentences.py scores (by sentence and PLOVER type). The best dev F1 whose
   precision is at most PRECISION_MARGIN below the rules' dev precision is kept.
3. The model fitted on train with that C, and those thresholds, is written as numpy arrays (no
   scikit-learn needed to run).

CPU only; the pipeline runs dominate (a few minutes on 2 cores). Needs scikit-learn (pip install -e '.[train]').
"""
from __future__ import annotations

import argparse
import itertools
import json
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from event_sentences import Scorer, documents, gold_events, load_corpus  # noqa: E402

C_GRID = (0.2, 0.5, 1.0)
ADD_GRID = tuple(round(0.15 + 0.05 * i, 2) for i in range(8))  # 0.15 .. 0.50
# 1.01: never drop a rule event. Drops were tried (0.8, 0.9): they gained dev precision on four
# events, but the model's no-event probability for plainly right rule events on our own test
# sentences ("Uganda granted asylum to Rwandan rebels" 0.81, "X and Y hosted talks" 0.88) overlaps
# what it gives the wrong senses it caught (0.93): 580 training triggers do not support dropping.
DROP_GRID = (1.01,)
# a setting is eligible when its dev precision is at most this far below the rules' (with drops off,
# no setting that adds events keeps the rules' precision exactly: 0.607 against 0.641 on dev)
PRECISION_MARGIN = 0.05
# proposals keep to the lexicon's types for words it knows; proposals need no named source
SWITCHES = tuple(itertools.product((False, True), (False, True)))
OUT = ROOT / "src" / "storyline" / "kb" / "models" / "event_model.npz"


def gold_labels(doc, recs: list[dict]) -> dict[int, str]:
    """Token index -> PLOVER type for the head token of each gold trigger (political, not negated);
    NONE for the triggers of business-only and negated acts."""
    positive = {id(g) for r in recs for g in gold_events(r)}
    out: dict[int, str] = {}
    for r in recs:
        for g in r["events"]:
            start = g.get("trigger_start")
            if start is None:
                continue
            end = start + len(g["trigger"])
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            head = span.root
            label = g["type"] if id(g) in positive else "NONE"
            if out.get(head.i, "NONE") == "NONE":
                out[head.i] = label
    return out


def run_docs(nlp, docs: list) -> list:
    """Parse the stories (the layer is off in nlp) and return the spaCy Docs."""
    from rich.progress import track

    def made():
        for story, _ in docs:
            d = nlp.make_doc(story.text)
            d._.story_date = story.date
            yield d

    return list(track(nlp.pipe(made(), batch_size=8), total=len(docs), description="parsing", transient=True))


def examples(parsed: list, docs: list, layer) -> tuple[list[dict], np.ndarray, list[str], Counter]:
    from storyline.pipeline.event_model import candidate_tokens, example_rows

    feats, dense, labels = [], [], []
    stats = Counter()
    for doc, (_, recs) in zip(parsed, docs):
        spans = [(r["start"], r["end"]) for r in recs]
        tokens = [t for t in candidate_tokens(doc) if any(a <= t.idx < b for a, b in spans)]
        gold = gold_labels(doc, recs)
        cand_set = {t.i for t in tokens}
        stats["gold_triggers"] += sum(1 for v in gold.values() if v != "NONE")
        stats["gold_triggers_not_candidates"] += sum(1 for i, v in gold.items() if v != "NONE" and i not in cand_set)
        toks, f, d = example_rows(doc, layer.featurizer, layer.coder.find, layer.coder.coder.plover, tokens)
        feats += f
        dense.append(d)
        labels += [gold.get(t.i, "NONE") for t in toks]
    stats["examples"] = len(labels)
    return feats, np.vstack(dense), labels, stats


def fit(feats, dense, labels, C: float):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from scipy.sparse import csr_matrix, hstack

    from storyline.pipeline.event_model import EventModel

    vec = DictVectorizer(dtype=np.float32)
    Xs = vec.fit_transform(feats)
    mean = dense.mean(axis=0)
    scale = dense.std(axis=0) + 1e-6
    Xd = csr_matrix((dense - mean) / scale)
    X = hstack([Xs, Xd]).tocsr()
    clf = LogisticRegression(C=C, max_iter=500)
    clf.fit(X, labels)
    vocab = {name: i for i, name in enumerate(vec.feature_names_)}
    return EventModel(list(clf.classes_), vocab, clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32),
                      mean.astype(np.float32), scale.astype(np.float32), 0.5, 1.01)


def evaluate(layer, model, cached, docs, add: float, drop: float, bound: bool, sourceless: bool) -> dict:
    """The layer on the dev documents with this model and these thresholds, scored as the benchmark
    scores. cached: per document (Doc, rule events, candidate tokens, probabilities)."""
    layer.model, layer.add_threshold, layer.drop_threshold, layer.enabled = model, add, drop, True
    layer.lexicon_bound, layer.sourceless = bound, sourceless
    scorer = Scorer()
    for (doc, events, tokens, probs), (_, recs) in zip(cached, docs):
        doc._.events = list(events)
        if tokens:
            layer.apply(doc, tokens, probs)
        scorer.add(recs, doc._.events, doc._.actors)
        doc._.events = list(events)
    return scorer.result()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--cache", type=Path, help="keep the train examples here between runs (a pickle)")
    ap.add_argument("--json", type=Path, help="write the tuning report here")
    ap.add_argument("--C", type=float, action="append", help=f"regularisation strengths to try (default {C_GRID})")
    args = ap.parse_args()

    from storyline.pipeline import build_nlp
    from storyline.pipeline.event_model import EventModelLayer, example_rows

    started = time.perf_counter()
    corpus = load_corpus()
    nlp = build_nlp(event_model=False)
    layer = EventModelLayer(enabled=False)
    layer.setup()  # its parts, without a model: the models tried are set in evaluate()

    train_docs = documents(corpus, "train")
    cache = args.cache / "train_examples.pkl" if args.cache else None
    if cache and cache.exists():
        feats, dense, labels, stats = pickle.loads(cache.read_bytes())
    else:
        parsed = run_docs(nlp, train_docs)
        feats, dense, labels, stats = examples(parsed, train_docs, layer)
        del parsed
        if cache:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(pickle.dumps((feats, dense, labels, stats)))
    print(f"train: {len(train_docs)} documents, {dict(stats)}, labels {Counter(labels).most_common()}", file=sys.stderr)

    dev_docs = documents(corpus, "dev")
    dev_parsed = run_docs(nlp, dev_docs)
    rule_events = [list(d._.events) for d in dev_parsed]
    dev_rows = [example_rows(d, layer.featurizer, layer.coder.find, layer.coder.coder.plover) for d in dev_parsed]
    rules = Scorer()
    for doc, (_, recs) in zip(dev_parsed, dev_docs):
        rules.add(recs, doc._.events, doc._.actors)
    rules = rules.result()
    print(f"dev rules: P {rules['precision']} R {rules['recall']} F1 {rules['f1']}", file=sys.stderr)
    parse_seconds = time.perf_counter() - started

    grid = []
    best = None
    fit_seconds = 0.0
    for C in args.C or C_GRID:
        t0 = time.perf_counter()
        model = fit(feats, dense, labels, C)
        fit_seconds = time.perf_counter() - t0
        cached = [(doc, events, toks, model.probabilities(f, d) if toks else None)
                  for doc, events, (toks, f, d) in zip(dev_parsed, rule_events, dev_rows)]
        for add, drop, (bound, sourceless) in itertools.product(ADD_GRID, DROP_GRID, SWITCHES):
            r = evaluate(layer, model, cached, dev_docs, add, drop, bound, sourceless)
            row = {"C": C, "add": add, "drop": drop, "lexicon_bound": bound, "sourceless": sourceless,
                   "precision": r["precision"], "recall": r["recall"], "f1": r["f1"]}
            grid.append(row)
            ok = r["precision"] >= rules["precision"] - PRECISION_MARGIN
            if ok and (best is None or r["f1"] > best[0]["f1"]):
                best = (row, model)
        top = max((g for g in grid if g["C"] == C), key=lambda g: g["f1"])
        print(f"C={C}: best dev F1 {top['f1']} (P {top['precision']} R {top['recall']}, add {top['add']}, "
              f"drop {top['drop']}, lexicon_bound {top['lexicon_bound']}, sourceless {top['sourceless']}); "
              f"fit {fit_seconds:.1f} s, {time.perf_counter() - t0:.0f} s with the grid", file=sys.stderr)
    if best is None:
        print("no setting keeps the rules' dev precision; no model written", file=sys.stderr)
        sys.exit(1)
    row, model = best
    model.add_threshold, model.drop_threshold = row["add"], row["drop"]
    model.lexicon_bound, model.sourceless = row["lexicon_bound"], row["sourceless"]
    model.info = {"trained_on": "benchmarks/devset/events/train.jsonl", "tuned_on": "benchmarks/devset/events/dev.jsonl",
                  "C": row["C"], "train_examples": len(labels), "train_positive": sum(1 for y in labels if y != "NONE"),
                  "dev": {k: row[k] for k in ("precision", "recall", "f1")},
                  "dev_rules": {k: rules[k] for k in ("precision", "recall", "f1")}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    total = time.perf_counter() - started
    report = {"chosen": row, "dev_rules": {k: rules[k] for k in ("precision", "recall", "f1")},
              "train_examples": len(labels), "train_label_counts": dict(Counter(labels)), "stats": dict(stats),
              "seconds": {"total": round(total, 1), "parse_and_features": round(parse_seconds, 1),
                          "one_fit": round(fit_seconds, 1)},
              "model_bytes": args.out.stat().st_size, "features": len(model.vocab), "grid": grid}
    print(json.dumps({k: v for k, v in report.items() if k != "grid"}, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
