"""What the benchmark scripts share: the Reuters sample, progress bars on stderr (so that stdout
carries only the JSON figures), and writing the figures."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REUTERS = ROOT.parent / "shared" / "eval" / "news" / "reuters21578.jsonl"


def corpus_args(ap: argparse.ArgumentParser, n: int = 500) -> None:
    ap.add_argument("--n", type=int, default=n)
    ap.add_argument("--data", type=Path, default=REUTERS)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--json", type=Path)


def load(path: Path, n: int):
    """The first n stories of a file that pass ingest validation."""
    from storyline.ingest import read_paths
    from storyline.model import Story

    out = []
    for rec in read_paths([path]):
        if isinstance(rec, Story):
            out.append(rec)
            if len(out) == n:
                break
    return out


def progress(items, **kwargs):
    from rich.console import Console
    from rich.progress import track

    return track(items, console=Console(stderr=True), **kwargs)


def emit(result: dict, json_path: Path | None) -> None:
    text = json.dumps(result, indent=2)
    print(text)
    if json_path:
        json_path.write_text(text + "\n")


DEVSET = ROOT / "benchmarks" / "devset"


def eval_path(*parts: str) -> Path:
    """A file under ../shared/eval seen from the repository root, or from the main checkout when
    this is a git worktree (benchmarks/devset/corpus.py eval_dir); the plain path if neither has it."""
    plain = ROOT.parent.joinpath("shared", "eval", *parts)
    if plain.exists():
        return plain
    import sys

    sys.path.insert(0, str(DEVSET))
    try:
        from corpus import eval_dir

        return eval_dir().joinpath(*parts)
    except Exception:
        return plain


def read_devset(folder: Path = DEVSET) -> list[dict]:
    """storyline's own annotated stories (format: benchmarks/devset/README.md). Each story:
    id, date, text (markup removed), actors {id: code}, mentions [(start, end, actor id)],
    events [(type, source id, target id or None, trigger)]."""
    import datetime as dt
    import re

    out = []
    for path in sorted(folder.glob("*.txt")):
        head, body, actors, events = {}, [], {}, []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                key, _, value = line[2:].partition(":")
                value = value.strip()
                if key == "actor":
                    aid, code = value.split()
                    actors[aid] = code
                elif key == "event":
                    typ, src, tgt, trigger = value.split()[:4]
                    events.append((typ, src, None if tgt == "-" else tgt, trigger))
                else:
                    head[key] = value
            else:
                body.append(line)
        marked = "\n".join(body).strip()
        text, mentions, pos = [], [], 0
        for m in re.finditer(r"\[([^\[\]]+)\]\{(\w+)\}", marked):
            text.append(marked[pos:m.start()])
            start = sum(map(len, text))
            text.append(m[1])
            mentions.append((start, start + len(m[1]), m[2]))
            pos = m.end()
        text.append(marked[pos:])
        out.append({"id": head.get("id", path.stem), "date": dt.date.fromisoformat(head["date"]),
                    "region": head.get("region"), "subject": head.get("subject"), "text": "".join(text),
                    "actors": actors, "mentions": mentions, "events": events, "path": str(path)})
    return out


def read_real_devset(split: str | None = None) -> list[dict]:
    """storyline's own annotated real-news actor stories (benchmarks/devset/actors/*.json, standoff
    over ../shared/eval; benchmarks/devset/README.md) in read_devset's structure, plus corpus, doc,
    split ("dev"/"test") and trigger_starts. The synthetic stories of read_devset are all dev."""
    import sys

    sys.path.insert(0, str(DEVSET))
    from corpus import load_actor_stories

    return load_actor_stories(split)


def tree_rss_mb() -> float:
    """Summed RSS of this process and all its children (ingest workers), in MB."""
    import psutil

    me = psutil.Process()
    total = 0
    for p in [me, *me.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass  # a child that ended between listing and reading
    return total / 2**20
