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
