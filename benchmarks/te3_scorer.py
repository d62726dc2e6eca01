"""The timex part of the official TempEval-3 scorer, ported to Python 3.

    python benchmarks/te3_scorer.py GOLD_DIR SYSTEM_DIR [--json OUT]

The official scorer (`TE3-evaluation.py` of the TempEval-3 toolkit, Python 2 + Java + Perl) works in
two steps, both reproduced here:

1. TimeML-Normalizer (Java) tokenizes the TEXT of the gold and the system file with the toolkit's
   `tokenize.pl -e`, labels each token B/I/O for TIMEX3, and renames the timexes so that a system
   timex and a gold timex that overlap *by token* share an id: walking the tokens, a timex that
   begins while a timex of the other file is open takes that one's id, unless it already paired
   with that id or a later one (so pairing is one to one, first come first served).
2. evaluate_entities.py compares the two files id by id: a gold id found in the system is a
   relaxed match; a relaxed match whose text is the same string is a strict match; type and value
   are compared as strings on relaxed matches. P = matches / system timexes, R = matches / gold
   timexes (the creation time t0 is left out of both), and the attribute scores are
   "value F1" = value matches / relaxed matches x relaxed F1 (likewise type).

Both steps are ported rather than called because the toolkit needs Python 2.7, Java and a Perl
script that modern Perl refuses (latin-1 bytes under `use utf8`); how the port was checked against
the original is in benchmarks/RESULTS.md. The tokenizer rules below are tokenize.pl's (English
mode, with the toolkit's list of abbreviations that keep their full stop).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

# ---- tokenize.pl -e -a english-abbreviations ----

_ABBREVIATIONS = set("""
Adm. Ala. Ariz. Ark. Aug. Ave. Bancorp. Bhd. Brig. Bros. CO. CORP. COS. Ca. Calif. Canada-U.S.
Canadian-U.S. Capt. Cia. Cie. Co. Col. Colo. Conn. Corp. Cos. D-Mass. Dec. Del. Dept. Dr. Drs. Etc.
Feb. Fla. Ft. Ga. Gen. Gov. Hon. INC. Ill. Inc. Ind. Jan. Japan-U.S. Jr. Kan. Korean-U.S. Ky. La. Lt.
Ltd. Maj. Mass. Md. Messrs. Mfg. Mich. Minn. Miss. Mo. Mr. Mrs. Ms. Neb. Nev. No. Nos. Nov. Oct. Okla.
Ont. Ore. Pa. Ph. Prof. Prop. Pty. Rep. Reps. Rev. S.p.A. Sen. Sens. Sept. Sgt. Sino-U.S. Sr. St. Ste.
Tenn. Tex. U.S.-U.K. U.S.-U.S.S.R. Va. Vt. W.Va. Wash. Wis. Wyo. a.k.a. a.m. anti-U.S. cap. days. etc.
ft. i.e. non-U.S. office\\/dept. p.m. president-U.S. s.r.l. v. v.B. v.w. vs.
""".split())
_C1 = "\x82\x84\x86\x87\x8b\x91\x92\x93\x94\x95\x96\x97\x9b"
_PCHAR = "[" + re.escape("[{(´`\"»«") + _C1 + "]"  # cut off the front of a word
_FCHAR = "[" + re.escape("]}'`\"),;:!?%»«") + _C1 + "\x85\x89]"  # cut off the end of a word
_LEAD = re.compile(rf"^({_PCHAR})(.)", re.S)
_TRAIL = re.compile(rf"(.)({_FCHAR})$", re.S)
_TRAIL_DOT = re.compile(rf"({_FCHAR})\.$")
_ACRONYM = re.compile(r"^([A-Za-zÀ-ÿ]\.)+$")
_CLITIC = re.compile(r"(.)('(?:s|re|ve|d|m|em|ll)|n't)$", re.S)


def _tokenize_word(word: str) -> list[str]:
    head: list[str] = []
    tail: list[str] = []
    while word not in _ABBREVIATIONS:
        if m := _LEAD.match(word):
            head.append(m[1])
            word = word[1:]
        elif m := _TRAIL.search(word):
            tail.insert(0, m[2])
            word = word[:-1]
        elif m := _TRAIL_DOT.search(word):
            word = word[:-2]
            if word == "":
                word = m[1]
                tail.insert(0, ".")
            else:
                tail[:0] = [m[1], "."]
        else:
            break
    if word in _ABBREVIATIONS or _ACRONYM.match(word):
        return head + [word] + tail
    if re.match(r"^(..*)\.$", word, re.S) and word != "...":
        word = word[:-1]
        tail.insert(0, ".")
        if word in _ABBREVIATIONS:
            return head + [word] + tail
    clitics: list[str] = []
    while m := _CLITIC.search(word):
        clitics.insert(0, m[2])
        word = word[: m.start(2)]
    return head + [word] + clitics + tail


def tokenize(text: str) -> list[tuple[int, int]]:
    """Character spans of tokenize.pl's tokens, aligned back onto the text as the normalizer does."""
    words: list[str] = []
    for line in text.split("\n"):
        line = " " + line.replace("\r", "") + " "
        line = line.replace("...", " ... ")
        line = re.sub(r"([;!?/])([^ ])", r"\1 \2", line)
        line = re.sub(r"(,)([^ 0-9.])", r"\1 \2", line)
        line = re.sub(r"([a-zA-ZÀ-ÿ][a-zA-ZÀ-ÿ][.:])([A-ZÀ-Ý])", r"\1 \2", line)
        for word in line.split():
            words.extend(t for t in _tokenize_word(word) if t)
    spans, pos = [], 0
    for tok in words:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        start = text.find(tok, pos)
        if start < 0:  # not expected: the tokens are pieces of the text in order
            continue
        spans.append((start, start + len(tok)))
        pos = start + len(tok)
    return spans


# ---- reading TimeML ----

@dataclass
class Timex:
    tid: str
    start: int
    end: int
    text: str
    type: str
    value: str


def read_timeml(path: Path) -> tuple[str, list[Timex]]:
    """The plain text of <TEXT> and its TIMEX3s with character offsets (the creation time, outside
    TEXT, is not among them)."""
    root = ET.parse(path).getroot()
    text_el = root.find("TEXT")
    parts: list[str] = []
    out: list[Timex] = []
    pos = 0

    def walk(el: ET.Element) -> None:
        nonlocal pos
        if el.text:
            parts.append(el.text)
            pos += len(el.text)
        for child in el:
            start = pos
            walk(child)
            if child.tag == "TIMEX3" and len(child) == 0:  # the scorer's regex skips nested tags
                out.append(Timex(child.get("tid", ""), start, pos, "".join(parts)[start:pos],
                                 child.get("type", ""), child.get("value", "")))
            if child.tail:
                parts.append(child.tail)
                pos += len(child.tail)

    walk(text_el)
    return "".join(parts), out


# ---- TimeML-Normalizer: token labels and id pairing ----

def _labels(tokens: list[tuple[int, int]], timexes: list[Timex]) -> list[tuple[str, int | None]]:
    """B/I/O per token and which timex (index) opened there, as merge_tok_n_tml reads them: a tag
    belongs to the token being read when the tag is met; a closing tag inside a later token ends
    the timex before that token, one inside the opening token after it."""
    labels: list[tuple[str, int | None]] = [("O", None)] * len(tokens)
    for i, t in enumerate(sorted(timexes, key=lambda t: t.start)):
        if t.end <= t.start:
            continue
        first = next((k for k, (_, te) in enumerate(tokens) if te > t.start), None)
        if first is None:
            continue
        last = first
        for k in range(first + 1, len(tokens)):
            ts, te = tokens[k]
            if ts >= t.end or te > t.end:  # past it, or the closing tag falls inside this token
                break
            last = k
        labels[first] = ("B", i)
        for k in range(first + 1, last + 1):
            labels[k] = ("I", i)
    return labels


def pair_ids(tokens: list[tuple[int, int]], gold: list[Timex], system: list[Timex]) -> tuple[list[int], list[int]]:
    """New ids for gold and system timexes (in start order): equal ids mean a relaxed match."""
    annotations = [sorted(gold, key=lambda t: t.start), sorted(system, key=lambda t: t.start)]
    labels = [_labels(tokens, a) for a in annotations]
    ids = [[0] * len(a) for a in annotations]
    open_ = [0, 0]
    last_local = [0, 0]
    last_tid = 1
    for k in range(len(tokens)):
        for a in (0, 1):
            if labels[a][k][0] in ("O", "B"):
                open_[a] = 0
        for a in (0, 1):
            tag, which = labels[a][k]
            if tag != "B":
                continue
            open_[a] = last_tid
            other = 1 - a
            if open_[other] != 0 and last_local[a] < open_[other]:
                open_[a] = open_[other]
            last_local[a] = open_[a]
            if open_[a] == last_tid:
                last_tid += 1
            ids[a][which] = open_[a]
    return ids[0], ids[1]


# ---- evaluate_entities.py: counts and figures ----

COUNTS = ("gold", "system", "strict", "relaxed", "type", "value")


def count_file(gold_path: Path, system_path: Path) -> dict[str, int]:
    text, gold = read_timeml(gold_path)
    sys_text, system = read_timeml(system_path)
    if text != sys_text:
        raise ValueError(f"{system_path}: its text is not the text of {gold_path}")
    return count(text, gold, system)


def count(text: str, gold: list[Timex], system: list[Timex]) -> dict[str, int]:
    gold = sorted((t for t in gold if t.end > t.start), key=lambda t: t.start)
    system = sorted((t for t in system if t.end > t.start), key=lambda t: t.start)
    gold_ids, sys_ids = pair_ids(tokenize(text), gold, system)
    by_id = {i: t for i, t in zip(sys_ids, system) if i}
    c = dict.fromkeys(COUNTS, 0)
    c["gold"], c["system"] = len(gold), len(system)
    for i, g in zip(gold_ids, gold):
        s = by_id.get(i)
        if not i or s is None or not s.text.strip() or not g.text.strip():
            continue
        c["relaxed"] += 1
        c["strict"] += g.text == s.text
        c["type"] += g.type == s.type
        c["value"] += g.value == s.value
    return c


def figures(c: dict[str, int]) -> dict:
    """The official summary: strict and relaxed P/R/F1, value and type F1 (percent, as printed by
    the scorer), and the plain accuracies over relaxed matches."""
    def prf(n: int) -> dict:
        p = n / c["system"] if c["system"] else 0.0
        r = n / c["gold"] if c["gold"] else 0.0
        return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0}

    strict, relaxed = prf(c["strict"]), prf(c["relaxed"])
    acc = {k: c[k] / c["relaxed"] if c["relaxed"] else 0.0 for k in ("value", "type")}
    pct = lambda x: round(100 * x, 2)  # noqa: E731
    return {
        "strict": {k: pct(v) for k, v in strict.items()},
        "relaxed": {k: pct(v) for k, v in relaxed.items()},
        "value": {"f": pct(acc["value"] * relaxed["f"]), "accuracy": pct(acc["value"])},
        "type": {"f": pct(acc["type"] * relaxed["f"]), "accuracy": pct(acc["type"])},
        "counts": dict(c),
    }


def score_folders(gold_dir: Path, system_dir: Path) -> dict:
    total = dict.fromkeys(COUNTS, 0)
    for gold_path in sorted(gold_dir.rglob("*.tml")):
        c = count_file(gold_path, system_dir / gold_path.relative_to(gold_dir))
        for k in COUNTS:
            total[k] += c[k]
    return figures(total)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("system", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    result = score_folders(args.gold, args.system) if args.gold.is_dir() else figures(count_file(args.gold, args.system))
    f = result
    print("=== Timex Performance ===")
    print("Strict Match\tF1\tP\tR")
    print(f"\t\t{f['strict']['f']}\t{f['strict']['p']}\t{f['strict']['r']}")
    print("Relaxed Match\tF1\tP\tR")
    print(f"\t\t{f['relaxed']['f']}\t{f['relaxed']['p']}\t{f['relaxed']['r']}")
    print("Attribute\tValue\tType")
    print(f"\t\t{f['value']['f']}\t{f['type']['f']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
