"""The learned event layer: a trigger classifier where the rules stop.

`storyline_event_model` runs after `storyline_events`. Every verb and noun of the story is a
candidate trigger; a multinomial logistic regression over hand features of the token (its lemma,
parse, the trigger lexicon's types for it and for the verb it derives from, what the rule coder
made of it, the kinds of actors around it) and the parser's own contextual vector
(``doc.tensor``) gives the probability of each PLOVER type or of no event. Then:

- a rule event whose trigger the model calls no event with probability >= ``drop_threshold`` is
  dropped (rejects the rules' wrong word senses and non-events);
- a token the rules coded nothing for whose best type has probability >= ``add_threshold`` is
  proposed as an event of that type, and the rule coder codes it: its roles (argument frames, the
  source from the subject, possessor, demonym or support verb), modality, CAMEO code (the type's
  generic code, kb/model_codes.tsv), date, place and domain come from the same functions as the
  rules' events (pipeline/events). A proposal whose act is the content of another event
  ("threatened to attack") is not coded on its own, as in the rules. A proposal needs actors: when
  the frame finds no source in the clause, the nearest actor of the clause's subject is tried;
  with none, no event (an event row must say who acted). The business-domain guard is the rule
  coder's (`Guards.domain`).

Training: scripts/train_event_tagger.py on benchmarks/devset/events/train.jsonl (thresholds tuned
on dev). The weights ship in kb/models/event_model.npz (read once per process with numpy); no
scikit-learn at run time.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Token

from .. import kb
from ..model import Event
from .events import EventCoder
from .events.candidates import Candidate
from .events.context import StoryContext
from .events.filters import Guards, dedupe
from .events.roles import RoleFinder
from .syntax import subject_of

NONE = "NONE"
MODEL_PATH = ("models", "event_model.npz")
CANDIDATE_POS = ("VERB", "NOUN")
# derivational endings that turn an event noun into the verb the lexicon knows ("shelling" ->
# "shell", "evacuation" -> "evacuate", "deployment" -> "deploy", "seizure" -> "seize")
DERIVATIONS = (("ation", "ate"), ("ation", ""), ("ation", "e"), ("ition", "ite"), ("sion", "de"), ("sion", "t"),
               ("tion", "t"), ("ion", ""), ("ion", "e"), ("ment", ""), ("ure", "e"), ("ure", ""), ("al", ""),
               ("al", "e"), ("ing", ""), ("ing", "e"), ("ance", ""), ("ence", ""), ("y", ""), ("s", ""))
CHILD_DEPS = ("dobj", "nsubj", "nsubjpass", "prt", "neg", "poss", "compound", "amod", "agent", "dative",
              "attr", "oprd", "acomp")


class Featurizer:
    """Sparse features of a candidate token (names -> 1.0), shared by training and inference."""

    def __init__(self) -> None:
        self.lexicon: dict[tuple[str, str], set[str]] = {}
        cameo = kb.cameo()
        for (pos, lemma), rows in kb.triggers().items():
            for t in rows:
                entry = cameo.get(t.cameo)
                plover = t.plover or (entry.plover if entry else "")
                if plover:
                    self.lexicon.setdefault((pos, lemma), set()).add(plover)
        self.speech = kb.speech_verbs()
        self.guards = Guards()

    def known_types(self, tok: Token) -> set[str]:
        """The lexicon's types for the word, or for the verb the noun derives from."""
        lemma = tok.lemma_.lower()
        known = self.lexicon_types(tok.pos_, lemma)
        return known or (self.derived_types(lemma) if tok.pos_ == "NOUN" else set())

    def lexicon_types(self, pos: str, lemma: str) -> set[str]:
        return self.lexicon.get((pos, lemma), set())

    def derived_types(self, lemma: str) -> set[str]:
        """Lexicon types of the verb a noun derives from ("shelling" -> shell)."""
        out: set[str] = set()
        for end, repl in DERIVATIONS:
            if lemma.endswith(end) and len(lemma) - len(end) >= 3:
                out |= self.lexicon.get(("VERB", lemma[: len(lemma) - len(end)] + repl), set())
                if lemma.endswith("ing") and end == "ing":  # "shelling", "bombing": doubled consonant
                    stem = lemma[:-3]
                    if len(stem) > 3 and stem[-1] == stem[-2]:
                        out |= self.lexicon.get(("VERB", stem[:-1]), set())
        return out

    def actor_kinds(self, doc: Doc, tok: Token | None, token_actors: dict | None = None,
                    actors: dict | None = None) -> list[tuple[str, str]]:
        """(kind, role) of the actors the phrase headed by tok mentions (the head or its modifiers).
        token_actors and actors: doc._.token_actors and doc._.actors when the caller has them
        (each doc._ access costs an object)."""
        if tok is None:
            return []
        token_actors = doc._.token_actors if token_actors is None else token_actors
        actors = doc._.actors if actors is None else actors
        out = []
        for t in [tok, *(c for c in tok.children if c.dep_ in ("poss", "compound", "amod", "nmod"))]:
            for aid in token_actors.get(t.i, ()):
                a = actors.get(aid)
                if a is not None:
                    out.append((self.guards.actor_kind(a), a.role or a.kind or ""))
            if t.ent_type_ in ("GPE", "NORP") and not token_actors.get(t.i):
                out.append(("political", "GPE"))
        return out

    def sentence_facts(self, doc: Doc) -> list[tuple[int, frozenset[str], bool]]:
        """Per token: (its sentence's start, the kinds of the actors the sentence mentions, whether
        it names money or a percentage), computed once per story: the candidates of a sentence
        share them (and Token.sent costs a scan of the sentence on every access)."""
        token_actors, actors = doc._.token_actors, doc._.actors
        out: list[tuple[int, frozenset[str], bool]] = []
        for sent in doc.sents:
            kinds = frozenset(self.guards.actor_kind(actors.get(a)) for t in sent for a in token_actors.get(t.i, ()))
            fact = (sent.start, kinds, any(t.ent_type_ in ("MONEY", "PERCENT") for t in sent))
            out.extend([fact] * len(sent))
        return out

    def __call__(self, doc: Doc, tok: Token, rule_types: dict[int, str], rule_cands: dict[int, str],
                 sent_rule_types: set[str], quoted: bool,
                 facts: list[tuple[int, frozenset[str], bool]] | None = None) -> dict[str, float]:
        """facts: sentence_facts(doc), passed in when features are made for many tokens of one doc."""
        token_actors, actors = doc._.token_actors, doc._.actors
        sent_start, sent_kinds, sent_money = (facts or self.sentence_facts(doc))[tok.i]
        lemma = tok.lemma_.lower()
        pos = tok.pos_
        f = {"bias": 1.0, f"lemma={lemma}": 1.0, f"pos={pos}": 1.0, f"tag={tok.tag_}": 1.0, f"dep={tok.dep_}": 1.0,
             f"lemma_dep={lemma}|{tok.dep_}": 1.0, f"head={tok.head.lemma_.lower()}": 1.0,
             f"head_pos={tok.head.pos_}": 1.0, f"suf3={lemma[-3:]}": 1.0, f"pos_dep={pos}|{tok.dep_}": 1.0}
        if tok.is_title and tok.i > sent_start:
            f["title_case"] = 1.0
        lex = self.lexicon_types(pos, lemma)
        for t in lex:
            f[f"lex={t}"] = 1.0
        for t in self.lexicon_types("NOUN" if pos == "VERB" else "VERB", lemma) - lex:
            f[f"lex_other={t}"] = 1.0
        if pos == "NOUN":
            for t in self.derived_types(lemma) - lex:
                f[f"lex_deriv={t}"] = 1.0
        if not lex:
            f["lex_none"] = 1.0
        head_lex = self.lexicon_types(tok.head.pos_ if tok.head.pos_ in CANDIDATE_POS else "VERB", tok.head.lemma_.lower())
        for t in head_lex:
            f[f"head_lex={t}|{tok.dep_}"] = 1.0
        if tok.i in rule_types:
            f[f"rule={rule_types[tok.i]}"] = 1.0
        elif tok.i in rule_cands:
            f[f"rule_cand={rule_cands[tok.i]}"] = 1.0
        else:
            f["rule_none"] = 1.0
        for t in sent_rule_types:
            f[f"sent_rule={t}"] = 1.0
        for c in tok.children:
            if c.dep_ in CHILD_DEPS:
                f[f"child={c.dep_}"] = 1.0
                f[f"child={c.dep_}|{c.lemma_.lower()}"] = 1.0
            elif c.dep_ == "prep":
                f[f"prep={c.lower_}"] = 1.0
                for g in c.children:
                    if g.dep_ == "pobj":
                        for kind, role in self.actor_kinds(doc, g, token_actors, actors):
                            f[f"prep_actor={c.lower_}|{kind}"] = 1.0
            elif c.dep_ in ("aux", "auxpass"):
                f[f"aux={c.lower_}"] = 1.0
            elif c.dep_ in ("xcomp", "ccomp"):
                f[f"comp={c.lemma_.lower()}"] = 1.0
        # who is around: the subject (of the verb, or of the verb a noun hangs on), objects, possessor
        verb = tok if pos == "VERB" else (tok.head.head if tok.dep_ == "pobj" else tok.head)
        subj = subject_of(verb) if verb.pos_ in ("VERB", "AUX") else None
        for kind, role in self.actor_kinds(doc, subj, token_actors, actors):
            f[f"subj_kind={kind}"] = 1.0
            f[f"subj_role={role}"] = 1.0
        for c in tok.children:
            if c.dep_ in ("dobj", "nsubjpass", "poss", "dative", "compound", "amod"):
                for kind, role in self.actor_kinds(doc, c, token_actors, actors):
                    f[f"arg_kind={c.dep_}|{kind}"] = 1.0
                    f[f"arg_role={role}"] = 1.0
        for k in sent_kinds:
            f[f"sent_kind={k}"] = 1.0
        if not sent_kinds:
            f["sent_no_actor"] = 1.0
        # reported speech and modality
        cur = tok
        for _ in range(6):
            if cur.head is cur:
                break
            kind = self.speech.get(cur.head.lemma_.lower())
            if kind and cur.dep_ in ("ccomp", "xcomp", "advcl", "conj"):
                f[f"speech={kind}"] = 1.0
                break
            cur = cur.head
        if quoted:
            f["quoted"] = 1.0
        if sent_money:
            f["sent_money"] = 1.0
        return f


def candidate_tokens(doc: Doc) -> list[Token]:
    """The tokens the model looks at: verbs and nouns (what the rules' lexicon keys on)."""
    return [t for t in doc if t.pos_ in CANDIDATE_POS and t.is_alpha and len(t) > 2]


def rule_view(doc: Doc, finder, plover_of, found: list[Candidate] | None = None) -> tuple[dict[int, str], dict[int, str]]:
    """What the rules made of each token: {token: type of the rule event it triggers} and
    {token: type of the rule candidate it was (coded or not)}. found: finder(doc), if the caller has it."""
    by_char = {t.idx: t.i for t in doc}
    rule_types = {by_char[e.trigger_start]: e.plover_type for e in doc._.events if e.trigger_start in by_char}
    rule_cands = {c.token.i: plover_of(c.trigger) for c in (finder(doc) if found is None else found)}
    return rule_types, rule_cands


def example_rows(doc: Doc, featurizer: Featurizer, finder, plover_of, tokens: list[Token] | None = None,
                 found: list[Candidate] | None = None) -> tuple[list[Token], list[dict[str, float]], np.ndarray]:
    """Candidate tokens of doc with their sparse features and contextual vectors."""
    rule_types, rule_cands = rule_view(doc, finder, plover_of, found)
    facts = featurizer.sentence_facts(doc)
    tokens = candidate_tokens(doc) if tokens is None else tokens
    quotes = [(q.start, q.end) for q in doc._.quotes]
    sent_types: dict[int, set[str]] = {}
    for i, t in rule_types.items():
        sent_types.setdefault(facts[i][0], set()).add(t)
    feats = []
    for tok in tokens:
        others = sent_types.get(facts[tok.i][0], set()) - ({rule_types[tok.i]} if tok.i in rule_types else set())
        quoted = any(a <= tok.idx < b for a, b in quotes)
        feats.append(featurizer(doc, tok, rule_types, rule_cands, others, quoted, facts))
    width = doc.tensor.shape[1] if doc.tensor is not None and doc.tensor.size else 0
    dense = doc.tensor[[t.i for t in tokens]] if width and tokens else np.zeros((len(tokens), width), dtype="float32")
    return tokens, feats, dense


@dataclass
class EventModel:
    """Multinomial logistic regression over sparse features and the dense contextual vector."""

    classes: list[str]
    vocab: dict[str, int]
    coef: np.ndarray  # (n_classes, n_sparse + n_dense)
    intercept: np.ndarray
    dense_mean: np.ndarray
    dense_scale: np.ndarray
    add_threshold: float
    drop_threshold: float
    info: dict = field(default_factory=dict)
    lexicon_bound: bool = False  # proposals keep to the lexicon's types for words it knows (tuned on dev)
    sourceless: bool = False  # proposals need no named source in a political sentence (tuned on dev)

    @classmethod
    def load(cls, path) -> "EventModel":
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            return cls(list(meta["classes"]), {w: i for i, w in enumerate(z["vocab"].tolist())}, z["coef"].astype("float32"),
                       z["intercept"].astype("float32"), z["dense_mean"], z["dense_scale"], float(meta["add_threshold"]),
                       float(meta["drop_threshold"]), meta.get("info", {}), bool(meta.get("lexicon_bound", False)),
                       bool(meta.get("sourceless", False)))

    def save(self, path) -> None:
        vocab = sorted(self.vocab, key=self.vocab.get)
        meta = {"classes": self.classes, "add_threshold": self.add_threshold, "drop_threshold": self.drop_threshold,
                "lexicon_bound": self.lexicon_bound,
                "sourceless": self.sourceless, "info": self.info}
        np.savez_compressed(path, vocab=np.array(vocab), coef=self.coef.astype("float16"),
                            intercept=self.intercept.astype("float32"), dense_mean=self.dense_mean.astype("float32"),
                            dense_scale=self.dense_scale.astype("float32"), meta=np.array(json.dumps(meta)))

    def probabilities(self, feats: list[dict[str, float]], dense: np.ndarray) -> np.ndarray:
        n_sparse = len(self.vocab)
        scores = np.tile(self.intercept, (len(feats), 1))
        if dense.size and self.coef.shape[1] > n_sparse:
            scores += ((dense - self.dense_mean) / self.dense_scale) @ self.coef[:, n_sparse:].T
        for row, f in enumerate(feats):
            idx = [self.vocab[k] for k in f if k in self.vocab]
            if idx:
                scores[row] += self.coef[:, idx].sum(axis=1)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)


@lru_cache(maxsize=1)
def load_model() -> EventModel | None:
    """The shipped model (kb/models/event_model.npz), read once per process; None if absent."""
    path = resources.files("storyline.kb").joinpath(*MODEL_PATH)
    if not path.is_file():
        return None
    with resources.as_file(path) as p:
        return EventModel.load(p)


@lru_cache(maxsize=1)
def type_codes() -> dict[str, str]:
    text = resources.files("storyline.kb").joinpath("model_codes.tsv").read_text(encoding="utf-8")
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            plover, cameo = line.split("\t")[:2]
            out[plover] = cameo
    return out


@Language.factory("storyline_event_model", default_config={"enabled": True, "add_threshold": None,
                                                           "drop_threshold": None})
def make_event_model(nlp: Language, name: str, enabled: bool, add_threshold: float | None,
                     drop_threshold: float | None) -> "EventModelLayer":
    return EventModelLayer(enabled, add_threshold, drop_threshold)


class EventModelLayer:
    """The spaCy component (see the module doc). enabled=False leaves the rules' events as they are."""

    lexicon_bound = False
    sourceless = False

    def __init__(self, enabled: bool = True, add_threshold: float | None = None,
                 drop_threshold: float | None = None) -> None:
        self.model = load_model() if enabled else None
        self.enabled = self.model is not None
        if self.model is not None:
            self.add_threshold = self.model.add_threshold if add_threshold is None else add_threshold
            self.drop_threshold = self.model.drop_threshold if drop_threshold is None else drop_threshold
            self.lexicon_bound = self.model.lexicon_bound
            self.sourceless = self.model.sourceless
            self.setup()

    def setup(self) -> None:
        """The parts the layer works with: the features, and a rule coder of its own (whose role
        finder falls back to the clause's subject for a proposal)."""
        self.coder = EventCoder()  # the rules code what the layer proposes
        self.coder.roles = FallbackRoles()
        self.featurizer = Featurizer()
        self.codes = type_codes()
        self.triggers = kb.triggers()

    def __call__(self, doc: Doc) -> Doc:
        if not self.enabled:
            return doc
        found = list(self.coder.find(doc))  # the rules' candidates, found once for every step below
        tokens, feats, dense = example_rows(doc, self.featurizer, self.coder.find, self.coder.coder.plover, found=found)
        if tokens:
            self.apply(doc, tokens, self.model.probabilities(feats, dense), found)
        return doc

    def apply(self, doc: Doc, tokens: list[Token], probs: np.ndarray, found: list[Candidate] | None = None) -> None:
        """Drop and add events by the model's probabilities for the candidate tokens.
        found: the rules' candidates (self.coder.find(doc)), if the caller has them."""
        found = list(self.coder.find(doc)) if found is None else found
        classes = self.model.classes
        none = classes.index(NONE)
        by_char = {t.idx: t for t in tokens}
        row_of = {t.i: r for r, t in enumerate(tokens)}
        kept = []
        settled = self.settled_senses(doc, found)
        for ev in doc._.events:
            tok = by_char.get(ev.trigger_start)
            if (tok is not None and tok.i not in settled and probs[row_of[tok.i], none] >= self.drop_threshold):
                continue  # the model says this is no event
            kept.append(ev)
        rule_tokens = {t.i for t in tokens if t.idx in {e.trigger_start for e in doc._.events}}
        proposals = {}
        for r, tok in enumerate(tokens):
            if tok.i in rule_tokens:
                continue
            p = probs[r].copy()
            p[none] = -1.0
            if self.lexicon_bound:
                # a word the trigger lexicon knows (as itself or as the verb it derives from) is
                # proposed only with one of the types the lexicon gives it: the model finds the
                # occurrences the rules missed, the lexicon says what such a word can mean
                known = self.featurizer.known_types(tok)
                if known:
                    for k, c in enumerate(classes):
                        if c != NONE and c not in known:
                            p[k] = -1.0
            best = int(p.argmax())
            if p[best] >= self.add_threshold:
                proposals[tok.i] = classes[best]
        if proposals:
            kept = dedupe(kept + self.code_proposals(doc, proposals, kept, found))  # one row per happening, as the rules'
        doc._.events = sorted(kept, key=lambda e: e.trigger_start)

    def settled_senses(self, doc: Doc, found: list[Candidate]) -> set[int]:
        """Rule triggers whose political sense the word-sense guard confirmed from their object
        ("executed four hostages"): the model does not drop those (it was trained to catch the
        other senses, "executed two licenses", which the guard already rejects)."""
        ctx = StoryContext(doc, self.coder.countries)
        guards, plover = self.coder.guards, self.coder.coder.plover
        return {c.token.i for c in found if guards.sense_confirmed(ctx, c.token, c.trigger, plover(c.trigger))}

    def trigger_for(self, tok: Token, plover: str) -> kb.Trigger:
        """The lexicon's row for the word with the proposed type (its CAMEO code, mode and flags),
        else the type's generic code (kb/model_codes.tsv); flagged "model"."""
        for row in self.triggers.get((tok.pos_, tok.lemma_.lower()), ()):
            if self.coder.coder.plover(row) == plover and not (row.particle or row.objects):
                return kb.Trigger(row.pos, row.lemma, "", (), row.cameo, row.plover, row.mode, row.flags | {"model"})
        # an accusation the lexicon does not know the word for ("left behind savagery") is made
        # by whoever says it, against the clause's subject, as the rules read "accusation" rows
        flags = {"model", "accusation"} if plover == "ACCUSE" and tok.pos_ == "VERB" else {"model"}
        return kb.Trigger(tok.pos_, tok.lemma_.lower(), "", (), self.codes[plover], plover, "", frozenset(flags))

    def code_proposals(self, doc: Doc, proposals: dict[int, str], kept: list[Event],
                       rule_found: list[Candidate]) -> list[Event]:
        cands = {}
        for i, plover in proposals.items():
            tok = doc[i]
            trig = self.trigger_for(tok, plover)
            cands[i] = Candidate(tok, trig)
        # the rules' own candidates count as governors: "threatened to attack" codes one THREATEN
        found = {c.token.i: c for c in rule_found}
        found.update(cands)
        ctx = StoryContext(doc, self.coder.countries)
        ctx.so_far.extend(kept)
        out = []
        by_char = {t.idx: t.i for t in doc}
        coded = {by_char[e.trigger_start] for e in kept if e.trigger_start in by_char}
        absorbed = self.coder.find.absorbed(found, self.coder.coder.plover, coded)
        for i in sorted(cands):
            if i in absorbed:
                continue
            events = code_candidate(self.coder, ctx, cands[i], self.sourceless)
            ctx.so_far.extend(events)
            out += events
        return out


def code_candidate(coder: EventCoder, ctx: StoryContext, cand: Candidate, sourceless: bool = False) -> list[Event]:
    """The rule coder's events for one candidate (roles, modality, code, date, place, domain), or
    none when its checks reject it (negated, denied, wrong word sense, no actor).
    sourceless: a proposal whose actor the text does not name in its clause ("the attacks in
    Paris", "talks on arms control") is still an event when its sentence names a political actor;
    its source stays empty (never guessed) and it ranks below events with a named actor."""
    decision = coder.decide(ctx, cand)
    if sourceless and not decision.source_ids and decision.code and (
            decision.reason == "no source" or (decision.reason == "no political actor" and not decision.target_ids)):
        if political_sentence(coder, ctx, cand.token):
            decision.reason, decision.domain, decision.confidence = None, "political", 0.3
    return coder.build(ctx, decision) if decision.reason is None else []


def political_sentence(coder: EventCoder, ctx: StoryContext, tok: Token) -> bool:
    """Whether the sentence of tok mentions a political actor (guards.actor_kind) and no business cue."""
    doc = ctx.doc
    sent = tok.sent
    if any(t.lemma_.lower() in coder.guards.business_cues for t in sent):
        return False
    return any(coder.guards.actor_kind(ctx.actors.get(a)) == "political"
               for t in sent for a in doc._.token_actors.get(t.i, ()))


class FallbackRoles(RoleFinder):
    """The rule coder's roles; for a proposed event whose frame names no source, the subject of the
    clause the trigger sits in ("the army pressed on with the shelling": the army)."""

    def assign(self, ctx, tok, trig, plover):
        source, target = super().assign(ctx, tok, trig, plover)
        if source or "model" not in trig.flags:
            return source, target
        verb = tok
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:  # spaCy makes a new Token per access: compare indices
            verb = verb.head
        found = [a for a in self.subject(ctx, verb) if a not in target] if verb.pos_ in ("VERB", "AUX") else []
        return found, target
