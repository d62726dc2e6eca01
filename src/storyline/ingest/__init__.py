"""Readers: files, folders and stdin in several formats -> Story records, or Rejects.

A reader never raises on bad input: each problem becomes a Reject naming the file, the
line and the reason, and reading goes on with the next record.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..model import Reject, Story
from .formats import COMPRESSED_SUFFIXES, FORMATS, decompress, read_bytes, sniff_format  # noqa: F401
from .validate import DEFAULT_MAX_CHARS

__all__ = ["read_paths", "read_source", "dedupe", "DEFAULT_MAX_CHARS", "SUFFIXES"]

SUFFIXES = {".txt": "seed", ".story": "seed", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
            ".csv": "csv", ".html": "html", ".htm": "html", ".warc": "warc", ".arc": "warc"}


def format_of(path: Path) -> str | None:
    """The format a file's name says, looking through a compression suffix (stories.jsonl.gz)."""
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes.pop()
    return SUFFIXES.get(suffixes[-1]) if suffixes else None


def _files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not child.name.startswith("."):
                yield child
    else:
        yield path


def read_source(name: str, data: bytes, fmt: str | None = None,
                max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Story | Reject]:
    """Read one already-loaded input (a file's bytes or stdin) in the given or sniffed format."""
    data, problem = decompress(name, data)
    if problem:
        yield problem
        return
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: sniff and read it as UTF-8
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            pass  # the reader's decode() says what is wrong
    fmt = fmt or sniff_format(data)
    yield from FORMATS[fmt](name, data, max_chars)


def read_paths(paths: Iterable[str | Path], fmt: str | None = None,
               max_chars: int = DEFAULT_MAX_CHARS,
               on_skip: Callable[[Path], None] | None = None) -> Iterator[Story | Reject]:
    """Yield a Story or a Reject for every record under the given paths ('-' is stdin). Files in a
    folder whose suffix is no input format are skipped and passed to `on_skip`."""
    for raw in paths:
        if str(raw) == "-":
            yield from _guarded("<stdin>", read_source("<stdin>", sys.stdin.buffer.read(), fmt, max_chars))
            continue
        root = Path(raw)
        if not root.exists():
            yield Reject(str(root), 0, "missing", "no such file or directory")
            continue
        for file in _files(root):
            file_fmt = fmt or format_of(file)
            if file_fmt is None and root.is_dir():
                if on_skip:
                    on_skip(file)
                continue  # a folder may hold other files (README, images): only known suffixes count
            data, problem = read_bytes(file)
            if problem:
                yield problem
                continue
            yield from _guarded(str(file), read_source(str(file), data, file_fmt, max_chars))


def _guarded(name: str, records: Iterator[Story | Reject]) -> Iterator[Story | Reject]:
    """A reader that raises (a bug, or input no check foresaw) costs only the rest of its file: the
    records read so far stand, and the failure becomes a reject with reason `error`."""
    line = 1
    try:
        for rec in records:
            line = rec.origin.line if isinstance(rec, Story) and rec.origin else getattr(rec, "line", line)
            yield rec
    except Exception as err:
        yield Reject(name, line, "error", f"{type(err).__name__}: {err}"[:500], stage="reader")


def dedupe(records: Iterable[Story | Reject]) -> Iterator[Story | Reject]:
    """Turn the second and later copies of a story within one batch into 'duplicate' rejects."""
    seen: dict[str, str] = {}  # id -> where it was read (not the story: memory stays small on big inputs)
    for rec in records:
        if isinstance(rec, Story):
            where = seen.get(rec.id)
            if where is not None:
                yield Reject(rec.origin.source if rec.origin else "?", rec.origin.line if rec.origin else 0,
                             "duplicate", f"story {rec.id} already read at {where}")
                continue
            seen[rec.id] = f"{rec.origin.source}:{rec.origin.line}" if rec.origin else "earlier"
        yield rec
