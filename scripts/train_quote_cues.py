"""Train the attribution-cue model (src/storyline/kb/quote_cues.json.gz) on PolNeAR's training split.

    python scripts/train_quote_cues.py [TRAIN_DIR] [--folds 5] [--C 0.5] [--out FILE]

Each article is parsed by storyline's own pipeline (up to the entity stage, as the quote stage
sees it); every candidate token (verb, noun, adjective, preposition, colon) is an example, labelled
1 when it heads a gold cue span. A logistic regression (scikit-learn, L2) over the features of
`storyline.pipeline.quotes.cues.features` is cross-validated by article on the training split
(the threshold is the one with the best F1 there), then fitted on the whole split; the non-zero
weights are written as gzipped JSON. Only PolNeAR's train split is read: dev stays for reporting.
PolNeAR states no license; the weights are storyline's own evaluation-time artifact.

Needs scikit-learn (`pip install -e '.[train]'`); runs on a CPU in a few minutes.
"""
from __future__ import annotations

import argparse
import gzip
from collections import Counter
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
DEFAULT = ROOT.parent / "shared" / "eval" / "quotes" / "PolNeAR" / "data" / "train"
OUT = ROOT / "src" / "storyline" / "kb" / "quote_cues.json.gz"


def cue_heads(doc, attributions) -> set[int]:
    """Token index of the head of each gold cue (the cue token whose head lies outside the cue)."""
    heads = set()
    for a in attributions:
        toks = []
        for s, e in a.get("Cue", ()):
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is not None:
                toks.extend(span)
        ids = {t.i for t in toks}
        top = [t for t in toks if t.head.i not in ids or t.head.i == t.i]
        if top:
            heads.add(top[0].i)
    return heads


def examples(folder: Path, cache: Path | None, part: str = "all"):
    """(features, label, article index) for every candidate token of the split."""
    from spacy.tokens import DocBin

    from quotes import articles, split_of
    from storyline.pipeline import STAGES, build_nlp
    from storyline.pipeline.quotes.cues import doc_context, features, is_candidate

    nlp = build_nlp()
    docs_gold = list(articles([folder]))
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    else:
        keep = [s for s in STAGES if s != "storyline_entities"]
        docs = list(nlp.pipe((text for _, _, text, _ in docs_gold), disable=keep, batch_size=16))
        if cache is not None:
            DocBin(docs=docs).to_disk(cache)
    parts = split_of([name for name, _, _, _ in docs_gold])
    X, y, groups = [], [], []
    for k, ((name, _, text, gold), doc) in enumerate(zip(docs_gold, docs)):
        assert doc.text == text
        if part == "tune" and parts[name] != "tune":
            continue
        heads = cue_heads(doc, gold)
        ctx = doc_context(doc)
        for tok in doc:
            if is_candidate(tok):
                X.append({f: 1 for f in features(tok, ctx)})
                y.append(int(tok.i in heads))
                groups.append(k)
    return X, y, groups


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--C", type=float, default=0.5)
    ap.add_argument("--min-count", type=int, default=2, help="features seen fewer times are dropped")
    ap.add_argument("--threshold", type=float, help="with --folds 0: the threshold to ship (no cross-validation)")
    ap.add_argument("--cache", type=Path, help="keep the parsed articles here (spaCy DocBin) for reruns")
    ap.add_argument("--part", choices=["all", "tune"], default="all",
                    help="tune: leave out the seeded held-out fifth of the split (benchmarks/quotes.py split_of)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    X, y, groups = examples(args.data, args.cache, args.part)
    y = np.array(y)
    seen = Counter(f for x in X for f in x)
    X = [{f: 1 for f in x if seen[f] >= args.min_count} for x in X]  # a feature seen once teaches nothing
    vec = DictVectorizer()
    M = vec.fit_transform(X).tocsr()
    M.indices, M.indptr = M.indices.astype(np.int32), M.indptr.astype(np.int32)  # liblinear wants 32-bit
    print(f"{M.shape[0]} candidate tokens, {int(y.sum())} cue heads, {M.shape[1]} features", file=sys.stderr)

    scores = np.zeros(len(y))
    folds = GroupKFold(n_splits=args.folds).split(M, y, groups) if args.folds > 1 else []
    for train, test in folds:
        clf = LogisticRegression(C=args.C, max_iter=2000, solver="liblinear")
        clf.fit(M[train], y[train])
        scores[test] = clf.predict_proba(M[test])[:, 1]
    best = (0.0, args.threshold or 0.5, 0.0, 0.0)
    for t in np.arange(0.2, 0.8, 0.02) if args.folds > 1 else ():
        pred = scores >= t
        tp = int((pred & (y == 1)).sum())
        p = tp / max(int(pred.sum()), 1)
        r = tp / max(int(y.sum()), 1)
        f = 2 * p * r / (p + r) if p + r else 0.0
        if f > best[0]:
            best = (f, float(t), p, r)
    f, threshold, p, r = best
    print(f"cross-validated by article ({args.folds} folds): threshold {threshold:.2f}, "
          f"cue-head P {p:.3f} R {r:.3f} F1 {f:.3f}", file=sys.stderr)

    clf = LogisticRegression(C=args.C, max_iter=2000, solver="liblinear").fit(M, y)
    names = vec.get_feature_names_out()
    weights = {str(n): round(float(w), 4) for n, w in zip(names, clf.coef_[0]) if abs(w) >= 1e-3}
    model = {"bias": round(float(clf.intercept_[0]), 4), "threshold": round(threshold, 2), "weights": weights,
             "trained_on": f"{args.data.name} ({args.part})", "cv": {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4)}}
    args.out.write_bytes(gzip.compress(json.dumps(model, sort_keys=True).encode("utf-8"), mtime=0))
    print(f"{len(weights)} weights -> {args.out} ({args.out.stat().st_size // 1024} KB)", file=sys.stderr)


if __name__ == "__main__":
    main()
