"""The annotator's tool for the real-news actor stories: compiles hand-written mention lists
(actors/src/*.ann) into the standoff story files actors/<corpus>-<doc>.json.

    python benchmarks/devset/annotate_actors.py build

Batch file format, one block per story (a whole document):

    @reuters 7794 [merge=3+4] [cut=5/The_talks]
    a1 TCDMIL: Chadian troops | government troops | Chadian troops | troops loyal to President Hissene Habre
    a2 LBYMIL: Libyans | Libyan column | Libyan troops@s2 | Libyan forces
    x: Gulf oil platforms | Rostam platform@s3     # event participants that are not actors (objects)
    e ASSAULT a1 a2 killed@s0          # an event not in the event set (optional)
    -e 1234                            # drop the event whose trigger starts at 1234 (optional)

- An actor line gives the actor id, its CAMEO-style code (as specific as the text allows; `---`
  for an unknown country), and its mentions in text order. A mention is found after the previous
  mention of the same actor (`words`), or in a given sentence (`words@s3`, sentence numbers as
  `annotate.py show` prints them with the header's fixes), `#k` for its k-th occurrence there.
  Mentions of different actors may not overlap.
- Events come from the event set (events/*.jsonl) for the same document: every event of modality
  asserted, reported, intended or future and domain political, its source and target mapped to the
  actor whose mention covers the annotated source/target offset (None when the event set names no
  mention, or names an object listed on an `x:` line: a platform, a ship, a product is not an
  actor). `e` lines add events, `-e` lines drop them. An event participant that is neither an actor
  mention nor an `x:` span stops the build, so that no mention is forgotten.
- The story's split (dev/test) is a hash fixed before any tuning (`actor_split`).
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate import CODE, TYPES, _pattern, sentences  # noqa: E402
from corpus import HERE, document_date, document_text, load_events, split_of  # noqa: E402

SALT = "storyline-actors-2026"
EVENT_MODALITIES = {"asserted", "reported", "intended", "future"}


def actor_split(corpus: str, doc: str) -> str:
    """dev or test, 50/50 by a hash of corpus and doc (fixed; never change the salt)."""
    return "dev" if int(hashlib.sha1(f"{SALT}:{corpus}:{doc}".encode()).hexdigest(), 16) % 2 == 0 else "test"


class ActorError(ValueError):
    pass


def _locate(text: str, spans, spec: str, after: int) -> tuple[int, int]:
    m = re.match(r"^(.*?)(?:@s(\d+))?(?:#(\d+))?$", spec.strip())
    words, sent, nth = m.group(1).strip(), m.group(2), int(m.group(3) or 1)
    lo, hi = (spans[int(sent)] if sent is not None else (after, len(text)))
    found = list(_pattern(words).finditer(text, lo, hi))
    if len(found) < nth:
        where = f"sentence {sent}" if sent is not None else f"after offset {after}"
        raise ActorError(f"mention {words!r} (occurrence {nth}) not found {where}")
    return found[nth - 1].span()


def parse(path: Path) -> list[dict]:
    stories, story = [], None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split(" # ", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            if line.startswith("@"):
                parts = line[1:].split()
                corpus, doc = parts[0], parts[1]
                fixes = dict(p.split("=", 1) for p in parts[2:])
                story = {"corpus": corpus, "doc": doc, "text": document_text(corpus, doc),
                         "spans": sentences(corpus, doc, fixes), "actors": {}, "mentions": [], "objects": [], "add": [],
                         "drop": set()}
                stories.append(story)
            elif story is None:
                raise ActorError("a line before any @story line")
            elif line.startswith("e "):
                _, typ, src, tgt, trig = line.split(maxsplit=4)
                if typ not in TYPES:
                    raise ActorError(f"unknown PLOVER type {typ!r}")
                s, e = _locate(story["text"], story["spans"], trig, 0)
                story["add"].append([typ, src, None if tgt == "-" else tgt, story["text"][s:e], s])
            elif line.startswith("-e "):
                story["drop"].add(int(line.split()[1]))
            elif line.startswith("x:"):
                after = 0
                for spec in filter(None, (x.strip() for x in line[2:].split("|"))):
                    s, e = _locate(story["text"], story["spans"], spec, after)
                    story["objects"].append((s, e))
                    after = e
            else:
                head, _, body = line.partition(":")
                aid, code = head.split()
                if not CODE.match(code):
                    raise ActorError(f"bad code {code!r}")
                if aid in story["actors"]:
                    raise ActorError(f"actor {aid} defined twice")
                story["actors"][aid] = code
                after = 0
                for spec in filter(None, (x.strip() for x in body.split("|"))):
                    s, e = _locate(story["text"], story["spans"], spec, after)
                    story["mentions"].append([s, e, aid, story["text"][s:e]])
                    after = e
        except (ActorError, ValueError, IndexError) as err:
            raise SystemExit(f"{path}:{n}: {err}\n    {raw}") from None
    return stories


def finish(story: dict, events_by_doc: dict) -> dict:
    mentions = sorted(story["mentions"])
    for a, b in zip(mentions, mentions[1:]):
        if b[0] < a[1]:
            raise SystemExit(f"{story['corpus']} {story['doc']}: mentions overlap: {a} and {b}")

    def actor_at(start):
        if start is None:
            return None
        for s, e, aid, _ in mentions:
            if s <= start < e:
                return aid
        if any(s <= start < e for s, e in story["objects"]):
            return None
        return "?"

    events, missing = [], []
    for rec in events_by_doc.get((story["corpus"], story["doc"]), []):
        for ev in rec["events"]:
            if ev["modality"] not in EVENT_MODALITIES or ev["domain"] != "political":
                continue
            if ev["trigger_start"] in story["drop"]:
                continue
            src, tgt = actor_at(ev["source_start"]), actor_at(ev["target_start"])
            if "?" in (src, tgt):
                missing.append(f"{ev['type']} {ev['trigger']!r}@{ev['trigger_start']}: source {ev['source']!r} "
                               f"{ev['source_start']} -> {src}, target {ev['target']!r} {ev['target_start']} -> {tgt}")
                continue
            if src is None and tgt is None:
                continue
            events.append([ev["type"], src, tgt, ev["trigger"], ev["trigger_start"]])
    for ev in story["add"]:
        for aid in ev[1:3]:
            if aid is not None and aid not in story["actors"]:
                raise SystemExit(f"{story['corpus']} {story['doc']}: event names unknown actor {aid}")
        events.append(ev)
    if missing:
        raise SystemExit(f"{story['corpus']} {story['doc']}: event participants without an actor mention:\n  "
                         + "\n  ".join(missing))
    used = {m[2] for m in mentions}
    unused = [a for a in story["actors"] if a not in used]
    if unused:
        raise SystemExit(f"{story['corpus']} {story['doc']}: actors without mentions: {unused}")
    return {"corpus": story["corpus"], "doc": story["doc"], "date": document_date(story["corpus"], story["doc"]),
            "split": actor_split(story["corpus"], story["doc"]), "event_split": split_of(story["corpus"], story["doc"]),
            "actors": story["actors"], "mentions": mentions, "events": sorted(events, key=lambda e: e[4])}


def dumps(story: dict) -> str:
    """JSON with one mention or event per line (readable diffs)."""
    lines = ["{"]
    for key, value in story.items():
        if key in ("mentions", "events"):
            rows = [json.dumps(v, ensure_ascii=False) for v in value]
            lines.append(f' "{key}": [' + ("\n  " + ",\n  ".join(rows) + "\n ]" if rows else "]") + ",")
        else:
            lines.append(f' "{key}": {json.dumps(value, ensure_ascii=False)},')
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n}\n"


def build() -> None:
    events_by_doc: dict = {}
    for split in ("train", "dev", "test"):
        for rec in load_events(split):
            events_by_doc.setdefault((rec["corpus"], rec["doc"]), []).append(rec)
    out_dir = HERE / "actors"
    seen = set()
    n_mentions = n_events = 0
    for path in sorted((out_dir / "src").glob("*.ann")):
        for story in parse(path):
            key = (story["corpus"], story["doc"])
            if key in seen:
                raise SystemExit(f"{path}: story {key} annotated twice")
            seen.add(key)
            if split_of(*key) == "test":
                raise SystemExit(f"{path}: {key} is in the event set's test split: not allowed for actor stories")
            result = finish(story, events_by_doc)
            n_mentions += len(result["mentions"])
            n_events += len(result["events"])
            (out_dir / f"{key[0]}-{key[1]}.json").write_text(dumps(result), encoding="utf-8")
    print(f"{len(seen)} actor stories, {n_mentions} mentions, {n_events} events")


if __name__ == "__main__":
    if sys.argv[1:] != ["build"]:
        raise SystemExit(__doc__)
    build()
