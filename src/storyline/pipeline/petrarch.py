"""PETRARCH-compatible event coding: the user's PETRARCH2/TABARI verb, actor and agent dictionaries
applied to storyline's own dependency parse, in place of storyline's own event stage.

What follows PETRARCH2: a verb in the verb dictionary is coded with the longest of its block's
patterns that matches around it (words before ``*`` before the verb, words after it in the verb
phrase; ``+``/``$`` name where the target/source stands), else with its block's code; ``---``
codes nothing. Source and target are noun phrases coded with the actor dictionary (date-restricted
codes chosen by the story's date) and the agent dictionary (``[~GOV]`` appended, ``[NGO~]``
prepended; an agent alone is ``---GOV``). Coordinated actors each get an event; a compound
subject with no target is coded both ways ("A and B renewed ties": A->B and B->A).

What differs: noun phrases and clauses come from spaCy's dependency parse, not from CoreNLP
constituency trees, so the verb phrase of a pattern is the verb's dependency subtree.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Token

from .. import kb
from ..kb.petrarch import MARKERS, Agent, Dictionaries, Pattern, Verb, Word
from ..model import Actor, Event

NP_DEPS = {"dobj", "pobj", "dative", "attr", "oprd", "nsubjpass"}
SKIP_IN_NP = {"relcl", "acl", "appos", "advcl", "ccomp", "conj", "cc", "punct"}
CLAUSE_DEPS = {"ccomp", "advcl", "relcl", "csubj", "parataxis"}
OWNER_PREPS = {"of", "in", "from", "at"}


@Language.factory("storyline_petrarch", default_config={"verbs": "", "actors": [], "agents": None,
                                                        "discards": None})
def make_petrarch_coder(nlp: Language, name: str, verbs: str, actors: list[str], agents: str | None,
                        discards: str | None) -> "PetrarchCoder":
    return PetrarchCoder(Dictionaries.load(verbs, actors, agents, discards))


def _words(tokens: Sequence[Token]) -> list[tuple[str, str]]:
    return [(t.text.upper(), t.lemma_.upper()) for t in tokens]


def _match_at(phrase: tuple[Word, ...], words: list[tuple[str, str]], i: int) -> bool:
    return i + len(phrase) <= len(words) and all(w.matches(*words[i + k]) for k, w in enumerate(phrase))


class PetrarchCoder:
    def __init__(self, dictionaries: Dictionaries) -> None:
        self.d = dictionaries
        self.cameo = kb.cameo()
        self.countries = kb.countries()
        self._actor_first = self._index(self.d.actors)
        self._agent_first = self._index(self.d.agents)

    @staticmethod
    def _index(table: dict) -> dict[str, list[tuple]]:
        """Phrases by the first letters of their first word, longest first: stems make a plain dict
        lookup impossible, so candidates are narrowed by a 3-letter prefix."""
        out: dict[str, list[tuple]] = {}
        for phrase, value in table.items():
            if phrase:
                out.setdefault(phrase[0].text[:3], []).append((phrase, value))
        for v in out.values():
            v.sort(key=lambda pv: -len(pv[0]))
        return out

    # ---- entry point ----
    def __call__(self, doc: Doc) -> Doc:
        self.doc = doc
        self.date: dt.date | None = doc._.story_date
        self.actors: dict[str, Actor] = dict(doc._.actors)
        events: list[Event] = []
        self.words = _words(doc)  # (TEXT, LEMMA) per token, what every dictionary lookup compares
        if not self._has_any(self.d.discard_story, 0, len(doc)):
            for sent in doc.sents:
                if self._has_any(self.d.discard_sentence, sent.start, sent.end):
                    continue
                for tok in sent:
                    if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
                        events.extend(self._code_verb(tok))
        doc._.actors = self.actors
        doc._.events = events
        return doc

    def _has_any(self, phrases: list[tuple[Word, ...]], start: int, end: int) -> bool:
        words = self.words[start:end]
        return any(_match_at(p, words, i) for p in phrases for i in range(len(words)))

    # ---- verbs and patterns ----
    def _verb(self, tok: Token) -> Verb | None:
        sent = tok.sent
        for key in (tok.text.upper(), tok.lemma_.upper()):
            for v in self.d.verbs.verbs.get(key, ()):
                before = self.words[max(sent.start, tok.i - len(v.before)):tok.i]
                after = self.words[tok.i + 1:min(sent.end, tok.i + 1 + len(v.after))]
                if _match_at(v.before, before, 0) and _match_at(v.after, after, 0):
                    return v
        return None

    def _elements_match(self, run: tuple, words: list[tuple[str, str]], i: int) -> tuple[int, dict[str, int]] | None:
        """Match one run of adjacent elements at words[i:]; (words used, marker positions)."""
        pos, marks = i, {}
        for e in run:
            if e in MARKERS:
                marks[e] = pos
                continue
            if isinstance(e, str):  # a synset
                hit = next((len(m) for m in self.d.verbs.synset(e) if _match_at(m, words, pos)), None)
                if hit is None:
                    return None
                pos += hit
            elif pos < len(words) and e.matches(*words[pos]):
                pos += 1
            else:
                return None
        return pos - i, marks

    def _match_runs(self, runs, start: int, end: int) -> dict[str, int] | None:
        """Runs in order within doc[start:end], each anywhere after the previous one; the marker
        positions (doc token indices), or None."""
        words = self.words[start:end]
        pos, marks = 0, {}
        for run in runs:
            for i in range(pos, len(words) + 1):
                hit = self._elements_match(run, words, i)
                if hit is not None:
                    used, m = hit
                    marks.update({k: start + v if v < len(words) else None for k, v in m.items()})
                    pos = i + (used or bool(m))
                    break
            else:
                return None
        return marks

    def _pattern(self, verb: Verb, tok: Token) -> tuple[Pattern | None, dict[str, int]]:
        """The longest of the verb block's patterns that matches: words before the verb in its
        sentence, words after it in its dependency subtree."""
        sent = tok.sent
        after_end = min(max(tok.right_edge.i + 1, tok.i + 1), sent.end)
        best, best_marks = None, {}
        for p in self.d.verbs.patterns.get(verb.block, ()):
            if best is not None and p.size <= best.size:
                continue
            marks_after = self._match_runs(p.after, tok.i + 1, after_end)
            if marks_after is None:
                continue
            marks_before = self._match_runs(p.before, sent.start, tok.i) if p.before else {}
            if marks_before is None:
                continue
            best, best_marks = p, {**marks_before, **marks_after}
        return best, best_marks

    def _code_verb(self, tok: Token) -> list[Event]:
        verb = self._verb(tok)
        if verb is None:
            return []
        pattern, marks = self._pattern(verb, tok)
        code, _, reverse = (pattern.code if pattern else verb.code).partition(":")
        if not code or code.startswith("-"):
            return []
        sources = self._codes_near(marks.get("$"))
        targets = self._codes_near(marks.get("+"))
        sources = sources or self._source(tok)
        targets = targets or self._target(tok, sources, pattern is not None)
        if not sources:
            return []
        pairs = [(s, t) for s in sources for t in targets if s != t]
        if not targets and len(sources) > 1:  # "A and B renewed ties": each with the other
            pairs = [(s, t) for s in sources for t in sources if s != t]
        events = [self._event(tok, code, s, t) for s, t in dict.fromkeys(pairs)]
        if reverse and not reverse.startswith("-") and targets:
            # "[032:033]": the second code is the act the other way round (a visit is hosted)
            events += [self._event(tok, reverse, t, s) for s, t in dict.fromkeys(pairs) if t is not None]
        return events

    # ---- actors ----
    def _source(self, tok: Token) -> list[str]:
        """The subject's actors; a verb without its own subject ("is about to restore", "and
        promised") takes the subject of the verb it hangs from."""
        agent = next((g for c in tok.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
        if agent is not None:
            return self._codes(agent)
        cur = tok
        for _ in range(4):
            subjects = [c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
            for subj in subjects:  # the parser may split an apposition into two subjects ("Old foes Gondor")
                codes = self._codes(subj)
                if codes:
                    return codes
            # a pronoun subject of a reported clause is the reporter ("Ethiopia indicated it deplored Libya")
            pronoun = bool(subjects) and all(c.pos_ == "PRON" and c.lower_ in ("it", "they", "he", "she")
                                             for c in subjects)
            follows = cur.dep_ in ("xcomp", "acomp", "conj", "advcl", "pcomp") or pronoun and cur.dep_ == "ccomp"
            if subjects and not pronoun or not follows or cur.head is cur:
                return []
            cur = cur.head
        return []

    def _target(self, tok: Token, sources: list[str], patterned: bool) -> list[str]:
        """A passive's subject; else the first coded noun phrase after the verb in its own clause
        (PETRARCH's VP object); else, when a pattern reached into it, the first one in the
        complement clause ("allowed that Mordor isn't a really pleasant place")."""
        if any(c.dep_ in ("agent", "auxpass") for c in tok.children):
            subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
            codes = [x for x in self._codes(subj) if x not in sources] if subj is not None else []
            if codes:
                return codes

        def walk(t: Token, into_clauses: bool):
            for c in t.children:
                infinitive = c.dep_ == "advcl" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
                if c.dep_ in CLAUSE_DEPS and not infinitive and not (into_clauses and c.dep_ == "ccomp"):
                    continue
                if c.dep_ in ("nsubj", "nsubjpass", "agent") and t is tok:
                    continue
                yield c
                yield from walk(c, into_clauses)

        for into_clauses in (False, True) if patterned else (False,):
            for c in sorted(walk(tok, into_clauses), key=lambda t: t.i):
                if c.dep_ in NP_DEPS and c.i > tok.i or c.dep_ == "nsubj" and c.head.dep_ in ("xcomp", "ccomp"):
                    codes = [x for x in self._codes(c) if x not in sources]
                    if codes:
                        return codes
        return []

    def _codes_near(self, i: int | None) -> list[str]:
        """Codes of the noun phrase that starts at a pattern's marker."""
        if i is None:
            return []
        t = self.doc[i]
        while t.head is not t and t.head.i >= i and t.head.pos_ in ("NOUN", "PROPN"):
            t = t.head
        return self._codes(t)

    def _np_tokens(self, head: Token) -> list[Token]:
        out = []

        def walk(t: Token):
            out.append(t)
            for c in t.children:
                if c.dep_ in SKIP_IN_NP or c.dep_ == "prep" and c.lower_ != "of":
                    continue  # "of" stays: names such as "Prince of Dol Amroth", "Ministry of Magic"
                walk(c)

        walk(head)
        return sorted(out, key=lambda t: t.i)

    def _scan(self, tokens: list[Token]) -> tuple[list[tuple[str, str]], list[Agent]]:
        """Actors ((code, matched text)) and agents named in a token run, longest match first."""
        words = [self.words[t.i] for t in tokens]
        actors, agents = [], []
        i = 0
        while i < len(words):
            key = words[i][0][:3]
            a = next(((p, e) for p, e in self._actor_first.get(key, ()) if _match_at(p, words, i)), None)
            # an agent names people or bodies: its phrase ends on a noun ("diplomat", not "diplomatic")
            g = next(((p, e) for p, e in self._agent_first.get(key, ()) if _match_at(p, words, i)
                      and tokens[i + len(p) - 1].pos_ in ("NOUN", "PROPN")), None)
            if a and (not g or len(a[0]) >= len(g[0])):
                actors.append((a[1].code_on(self.date), " ".join(t.text for t in tokens[i:i + len(a[0])])))
                i += len(a[0])
            elif g:
                agents.append(g[1])
                i += len(g[0])
            else:
                i += 1
        return actors, agents

    def _codes(self, head: Token) -> list[str]:
        """Actor ids for the noun phrase headed by `head`, one per coordinated actor."""
        return list(dict.fromkeys(self._actor(code, text) for code, text in self._np_codes(head)))

    def _owners(self, head: Token) -> tuple[list[tuple[str, str]], int | None]:
        """Actors named by the owner prepositions of a noun ("lawmakers in Fornost and Gondor"), and
        where the first such preposition stands."""
        owners, at = [], None
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in OWNER_PREPS:
                for g in c.children:
                    if g.dep_ == "pobj":
                        owners += [x for x in self._np_codes(g) if not x[0].startswith("---")]
                        at = c.i if at is None else at
        return owners, at

    def _np_codes(self, head: Token) -> list[tuple[str, str]]:
        """(CAMEO code, text) for the noun phrase headed by `head`, one per coordinated actor. A
        coordination of agents shares its owners, each agent with each owner ("lawmakers and
        officials in Fornost and Gondor": FORLEG, GONLEG, FORGOV, GONGOV); an actor coordinated
        after an owner preposition is one more owner (the parser often attaches "and Gondor" to
        "lawmakers" rather than to "Fornost")."""
        members = [head]
        for m in members:  # coordinated (or, as the parser sometimes has it, apposed) names
            for t in self._np_tokens(m):
                members += [c for c in t.children if c not in members and (
                    c.dep_ == "conj" or c.dep_ == "appos" and any(x.text == "," for x in self.doc[t.i:c.i]))]
        scanned = [(m, *self._scan(self._np_tokens(m))) for m in members]
        owners: list[tuple[str, str]] = []
        owner_at = None
        for m, actors, agents in scanned:
            if agents and not actors:
                found, at = self._owners(m)
                owners += [o for o in found if o not in owners]
                owner_at = at if owner_at is None or (at is not None and at < owner_at) else owner_at
        out: list[tuple[str, str]] = []
        for m, actors, agents in scanned:
            if actors and not agents and owner_at is not None and m.i > owner_at:
                owners += [a for a in actors if a not in owners]  # "... in Fornost and Gondor"
        for m, actors, agents in scanned:
            if actors and not agents and owner_at is not None and m.i > owner_at:
                continue
            if not (actors or agents):
                continue
            for code, text in (actors or owners or [("---", "")]):
                pre = "".join(a.code for a in agents if a.prefix and a.code not in code)
                post = "".join(a.code for a in agents if not a.prefix and a.code not in code)
                item = (pre + code + post, text or m.text)
                if item not in out:
                    out.append(item)
        return out

    def _actor(self, code: str, text: str) -> str:
        aid = f"cameo:{code}"
        if aid not in self.actors:
            country = code[:3] if code[:3] in self.countries.by_alpha3 else None
            self.actors[aid] = Actor(aid, text, "group", code[:3], code[3:] or None,
                                     description=None if country else "PETRARCH dictionary code")
        return aid

    # ---- the row ----
    def _event(self, tok: Token, code: str, source: str, target: str | None) -> Event:
        entry = self.cameo.get(code) or self.cameo.get(code[:3])
        sent = tok.sent
        return Event(entry.plover if entry else "", entry.mode or None if entry else None, code,
                     entry.goldstein if entry else None, entry.quad_class if entry else 0, source, target,
                     tok.text, tok.idx, sent.start_char, sent.end_char, self.date.isoformat() if self.date else "",
                     "day", self.date, self.date, "reported", negated=any(c.dep_ == "neg" for c in tok.children),
                     confidence=0.5, context=(entry.context or None) if entry else None)
