"""Readers for PETRARCH2 / TABARI dictionaries, so users of existing dictionaries keep them.

Four files make a PETRARCH set (formats as documented in PETRARCH2's PETRreader and the headers
of the Open Event Data Alliance dictionaries):

* actors  ``NAME [CODE]``, ``+SYNONYM`` lines, code lines with date restrictions
          (``[RUSGOV >080508]``, ``[HOBGOV 19950601 - 19990815]``, ``[RUSELI 700101-990809]``).
* agents  ``NAME {PLURALS} [~CODE]`` (suffix) or ``[CODE~]`` (prefix), ``!SUBST! = A, B`` sets.
* verbs   ``&SYNSET`` + ``+MEMBER`` lists, then ``--- NAME [CODE] ---`` blocks of verbs
          (``HURRY {HURRIES HURRIED}``, multi-word ``+ANGERED_BY``) and patterns
          ``- BEFORE * AFTER [CODE]`` where ``$`` marks the source, ``+`` the target, ``%`` a
          compound actor, ``_`` joins adjacent words and ``&NAME`` is any member of a synset.
* discards  phrases that void a sentence (or, with ``+``, the whole story).

Words ending in ``_`` match exactly; other words match as stems (TABARI's convention: ARGENTIN
matches Argentina and Argentine). Names are split into words the way spaCy tokenizes text, so a
dictionary phrase and a sentence are compared token by token.

No PyPI package reads these files (PETRARCH2 itself is Python 2 code bound to CoreNLP parse
trees), hence this reader.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MARKERS = {"$", "+", "%"}
# the suffixes a short stem may take (TABARI stems matched any continuation, which lets ENT
# match ENTIRE; short stems are held to inflections and demonyms)
SHORT_STEM_SUFFIXES = {"", "S", "ES", "N", "NS", "AN", "ANS", "IAN", "IANS", "I", "IS", "ESE", "ISH", "A", "E"}


@lru_cache(maxsize=1)
def _tokenizer() -> Callable[[str], list[str]]:
    import spacy

    tok = spacy.blank("en").tokenizer
    return lambda text: [t.text.upper() for t in tok(text) if not t.is_space]


@dataclass(frozen=True)
class Word:
    """One dictionary word: matched exactly when `stopped`, else as a stem."""

    text: str
    stopped: bool = False
    by_lemma: bool = True  # also match a token whose lemma is this word (agents: no, as PETRARCH2)

    def matches(self, token_text: str, token_lemma: str = "") -> bool:
        if token_text == self.text or self.by_lemma and token_lemma == self.text:
            return True
        if self.stopped or not token_text.startswith(self.text):
            return False
        return len(self.text) >= 5 or token_text[len(self.text):] in SHORT_STEM_SUFFIXES


def _phrase(raw: str) -> tuple[Word, ...]:
    """A dictionary phrase ("UNITED_NATIONS_", "PRESIDENT HOSNI MURBARAK") as words to match."""
    raw = raw.strip()
    stopped = raw.endswith("_")
    tokens = _tokenizer()(raw.replace("_", " ").strip())
    return tuple(Word(t, stopped or i < len(tokens) - 1) for i, t in enumerate(tokens))


def _strip_comments(text: str) -> list[str]:
    """Lines with <!-- --> blocks and # comments removed. Blank lines end a synset, so they stay
    (as ""); lines that held only a comment are dropped."""
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    out = []
    for line in text.splitlines():
        content = line.split("#", 1)[0].rstrip()
        if content.strip() or not line.strip():
            out.append(content)
    return out


def _read(path: str | Path) -> str:
    return Path(path).read_text(encoding="utf-8", errors="replace")


# ---------------------------------------------------------------- actors


def _yymmdd(s: str) -> dt.date:
    s = s.strip()
    if len(s) == 6:  # TABARI's two-digit years
        year = int(s[:2])
        s = f"{1900 + year if year >= 30 else 2000 + year}{s[2:]}"
    return dt.date(int(s[:4]), int(s[4:6]), int(s[6:8]))


@dataclass(frozen=True)
class DatedCode:
    code: str
    start: dt.date | None = None  # inclusive
    end: dt.date | None = None  # inclusive

    def covers(self, on: dt.date | None) -> bool:
        if on is None:
            return self.start is None and self.end is None
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


def _dated_code(body: str) -> DatedCode:
    """The inside of a code bracket: "RUS", "HOB < 950601", "HOBGOV 19950601 - 19990815".
    A date that is not one (the Phoenix files have "9008223") leaves the code undated."""
    body = body.strip()
    try:
        return _parse_dated_code(body)
    except ValueError:
        return DatedCode(body.split()[0])


def _parse_dated_code(body: str) -> DatedCode:
    m = re.fullmatch(r"(\S+)\s*([<>])\s*(\d{6,8})", body)
    if m:
        day = _yymmdd(m[3])
        return DatedCode(m[1], None, day - dt.timedelta(days=1)) if m[2] == "<" else DatedCode(m[1], day, None)
    m = re.fullmatch(r"(\S+)\s+(\d{6,8})\s*-\s*(\d{6,8})", body)
    if m:
        return DatedCode(m[1], _yymmdd(m[2]), _yymmdd(m[3]))
    return DatedCode(body.split()[0] if body else "---")


@dataclass
class ActorEntry:
    name: str
    codes: list[DatedCode] = field(default_factory=list)

    def code_on(self, on: dt.date | None) -> str:
        """The code in force on a date: a dated code that covers it, else the undated default."""
        dated = [c for c in self.codes if c.start or c.end]
        for c in dated:
            if on is not None and c.covers(on):
                return c.code
        undated = [c for c in self.codes if not (c.start or c.end)]
        if undated:
            return undated[-1].code
        return dated[-1].code if dated else "---"


def read_actors(path: str | Path) -> dict[tuple[Word, ...], ActorEntry]:
    """Phrase -> actor entry. Synonyms (+NAME) share their entry; codes may follow on later lines."""
    out: dict[tuple[Word, ...], ActorEntry] = {}
    current: ActorEntry | None = None
    for line in _strip_comments(_read(path)):
        if not line.strip():
            continue
        codes = re.findall(r"\[([^\]]*)\]", line)
        name = re.sub(r"\[[^\]]*\]", "", line).strip()
        if line[0] in " \t" and not name:  # an indented code line of the current entry
            if current is not None:
                current.codes.extend(_dated_code(c) for c in codes)
            continue
        if name.startswith("+"):
            if current is not None and name[1:].strip():
                out.setdefault(_phrase(name[1:]), current)
                current.codes.extend(_dated_code(c) for c in codes)
            continue
        if not name:
            continue
        if current is not None and not current.codes:
            # primary phrases with no code of their own share the codes that follow (PETRARCH2's
            # reader keeps one code index until a code arrives)
            out.setdefault(_phrase(name), current)
            current.codes.extend(_dated_code(c) for c in codes)
            continue
        current = ActorEntry(name.replace("_", " ").strip())
        current.codes.extend(_dated_code(c) for c in codes)
        out.setdefault(_phrase(name), current)
    return out


# ---------------------------------------------------------------- agents


@dataclass(frozen=True)
class Agent:
    name: str
    code: str  # without the tilde
    prefix: bool  # [CODE~]: the code goes before the actor's code; [~CODE]: after


def read_agents(path: str | Path) -> dict[tuple[Word, ...], Agent]:
    out: dict[tuple[Word, ...], Agent] = {}
    substitutions: dict[str, list[str]] = {}
    for line in _strip_comments(_read(path)):
        line = line.strip()
        m = re.fullmatch(r"(![A-Z]+!)\s*=\s*(.+)", line)
        if m:
            substitutions[m[1]] = [w.strip() for w in m[2].split(",") if w.strip()]
            continue
        m = re.fullmatch(r"([^\[{]+?)\s*(\{[^}]*\})?\s*\[\s*([^\]]*?)\s*\]", line)
        if not m:
            continue
        raw, plurals, code = m[1], m[2], m[3].replace(" ", "")
        agent = Agent(raw.replace("_", " ").strip(), code.strip("~"), code.endswith("~"))
        names = [raw]
        for key, subs in substitutions.items():
            if key in raw:
                names = [n.replace(key, s) for n in names for s in subs]
        if plurals and plurals.strip("{} "):
            names += plurals.strip("{}").split()
        if not plurals:  # PETRARCH2 forms the plural itself when none is listed (-Y -> -IES, -S -> -SES, +S)
            base = raw.strip().rstrip("_")
            names.append(base[:-1] + "IES" if base.endswith("Y") else base + ("ES" if base.endswith("S") else "S"))
        for n in names:
            # agent words match as written (and their listed plurals), not as stems: "POLICE" does
            # not match "polices"
            out.setdefault(tuple(Word(w.text, True, False) for w in _phrase(n)), agent)
    return out


# ---------------------------------------------------------------- verbs


@dataclass(frozen=True)
class Pattern:
    """Runs of adjacent elements before and after the verb; elements are Words, synset names
    ("&FOOD") or role markers ($ source, + target, % compound)."""

    before: tuple[tuple[object, ...], ...]
    after: tuple[tuple[object, ...], ...]
    code: str
    text: str

    @property
    def size(self) -> int:
        return sum(1 for run in self.before + self.after for e in run if e not in MARKERS)


@dataclass
class Verb:
    """One verb (or multi-word verb) of a block: its word, its required neighbours, its code."""

    word: Word
    forms: frozenset[str]
    block: str
    code: str
    before: tuple[Word, ...] = ()  # words that must stand right before it ("WIRE" in WIRE_+TAP)
    after: tuple[Word, ...] = ()  # words that must follow it ("BY" in ANGERED_BY)


@dataclass
class VerbDictionary:
    verbs: dict[str, list[Verb]] = field(default_factory=dict)  # verb word or form -> verbs
    patterns: dict[str, list[Pattern]] = field(default_factory=dict)  # block name -> patterns
    synsets: dict[str, list[tuple[Word, ...]]] = field(default_factory=dict)

    def synset(self, name: str, _depth: int = 0) -> list[tuple[Word, ...]]:
        """Members of &NAME, nested synsets expanded."""
        out: list[tuple[Word, ...]] = []
        for member in self.synsets.get(name, []):
            if len(member) == 1 and member[0].text.startswith("&") and _depth < 5:
                out += self.synset(member[0].text.rstrip("_"), _depth + 1)
            else:
                out.append(member)
        return out


def _pattern(body: str, code: str) -> Pattern | None:
    text = re.sub(r"[(){}]", " ", body)
    before: list[tuple[object, ...]] = []
    after: list[tuple[object, ...]] = []
    seen_verb = False
    for chunk in text.split():
        parts = chunk.split("_")
        stopped_tail = chunk.endswith("_")
        run_before: list[object] = []
        run_after: list[object] = []
        for i, p in enumerate(p for p in parts if p):
            target = run_after if seen_verb else run_before
            if p == "*":
                seen_verb = True
                continue
            if p == "^":  # PETRARCH's "skip a phrase": runs here may be apart anyway
                continue
            if p in MARKERS or p.startswith("&"):
                target.append(p)
                continue
            for w in _tokenizer()(p):
                target.append(Word(w, stopped=stopped_tail or i < len(parts) - 1))
        if run_before:
            before.append(tuple(run_before))
        if run_after:
            after.append(tuple(run_after))
    if not seen_verb:
        return None
    return Pattern(tuple(before), tuple(after), code, body.strip())


def read_verbs(path: str | Path) -> VerbDictionary:
    vd = VerbDictionary()
    block: str | None = None
    block_code = "---"
    synset: str | None = None
    for line in _strip_comments(_read(path)):
        s = line.strip()
        if not s:
            synset = None
            continue
        m = re.fullmatch(r"---\s*(.+?)\s*\[([^\]]*)\]\s*---", s)
        if m:
            block, block_code, synset = m[1].strip(), m[2].strip() or "---", None
            vd.patterns.setdefault(block, [])
            continue
        if s.startswith("&") and "[" not in s:
            synset = s.rstrip("_").strip()
            vd.synsets.setdefault(synset, [])
            continue
        if synset is not None and s.startswith("+"):
            member = s[1:].strip()
            vd.synsets[synset].append((Word(member.rstrip("_")),) if member.startswith("&") else _phrase(member))
            continue
        if block is None:
            continue
        code_m = re.search(r"\[([^\]]*)\]", s)
        code = code_m[1].strip() if code_m else None
        body = re.sub(r"\[[^\]]*\]", "", s).strip()
        if s.startswith("-"):
            p = _pattern(body[1:], code or block_code)
            # a pattern whose code is no CAMEO code nor "---" ("+++", "xxy": test markers) is left out
            if p is not None and re.fullmatch(r"---|\d{2,4}[A-Z]?(:\d{2,4}[A-Z]?)?", p.code):
                vd.patterns[block].append(p)
            continue
        _add_verb(vd, body.lstrip("+"), block, code or block_code)
    return vd


def _add_verb(vd: VerbDictionary, body: str, block: str, code: str) -> None:
    forms_m = re.search(r"\{([^}]*)\}", body)
    words = re.sub(r"\{[^}]*\}", "", body).split()
    if not words:
        return
    parts = [p for p in words[0].split("_") if p] + words[1:]
    # the verb itself: the word marked with '+' inside a phrase (KLM_NOP_+RST), else the first
    idx = next((i for i, p in enumerate(parts) if p.startswith("+")), 0)
    parts = [p.lstrip("+") for p in parts]
    head = parts[idx].upper()
    # forms are written like the verb ("+CORDONED_OFF" for "+CORDON_OFF"): the word in the verb's place
    forms = set()
    for f in (forms_m[1].split() if forms_m else []):
        f_parts = [p.lstrip("+") for p in f.strip("_").split("_") if p]
        if f_parts:
            forms.add((f_parts[idx] if len(f_parts) == len(parts) else f_parts[0]).upper())
    forms = frozenset(forms)
    verb = Verb(Word(head, stopped=True), forms | {head}, block, code,
                tuple(Word(p.upper(), True) for p in parts[:idx]),
                tuple(Word(p.upper(), True) for p in parts[idx + 1:]))
    for key in verb.forms:
        vd.verbs.setdefault(key, []).append(verb)


# ---------------------------------------------------------------- discards


def read_discards(path: str | Path) -> tuple[list[tuple[Word, ...]], list[tuple[Word, ...]]]:
    """(sentence-level, story-level) discard phrases."""
    sentence, story = [], []
    for line in _strip_comments(_read(path)):
        s = line.strip()
        if s:
            (story if s.startswith("+") else sentence).append(_phrase(s.lstrip("+")))
    return sentence, story


@dataclass
class Dictionaries:
    """A PETRARCH dictionary set: what `storyline --verbs/--actors/--agents/--discards` loads."""

    verbs: VerbDictionary
    actors: dict[tuple[Word, ...], ActorEntry]
    agents: dict[tuple[Word, ...], Agent]
    discard_sentence: list[tuple[Word, ...]] = field(default_factory=list)
    discard_story: list[tuple[Word, ...]] = field(default_factory=list)

    @classmethod
    def load(cls, verbs: str | Path, actors: Iterable[str | Path] = (), agents: str | Path | None = None,
             discards: str | Path | None = None) -> "Dictionaries":
        actor_index: dict[tuple[Word, ...], ActorEntry] = {}
        for path in [actors] if isinstance(actors, (str, Path)) else actors:
            for k, v in read_actors(path).items():
                actor_index.setdefault(k, v)
        sentence, story = read_discards(discards) if discards else ([], [])
        return cls(read_verbs(verbs), actor_index, read_agents(agents) if agents else {}, sentence, story)
