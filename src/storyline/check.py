"""`storyline check`: is a database whole? Each check is one SQL query counting the rows that break a
rule, with a few of them as examples; a database passes when every count is zero."""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from .store import SCHEMA_VERSION, Store

CHILD_TABLES = ["mentions", "times", "place_mentions", "quotes", "events"]

# (what must hold, query returning one row per row that breaks it: a short description of the row)
_REFERENCES = [
    # table, column, parent table, parent column
    ("mentions", "actor_id", "actors", "actor_id"),
    ("actor_aliases", "actor_id", "actors", "actor_id"),
    ("events", "source_id", "actors", "actor_id"),
    ("events", "target_id", "actors", "actor_id"),
    ("quotes", "speaker_id", "actors", "actor_id"),
    ("place_mentions", "geonameid", "places", "geonameid"),
    ("events", "geonameid", "places", "geonameid"),
]
# spans: table, start column, end column (offsets into stories.text, end exclusive)
_SPANS = [("mentions", "start", '"end"'), ("times", "start", '"end"'), ("place_mentions", "start", '"end"'),
          ("quotes", "start", '"end"'), ("quotes", "speaker_start", "speaker_end"),
          ("events", "sentence_start", "sentence_end"), ("events", "trigger_start", "trigger_start")]
# spans whose text column must be the story's text at those offsets
_SPAN_TEXT = ["mentions", "times", "place_mentions"]


@dataclass
class Problem:
    rule: str
    count: int
    examples: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        ex = "; ".join(self.examples)
        return f"{self.rule}: {self.count:,} row{'s' if self.count != 1 else ''}" + (f" (e.g. {ex})" if ex else "")


def _rules() -> list[tuple[str, str]]:
    rules = []
    for t in CHILD_TABLES:
        rules.append((f"{t} rows whose story is not in stories (orphans)",
                      f"SELECT 'story ' || c.story_id FROM {t} c ANTI JOIN stories s USING (story_id)"))
    for t, col, parent, pcol in _REFERENCES:
        rules.append((f"{t}.{col} naming no row of {parent}",
                      f"SELECT 'story ' || coalesce(c.story_id, '?') || ': ' || c.{col} FROM {t} c "
                      f"WHERE c.{col} IS NOT NULL AND c.{col} NOT IN (SELECT {pcol} FROM {parent})"
                      if t != "actor_aliases" else
                      f"SELECT c.{col} FROM {t} c WHERE c.{col} NOT IN (SELECT {pcol} FROM {parent})"))
    for t, start, end in _SPANS:
        rules.append((f"{t}.{start.strip(chr(34))}..{end.strip(chr(34))} outside the story's text",
                      f"SELECT 'story ' || c.story_id || ' at ' || c.{start} || '..' || c.{end} FROM {t} c "
                      f"JOIN stories s USING (story_id) WHERE c.{start} IS NOT NULL AND "
                      f"(c.{start} < 0 OR c.{end} < c.{start} OR c.{end} > length(s.text))"))
    for t in _SPAN_TEXT:
        rules.append((f"{t}.text differing from the story's text at its offsets",
                      f"SELECT 'story ' || c.story_id || ' at ' || c.start || ': ' || c.text FROM {t} c "
                      f"JOIN stories s USING (story_id) WHERE c.start >= 0 AND c.\"end\" <= length(s.text) AND "
                      f"substring(s.text, c.start + 1, c.\"end\" - c.start) <> c.text"))
    rules += [
        ("stories whose n_chars is not the length of their text",
         "SELECT 'story ' || story_id FROM stories WHERE n_chars <> length(text)"),
        ("events.quote_no naming no quote of the same story",
         "SELECT 'story ' || e.story_id || ' event ' || e.event_no FROM events e WHERE e.quote_no IS NOT NULL "
         "AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.story_id = e.story_id AND q.quote_no = e.quote_no)"),
        ("events numbered twice in a story",
         "SELECT 'story ' || story_id || ' event ' || event_no FROM events GROUP BY story_id, event_no "
         "HAVING count(*) > 1"),
        ("quotes numbered twice in a story",
         "SELECT 'story ' || story_id || ' quote ' || quote_no FROM quotes GROUP BY story_id, quote_no "
         "HAVING count(*) > 1"),
        ("event_links naming no event",
         "SELECT 'story ' || l.story_id || ' event ' || l.event_no FROM event_links l WHERE NOT EXISTS "
         "(SELECT 1 FROM events e WHERE e.story_id = l.story_id AND e.event_no = l.event_no)"),
        ("event_links naming no canonical event",
         "SELECT l.canonical_id FROM event_links l WHERE l.canonical_id NOT IN "
         "(SELECT canonical_id FROM canonical_events)"),
        ("rejects without a reason",
         "SELECT source || ':' || line FROM rejects WHERE reason IS NULL OR reason = ''"),
    ]
    return rules


def check(store: Store, examples: int = 3) -> tuple[int, list[Problem]]:
    """The database's schema version and what is wrong with it (nothing: an empty list)."""
    version = store.schema_version()
    problems: list[Problem] = []
    if version != SCHEMA_VERSION:
        newer = version > SCHEMA_VERSION
        problems.append(Problem(
            f"schema version {version}, this storyline has {SCHEMA_VERSION}: "
            + ("upgrade storyline" if newer else "run `storyline ingest` (any write) to migrate it"), 1))
        if version == 0 or newer:
            return version, problems
    for rule, sql in _rules():
        try:
            n = store.con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
        except duckdb.CatalogException:  # an older schema without that table or column: reported above
            continue
        if n:
            rows = store.con.execute(f"{sql} LIMIT {examples}").fetchall()
            problems.append(Problem(rule, n, [str(r[0])[:80] for r in rows]))
    return version, problems
