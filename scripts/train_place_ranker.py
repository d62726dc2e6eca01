"""Train the place ranker (src/storyline/kb/place_ranker.json) on LGL and GeoVirus, and report
cross-validated and cross-corpus figures.

    python scripts/train_place_ranker.py [DATA_FILE ...] [--folds 5] [--out FILE] [--report JSON]
                                         [--no-write] [--cache DIR]

DATA_FILE: geoparsing corpora in the schemas benchmarks/geoparse.py reads (default: LGL and
GeoVirus in ../shared/eval/geo). Each story is parsed once up to the places stage (cached under
the storyline cache dir, keyed by the file and the gazetteer version); the gold toponym spans are
given, as in geoparse.py's gold-spans mode, so the figures here are that mode's figures.

What is reported (all on held-out documents):
- per fold of a k-fold cross-validation by document over both corpora (folds drawn within each
  corpus), each corpus's figures on that fold's held-out documents, and the pooled figures;
- cross-corpus: trained on all of LGL, tested on all of GeoVirus, and the other way round (the
  best proxy here for unseen corpora such as TR-News and GeoWebNews);
- the prior alone (own name, then population; no learning) on both, as the floor.
The model written is trained on all documents of all corpora given.

Training: two LightGBM binary classifiers over (name, candidate) rows, the candidate that is the
gold GeoNames id (or, where the gold id is not in the gazetteer or the corpus has none, the
nearest candidate within 161 km) being the positive. Pass A sees the candidate alone; pass B adds
the story's other names under pass A's reading, which for training documents is read from pass-A
models that did not see them (cross-fitting, 3 inner folds), so that pass B learns how far to
trust pass A on unseen text.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import geoparse  # noqa: E402

PARAMS = {"objective": "binary", "learning_rate": 0.05, "num_leaves": 15, "min_data_in_leaf": 20,
          "feature_fraction": 0.9, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
          "verbose": -1, "seed": 7, "deterministic": True, "num_threads": 1}
ROUNDS = 250


@dataclass
class Story:
    corpus: str
    names: list  # Name objects with candidates
    fa: numpy.ndarray  # pass-A features, one row per candidate
    demonyms: object
    labels: numpy.ndarray  # 1 for each name's positive candidate
    trainable: numpy.ndarray  # rows of names that have a positive
    golds: list  # (Gold, name index or None)


def parsed_docs(path: Path, cache: Path, nlp):
    from spacy.tokens import DocBin

    from storyline.kb.gazetteer import GAZETTEER_VERSION

    stat = path.stat()
    f = cache / f"parsed-{path.stem}-{stat.st_size}-{GAZETTEER_VERSION}.spacy"
    articles = geoparse.read(path)
    if f.exists():
        return articles, list(DocBin().from_disk(f).get_docs(nlp.vocab))
    db = DocBin(store_user_data=True)
    docs = []
    for doc in geoparse.progress(nlp.pipe((a.text for a in articles), batch_size=32,
                                          disable=geoparse.STAGES_BEFORE_PLACES),
                                 total=len(articles), description=f"parsing {path.name}"):
        db.add(doc)
        docs.append(doc)
    db.to_disk(f)
    return articles, docs


def build_stories(corpus: str, articles, docs, resolver) -> list[Story]:
    from storyline.pipeline.places import distance_km

    out = []
    for art, doc in zip(articles, docs):
        golds = [g for g in art.toponyms if g.end > g.start]
        spans, kept = [], []
        for g in golds:
            s = doc.char_span(g.start, g.end, alignment_mode="expand")
            if s is not None:
                spans.append(s)
                kept.append(g)
        keys, _, names = resolver.names(doc, spans)
        live = [n for n in names.values() if n.cands]
        index = {n.key: i for i, n in enumerate(live)}
        demonyms = resolver.story_demonyms(doc)
        fa = resolver.ranker.features_a(live, demonyms)
        labels = numpy.zeros(len(fa))
        trainable = numpy.zeros(len(fa), dtype=bool)
        gold_of: dict[int, object] = {}
        for g, k in zip(kept, keys):
            if k in index and g.lat is not None:
                gold_of.setdefault(index[k], g)
        row = 0
        for i, n in enumerate(live):
            g = gold_of.get(i)
            if g is not None:
                pos = next((j for j, c in enumerate(n.cands) if g.geonameid and c.place.geonameid == g.geonameid), None)
                if pos is None:
                    d = [distance_km(g.lat, g.lon, c.place.lat, c.place.lon) for c in n.cands]
                    j = int(numpy.argmin(d))
                    pos = j if d[j] <= 161 else None
                if pos is not None:
                    labels[row + pos] = 1
                    trainable[row:row + len(n.cands)] = True
            row += len(n.cands)
        mapped = []
        for g in golds:
            try:
                k = keys[kept.index(g)]
            except ValueError:
                k = None
            mapped.append((g, index.get(k) if k is not None else None))
        out.append(Story(corpus, live, fa, demonyms, labels, trainable, mapped))
    return out


def _spans(story: Story):
    s = 0
    for n in story.names:
        yield s, s + len(n.cands)
        s += len(n.cands)


def _per_name(p: numpy.ndarray, story: Story) -> numpy.ndarray:
    out = numpy.empty_like(p)
    for s, e in _spans(story):
        t = p[s:e].sum()
        out[s:e] = p[s:e] / t if t > 0 else 1.0 / (e - s)
    return out


# Features whose effect must only raise (+1) or lower (-1) a candidate's score, whatever the
# corpus: support from the story's other names, matching by own name, population, nearness.
# They keep the ranker from learning corpus quirks against the direction every story shares.
MONOTONE = {"own_name": 1, "log_population": 1, "population_share": 1, "population_rank": -1,
            "prob_a": 1, "country_support": 1, "admin1_support": 1, "admin2_support": 1, "contains_others": 1, "log_near_km": -1,
            "first_same_country": 1, "log_first_km": -1, "demonym_share": 1}


def _fit(x: numpy.ndarray, y: numpy.ndarray):
    import lightgbm

    from storyline.pipeline.places.rank import FEATURES_A, FEATURES_B

    names = FEATURES_A if x.shape[1] == len(FEATURES_A) else FEATURES_B
    params = {**PARAMS, "monotone_constraints": [MONOTONE.get(f, 0) for f in names],
              "monotone_constraints_method": "advanced"}
    ds = lightgbm.Dataset(x, y, categorical_feature=[FEATURES_A.index("group")], free_raw_data=False)
    return lightgbm.train(params, ds, num_boost_round=ROUNDS)


def _rows(stories: list[Story], feats: list[numpy.ndarray]):
    x = numpy.vstack([f[s.trainable] for s, f in zip(stories, feats)])
    y = numpy.concatenate([s.labels[s.trainable] for s in stories])
    return x, y


def _folds(n: int, k: int, seed: int) -> list[int]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    fold = [0] * n
    for rank, i in enumerate(order):
        fold[i] = rank % k
    return fold


def train(stories: list[Story], inner: int = 3):
    """Pass A on all stories; pass B on pass-B features built from cross-fitted pass-A readings."""
    from storyline.pipeline.places.rank import Ranker

    model_a = _fit(*_rows(stories, [s.fa for s in stories]))
    fold = _folds(len(stories), inner, seed=11)
    prob_a: list = [None] * len(stories)
    for f in range(inner):
        part = _fit(*_rows([s for s, g in zip(stories, fold) if g != f], [s.fa for s, g in zip(stories, fold) if g != f]))
        for i, s in enumerate(stories):
            if fold[i] == f and len(s.fa):
                prob_a[i] = _per_name(part.predict(s.fa, num_threads=1), s)
    ranker = Ranker()
    fb = [ranker.features_b(s.names, s.fa, p) if len(s.fa) else numpy.zeros((0, 0)) for s, p in zip(stories, prob_a)]
    keep = [i for i, s in enumerate(stories) if len(s.fa)]
    model_b = _fit(*_rows([stories[i] for i in keep], [fb[i] for i in keep]))
    return model_a, model_b


def predict(models, stories: list[Story]) -> list[tuple[object, object]]:
    """(gold, predicted place) for every gold toponym with coordinates."""
    from storyline.pipeline.places.rank import Ranker

    ranker = Ranker()
    pairs = []
    for s in stories:
        best = {}
        if len(s.fa):
            if models is None:  # the prior alone
                pb = _per_name(ranker._predict(None, s.fa, prior=True), s)
            else:
                pa = _per_name(models[0].predict(s.fa, num_threads=1), s)
                pb = _per_name(models[1].predict(ranker.features_b(s.names, s.fa, pa), num_threads=1), s)
            for i, (a, b) in enumerate(_spans(s)):
                best[i] = s.names[i].cands[int(numpy.argmax(pb[a:b]))].place
        for g, i in s.golds:
            if g.lat is not None:
                pairs.append((g, best.get(i) if i is not None else None))
    return pairs


def figures(models, stories: list[Story]) -> dict:
    out = {}
    for corpus in sorted({s.corpus for s in stories}):
        out[corpus] = geoparse.resolution_figures(predict(models, [s for s in stories if s.corpus == corpus]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="*", type=Path,
                    default=[geoparse.GEO / "lgl.xml", geoparse.GEO / "GeoVirus.xml"])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "storyline" / "kb" / "place_ranker.json")
    ap.add_argument("--no-write", action="store_true", help="report only; leave the shipped model alone")
    ap.add_argument("--no-eval", action="store_true", help="train the model only (no cross-validation)")
    ap.add_argument("--report", type=Path, help="write the figures as JSON here")
    ap.add_argument("--cache", type=Path, help="where parsed corpora are kept (default: the storyline cache dir)")
    args = ap.parse_args()

    import lightgbm

    from storyline.kb.gazetteer import GAZETTEER_VERSION, cache_dir
    from storyline.pipeline import build_nlp
    from storyline.pipeline.places import PlaceResolver
    from storyline.pipeline.places.rank import FEATURES_A, FEATURES_B, Ranker

    from storyline.pipeline.places import rank

    # the shipped model may have been trained on other features than the code now computes: the
    # pipeline used here for parsing starts from the prior, never from that model
    rank.ranker_text = lambda: None
    t0 = time.perf_counter()
    nlp = build_nlp()
    resolver = PlaceResolver(ranker=Ranker())
    cache = args.cache or cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    stories: list[Story] = []
    for path in args.data:
        articles, docs = parsed_docs(path, cache, nlp)
        stories.extend(build_stories(path.name, articles, docs, resolver))
    print(f"{len(stories)} stories, {sum(len(s.fa) for s in stories)} candidate rows "
          f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr)

    report: dict = {"gazetteer": GAZETTEER_VERSION, "lightgbm": lightgbm.__version__, "params": PARAMS,
                    "rounds": ROUNDS, "prior_only": figures(None, stories), "folds": []}
    corpora = sorted({s.corpus for s in stories}) if not args.no_eval else []
    fold = [0] * len(stories)
    for c in corpora:  # folds drawn within each corpus, so that each fold holds out some of each
        idx = [i for i, s in enumerate(stories) if s.corpus == c]
        for i, f in zip(idx, _folds(len(idx), args.folds, seed=3)):
            fold[i] = f
    pooled: list = []
    for f in range(args.folds if corpora else 0):
        train_set = [s for s, g in zip(stories, fold) if g != f]
        test_set = [s for s, g in zip(stories, fold) if g == f]
        models = train(train_set)
        report["folds"].append({"fold": f, **figures(models, test_set)})
        pooled.append((models, test_set))
        print(f"fold {f}: {json.dumps(report['folds'][-1])}", file=sys.stderr)
    report["cross_validated"] = {c: geoparse.resolution_figures(
        [p for models, test in pooled for p in predict(models, [s for s in test if s.corpus == c])]) for c in corpora}
    if len(corpora) == 2:
        a, b = corpora
        report["cross_corpus"] = {}
        for train_c, test_c in ((a, b), (b, a)):
            models = train([s for s in stories if s.corpus == train_c])
            report["cross_corpus"][f"train {train_c}, test {test_c}"] = figures(
                models, [s for s in stories if s.corpus == test_c])[test_c]
    models = train(stories)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    text = json.dumps(report, indent=2)
    print(text)
    if args.report:
        args.report.write_text(text + "\n")
    if not args.no_write:
        model = {"trained": dt.date.today().isoformat(), "data": [p.name for p in args.data],
                 "gazetteer": GAZETTEER_VERSION, "features_a": FEATURES_A, "features_b": FEATURES_B,
                 "cross_validated": report["cross_validated"] or None, "cross_corpus": report.get("cross_corpus"),
                 "model_a": models[0].model_to_string(), "model_b": models[1].model_to_string()}
        args.out.write_text(json.dumps(model) + "\n")
        print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
