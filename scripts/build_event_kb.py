"""Convert the CAMEO 2.0 verb dictionary into storyline's trigger table, kb/cameo_verbs.tsv, and
its target markers into argument-frame hints, kb/cameo_frames.tsv.

    python scripts/build_event_kb.py [--eval ../shared/eval]

Source: CAMEO.2.0.txt (PETRARCH2's CAMEO verb-pattern dictionary, Open Event Data Alliance, MIT
licence), read with storyline's own PETRARCH reader (storyline.kb.petrarch.read_verbs). Each verb
of a block becomes a row with its code (its own, else its block's); each pattern of a block whose
words all follow the verb ("- * EXTRADITION [0213]", "- * (FOR HUMANITARIAN AID) [0233]") becomes a
row of the block's own verb (the block's name) with an object condition (any word or phrase of the
pattern, synsets expanded), when that verb has no code of its own. Codes with no PLOVER type (CAMEO 01, "make a public statement") and "---" blocks without
a coded pattern are left out. Rows keep the block name and the pattern's number in its block as provenance (standoff).

These rows are broad and noisy (CAMEO files QUARREL under fighting and SEEK under promises), so the
event coder treats them as candidates only: a candidate found only here becomes an event when the
learned layer accepts it (pipeline/events/model.py), never on the rules alone. Hand-kept rows in
verbs.tsv and nouns.tsv always win for their lemma. The shipped package reads only the TSV.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KB = ROOT / "src" / "storyline" / "kb"
sys.path.insert(0, str(ROOT / "src"))

MAX_SYNSET = 40  # a pattern whose synset expands to more phrases than this is too loose to keep


def plover_types() -> dict[str, str]:
    rows = [ln for ln in (KB / "cameo.tsv").read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return {r["cameo"]: r["plover"] for r in csv.DictReader(rows, delimiter="\t")}


def code_of(raw: str, types: dict[str, str]) -> str | None:
    """The CAMEO code of a dictionary code field ("042:043" -> 042), if it has a PLOVER type.
    CAMEO's APPEAL (02x) has none in the CAMEO2PLOVER table, but PLOVER's REQUEST covers "all
    requests, demands, and orders" (manual, REQUEST): an appeal becomes the matching demand (10x)."""
    code = raw.split(":")[0].strip()
    if code.startswith("02"):
        code = "10" + code[2:] if types.get("10" + code[2:]) else "100"
    return code if code and types.get(code) else None


def pattern_objects(pattern, vd) -> list[str] | None:
    """The words after the verb as object alternatives, or None when the pattern is not a plain
    object condition (words before the verb, actor markers, more than one synset)."""
    from storyline.kb.petrarch import MARKERS

    if any(e not in MARKERS for run in pattern.before for e in run):
        return None
    phrases = [[]]
    synsets = 0
    for run in pattern.after:
        for e in run:
            if e in MARKERS:
                continue
            if isinstance(e, str):  # a synset: one alternative per member
                synsets += 1
                members = [" ".join(w.text.lower() for w in m) for m in vd.synset(e)]
                if synsets > 1 or not members or len(members) > MAX_SYNSET:
                    return None
                phrases = [p + [m] for p in phrases for m in members]
            else:
                phrases = [p + [e.text.lower()] for p in phrases]
    out = [" ".join(p) for p in phrases if p]
    return out or None


def build(eval_dir: Path) -> None:
    from storyline.kb.petrarch import read_verbs

    path = eval_dir / "ontology" / "CAMEO_petrarch2_dictionaries" / "CAMEO.2.0.txt"
    vd = read_verbs(path)
    types = plover_types()
    verbs = {id(v): v for vs in vd.verbs.values() for v in vs}.values()
    rows: dict[tuple, dict] = {}
    for v in verbs:
        lemma = v.word.text.lower()
        particle = v.after[0].text.lower() if v.after else ""
        extra = " ".join(w.text.lower() for w in v.after[1:])
        code = code_of(v.code, types)
        if code and not v.before:
            key = (lemma, particle, extra)
            rows.setdefault(key, {"lemma": lemma, "particle": particle, "object": extra, "cameo": code,
                                  "block": v.block, "pattern_no": ""})
        if code or lemma != v.block.lower():
            # a verb with its own code keeps it; a pattern names an object of its block's own verb
            # only (a block's patterns read across all its synonyms are mostly wrong: CAMEO files
            # "capture joint exercises" under APPREHEND)
            continue
        for no, p in enumerate(vd.patterns.get(v.block, ()), 1):
            pcode = code_of(p.code, types)
            objects = pattern_objects(p, vd) if pcode else None
            if not objects or v.before:
                continue
            key = (lemma, particle, "|".join(objects))
            rows.setdefault(key, {"lemma": lemma, "particle": particle, "object": "|".join(objects), "cameo": pcode,
                                  "block": v.block, "pattern_no": str(no)})
    out = sorted(rows.values(), key=lambda r: (r["lemma"], r["particle"], not r["object"], r["object"]))
    with open(KB / "cameo_verbs.tsv", "w", encoding="utf-8", newline="") as f:
        f.write("# generated by scripts/build_event_kb.py from CAMEO.2.0.txt (PETRARCH2 CAMEO verb dictionary,\n"
                "# (c) 2015 Open Event Data Alliance, MIT licence): broad trigger candidates for the learned layer.\n"
                "# lemma: the verb; particle: the word that must follow it; object: words or phrases one of which\n"
                "# its complements must hold; cameo: the code; block and pattern_no (the pattern's place among\n"
                "# its block's patterns, from 1): where the row came from (standoff: no pattern text is copied).\n")
        f.write("# lemma\tparticle\tobject\tcameo\tblock\tpattern_no\n")
        for r in out:
            f.write("\t".join(r[k].replace("\t", " ") for k in ("lemma", "particle", "object", "cameo", "block", "pattern_no"))
                    + "\n")
    print(f"cameo_verbs.tsv: {len(out)} rows ({sum(1 for r in out if r['object'])} with an object condition)")
    from storyline import kb

    lexicon = {lemma for (pos, lemma) in kb.triggers() if pos == "VERB"} | {r["lemma"] for r in out}
    build_frames(vd, lexicon)


# prepositions a CAMEO pattern may put right before its target marker ("* (TO +)", "* ATTACK ON +")
TARGET_PREPS = ("to", "with", "against", "toward", "towards", "into", "from", "on", "upon", "at", "over", "for")


def target_slots(pattern) -> str | None:
    """The argument-frame slot (kb/frames.tsv) of a pattern's target marker "+", when a preposition
    stands right before it after the verb ("* TROOP (INTO +)" -> prep:into), else None."""
    from storyline.kb.petrarch import Word

    flat = [e for run in pattern.after for e in run]
    if "+" not in flat:
        return None
    i = flat.index("+")
    prev = flat[i - 1] if i else None
    if isinstance(prev, Word) and prev.text.lower() in TARGET_PREPS:
        return "prep:" + prev.text.lower()
    return None


def build_frames(vd, lexicon: set[str]) -> None:
    """kb/cameo_frames.tsv: for each verb of a CAMEO block whose patterns mark the target after a
    preposition, those prepositions (most patterns first). Only the patterns' explicit target
    markers count: a pattern without "+" says nothing of where the recipient is. The verbs of a
    block share its patterns, as PETRARCH reads them; only verbs the trigger lexicon knows are kept."""
    from collections import Counter

    by_block: dict[str, Counter] = {}
    for block, patterns in vd.patterns.items():
        for p in patterns:
            slot = target_slots(p)
            if slot:
                by_block.setdefault(block, Counter())[slot] += 1
    rows = {}
    for v in {id(v): v for vs in vd.verbs.values() for v in vs}.values():
        lemma = v.word.text.lower()
        if v.block not in by_block or lemma not in lexicon or v.before or v.after:
            continue
        slots = [s for s, _ in sorted(by_block[v.block].items(), key=lambda kv: (-kv[1], kv[0]))]
        rows.setdefault(lemma, (slots, v.block))
    with open(KB / "cameo_frames.tsv", "w", encoding="utf-8", newline="") as f:
        f.write("# generated by scripts/build_event_kb.py from CAMEO.2.0.txt (PETRARCH2 CAMEO verb dictionary,\n"
                "# (c) 2015 Open Event Data Alliance, MIT licence): where a verb's CAMEO patterns mark the target\n"
                "# (\"* (TO +)\", \"* ATTACK ON +\"): the preposition before the marker, as a kb/frames.tsv slot.\n"
                "# The default coder tries these first for a verb that has no hand-kept row in frames.tsv.\n")
        f.write("# marked: how many of the block's patterns mark the target (provenance without copying them)\n")
        f.write("# lemma\ttarget\tblock\tmarked\n")
        for lemma, (slots, block) in sorted(rows.items()):
            f.write(f"{lemma}\t{'|'.join(slots)}\t{block}\t{sum(by_block[block].values())}\n")
    print(f"cameo_frames.tsv: {len(rows)} verbs")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    args = ap.parse_args()
    build(args.eval)
