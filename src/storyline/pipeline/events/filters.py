"""Step 4: filter — keep one row per happening."""
from __future__ import annotations

from ...model import Event


def dedupe(events: list[Event]) -> list[Event]:
    """One row per happening: the same act by the same actors told twice in a sentence
    ("fled ... in their third withdrawal"), or named by a noun after its verb ("Zelenskiy's visit"),
    keeps only its best-dated, most confident telling."""
    def rank(e: Event) -> tuple:
        return (e.date_basis == "stated", e.date_basis != "not stated", e.confidence)

    kept: list[Event] = []
    for ev in sorted(events, key=rank, reverse=True):
        same = [k for k in kept if k.cameo[:3] == ev.cameo[:3] and k.source_id == ev.source_id
                and (k.target_id == ev.target_id or ev.target_id is None or k.target_id is None)]
        if any(k.sentence_start == ev.sentence_start or ev.date_basis == "not stated" for k in same):
            continue
        kept.append(ev)
    return sorted(kept, key=lambda e: e.trigger_start)
