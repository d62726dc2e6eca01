"""Attribution cues: the word that ties a source to what is attributed to it.

PolNeAR's guideline (source, cue, content) counts far more than speech verbs: beliefs ("thinks"),
intentions ("plans to", "wants"), support and criticism ("endorsed", "called for", "slammed"),
evidence ("polls show", "the report found"), documents ("according to"). A fixed list of verbs
finds about half of them, so cues are scored by a small logistic regression over features of the
dependency parse (the word, its part of speech and relation, what hangs below it: a clause, an
object, a "for"/"about" phrase, a subject that is a person or a pronoun; whether it sits inside
another attribution or next to a quotation). The weights are data (`kb/quote_cues.json.gz`),
trained on PolNeAR's training split by `scripts/train_quote_cues.py`; inference is a dot product.
"""
from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Token

from ... import kb
from ..syntax import CLAUSE_DEPS

CANDIDATE_POS = {"VERB", "AUX", "NOUN", "ADJ", "ADP", "PROPN"}
OPEN_MARKS = "“\"‘"
CLOSE_MARKS = "”\"’"
PERSON_PRONOUNS = {"i", "we", "you", "he", "she", "they", "it", "who"}
WEIGHTS_FILE = "quote_cues.json.gz"


@dataclass
class DocContext:
    """What the features of a doc's tokens share: which tokens are inside quotation marks, and
    the speech words of the knowledge base."""

    inside_quote: list[bool]
    speech: dict[str, str]
    marked_sentences: set[int]  # starts of the sentences that hold a quotation mark (one scan per doc)


def doc_context(doc: Doc, speech: dict[str, str] | None = None) -> DocContext:
    inside = [False] * len(doc)
    opened: int | None = None
    for tok in doc:
        ch = tok.text
        if ch == "“" or (ch == '"' and opened is None):
            opened = tok.i
        elif ch == "”" or ch == '"':
            if opened is not None:
                for i in range(opened + 1, tok.i):
                    inside[i] = True
            opened = None
    marked = {sent.start for sent in doc.sents if any(t.text in OPEN_MARKS or t.text in CLOSE_MARKS for t in sent)}
    return DocContext(inside, speech if speech is not None else kb.speech_verbs(), marked)


def is_candidate(tok: Token) -> bool:
    return tok.pos_ in CANDIDATE_POS or tok.text == ":"


def _subject_kind(c: Token) -> str:
    if c.pos_ == "PRON":
        return "pron:" + c.lower_
    if c.ent_type_:
        return "ent:" + c.ent_type_
    return "pos:" + c.pos_


def features(tok: Token, ctx: DocContext) -> list[str]:
    lemma = tok.lemma_.lower()
    f = [f"lem={lemma}", f"low={tok.lower_}", f"pos={tok.pos_}", f"tag={tok.tag_}", f"dep={tok.dep_}",
         f"lem|dep={lemma}|{tok.dep_}", f"lem|tag={lemma}|{tok.tag_}", f"hpos={tok.head.pos_}",
         f"dep|hlem={tok.dep_}|{tok.head.lemma_.lower()}"]
    kind = ctx.speech.get(lemma)
    if kind:
        f.append(f"kb={kind}")
    has_subj = False
    for c in tok.children:
        d = c.dep_
        f.append(f"cdep={d}")
        f.append(f"lem|cdep={lemma}|{d}")
        if d in ("nsubj", "nsubjpass", "poss", "agent"):
            has_subj = True
            sk = _subject_kind(c)
            f.append(f"subj={d}|{sk}")
            f.append(f"lem|subj={lemma}|{sk.split(':')[0]}")
            if c.pos_ == "NOUN":
                f.append(f"subjlem={c.lemma_.lower()}")  # "polls show", "the report found"
        elif d == "prep":
            f.append(f"prep={c.lower_}")
            f.append(f"lem|prep={lemma}|{c.lower_}")
        elif d in ("dobj", "attr", "oprd"):
            f.append(f"obj={d}|{c.ent_type_ or c.pos_}")
            f.append(f"lem|obj={lemma}|{c.ent_type_ or c.pos_}")
            f.append(f"lem|objlem={lemma}|{c.lemma_.lower()}")  # "drew criticism", "paid tribute"
        elif d in ("ccomp", "xcomp"):
            mark = next((g.lower_ for g in c.children if g.dep_ in ("mark", "aux") and g.i < c.i), "")
            f.append(f"comp={d}|{mark}")
            f.append(f"lem|comp={lemma}|{d}")
        elif d == "neg":
            f.append("neg")
    if not has_subj:
        f.append("nosubj")
    # inside another clause: attributions are not nested, so a word under a speech verb's
    # complement is content, not a cue of its own
    cur, depth = tok, 0
    while cur.dep_ in CLAUSE_DEPS and cur.head.i != cur.i and depth < 6:
        up = cur.head
        up_kind = ctx.speech.get(up.lemma_.lower())
        if up_kind and cur.dep_ in ("ccomp", "xcomp", "parataxis"):
            f.append(f"under={up_kind}|{cur.dep_}")
            break
        cur, depth = up, depth + 1
    if tok.i < len(ctx.inside_quote) and ctx.inside_quote[tok.i]:
        f.append("in_quote")
    sent = tok.sent
    prev = tok.doc[tok.i - 1] if tok.i > sent.start else None
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < sent.end else None
    if prev is not None and (prev.text in CLOSE_MARKS or prev.text == ","):
        before = tok.doc[prev.i - 1] if prev.i > sent.start else None
        if prev.text in CLOSE_MARKS or (before is not None and before.text in CLOSE_MARKS):
            f.append("after_quote")
        elif prev.text == "," and prev.i > sent.start and tok.doc[prev.i - 1].text in CLOSE_MARKS:
            f.append("after_quote")
    if nxt is not None and (nxt.text in OPEN_MARKS or (nxt.text in (",", ":") and nxt.i + 1 < len(tok.doc)
                                                        and tok.doc[nxt.i + 1].text in OPEN_MARKS)):
        f.append("before_quote")
    if sent.start in ctx.marked_sentences:
        f.append("sent_has_quote")
    if tok.text == ":":
        f.append("colon")
    doc = tok.doc
    before = doc[tok.i - 1].lower_ if tok.i > 0 else "<s>"
    after = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else "</s>"
    f += [f"prev={before}", f"next={after}", f"lem|next={lemma}|{after}", f"prev|lem={before}|{lemma}"]
    if tok.dep_ == "ROOT":
        f.append("root")
    elif tok.pos_ in ("NOUN", "ADP", "PROPN"):
        f.append(f"lem|hlem={lemma}|{tok.head.lemma_.lower()}")  # "the support of", "in ... view"
    return f


@dataclass
class CueModel:
    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, feats: list[str]) -> float:
        z = self.bias + sum(self.weights.get(x, 0.0) for x in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict:
        return {"bias": self.bias, "threshold": self.threshold, "weights": self.weights}


@lru_cache(maxsize=1)
def cue_model() -> CueModel | None:
    """The shipped weights; None when they are absent (the stage then uses kb/speech.tsv alone)."""
    path = resources.files(kb.__package__).joinpath(WEIGHTS_FILE)
    if not path.is_file():
        return None
    data = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    return CueModel(data["weights"], data["bias"], data["threshold"])


def find_cues(doc: Doc, ctx: DocContext, model: CueModel | None = None) -> dict[int, float]:
    """Token index -> probability, for every token the model scores at or above its threshold
    (or, without a model, every speech verb of the knowledge base, at probability 1)."""
    model = model if model is not None else cue_model()
    out = {}
    for tok in doc:
        if not is_candidate(tok):
            continue
        if model is None:
            if (tok.lemma_.lower() in ctx.speech and tok.pos_ in ("VERB", "AUX")) or (
                    tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to"):
                out[tok.i] = 1.0
            continue
        p = model.probability(features(tok, ctx))
        if p >= model.threshold:
            out[tok.i] = p
    return out
