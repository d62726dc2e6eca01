"""Step 3: ranking. A learned ranker (LightGBM, kb/place_ranker.json, trained on LGL and GeoVirus
by scripts/train_place_ranker.py) scores every candidate of every name of a story, in two passes:

- pass A reads the candidate alone: how the name matched it (own name, alternate name, demonym,
  abbreviation), its kind of place (kb/place_types.tsv), its population and rank among the
  name's candidates, a qualifier, whether the name is used as an agent ("Washington said"),
  whether it is a region named after a town of the same name, and the countries the story's
  demonyms point to ("Russian forces");
- pass B adds what the story's other names say under pass A's reading: the weight they put on
  the same country, the same first-level and second-level subdivision, the distance to the nearest of them,
  how many of them the candidate contains (a state holding the story's towns), and the first
  name of the story (the dateline, or the place the story opens with).

Each name takes its best candidate under pass B; its score is that candidate's share of the
name's probability mass.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from functools import lru_cache

import numpy

from ...kb.places import place_types, ranker_text
from .candidates import Name

_EARTH_KM = 6371.0
FEATURES_A = ["own_name", "via_demonym", "via_abbreviation", "group", "log_population", "population_rank",
              "log_candidates", "population_share", "qualified", "agent", "namesake", "demonym_share",
              "log_mentions", "name_tokens", "acronym"]
FEATURES_B = FEATURES_A + ["prob_a", "country_support", "admin1_support", "log_near_km", "contains_others",
                           "first_same_country", "log_first_km", "log_others", "admin2_support"]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): a dozen lines are cheaper than a geodesy dependency."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def km_matrix(points: numpy.ndarray, others: numpy.ndarray) -> numpy.ndarray:
    """Great-circle distances between points and others, each (lat, lon) in radians."""
    dlat = others[None, :, 0] - points[:, None, 0]
    dlon = others[None, :, 1] - points[:, None, 1]
    a = numpy.sin(dlat / 2) ** 2 + numpy.cos(points[:, None, 0]) * numpy.cos(others[None, :, 0]) * numpy.sin(dlon / 2) ** 2
    return 2 * _EARTH_KM * numpy.arcsin(numpy.sqrt(numpy.clip(a, 0, 1)))


class Ranker:
    """The two LightGBM boosters. Without a trained model file, a population-and-own-name prior
    stands in (so that the training script can bootstrap)."""

    def __init__(self, model: dict | None = None):
        self.types = place_types()
        self.model = model
        self.a = self.b = None
        if model is not None:
            import lightgbm

            if model["features_a"] != FEATURES_A or model["features_b"] != FEATURES_B:
                raise ValueError("kb/place_ranker.json was trained on other features: retrain it "
                                 "(scripts/train_place_ranker.py)")
            self.a = lightgbm.Booster(model_str=model["model_a"])
            self.b = lightgbm.Booster(model_str=model["model_b"])

    # ---- features ----
    def features_a(self, names: list[Name], demonyms: Counter) -> numpy.ndarray:
        total_demonyms = sum(demonyms.values())
        rows = []
        for n in names:
            k = len(n.cands)
            top = max((c.place.population for c in n.cands), default=0)
            towns = {i for c in n.cands if c.own_name and c.place.feature_class == "P"
                     for i in (c.place.admin1_id, c.place.admin2_id) if i}
            tokens = len(n.text.split())
            acronym = float(n.text.replace(".", "").isupper() and len(n.text.replace(".", "")) <= 4)
            for rank, c in enumerate(n.cands):  # the gazetteer gives them most populous first
                p = c.place
                rows.append((float(c.own_name), float(n.via == "demonym"), float(n.via == "abbreviation"),
                             self.types.group_index[self.types.get(p.feature_class, p.feature_code).group],
                             math.log10(p.population + 1), rank, math.log10(k),
                             (p.population + 1) / (top + 1), float(n.qualified), float(n.agent),
                             float(not c.own_name and p.geonameid in towns),
                             demonyms.get(p.country, 0) / total_demonyms if total_demonyms else math.nan,
                             math.log10(n.mentions), tokens, acronym))
        return numpy.array(rows, dtype=float).reshape(-1, len(FEATURES_A))

    def features_b(self, names: list[Name], fa: numpy.ndarray, prob_a: numpy.ndarray) -> numpy.ndarray:
        """Pass A's features and probabilities (each name's summing to one) -> pass B's features."""
        spans = _spans(names)
        best = [int(numpy.argmax(prob_a[s:e])) + s for s, e in spans]
        cands = [c for n in names for c in n.cands]
        coords = numpy.radians([(c.place.lat, c.place.lon) for c in cands]).reshape(-1, 2)
        # each name's weight on each country and first-level subdivision
        country_w: list[Counter] = []
        admin_w: list[Counter] = []
        county_w: list[Counter] = []  # second-level subdivisions: a village's county named in the story
        for s, e in spans:
            cw: Counter = Counter()
            aw: Counter = Counter()
            kw: Counter = Counter()
            for c, w in zip(cands[s:e], prob_a[s:e]):
                p = c.place
                if p.country:
                    cw[p.country] += w
                own_admin = p.geonameid if p.feature_code == "ADM1" else p.admin1_id
                if own_admin:
                    aw[own_admin] += w
                own_county = p.geonameid if p.feature_code == "ADM2" else p.admin2_id
                if own_county:
                    kw[own_county] += w
            country_w.append(cw)
            admin_w.append(aw)
            county_w.append(kw)
        n_names = len(names)
        others = n_names - 1
        first = min(range(n_names), key=lambda i: names[i].first)
        km = km_matrix(coords, coords[best]) if n_names > 1 else None
        out = numpy.full((len(cands), len(FEATURES_B)), math.nan)
        out[:, :len(FEATURES_A)] = fa
        out[:, len(FEATURES_A)] = prob_a
        out[:, FEATURES_B.index("log_others")] = math.log10(others + 1)
        if not others:
            return out
        best_places = [cands[i].place for i in best]
        for i, (s, e) in enumerate(spans):
            rest = [j for j in range(n_names) if j != i]
            for r in range(s, e):
                p = cands[r].place
                own_admin = p.geonameid if p.feature_code == "ADM1" else p.admin1_id
                country = sum(country_w[j].get(p.country, 0.0) for j in rest) / others if p.country else 0.0
                admin = min(1.0, sum(admin_w[j].get(own_admin, 0.0) for j in rest)) if own_admin else 0.0
                own_county = p.geonameid if p.feature_code == "ADM2" else p.admin2_id
                out[r, -1] = min(1.0, sum(county_w[j].get(own_county, 0.0) for j in rest)) if own_county else 0.0
                near = min(km[r, j] for j in rest)
                contains = sum(1 for j in rest if _contains(p, best_places[j])) / others
                col = len(FEATURES_A) + 1
                out[r, col:col + 4] = (country, admin, math.log10(1 + near), contains)
                if i != first:
                    fp = best_places[first]
                    out[r, col + 4] = float(p.country is not None and p.country == fp.country)
                    out[r, col + 5] = math.log10(1 + km[r, first])
        return out

    # ---- scoring ----
    def rank(self, names: list[Name], demonyms: Counter) -> None:
        """Sets each name's probs, best and margin."""
        names = [n for n in names if n.cands]
        if not names:
            return
        spans = _spans(names)
        fa = self.features_a(names, demonyms)
        prob_a = _per_name(self._predict(self.a, fa, prior=True), spans)
        prob_b = _per_name(self._predict(self.b, self.features_b(names, fa, prob_a), prior=False, fa=fa), spans)
        for n, (s, e) in zip(names, spans):
            probs = prob_b[s:e]
            order = numpy.argsort(-probs, kind="stable")
            n.probs = probs.tolist()
            n.best = n.cands[int(order[0])]
            n.margin = float(probs[order[0]] - (probs[order[1]] if len(order) > 1 else 0.0))

    @staticmethod
    def _predict(booster, x: numpy.ndarray, prior: bool, fa: numpy.ndarray | None = None) -> numpy.ndarray:
        if booster is not None:
            return booster.predict(x, num_threads=1)
        # no trained model: own name, then population (what the training script starts from)
        f = x if prior else fa
        return 1 / (1 + numpy.exp(-(2 * f[:, 0] + f[:, 4] - 3)))


def _spans(names: list[Name]) -> list[tuple[int, int]]:
    out, s = [], 0
    for n in names:
        out.append((s, s + len(n.cands)))
        s += len(n.cands)
    return out


def _per_name(scores: numpy.ndarray, spans: list[tuple[int, int]]) -> numpy.ndarray:
    """Each name's candidate scores as shares of the name's total (a name has one referent)."""
    out = numpy.empty_like(scores)
    for s, e in spans:
        total = scores[s:e].sum()
        out[s:e] = scores[s:e] / total if total > 0 else 1.0 / (e - s)
    return out


def _contains(area, place) -> bool:
    """The area holds the place: a country its towns, a state or county its towns."""
    if area.geonameid == place.geonameid:
        return False
    if area.feature_code.startswith("PCL"):
        return place.country == area.country
    if area.feature_code == "ADM1":
        return place.admin1_id == area.geonameid
    if area.feature_code == "ADM2":
        return place.admin2_id == area.geonameid
    return False


@lru_cache(maxsize=1)
def shipped_ranker() -> Ranker:
    text = ranker_text()
    return Ranker(json.loads(text) if text else None)
