"""The annotator's tool for the dedup gold set: compiles hand-written mention lists
(dedup/src/*.ann) into dedup/{dev,test}.jsonl and dedup/clusters.tsv.

    python benchmarks/devset/annotate_dedup.py build

Batch file format:

    cluster G1 | ASSAULT | USAMIL | IRN | 1987-10-19 | Gulf | gulf-oct87 | U.S. attack on Iranian oil platforms
    @reuters 21459 [merge=3+4] [cut=5/The_talks]
    s0 | attacked | G1 | date=1987-10-19 place=Gulf
    s0 | attack | G2 | src=IRN tgt=USABUS date=1987-10-16

- A `cluster` line defines a real-world event: id, PLOVER type, source and target codes, its date
  (ISO, as precise as known), place, topic, description. Clusters are what the dedup stage should
  find; every mention names one.
- A mention line: sentence (as `annotate.py show` numbers it with the header's fixes), trigger
  words (`#k` for the k-th occurrence in the sentence), cluster, then options. Type, source and
  target codes default to the cluster's and are overridden (`type=`, `src=`, `tgt=`) when the
  mention codes them differently (a country named instead of its navy). `date=` is the event's
  date **as this sentence gives it** (resolved against the story date: "on Monday" in a story of
  Tuesday 1987-10-20 is 1987-10-19), empty when the sentence gives none; `place=` likewise
  (underscores for blanks).
- Split: by cluster, dev/test 50/50 by a hash fixed before any tuning (`cluster_split`).
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate import CODE, TYPES, _find, sentences  # noqa: E402
from corpus import HERE, check, document_date, document_text  # noqa: E402

SALT = "storyline-dedup-2026"


def cluster_split(cluster: str) -> str:
    return "dev" if int(hashlib.sha1(f"{SALT}:{cluster}".encode()).hexdigest(), 16) % 2 == 0 else "test"


def parse(path: Path, clusters: dict) -> list[dict]:
    out, block = [], None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            if line.startswith("cluster "):
                f = [x.strip() for x in line[len("cluster "):].split("|")]
                cid, typ, src, tgt, date, place, topic, desc = f
                if cid in clusters:
                    raise ValueError(f"cluster {cid} defined twice")
                if typ not in TYPES or not all(CODE.match(c) for c in (src, tgt) if c):
                    raise ValueError("bad type or code")
                clusters[cid] = {"cluster": cid, "type": typ, "source_code": src, "target_code": tgt, "date": date,
                                 "place": place, "topic": topic, "description": desc}
            elif line.startswith("@"):
                parts = line[1:].split()
                corpus, doc = parts[0], parts[1]
                fixes = dict(p.split("=", 1) for p in parts[2:])
                block = {"corpus": corpus, "doc": doc, "text": document_text(corpus, doc),
                         "spans": sentences(corpus, doc, fixes), "date": document_date(corpus, doc)}
            else:
                if block is None:
                    raise ValueError("a mention before any @story line")
                f = [x.strip() for x in line.split("|")]
                sent, trigger, cid = int(f[0].lstrip("s")), f[1], f[2]
                opts = dict(o.split("=", 1) for o in " ".join(f[3:]).split()) if len(f) > 3 else {}
                if cid not in clusters:
                    raise ValueError(f"unknown cluster {cid}")
                c = clusters[cid]
                t0, t1 = _find(block["text"], block["spans"], sent, trigger)
                s, e = block["spans"][sent]
                typ = opts.pop("type", c["type"])
                src, tgt = opts.pop("src", c["source_code"]), opts.pop("tgt", c["target_code"])
                if typ not in TYPES or not all(CODE.match(x) for x in (src, tgt) if x):
                    raise ValueError("bad type or code")
                date = opts.pop("date", "")
                if date and not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", date):
                    raise ValueError(f"bad date {date!r}")
                rec = {"id": f"{block['corpus']}-{block['doc']}-{t0}-{cid}", "corpus": block["corpus"], "doc": block["doc"],
                       "date": block["date"], "start": s, "end": e, "check": check(block["text"][s:e]),
                       "trigger": block["text"][t0:t1], "trigger_start": t0, "type": typ, "source_code": src,
                       "target_code": tgt, "event_date": date, "place": opts.pop("place", "").replace("_", " "),
                       "cluster": cid, "topic": c["topic"]}
                if "note" in opts:
                    rec["notes"] = opts.pop("note").replace("_", " ")
                if opts:
                    raise ValueError(f"unknown options {sorted(opts)}")
                out.append(rec)
        except (ValueError, IndexError, KeyError) as err:
            raise SystemExit(f"{path}:{n}: {err}\n    {raw}") from None
    return out


def build() -> None:
    clusters: dict = {}
    mentions = []
    for path in sorted((HERE / "dedup" / "src").glob("*.ann")):
        mentions.extend(parse(path, clusters))
    ids = [m["id"] for m in mentions]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise SystemExit(f"mentions annotated twice: {sorted(dup)[:5]}")
    unused = set(clusters) - {m["cluster"] for m in mentions}
    if unused:
        raise SystemExit(f"clusters without mentions: {sorted(unused)}")
    for split in ("dev", "test"):
        recs = [m for m in mentions if cluster_split(m["cluster"]) == split]
        with open(HERE / "dedup" / f"{split}.jsonl", "w", encoding="utf-8") as f:
            for m in recs:
                f.write(json.dumps(m, ensure_ascii=False) + "\n")
        print(f"dedup/{split}.jsonl: {len(recs)} mentions, {len({m['cluster'] for m in recs})} clusters, "
              f"{len({m['doc'] for m in recs})} stories")
    with open(HERE / "dedup" / "clusters.tsv", "w", encoding="utf-8") as f:
        f.write("cluster\tsplit\ttopic\ttype\tsource\ttarget\tdate\tplace\tmentions\tdescription\n")
        for cid, c in clusters.items():
            k = sum(1 for m in mentions if m["cluster"] == cid)
            f.write(f"{cid}\t{cluster_split(cid)}\t{c['topic']}\t{c['type']}\t{c['source_code']}\t{c['target_code']}\t"
                    f"{c['date']}\t{c['place']}\t{k}\t{c['description']}\n")


if __name__ == "__main__":
    if sys.argv[1:] != ["build"]:
        raise SystemExit(__doc__)
    build()
