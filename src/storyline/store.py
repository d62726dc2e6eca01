"""The DuckDB store: one file holds stories, what was extracted from them, and rejected input.

Writes are idempotent: a story is keyed by its id and content hash, so writing it again changes
nothing, and each batch is one transaction, so an ingest killed part-way and run again ends with
the same database as an uninterrupted run.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from .kb import KB_VERSION
from .model import Analysis, Reject, Story

DEFAULT_DB = "storyline.duckdb"

# Each migration brings the schema from version i to i+1; never edit one that has shipped.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE stories (
        story_id VARCHAR PRIMARY KEY, date DATE NOT NULL, title VARCHAR, url VARCHAR, source VARCHAR,
        origin_file VARCHAR, origin_line INTEGER, content_hash VARCHAR NOT NULL, n_chars INTEGER,
        text VARCHAR NOT NULL, ingested_at TIMESTAMP, kb_version VARCHAR);
    CREATE TABLE actors (
        actor_id VARCHAR PRIMARY KEY, name VARCHAR, kind VARCHAR, country VARCHAR, role VARCHAR,
        code VARCHAR, description VARCHAR);
    CREATE TABLE actor_aliases (actor_id VARCHAR, alias VARCHAR, PRIMARY KEY (actor_id, alias));
    CREATE TABLE mentions (
        story_id VARCHAR, start INTEGER, "end" INTEGER, text VARCHAR, actor_id VARCHAR, how VARCHAR,
        code VARCHAR);
    CREATE TABLE times (
        story_id VARCHAR, start INTEGER, "end" INTEGER, text VARCHAR, type VARCHAR, value VARCHAR,
        precision VARCHAR, earliest DATE, latest DATE);
    CREATE TABLE places (
        geonameid BIGINT PRIMARY KEY, name VARCHAR, country VARCHAR, feature_class VARCHAR,
        feature_code VARCHAR, lat DOUBLE, lon DOUBLE, population BIGINT, admin1 VARCHAR);
    CREATE TABLE place_mentions (
        story_id VARCHAR, start INTEGER, "end" INTEGER, text VARCHAR, geonameid BIGINT, role VARCHAR,
        score DOUBLE);
    CREATE TABLE quotes (
        story_id VARCHAR, quote_no INTEGER, start INTEGER, "end" INTEGER, text VARCHAR, direct BOOLEAN,
        speaker_id VARCHAR, speaker_text VARCHAR, speaker_description VARCHAR, cue VARCHAR,
        speech_date VARCHAR);
    CREATE TABLE events (
        story_id VARCHAR, event_no INTEGER, plover_type VARCHAR, plover_mode VARCHAR, cameo VARCHAR,
        goldstein DOUBLE, quad_class INTEGER, source_id VARCHAR, source_code VARCHAR, target_id VARCHAR,
        target_code VARCHAR, trigger VARCHAR, trigger_start INTEGER, sentence_start INTEGER,
        sentence_end INTEGER, sentence VARCHAR, date_value VARCHAR, date_precision VARCHAR,
        date_earliest DATE, date_latest DATE, date_basis VARCHAR, geonameid BIGINT, place_name VARCHAR,
        place_rule VARCHAR, modality VARCHAR, confidence DOUBLE, context VARCHAR, quote_no INTEGER);
    CREATE TABLE rejects (
        source VARCHAR, line INTEGER, reason VARCHAR, detail VARCHAR, first_seen TIMESTAMP,
        PRIMARY KEY (source, line, reason));
    CREATE VIEW event_rows AS
        SELECT e.story_id, e.event_no, s.date AS story_date, e.date_value, e.date_precision, e.date_basis,
               e.plover_type, e.plover_mode, e.cameo, e.goldstein, e.quad_class,
               e.source_id, src.name AS source_name, e.source_code,
               e.target_id, tgt.name AS target_name, e.target_code,
               e.geonameid, e.place_name, p.country AS place_country, p.lat, p.lon, e.place_rule,
               e.trigger, e.modality, e.confidence, e.sentence, e.sentence_start, e.sentence_end,
               e.date_earliest, e.date_latest, e.quote_no
        FROM events e JOIN stories s USING (story_id)
        LEFT JOIN actors src ON src.actor_id = e.source_id
        LEFT JOIN actors tgt ON tgt.actor_id = e.target_id
        LEFT JOIN places p ON p.geonameid = e.geonameid;
    CREATE VIEW quote_rows AS
        SELECT q.story_id, q.quote_no, s.date AS story_date, q.speaker_id, a.name AS speaker_name, a.code AS speaker_code,
               q.speaker_text, q.speaker_description, q.cue, q.direct, q.speech_date, q.text
        FROM quotes q JOIN stories s USING (story_id) LEFT JOIN actors a ON a.actor_id = q.speaker_id;
    """,
    # 2: where the speaker is named, and to whom the words were said
    """
    ALTER TABLE quotes ADD COLUMN speaker_start INTEGER;
    ALTER TABLE quotes ADD COLUMN speaker_end INTEGER;
    ALTER TABLE quotes ADD COLUMN addressee VARCHAR;
    CREATE OR REPLACE VIEW quote_rows AS
        SELECT q.story_id, q.quote_no, s.date AS story_date, q.speaker_id, a.name AS speaker_name, a.code AS speaker_code,
               q.speaker_text, q.speaker_description, q.cue, q.addressee, q.direct, q.speech_date, q.text
        FROM quotes q JOIN stories s USING (story_id) LEFT JOIN actors a ON a.actor_id = q.speaker_id;
    """,
    # 3: a place's second-level subdivision (county, district), now that the gazetteer has them
    """
    ALTER TABLE places ADD COLUMN admin2 VARCHAR;
    """,
    # 4: an event's domain: political, or business when no political actor takes part (issue 14)
    """
    ALTER TABLE events ADD COLUMN domain VARCHAR DEFAULT 'political';
    CREATE OR REPLACE VIEW event_rows AS
        SELECT e.story_id, e.event_no, s.date AS story_date, e.date_value, e.date_precision, e.date_basis,
               e.plover_type, e.plover_mode, e.cameo, e.goldstein, e.quad_class,
               e.source_id, src.name AS source_name, e.source_code,
               e.target_id, tgt.name AS target_name, e.target_code,
               e.geonameid, e.place_name, p.country AS place_country, p.lat, p.lon, e.place_rule,
               e.trigger, e.modality, e.confidence, e.sentence, e.sentence_start, e.sentence_end,
               e.date_earliest, e.date_latest, e.quote_no, e.domain
        FROM events e JOIN stories s USING (story_id)
        LEFT JOIN actors src ON src.actor_id = e.source_id
        LEFT JOIN actors tgt ON tgt.actor_id = e.target_id
        LEFT JOIN places p ON p.geonameid = e.geonameid;
    """,
    # 5: the stage a story failed in (reasons error and timeout)
    """
    ALTER TABLE rejects ADD COLUMN stage VARCHAR;
    """,
    # 6: canonical events (storyline/dedup.py): one row per real-world event, linked to its mentions
    """
    CREATE TABLE event_links (
        story_id VARCHAR, event_no INTEGER, canonical_id VARCHAR NOT NULL, PRIMARY KEY (story_id, event_no));
    CREATE TABLE canonical_events (
        canonical_id VARCHAR PRIMARY KEY, plover_type VARCHAR, cameo VARCHAR, source_code VARCHAR,
        target_code VARCHAR, source_id VARCHAR, target_id VARCHAR, date_value VARCHAR, date_earliest DATE,
        date_latest DATE, date_basis VARCHAR, geonameid BIGINT, place_name VARCHAR, first_report DATE,
        last_report DATE, n_mentions INTEGER, n_stories INTEGER, n_sources INTEGER);
    """,
    # 7: quotes: scare quotes kept but flagged, the speaker's full noun phrase, where the cue is (issue 19)
    """
    ALTER TABLE quotes ADD COLUMN scare BOOLEAN DEFAULT false;
    ALTER TABLE quotes ADD COLUMN speaker_phrase VARCHAR;
    ALTER TABLE quotes ADD COLUMN speaker_phrase_start INTEGER;
    ALTER TABLE quotes ADD COLUMN speaker_phrase_end INTEGER;
    ALTER TABLE quotes ADD COLUMN cue_start INTEGER;
    CREATE OR REPLACE VIEW quote_rows AS
        SELECT q.story_id, q.quote_no, s.date AS story_date, q.speaker_id, a.name AS speaker_name, a.code AS speaker_code,
               q.speaker_text, q.speaker_phrase, q.speaker_description, q.cue, q.addressee, q.direct, q.scare,
               q.speech_date, q.text
        FROM quotes q JOIN stories s USING (story_id) LEFT JOIN actors a ON a.actor_id = q.speaker_id;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
CHILD_TABLES = ["mentions", "times", "place_mentions", "quotes", "events", "event_links"]


class Store:
    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False):
        self.path = str(path)
        if read_only and not Path(self.path).exists():
            raise FileNotFoundError(f"{self.path}: no such database (run `storyline ingest` first)")
        self.con = duckdb.connect(self.path, read_only=read_only)
        if not read_only:
            self.migrate()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- schema ----
    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]
        if not exists:
            return 0
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{self.path} has schema {version}, newer than this storyline ({SCHEMA_VERSION})")
        for step in range(version, SCHEMA_VERSION):
            self.con.execute("BEGIN TRANSACTION")
            if step == 0:
                self.con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            self.con.execute(MIGRATIONS[step])
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(step + 1)])
            self.con.execute("COMMIT")

    # ---- writes ----
    def known_hashes(self, story_ids: Sequence[str]) -> dict[str, tuple[str, str | None, int | None]]:
        if not story_ids:
            return {}
        rows = self.con.execute(
            "SELECT story_id, content_hash, origin_file, origin_line FROM stories WHERE story_id IN "
            "(SELECT unnest(?))", [list(story_ids)]).fetchall()
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def triage(self, stories: Sequence[Story]) -> tuple[list[Story], int, list[Reject]]:
        """Split a batch into stories to analyze, how many are stored unchanged, and duplicates
        (the same story already stored from another file or line)."""
        known = self.known_hashes([s.id for s in stories])
        fresh, unchanged, dups = [], 0, []
        for s in stories:
            have = known.get(s.id)
            if have is None or have[0] != s.content_hash:
                fresh.append(s)
            elif s.origin is not None and (have[1], have[2]) != (s.origin.source, s.origin.line):
                dups.append(Reject(s.origin.source, s.origin.line, "duplicate",
                                   f"story {s.id} already stored from {have[1]}:{have[2]}"))
            else:
                unchanged += 1
        return fresh, unchanged, dups

    def write(self, analyses: Sequence[Analysis]) -> int:
        """Write a batch of analyses in one transaction, replacing earlier versions of the same stories."""
        if not analyses:
            return 0
        self.con.execute("BEGIN TRANSACTION")
        try:
            ids = [a.story.id for a in analyses]
            for table in [*CHILD_TABLES, "stories"]:
                self.con.execute(f"DELETE FROM {table} WHERE story_id IN (SELECT unnest(?))", [ids])
            for table, rows in _rows(analyses).items():
                if rows:
                    self._insert(table, rows)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return len(analyses)

    def _insert(self, table: str, rows: list[dict]) -> None:
        arrow = pa.Table.from_pylist(rows)
        self.con.register("_incoming", arrow)
        try:
            conflict = {"actors": " ON CONFLICT DO NOTHING", "places": " ON CONFLICT DO NOTHING",
                        "actor_aliases": " ON CONFLICT DO NOTHING"}.get(table, "")
            cols = ", ".join(f'"{c}"' for c in arrow.column_names)
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming{conflict}")
        finally:
            self.con.unregister("_incoming")

    def write_rejects(self, rejects: Iterable[Reject]) -> None:
        now = dt.datetime.now()
        rows = [(r.source, r.line, r.reason, r.detail, now, r.stage) for r in rejects]
        if rows:
            self.con.executemany("INSERT INTO rejects (source, line, reason, detail, first_seen, stage) "
                                 "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows)

    def clear_rejects(self, sources: Iterable[str], lines: Iterable[tuple[str, int]]) -> None:
        """Forget rejects that a later ingest fixed: every reject of the given sources, and the
        rejects of the given (source, line) records."""
        sources, lines = list(sources), list(lines)
        if sources:
            self.con.execute("DELETE FROM rejects WHERE source IN (SELECT unnest(?))", [sources])
        if lines:
            self.con.executemany("DELETE FROM rejects WHERE source = ? AND line = ?", lines)

    # ---- reads ----
    def query(self, sql: str, params: Sequence | None = None) -> tuple[list[str], list[tuple]]:
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description] if cur.description else []
        return cols, cur.fetchall()

    def counts(self) -> dict[str, int]:
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ["stories", "events", "quotes", "actors", "places", "rejects"]}


def _add_event_places(out: dict[str, list[dict]]) -> None:
    """Every event with a place has its place row. An event placed by the story's focus country
    (place_rule story-focus) names a country no place mention resolved to: its row comes from the
    country KB. An id nothing can describe is dropped from the event (with its name kept), rather
    than left pointing at no row."""
    have = {r["geonameid"] for r in out["places"]}
    missing = {r["geonameid"] for r in out["events"] if r["geonameid"] is not None} - have
    if not missing:
        return
    from .kb import countries

    by_id = {c.geonameid: c for c in countries().by_alpha3.values() if c.geonameid}
    for gid in missing:
        c = by_id.get(gid)
        if c is not None and c.lat is not None:
            out["places"].append(dict(geonameid=gid, name=c.name, country=c.alpha3, feature_class="A",
                                      feature_code="PCLI", lat=c.lat, lon=c.lon, population=c.population,
                                      admin1=None, admin2=None))
            have.add(gid)
    for r in out["events"]:
        if r["geonameid"] is not None and r["geonameid"] not in have:
            r["geonameid"] = None


def _rows(analyses: Sequence[Analysis]) -> dict[str, list[dict]]:
    """Analyses -> rows per table, for one bulk insert each."""
    out: dict[str, list[dict]] = {t: [] for t in ["stories", "actors", "actor_aliases", "places", *CHILD_TABLES]}
    now = dt.datetime.now()
    for a in analyses:
        s = a.story
        sid = s.id
        out["stories"].append(dict(story_id=sid, date=s.date, title=s.title, url=s.url, source=s.source,
                                   origin_file=s.origin.source if s.origin else None,
                                   origin_line=s.origin.line if s.origin else None, content_hash=s.content_hash,
                                   n_chars=len(s.text), text=s.text, ingested_at=now, kb_version=KB_VERSION))
        for actor in a.actors.values():
            out["actors"].append(dict(actor_id=actor.id, name=actor.name, kind=actor.kind, country=actor.country,
                                      role=actor.role, code=actor.code, description=actor.description))
            out["actor_aliases"].extend(dict(actor_id=actor.id, alias=al) for al in {actor.name, *actor.aliases})

        def code(actor_id: str | None) -> str | None:
            return a.actors[actor_id].code if actor_id in a.actors else None

        for m in a.mentions:
            out["mentions"].append(dict(story_id=sid, start=m.start, end=m.end, text=m.text, actor_id=m.actor_id,
                                        how=m.how, code=code(m.actor_id)))
        for t in a.times:
            out["times"].append(dict(story_id=sid, start=t.start, end=t.end, text=t.text, type=t.type, value=t.value,
                                     precision=t.precision, earliest=t.earliest, latest=t.latest))
        for pm in a.places:
            p = pm.place
            if p is not None:
                out["places"].append(dict(geonameid=p.geonameid, name=p.name, country=p.country,
                                          feature_class=p.feature_class, feature_code=p.feature_code, lat=p.lat,
                                          lon=p.lon, population=p.population, admin1=p.admin1,
                                          admin2=p.admin2))
            out["place_mentions"].append(dict(story_id=sid, start=pm.start, end=pm.end, text=pm.text,
                                              geonameid=p.geonameid if p else None, role=pm.role, score=pm.score))
        for i, q in enumerate(a.quotes):
            out["quotes"].append(dict(story_id=sid, quote_no=i, start=q.start, end=q.end, text=q.text, direct=q.direct,
                                      speaker_id=q.speaker_id, speaker_text=q.speaker_text,
                                      speaker_description=q.speaker_description, cue=q.cue, speech_date=q.date,
                                      speaker_start=q.speaker_start, speaker_end=q.speaker_end,
                                      addressee=q.addressee, scare=q.scare, speaker_phrase=q.speaker_phrase,
                                      speaker_phrase_start=q.speaker_phrase_start,
                                      speaker_phrase_end=q.speaker_phrase_end, cue_start=q.cue_start))
        for i, e in enumerate(a.events):
            out["events"].append(dict(
                story_id=sid, event_no=i, plover_type=e.plover_type, plover_mode=e.plover_mode, cameo=e.cameo,
                goldstein=e.goldstein, quad_class=e.quad_class, source_id=e.source_id, source_code=code(e.source_id),
                target_id=e.target_id, target_code=code(e.target_id), trigger=e.trigger, trigger_start=e.trigger_start,
                sentence_start=e.sentence_start, sentence_end=e.sentence_end,
                sentence=s.text[e.sentence_start:e.sentence_end].strip(), date_value=e.date_value,
                date_precision=e.date_precision, date_earliest=e.date_earliest, date_latest=e.date_latest,
                date_basis=e.date_basis, geonameid=e.place_id, place_name=e.place_name, place_rule=e.place_rule,
                modality=e.modality, confidence=e.confidence, context=e.context, quote_no=e.quote_index,
                domain=e.domain))
    _add_event_places(out)
    # the same actor or place met twice in one batch is one row
    for table, key in (("actors", "actor_id"), ("places", "geonameid")):
        out[table] = list({r[key]: r for r in out[table]}.values())
    out["actor_aliases"] = list({(r["actor_id"], r["alias"]): r for r in out["actor_aliases"]}.values())
    return out
