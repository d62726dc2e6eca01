"""Which documents the event set annotates, and in what order: a seeded, deterministic draw made
before anyone looked at storyline's output on them.

    python benchmarks/devset/sample.py > benchmarks/devset/events/sample.tsv

Per corpus, every document gets a weight from the political cue words it contains (below); a
weighted draw without replacement (Efraimidis & Spirakis: key = u ** (1 / weight), u from
random.Random(SEED)) orders the documents, and they are taken in that order until the corpus's
sentence quota is met. A document with no cue keeps a small weight, so that non-political stories
(negatives) come in too. Reuters stories that are tables (many digits) or very long are left out.
Each document contributes a contiguous run of its first MAX_SENTENCES sentences (whole documents
when shorter). The corpora are then interleaved by share of quota, so that every batch of the
annotation covers all four. The document split (train/dev/test) is corpus.split_of, a hash.
"""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate import split  # noqa: E402
from corpus import _reuters, document_ids, document_text, split_of  # noqa: E402

SEED = 14
QUOTA = {"reuters": 850, "polnear": 300, "lgl": 250, "geovirus": 200}
MAX_SENTENCES = {"reuters": 25, "polnear": 20, "lgl": 20, "geovirus": 20}
NO_CUE_WEIGHT = 0.25

CUES = {
    # politics, conflict, diplomacy, trade disputes, shipping attacks, hostages
    "reuters": r"government|minister|ministry|president|parliament|congress|senate|military|army|troops|navy|"
               r"war|attack\w*|missile\w*|rebels?|guerrillas?|police|protest\w*|sanctions?|embargo|retaliat\w*|"
               r"tariffs?|talks|negotiat\w*|embassy|ambassador|diplomat\w*|hostages?|kidnap\w*|election|"
               r"accused|condemned|demanded|urged|threatened|warned|denied|rejected|boycott|dispute|treaty|"
               r"summit|visit\w*|united nations|opec|gatt|tanker|gulf|iran|iraq|soviet|reagan|strike",
    "polnear": r"president|senator|campaign|congress|governor|attack\w*|accused|criticized|called for|"
               r"protest\w*|police|military|troops|vote|election|debate|sanctions?|talks|met with|"
               r"condemned|rejected|denied|urged|threatened|warned|refugees?|terror\w*",
    "lgl": r"police|sheriff|deputies|officers?|arrested|charged|court|judge|jury|council|mayor|governor|"
           r"commission\w*|protest\w*|rally|lawsuit|sued|legislat\w*|senator|troops|soldiers|military|"
           r"investigat\w*|prosecutor|indicted|convicted|sentenced",
    "geovirus": r"government|ministry|minister|health officials|authorities|world health organization|who|"
                r"quarantine\w*|ban\w*|closed|aid|donat\w*|appeal\w*|urged|warned|criticized|accused|"
                r"police|army|troops|military|protest\w*|vaccinat\w*|emergency",
}


def weight(corpus: str, text: str) -> float:
    found = {m.group(0).lower() for m in re.finditer(rf"\b(?:{CUES[corpus]})\b", text, re.I)}
    return float(len(found) ** 2) if found else NO_CUE_WEIGHT


def eligible(corpus: str, doc: str, text: str) -> bool:
    if corpus != "reuters":
        return len(text.strip()) > 200
    if not 300 <= len(text) <= 5000:
        return False
    digits = sum(c.isdigit() for c in text)
    return digits / len(text) < 0.06


def draw(corpus: str, rng: random.Random) -> list[tuple[str, int]]:
    keyed = []
    for doc in document_ids(corpus):
        text = document_text(corpus, doc)
        if corpus == "reuters":
            text = (_reuters()[doc].get("title") or "") + "\n" + text
        u = rng.random()  # drawn for every document, eligible or not, so the draw is reproducible
        if eligible(corpus, doc, document_text(corpus, doc)):
            keyed.append((u ** (1.0 / weight(corpus, text)), doc))
    keyed.sort(reverse=True)
    out, total = [], 0
    for _, doc in keyed:
        n = min(len(split(document_text(corpus, doc), corpus)), MAX_SENTENCES[corpus])
        out.append((doc, n))
        total += n
        if total >= QUOTA[corpus]:
            break
    return out


def main() -> None:
    rows = []
    for corpus in QUOTA:
        done = 0
        for doc, n in draw(corpus, random.Random(f"{SEED}:{corpus}")):
            rows.append(((done + n / 2) / QUOTA[corpus], corpus, doc, n))
            done += n
    rows.sort()
    print("order\tcorpus\tdoc\tsentences\tsplit")
    for i, (_, corpus, doc, n) in enumerate(rows):
        print(f"{i}\t{corpus}\t{doc}\t{n}\t{split_of(corpus, doc)}")


if __name__ == "__main__":
    main()
