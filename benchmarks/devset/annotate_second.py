"""The second (independent) annotator's tool for the event set: shows the sentences of the test
split and of the agreement sample **without their first labels**, and compiles the second
annotator's batch files (events/annot2/*.ann) into standoff JSONL.

    python benchmarks/devset/annotate_second.py show test [--doc CORPUS:DOC]
    python benchmarks/devset/annotate_second.py show sample
    python benchmarks/devset/annotate_second.py build
        # -> events/test_second_annotator.jsonl, events/sample_second_annotator.jsonl

Independence: the sentence list comes from the first annotator's JSONL files (so ids, offsets and
checks are the same), but `unlabelled()` drops every record's "events" and "notes" as soon as a
line is parsed; nothing here prints, returns or compares a first label. Agreement is computed
afterwards by agreement.py.

Batch file format: the line format of annotate.py (see its module doc), with a different header:

    @reuters 1234
    s2 | ACCUSE/allege | accused | Iran=IRN | United States=USA | mod=reported

Sentences are numbered s0, s1, ... in the order of the document's records in its split file (the
first annotator's sentence split, merges and cuts included), so `words@s3` and `^words` reach
earlier sentences of the document. Every sentence of the document that belongs to the test split
or to the sample is annotated in its block; one with no event line is a negative.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate import BatchError, event_of  # noqa: E402
from corpus import HERE, check, document_text  # noqa: E402

SPLITS = ("train", "dev", "test")
FOLDER = HERE / "events" / "annot2"
OUTPUTS = {"test": HERE / "events" / "test_second_annotator.jsonl",
           "sample": HERE / "events" / "sample_second_annotator.jsonl"}


def unlabelled(name: str) -> list[dict]:
    """The sentence records of a JSONL file with their labels dropped (events, notes)."""
    out = []
    with open(HERE / "events" / f"{name}.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                rec.pop("events", None)
                rec.pop("notes", None)
                out.append(rec)
    return out


def sample_ids() -> list[str]:
    """The ids of the 150-sentence agreement sample (only the ids are read)."""
    return [r["id"] for r in unlabelled("second_pass")]


def documents() -> dict[tuple[str, str], list[dict]]:
    """Every document of the event set: its sentence records (unlabelled) in text order."""
    docs: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for split in SPLITS:
        for rec in unlabelled(split):
            rec["split"] = split
            docs[(rec["corpus"], rec["doc"])].append(rec)
    for recs in docs.values():
        recs.sort(key=lambda r: r["start"])
    return dict(docs)


def targets() -> dict[str, set[str]]:
    """The ids each output file must cover."""
    return {"test": {r["id"] for r in unlabelled("test")}, "sample": set(sample_ids())}


def show(which: str, only: str | None = None, before: int = 4) -> None:
    docs, want = documents(), targets()[which]
    for (corpus, doc), recs in docs.items():
        if only and f"{corpus}:{doc}" != only:
            continue
        hits = [i for i, r in enumerate(recs) if r["id"] in want]
        if not hits:
            continue
        text = document_text(corpus, doc)
        print(f"== {corpus} {doc}  date {recs[0]['date']}  split {recs[0]['split']}  ({len(hits)} to label)")
        shown = set(range(len(recs))) if which == "test" else {
            j for i in hits for j in range(max(0, i - before), i + 1)}
        for i in sorted(shown):
            r = recs[i]
            mark = ">>" if r["id"] in want else "  "
            print(f"{mark} s{i} {' '.join(text[r['start']:r['end']].split())}")
        print()


def parse(path: Path, docs: dict[tuple[str, str], list[dict]], want: set[str]) -> list[dict]:
    out, block = [], None

    def close():
        if block:
            out.extend(block["records"].values())

    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            if line.startswith("@"):
                close()
                corpus, doc = line[1:].split()[:2]
                recs = docs.get((corpus, doc))
                if not recs:
                    raise BatchError(f"{corpus} {doc} is not in the event set")
                text = document_text(corpus, doc)
                block = {"text": text, "spans": [(r["start"], r["end"]) for r in recs], "records": {}}
                for i, r in enumerate(recs):
                    if r["id"] in want:
                        if check(text[r["start"]:r["end"]]) != r["check"]:
                            raise BatchError(f"sentence {r['id']} does not match its text")
                        block["records"][i] = {k: r[k] for k in ("id", "corpus", "doc", "date", "start", "end",
                                                                 "check")} | {"events": []}
                continue
            if block is None:
                raise BatchError("event line before any @document line")
            fields = [f.strip() for f in line.split("|")]
            sent = int(fields[0].lstrip("s"))
            if sent not in block["records"]:
                raise BatchError(f"sentence s{sent} is not one to annotate in this document")
            rec = block["records"][sent]
            if fields[1] == "note":
                rec["notes"] = (rec.get("notes", "") + " " + "|".join(fields[2:])).strip()
                continue
            rec["events"].append(event_of(fields, block["text"], block["spans"], sent))
        except (BatchError, ValueError, IndexError, KeyError) as err:
            raise SystemExit(f"{path}:{n}: {err}\n    {raw}") from None
    close()
    return out


def build() -> None:
    docs, want = documents(), targets()
    every = want["test"] | want["sample"]
    pool: dict[str, dict] = {}
    for path in sorted(FOLDER.glob("*.ann")):
        for rec in parse(path, docs, every):
            if rec["id"] in pool:
                raise SystemExit(f"{path}: sentence {rec['id']} is annotated twice")
            pool[rec["id"]] = rec
    order = {r["id"]: n for n, r in enumerate(r for recs in docs.values() for r in recs)}
    for name, ids in want.items():
        missing = sorted(ids - set(pool))
        if missing:
            print(f"{name}: {len(missing)} sentences not annotated yet (e.g. {missing[0]}); file not written")
            continue
        recs = [pool[i] for i in sorted(ids, key=lambda i: order[i])]
        with open(OUTPUTS[name], "w", encoding="utf-8") as f:
            for rec in recs:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        print(f"{OUTPUTS[name].relative_to(HERE.parents[1])}: {len(recs)} sentences, "
              f"{sum(1 for r in recs if r['events'])} with events, {sum(len(r['events']) for r in recs)} events")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("show")
    s.add_argument("which", choices=("test", "sample"))
    s.add_argument("--doc", help="CORPUS:DOC")
    sub.add_parser("build")
    args = ap.parse_args()
    if args.cmd == "show":
        show(args.which, args.doc)
    else:
        build()


if __name__ == "__main__":
    main()
