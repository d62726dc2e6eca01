import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
KHERSON = SHARED / "examples" / "kherson-2022-11-15.txt"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def pipeline():
    from storyline import Pipeline

    return Pipeline()


def _analyze(pipeline, path):
    from storyline.ingest import read_paths
    from storyline.model import Story

    story = next(read_paths([path]))
    assert isinstance(story, Story), story
    return pipeline.analyze(story)


@pytest.fixture(scope="session")
def kherson(pipeline):
    if not KHERSON.exists():  # the example is read from ../shared, never copied into the repo
        pytest.skip(f"{KHERSON} is missing")
    return _analyze(pipeline, KHERSON)


@pytest.fixture(scope="session")
def tbilisi(pipeline):
    return _analyze(pipeline, DATA / "tbilisi-2023-03-09.txt")


@pytest.fixture(scope="session")
def jeddah(pipeline):
    return _analyze(pipeline, DATA / "jeddah-2023-05-07.txt")


def events_of(analysis, plover_type):
    return [e for e in analysis.events if e.plover_type == plover_type]


def only_event(analysis, plover_type, **match):
    """The one event of that type whose fields equal `match` (e.g. trigger="fled")."""
    found = [e for e in events_of(analysis, plover_type) if all(getattr(e, k) == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


def actor(analysis, actor_id):
    return analysis.actors[actor_id] if actor_id in analysis.actors else None
