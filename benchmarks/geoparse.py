"""Geoparsing accuracy on LGL, GeoVirus, TR-News or GeoWebNews, with the measures of Gritta et al.,
"A Pragmatic Guide to Geoparsing Evaluation" (LREV 2020).

    python benchmarks/geoparse.py [DATA_FILE ...] [--mode gold-spans|end-to-end|both] [--json OUT]

DATA_FILE: XML in the LGL / TR-News schema (<toponym><start><end><phrase><gaztag geonameid>
<lat><lon>), the GeoVirus schema (<location><name><start><end><lat><lon>) or the GeoWebNews
GWN.xml schema; the reader takes what each toponym element has. Default: ../shared/eval/geo/*.xml.

Modes:
- gold-spans: the gold toponym spans are given; only resolution is measured.
- end-to-end: storyline finds the toponyms itself; recognition precision/recall/F1 (exact and
  overlapping spans) over everything storyline reports as a place mention — toponyms, demonyms
  ("Russian") and toponyms inside organization names ("Texas" in "University of Texas"), which
  LGL and GeoWebNews annotate too — and over its toponyms alone; recall leaving out gold
  demonyms; recall by gold type where the corpus has types (GeoWebNews: Literal, Demonym,
  Metonymic, Non_Toponym...); then resolution over the gold toponyms it found.

Resolution measures, over gold toponyms with coordinates: exact GeoNames id accuracy (where the
gold has ids), accuracy within 161 km (100 miles), mean and median error in km, and the AUC of the
log-scaled error curve (lower is better). A toponym left unresolved counts as the largest possible
error (20,039 km), as in Gritta et al.
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, emit, progress  # noqa: E402

GEO = ROOT.parent / "shared" / "eval" / "geo"
MAX_KM = 20039.0
STAGES_BEFORE_PLACES = ["storyline_time", "storyline_places", "storyline_actors", "storyline_quotes",
                        "storyline_events"]


@dataclass
class Gold:
    start: int
    end: int
    name: str
    geonameid: int | None
    lat: float | None
    lon: float | None
    kind: str | None = None  # GeoWebNews' <type>: Literal, Demonym, Metonymic, Non_Toponym ...
    fcode: str | None = None  # LGL's GeoNames feature code of the gold entry (PPL, ADM2, STM ...)
    page: str | None = None  # GeoVirus' Wikipedia page of the gold entry


@dataclass
class Article:
    text: str
    toponyms: list[Gold]


def _child(el: ET.Element, *tags: str) -> str | None:
    for t in tags:
        found = el.find(f".//{t}")
        if found is not None and (found.text or "").strip():
            return found.text.strip()
    return None


def _float(s: str | None) -> float | None:
    try:
        return float(s) if s is not None else None
    except ValueError:
        return None


def _aligned(text: str, start: int, end: int, name: str) -> tuple[int, int]:
    """GeoVirus's offsets are one past the name (1-based); take the offsets where the name is."""
    if not name or text[start:end] == name:
        return start, end
    for shift in (-1, 1, -2, 2):
        if text[start + shift:end + shift] == name:
            return start + shift, end + shift
    return start, end


def read(path: Path) -> list[Article]:
    """Any of the LGL/TR-News, GeoVirus and GeoWebNews XML schemas."""
    out = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.find("text").text or ""  # keep leading/trailing blanks: offsets count them
        golds = []
        for t in list(art.iter("toponym")) + list(art.iter("location")):
            start, end = _child(t, "start"), _child(t, "end")
            if start is None or end is None:
                continue
            gid = None
            gaz = t.find("gaztag")
            raw = (gaz.get("geonameid") if gaz is not None else None) or _child(t, "geonamesID", "geonameid")
            if raw and raw.strip().isdigit():
                gid = int(raw)
            name = _child(t, "phrase", "name", "extractedName") or ""
            s, e = _aligned(text, int(start), int(end), name)
            golds.append(Gold(s, e, name, gid, _float(_child(t, "lat", "latitude")),
                              _float(_child(t, "lon", "longitude")), _child(t, "type"), _child(t, "fcode"),
                              _child(t, "page")))
        out.append(Article(text, golds))
    return out


def distance(g: Gold, place) -> float:
    from storyline.pipeline.places import distance_km

    if place is None:
        return MAX_KM
    return distance_km(g.lat, g.lon, place.lat, place.lon)


def resolution_figures(pairs: list[tuple[Gold, object]]) -> dict:
    """pairs: (gold toponym with coordinates, resolved Place or None)."""
    errors = sorted(distance(g, p) for g, p in pairs)
    with_id = [(g, p) for g, p in pairs if g.geonameid is not None]
    n = len(errors)
    if not n:
        return {"toponyms": 0}
    scaled = [math.log(1 + e) / math.log(MAX_KM) for e in errors]
    auc = sum((a + b) / 2 for a, b in zip(scaled, scaled[1:])) / (n - 1) if n > 1 else scaled[0]
    return {
        "toponyms": n,
        "resolved": round(sum(1 for _, p in pairs if p is not None) / n, 4),
        "exact_id_accuracy": round(sum(1 for g, p in with_id if p is not None and p.geonameid == g.geonameid)
                                   / len(with_id), 4) if with_id else None,
        "accuracy_161km": round(sum(1 for e in errors if e <= 161) / n, 4),
        "mean_km": round(statistics.fmean(errors), 1),
        "median_km": round(statistics.median(errors), 1),
        "auc": round(auc, 4),
    }


def parse(articles: list[Article], pipe) -> list:
    """The stories parsed up to the places stage (once per file, for both modes)."""
    return list(progress(pipe.pipe((a.text for a in articles), batch_size=32, disable=STAGES_BEFORE_PLACES),
                         total=len(articles), description="parsing"))


def run(articles: list[Article], mode: str, pipe, docs: list | None = None, parse_seconds: float = 0.0) -> dict:
    from storyline.pipeline.places import PlaceResolver

    resolver: PlaceResolver = pipe.get_pipe("storyline_places")
    pairs: list[tuple[Gold, object]] = []
    tp_exact = tp_overlap = n_pred = n_gold = 0
    # storyline keeps demonyms ("Sudanese") apart from places by design; LGL tags them as toponyms
    from storyline.kb import countries

    demonyms = countries().demonyms
    tp_plain = n_plain = 0
    tp_topo = n_topo = 0
    by_type: dict[str, list[int]] = {}
    misses: list[tuple[str, str, str]] = []
    t0 = time.perf_counter()
    if docs is None:
        docs = parse(articles, pipe)
    t_places = time.perf_counter()
    for art, doc in progress(zip(articles, docs), total=len(articles), description=mode):
        golds = [g for g in art.toponyms if g.end > g.start]
        if mode == "gold-spans":
            spans = []
            for g in golds:
                span = doc.char_span(g.start, g.end, alignment_mode="expand")
                spans.append(span)
            resolved = resolver.resolve(doc, [s for s in spans if s is not None])
            by_gold = iter(pm.place for _, pm in resolved)
            for g, s in zip(golds, spans):
                p = next(by_gold) if s is not None else None
                if g.lat is not None:
                    pairs.append((g, p))
                    if g.geonameid and (p is None or p.geonameid != g.geonameid):
                        misses.append((g.name, f"{g.geonameid}", f"{p.name if p else None}/{p.geonameid if p else None}"))
            continue
        recognized = resolver.recognize_kinds(doc)
        found = resolver.resolve(doc, [s for s, _ in recognized], [k for _, k in recognized])
        n_pred += len(found)
        n_gold += len(golds)
        predicted = [(pm.start, pm.end, pm.place) for _, pm in found]
        exact = {(s, e) for s, e, _ in predicted}
        tp_exact += sum(1 for g in golds if (g.start, g.end) in exact)
        topo = {(pm.start, pm.end) for _, pm in found if pm.kind == "toponym"}
        n_topo += len(topo)
        tp_topo += sum(1 for g in golds if (g.start, g.end) in topo)
        for g in golds:
            if g.kind:
                hits = by_type.setdefault(g.kind, [0, 0])
                hits[0] += (g.start, g.end) in exact
                hits[1] += 1
        plain = [g for g in golds if art.text[g.start:g.end].lower() not in demonyms]
        n_plain += len(plain)
        tp_plain += sum(1 for g in plain if (g.start, g.end) in exact)
        for g in golds:
            hit = next((p for s, e, p in predicted if s < g.end and g.start < e), "none")
            if hit != "none":
                tp_overlap += 1
                if g.lat is not None:
                    pairs.append((g, hit))
    elapsed = time.perf_counter() - t0
    # docs_per_second: parsing and places together; places_seconds: the places stage alone
    out: dict = {"mode": mode, "documents": len(articles),
                 "docs_per_second": round(len(articles) / (elapsed + parse_seconds), 1),
                 "places_seconds": round(time.perf_counter() - t_places, 2)}
    if mode == "end-to-end":
        def prf(tp: int, gold: int = n_gold, pred: int = n_pred) -> dict:
            p = tp / pred if pred else 0.0
            r = tp / gold if gold else 0.0
            return {"precision": round(p, 4), "recall": round(r, 4),
                    "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}
        out["recognition_exact"] = prf(tp_exact)
        out["recognition_overlap"] = prf(tp_overlap)
        out["recall_exact_without_demonyms"] = prf(tp_plain, n_plain)["recall"]
        out["recognition_exact_toponyms_only"] = prf(tp_topo, n_gold, n_topo)
        if by_type:
            out["recall_exact_by_gold_type"] = {k: {"gold": n, "recall": round(tp / n, 4)}
                                                for k, (tp, n) in sorted(by_type.items())}
        out["resolution_of_found"] = resolution_figures(pairs)
    else:
        out["resolution"] = resolution_figures(pairs)
        out["_misses"] = misses
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="*", type=Path, default=sorted(GEO.glob("*.xml")))
    ap.add_argument("--mode", choices=["gold-spans", "end-to-end", "both"], default="both")
    ap.add_argument("--limit", type=int, help="first N articles of each file")
    ap.add_argument("--show-misses", type=int, default=0, help="print N resolution misses (gold-spans) to stderr")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from storyline.pipeline import build_nlp

    nlp = build_nlp()
    result = {}
    for path in args.data:
        articles = read(path)[: args.limit]
        modes = ["gold-spans", "end-to-end"] if args.mode == "both" else [args.mode]
        result[path.name] = {}
        t0 = time.perf_counter()
        docs = parse(articles, nlp)
        parse_seconds = time.perf_counter() - t0
        for mode in modes:
            r = run(articles, mode, nlp, docs, parse_seconds)
            misses = r.pop("_misses", [])
            for m in misses[: args.show_misses]:
                print("MISS", *m, sep="\t", file=sys.stderr)
            result[path.name][mode] = r
    emit(result, args.json)


if __name__ == "__main__":
    main()
