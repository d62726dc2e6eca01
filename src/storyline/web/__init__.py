"""The web page: `storyline serve` (FastAPI app in app.py, read side in reader.py)."""
from __future__ import annotations

from pathlib import Path


def create_app(db: str | Path, **kwargs):
    from .app import create_app as _create

    return _create(db, **kwargs)


__all__ = ["create_app"]
