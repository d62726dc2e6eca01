"""The learned layer: confirms or rejects candidate events and proposes types the rules miss.

Every candidate the rules looked at (hand-kept triggers, nominal triggers, the CAMEO-derived broad
verbs of kb/cameo_verbs.tsv) is described by a few dozen sparse features — its word and parse, the
type and code the rules gave it, whether the rules found a source and target and what kind of actors
they are, modality, reported speech, why the rules rejected it — and a multinomial logistic
regression (trained on storyline's own annotated real-news sentences by scripts/train_event_model.py,
shipped as plain weights in kb/event_model.json) gives the probability of each PLOVER type or of no
event. An act the text says did not happen (negated, denied) or whose object does not fit the
political sense stays rejected: the model only decides what the rules were unsure of.

The weights are read with plain Python (a dot product over the features present), so scikit-learn is
needed to train, not to run.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Token

from .context import Decision, StoryContext

NONE = "NONE"
MODEL_FILE = "event_model.json"
# reasons the rules give that the model may overrule; the others (negated, denied, sense) are final
SOFT_REASONS = {None, "no source", "own duty", "not said", "civilians flee", "broad only", "speech only"}
CONTENT_POS = ("NOUN", "VERB", "ADJ", "ADV", "PROPN")


def features(ctx: StoryContext, d: Decision, actor_kind) -> dict[str, float]:
    """Sparse features of one candidate decision (names -> values)."""
    tok: Token = d.cand.token
    trig = d.cand.trigger
    lemma = tok.lemma_.lower()
    origin = next((k for k in ("cameo", "obligation", "speech") if k in trig.flags), tok.pos_.lower())
    rule = d.plover or ""
    f: dict[str, float] = {
        "bias": 1.0,
        f"lemma={lemma}": 1.0,
        f"lemma_pos={lemma}|{tok.pos_}": 1.0,
        f"dep={tok.dep_}": 1.0,
        f"origin={origin}": 1.0,
        f"rule={rule}": 1.0,
        f"code2={trig.cameo[:2]}": 1.0,
        f"reason={d.reason}": 1.0,
        f"rule_reason={rule}|{d.reason}": 1.0,
        f"modality={d.modality}": 1.0,
        f"speech={d.speech_kind}": 1.0,
        f"head={tok.head.lemma_.lower()}": 1.0,
        f"tag={tok.tag_}": 1.0,
    }
    if d.passive:
        f["passive"] = 1.0
    src = [actor_kind(ctx.actors.get(i)) for i in d.source_ids]
    tgt = [actor_kind(ctx.actors.get(i)) for i in d.target_ids]
    f[f"src={src[0] if src else 'none'}"] = 1.0
    f[f"tgt={tgt[0] if tgt else 'none'}"] = 1.0
    f[f"rule_src={rule}|{src[0] if src else 'none'}"] = 1.0
    f[f"rule_tgt={rule}|{tgt[0] if tgt else 'none'}"] = 1.0
    for i, side in ((d.source_ids, "src_role"), (d.target_ids, "tgt_role")):
        a = ctx.actors.get(i[0]) if i else None
        if a is not None:
            f[f"{side}={a.role or a.kind}"] = 1.0
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubjpass", "attr"):
            f[f"obj={c.lemma_.lower()}"] = 1.0
        elif c.dep_ == "prep":
            f[f"prep={c.lower_}"] = 1.0
        elif c.dep_ in ("aux", "auxpass"):
            f[f"aux={c.lower_}"] = 1.0
        elif c.dep_ == "prt":
            f[f"prt={c.lower_}"] = 1.0
        elif c.dep_ in ("compound", "amod") and c.i < tok.i:
            f[f"mod={c.lemma_.lower()}"] = 1.0
    if "speech" in trig.flags:  # what was said: its words
        comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
        if comp is not None:
            for t in comp.subtree:
                if t.pos_ in CONTENT_POS and not t.is_stop:
                    f[f"said={t.lemma_.lower()}"] = 1.0
                if t.dep_ == "neg":
                    f["said_neg"] = 1.0
    if any(q.start <= tok.idx < q.end for q in ctx.doc._.quotes):
        f["in_quote"] = 1.0
    ents = {t.ent_type_ for t in tok.sent if t.ent_type_}
    for e in ents & {"GPE", "NORP", "PERSON", "ORG", "MONEY", "PERCENT"}:
        f[f"sent_ent={e}"] = 1.0
    return f


@dataclass
class EventModel:
    classes: list[str]
    weights: dict[str, list[tuple[int, float]]]  # feature -> [(class index, weight)]
    intercept: list[float]
    threshold: float  # a candidate the rules were unsure of becomes an event above this
    reject: float  # an event the rules coded is dropped when no-event is at least this probable
    info: dict

    @classmethod
    def from_json(cls, data: dict) -> "EventModel":
        return cls(data["classes"], {k: [tuple(x) for x in v] for k, v in data["weights"].items()},
                   data["intercept"], data["threshold"], data.get("reject", 1.01), data.get("info", {}))

    def probabilities(self, f: dict[str, float]) -> dict[str, float]:
        scores = list(self.intercept)
        for name, value in f.items():
            for k, w in self.weights.get(name, ()):
                scores[k] += w * value
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp)}

    def decide(self, f: dict[str, float], rule_type: str | None) -> tuple[str, float]:
        """(PLOVER type or NONE, its probability). An event the rules coded (rule_type) keeps its
        type unless no-event is at least `reject` probable; a candidate they were unsure of takes
        the most probable type when it clears `threshold`."""
        probs = self.probabilities(f)
        if rule_type:
            none = probs.get(NONE, 0.0)
            return (NONE, none) if none >= self.reject else (rule_type, 1.0 - none)
        best = max((c for c in self.classes if c != NONE), key=probs.get)
        return (best, probs[best]) if probs[best] >= self.threshold else (NONE, probs.get(NONE, 0.0))


@lru_cache(maxsize=1)
def load_model() -> EventModel | None:
    """The shipped model, or None when the package has none (the coder then runs on rules alone)."""
    path = resources.files("storyline.kb").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    return EventModel.from_json(json.loads(path.read_text(encoding="utf-8")))
