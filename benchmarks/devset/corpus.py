"""Loader for storyline's hand-annotated real-news sets (benchmarks/devset/README.md).

The annotations are standoff: document ids and character offsets into texts that stay in
`../shared/eval/` (seen from the repository root; STORYLINE_EVAL overrides). This module defines
what "the text of a document" is, so that every offset means one thing:

    reuters   Reuters-21578 (news/reuters21578.jsonl): doc = the record's "id" (NEWID, as a string);
              text = the "body" field as is; date = the first ten characters of "date".
    polnear   PolNeAR train (quotes/PolNeAR/data/train/text/): doc = the file name without ".txt";
              text = the file read as UTF-8 (newlines as stored); date = publication_date in
              data/metadata.tsv (else the date in the file name).
    lgl       LGL (geo/lgl.xml): doc = the article's docid; text = its <text> element as
              ElementTree reads it (CDATA content, blanks kept); date = the first ten characters
              of <dltime> (the download time: the stories are from the days before it).
    geovirus  GeoVirus (geo/GeoVirus.xml): doc = the article's 0-based position in the file (as a
              string); text = its <text> element as ElementTree reads it; date = None (the corpus
              gives none).

API:
    document_text(corpus, doc) -> str
    document_date(corpus, doc) -> str | None          "YYYY-MM-DD"
    load_events(split) -> list[dict]                  split: one of EVENT_FILES (train, dev, test,
                                                      test_adjudicated, second_pass, ...)
    load_actor_stories(split=None) -> list[dict]      the read_devset structure (benchmarks/common.py)
    load_dedup(split) -> list[dict]                   split: dev, test
Every record read is checked against its text (a sentence's sha1 prefix, a mention's text), so a
changed copy of the data is caught instead of silently scored.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CORPORA = ("reuters", "polnear", "lgl", "geovirus")


class DevsetError(RuntimeError):
    """The evaluation data is missing or does not match an annotation."""


def _main_checkout() -> Path | None:
    """In a git worktree, the main checkout (its .git file names .../main/.git/worktrees/NAME)."""
    git = ROOT / ".git"
    if git.is_file():
        m = re.match(r"gitdir:\s*(.+)", git.read_text(encoding="utf-8").strip())
        if m and "worktrees" in Path(m.group(1)).parts:
            return Path(m.group(1)).parents[2]
    return None


def eval_dir() -> Path:
    """../shared/eval seen from the repository root (or from the main checkout when this is a
    worktree); STORYLINE_EVAL overrides."""
    if os.environ.get("STORYLINE_EVAL"):
        candidates = [Path(os.environ["STORYLINE_EVAL"])]
    else:
        main = _main_checkout()
        candidates = [ROOT.parent / "shared" / "eval"] + ([main.parent / "shared" / "eval"] if main else [])
    for path in candidates:
        if path.is_dir():
            return path
    raise DevsetError(f"evaluation data not found at {candidates[0]}: the annotations are standoff and need "
                      "the texts in ../shared/eval (seen from the repository root) or STORYLINE_EVAL")


def _need(path: Path) -> Path:
    if not path.exists():
        raise DevsetError(f"evaluation file missing: {path}")
    return path


@functools.lru_cache(maxsize=1)
def _reuters() -> dict[str, dict]:
    out = {}
    with open(_need(eval_dir() / "news" / "reuters21578.jsonl"), encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            out[str(rec["id"])] = rec
    return out


@functools.lru_cache(maxsize=2)
def _xml(name: str) -> list[ET.Element]:
    return list(ET.parse(_need(eval_dir() / "geo" / name)).getroot().iter("article"))


@functools.lru_cache(maxsize=1)
def _lgl() -> dict[str, ET.Element]:
    return {a.get("docid"): a for a in _xml("lgl.xml")}


@functools.lru_cache(maxsize=1)
def _polnear_dates() -> dict[str, str]:
    path = eval_dir() / "quotes" / "PolNeAR" / "data" / "metadata.tsv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as f:
        return {row["filename"]: row["publication_date"] for row in csv.DictReader(f, delimiter="\t")}


def _polnear_path(doc: str) -> Path:
    return _need(eval_dir() / "quotes" / "PolNeAR" / "data" / "train" / "text" / f"{doc}.txt")


def document_ids(corpus: str) -> list[str]:
    """Every document id of a corpus, in the corpus's own order."""
    if corpus == "reuters":
        return [k for k, r in _reuters().items() if r.get("body")]
    if corpus == "polnear":
        folder = _need(eval_dir() / "quotes" / "PolNeAR" / "data" / "train" / "text")
        return sorted(p.stem for p in folder.glob("*.txt"))
    if corpus == "lgl":
        return list(_lgl())
    if corpus == "geovirus":
        return [str(i) for i in range(len(_xml("GeoVirus.xml")))]
    raise DevsetError(f"unknown corpus {corpus!r} (one of {', '.join(CORPORA)})")


@functools.lru_cache(maxsize=4096)
def document_text(corpus: str, doc: str) -> str:
    doc = str(doc)
    if corpus == "reuters":
        rec = _reuters().get(doc)
        if rec is None or not rec.get("body"):
            raise DevsetError(f"reuters: no story with a body has id {doc}")
        return rec["body"]
    if corpus == "polnear":
        with open(_polnear_path(doc), encoding="utf-8", newline="") as f:
            return f.read()
    if corpus == "lgl":
        art = _lgl().get(doc)
        if art is None:
            raise DevsetError(f"lgl: no article has docid {doc}")
        return art.find("text").text or ""
    if corpus == "geovirus":
        arts = _xml("GeoVirus.xml")
        if not doc.isdigit() or int(doc) >= len(arts):
            raise DevsetError(f"geovirus: no article number {doc}")
        return arts[int(doc)].find("text").text or ""
    raise DevsetError(f"unknown corpus {corpus!r} (one of {', '.join(CORPORA)})")


def document_date(corpus: str, doc: str) -> str | None:
    doc = str(doc)
    if corpus == "reuters":
        document_text(corpus, doc)
        return _reuters()[doc]["date"][:10]
    if corpus == "polnear":
        _polnear_path(doc)
        date = _polnear_dates().get(doc)
        if not date:
            m = re.search(r"\d{4}-\d{2}-\d{2}", doc)
            date = m.group(0) if m else None
        return date
    if corpus == "lgl":
        document_text(corpus, doc)
        return (_lgl()[doc].findtext("dltime") or "")[:10] or None
    if corpus == "geovirus":
        document_text(corpus, doc)
        return None
    raise DevsetError(f"unknown corpus {corpus!r} (one of {', '.join(CORPORA)})")


def check(text: str) -> str:
    """First 8 hex digits of the SHA-1 of a sentence's text (UTF-8)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


SPLIT_SALT = "storyline-devset-2026"


def split_of(corpus: str, doc: str) -> str:
    """The event set's document split, fixed before any tuning: train 70 / dev 15 / test 15 by a
    hash of corpus and doc id (never change the salt or the cut points)."""
    h = int(hashlib.sha1(f"{SPLIT_SALT}:{corpus}:{doc}".encode()).hexdigest(), 16) % 100
    return "train" if h < 70 else "dev" if h < 85 else "test"


def _checked_sentence(rec: dict, where: str) -> str:
    text = document_text(rec["corpus"], rec["doc"])
    sentence = text[rec["start"]:rec["end"]]
    if check(sentence) != rec["check"]:
        raise DevsetError(f"{where}: sentence {rec['id']} does not match its text in ../shared/eval "
                          f"({rec['corpus']} {rec['doc']} {rec['start']}-{rec['end']}): check {rec['check']}, "
                          f"found {check(sentence)}")
    for ev in rec.get("events", []):
        for field in ("trigger", "source", "target"):
            span, start = ev.get(field), ev.get(f"{field}_start")
            if span and start is not None and text[start:start + len(span)] != span:
                raise DevsetError(f"{where}: sentence {rec['id']}: {field} {span!r} is not at offset {start}")
    return sentence


def _read_jsonl(path: Path) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise DevsetError(f"{path}:{n}: not JSON: {e}") from None
    return out


EVENT_FILES = {
    "train": "the first annotator's labels", "dev": "the first annotator's labels",
    "test": "the first annotator's labels (never changed by adjudication)",
    "test_adjudicated": "the test split after adjudicating the two annotators' disagreements "
                        "(adjudicate.py; each decided case in the sentence's 'adjudication')",
    "test_second_annotator": "the independent second annotator's labels of the test split",
    "sample_second_annotator": "the second annotator's labels of the 150-sentence agreement sample",
    "second_pass": "the first annotator's blind re-labelling of the agreement sample",
}


def load_events(split: str) -> list[dict]:
    """Sentences of one event file (EVENT_FILES: train, dev, test, test_adjudicated, ...), each with
    its events; adds "text" (the sentence) and verifies every offset against the texts. The
    adjudicated test split must cover exactly the sentences of test.jsonl."""
    if split not in EVENT_FILES:
        raise DevsetError(f"unknown event file {split!r} (one of {', '.join(EVENT_FILES)})")
    path = HERE / "events" / f"{split}.jsonl"
    if not path.exists():
        raise DevsetError(f"no such split file: {path}")
    out = []
    for n, rec in enumerate(_read_jsonl(path), 1):
        rec["text"] = _checked_sentence(rec, f"{path}:{n}")
        out.append(rec)
    if split == "test_adjudicated":
        test = {(r["id"], r["check"]) for r in _read_jsonl(HERE / "events" / "test.jsonl")}
        if {(r["id"], r["check"]) for r in out} != test:
            raise DevsetError(f"{path}: does not cover the sentences of test.jsonl; rebuild it with adjudicate.py")
    return out


def load_dedup(split: str) -> list[dict]:
    """Event mentions of the dedup gold set (dev or test), each with its cluster id; adds "sentence"."""
    path = HERE / "dedup" / f"{split}.jsonl"
    if not path.exists():
        raise DevsetError(f"no such split file: {path}")
    out = []
    for n, rec in enumerate(_read_jsonl(path), 1):
        rec["sentence"] = _checked_sentence({**rec, "events": [rec]}, f"{path}:{n}")
        out.append(rec)
    return out


def load_actor_stories(split: str | None = None) -> list[dict]:
    """The real-news actor stories (benchmarks/devset/actors/*.json), in the structure
    benchmarks/common.py read_devset gives for the synthetic ones: id, date (datetime.date or None),
    region, subject, text, actors {id: code}, mentions [(start, end, actor id)],
    events [(type, source id, target id or None, trigger)], path; plus corpus, doc, split and
    trigger_starts. split: "dev", "test" or None for both."""
    out = []
    for path in sorted((HERE / "actors").glob("*.json")):
        story = json.loads(path.read_text(encoding="utf-8"))
        if split and story["split"] != split:
            continue
        text = document_text(story["corpus"], story["doc"])
        mentions = []
        for start, end, aid, span in story["mentions"]:
            if text[start:end] != span:
                raise DevsetError(f"{path}: mention {span!r} is not at {start}-{end} (found {text[start:end]!r})")
            if aid not in story["actors"]:
                raise DevsetError(f"{path}: mention {span!r} names unknown actor {aid}")
            mentions.append((start, end, aid))
        events, starts = [], []
        for typ, src, tgt, trigger, tstart in story["events"]:
            if text[tstart:tstart + len(trigger)] != trigger:
                raise DevsetError(f"{path}: trigger {trigger!r} is not at {tstart}")
            events.append((typ, src, tgt or None, trigger))
            starts.append(tstart)
        date = story.get("date")
        out.append({"id": f"{story['corpus']}-{story['doc']}", "date": dt.date.fromisoformat(date) if date else None,
                    "region": None, "subject": None, "text": text, "actors": story["actors"],
                    "mentions": mentions, "events": events, "path": str(path), "corpus": story["corpus"],
                    "doc": story["doc"], "split": story["split"], "trigger_starts": starts})
    return out
