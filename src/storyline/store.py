"""The DuckDB store: one file holds stories, what was extracted from them, and rejected input.

Writes are idempotent: a story is keyed by its id and content hash, so writing it again changes
nothing, and each batch is one transaction, so an ingest killed part-way and run again ends with
the same database as an uninterrupted run.

Sharing one file between processes. DuckDB lets one process open a file read-write, or several
open it read-only, never both at once. storyline builds on that:

- One writer: an ingest holds an exclusive lock on ``DB.lock`` (flock; the OS drops it when the
  process dies, even by SIGKILL) and writes in it who it is. A second ingest into the same database
  stops at once with a message naming that process (`WriterLock`).
- Readers get in between batches: a reader that finds the file locked touches ``DB.lock`` (a
  knock) and retries for a bounded time (`STORYLINE_LOCK_WAIT`, default 30 s). The writer looks
  for a knock after each batch it commits; when there is one, it closes the file, gives readers a
  moment to open it, and reopens it (waiting, bounded, while readers hold it). Between knocks the
  writer keeps the file open, since reopening costs ~0.1 s per batch (`Store.yield_to_readers`).
- A reader that waited in vain gets `DatabaseBusy`, whose message names the holder (PID and
  program, from DuckDB's lock error, and what ``DB.lock`` says it is doing) and what to do.
- Anything served to others (`Store.serving`, `query(..., timeout=)`) runs read-only, with DuckDB's
  external access disabled and the configuration locked (SQL cannot read files, attach databases
  or load extensions), and with a statement time limit (DuckDB has none: a timer interrupts).
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import random
import re
import threading
import time
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
    # 7: a place mention's kind: toponym, demonym ("Russian"), or org_part ("Texas" in "University of
    # Texas"), so that demonyms and organization parts can be counted or skipped
    """
    ALTER TABLE place_mentions ADD COLUMN kind VARCHAR DEFAULT 'toponym';
    """,
    # 8: quotes: scare quotes kept but flagged, the speaker's full noun phrase, where the cue is (issue 19)
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


LOCK_WAIT = float(os.environ.get("STORYLINE_LOCK_WAIT", "30"))  # seconds a reader or writer waits for the file


class QueryTimeout(RuntimeError):
    """A query ran past its time limit and was interrupted."""


class DatabaseBusy(RuntimeError):
    """The database is held by another process longer than we may wait. The message says by whom
    and what to do; no traceback is needed to act on it."""


def _holder(path: str, message: str = "") -> str:
    """Who holds the database: the PID and program from DuckDB's lock error, and what the
    storyline writer lock file says."""
    parts = []
    m = re.search(r"held in (.+?) \(PID (\d+)\)", message)
    if m:
        parts.append(f"PID {m[2]} ({Path(m[1]).name})")
    try:
        note = Path(path + ".lock").read_text(encoding="utf-8").strip()
    except OSError:
        note = ""
    if note and (not m or f"PID {m[2]}" in note) and WriterLock.held(path):
        parts.append(note)
    return ": ".join(parts) or "another process"


def _is_lock_conflict(err: Exception) -> bool:
    return isinstance(err, duckdb.IOException) and "lock" in str(err).lower()


def connect(path: str, read_only: bool = False, wait: float | None = None,
            config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, retried while another process holds the file, for at most `wait` seconds
    (readers knock so that a storyline writer lets them in); then DatabaseBusy."""
    wait = LOCK_WAIT if wait is None else wait
    deadline = time.monotonic() + wait
    delay = 0.01
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=config or {})
        except duckdb.IOException as err:
            if not _is_lock_conflict(err):
                raise
            if time.monotonic() >= deadline:
                who = _holder(path, str(err))
                doing = "read" if read_only else "write to"
                raise DatabaseBusy(
                    f"{path} is in use by {who}; could not {doing} it within {wait:g} s. "
                    + ("A storyline ingest lets readers in between batches: try again in a moment. "
                       if "storyline ingest" in who else
                       "Close that program's connection (or wait for it to finish) and try again. ")
                    + "STORYLINE_LOCK_WAIT sets how long to wait.") from None
            if read_only:
                WriterLock.knock(path)
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 1.5, 0.2)


class WriterLock:
    """At most one writer per database: an exclusive flock on DB.lock for the whole ingest. The
    file says who holds it; readers touch it to ask the writer for a turn (a knock)."""

    def __init__(self, path: str | Path, what: str = "storyline ingest"):
        self.path = str(path) + ".lock"
        self.db = str(path)
        self.what = what
        self.fd: int | None = None
        self.seen_knock = 0.0

    def __enter__(self) -> "WriterLock":
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            note = Path(self.path).read_text(encoding="utf-8").strip() or "another process"
            raise DatabaseBusy(f"{self.db} is already being written by {note}. Two ingests cannot write "
                               f"one database at once: wait for that one to finish (or stop it), or "
                               f"ingest into another --db.") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{self.what} (PID {os.getpid()}, since {dt.datetime.now():%Y-%m-%d %H:%M:%S})\n".encode())
        self.fd = fd
        self.seen_knock = os.stat(self.path).st_mtime
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    @staticmethod
    def held(db: str | Path) -> bool:
        try:
            fd = os.open(str(db) + ".lock", os.O_RDONLY)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        except BlockingIOError:
            return True
        finally:
            os.close(fd)

    @staticmethod
    def knock(db: str | Path) -> None:
        try:
            os.utime(str(db) + ".lock")
        except OSError:
            pass  # no writer lock (another program holds the file) or not ours to touch: just wait

    def knocked(self) -> bool:
        try:
            mtime = os.stat(self.path).st_mtime
        except OSError:
            return False
        if mtime > self.seen_knock:
            self.seen_knock = mtime
            return True
        return False


# read-only and no access to files, other databases or extensions; the configuration is then locked
SERVING_CONFIG = {"enable_external_access": False}


class Store:
    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False, *, wait: float | None = None,
                 allow_files: bool = True):
        self.path = str(path)
        self.read_only = read_only
        self.allow_files = allow_files
        if read_only and not Path(self.path).exists():
            raise FileNotFoundError(f"{self.path}: no such database (run `storyline ingest` first)")
        self.con = self._connect(wait)
        if not read_only:
            self.migrate()

    @classmethod
    def serving(cls, path: str | Path = DEFAULT_DB, wait: float | None = None) -> "Store":
        """A read-only store for a server or for user SQL: no file access from SQL, configuration
        locked. Open one per request (or per query) and close it: an open reader keeps the writer out."""
        return cls(path, read_only=True, wait=wait, allow_files=False)

    def _connect(self, wait: float | None) -> duckdb.DuckDBPyConnection:
        con = connect(self.path, read_only=self.read_only, wait=wait)
        if not self.allow_files:
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        return con

    def yield_to_readers(self, lock: WriterLock, pause: float = 0.25) -> bool:
        """Between batches: if a reader knocked, close the file, give readers `pause` seconds to open
        it, and reopen it (waiting while they read). Returns whether it yielded."""
        if not lock.knocked():
            return False
        self.con.close()
        time.sleep(pause)
        self.con = self._connect(wait=max(LOCK_WAIT, 600))  # the writer outwaits readers, within reason
        return True

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
    def query(self, sql: str, params: Sequence | None = None,
              timeout: float | None = None) -> tuple[list[str], list[tuple]]:
        """Run one statement; with `timeout`, interrupt it after that many seconds (QueryTimeout)."""
        timer = None
        if timeout is not None:
            timer = threading.Timer(timeout, self.con.interrupt)
            timer.daemon = True
            timer.start()
        try:
            cur = self.con.execute(sql, params or [])
            cols = [d[0] for d in cur.description] if cur.description else []
            return cols, cur.fetchall()
        except duckdb.InterruptException:
            raise QueryTimeout(f"the query took longer than {timeout:g} s and was stopped") from None
        finally:
            if timer is not None:
                timer.cancel()

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
                                              geonameid=p.geonameid if p else None, role=pm.role, score=pm.score,
                                              kind=pm.kind))
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
