"""The web server's read side: a read-only snapshot of the database, refreshed when the file changes.

Why a snapshot and not the file itself: DuckDB locks a database file per process. A server that
kept the file open (even read-only) would stop `storyline ingest` from opening it for writing, and
a server that opened it per request would fail, or wait, for as long as an ingest holds it. So the
server copies the file while holding a short read-only open of it (the copy is consistent: no writer
can hold the file meanwhile), serves every request from the copy, and a background thread makes a
new copy when the file's size or time changes and the writer has let go of it. While an ingest
writes, pages keep showing the last copy, and say how old it is.

Every connection is read-only, with external access disabled (no read_csv('/etc/...'), no ATTACH,
no COPY TO) and its configuration locked, and every statement runs under a timeout.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

# Settings that make a connection safe to hand user SQL: no files, no network, no extensions,
# and no way to turn these back on from SQL.
SAFE_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "threads": 2,
    "memory_limit": "2GB",
    "lock_configuration": True,
}


class DatabaseUnavailable(RuntimeError):
    """No snapshot could be made yet (the file is missing, locked by a writer, or not a database)."""


class QueryTimeout(RuntimeError):
    pass


@dataclass
class _Snapshot:
    path: Path
    con: duckdb.DuckDBPyConnection
    taken_at: float  # time.time() when copied
    source_stamp: tuple
    users: int = 0
    retired: bool = False


def _stamp(path: Path) -> tuple:
    """What tells us the file changed: size and modification time of the file and its WAL."""
    out = []
    for p in (path, Path(str(path) + ".wal")):
        try:
            st = p.stat()
            out.append((st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


def _is_lock_error(e: Exception) -> bool:
    return "lock" in str(e).lower()


class SnapshotReader:
    """Read-only access to `db` through a copy that follows the file.

    `connection()` yields a DuckDB cursor on the newest snapshot; `execute()` runs one statement
    under `statement_timeout` seconds. `refresh()` makes a new copy if the file changed and can be
    opened; the background thread started by `start()` calls it every `poll_seconds`.
    """

    def __init__(self, db: str | Path, *, statement_timeout: float = 10.0, poll_seconds: float = 1.0,
                 max_age: float = 10.0, knock_wait: float = 5.0, workdir: str | Path | None = None):
        self.db = Path(db)
        self.statement_timeout = statement_timeout
        self.poll_seconds = poll_seconds
        # While a writer holds a changed file and our copy is older than max_age seconds, ask it for a
        # turn (storyline ingest yields the file between batches when a reader knocks) and wait up to
        # knock_wait seconds for it; younger copies just wait for the writer to let go by itself.
        self.max_age = max_age
        self.knock_wait = knock_wait
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="storyline-serve-"))
        self._lock = threading.Lock()
        self._current: _Snapshot | None = None
        self._serial = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None  # why the newest refresh did not happen, for the page footer

    # ---- snapshots ----
    def refresh(self, knock_wait: float | None = None) -> bool:
        """Copy the database if it changed since the current snapshot. True if a new one was made."""
        if not self.db.exists():
            self.last_error = f"{self.db}: no such database (run `storyline ingest` first)"
            return False
        stamp = _stamp(self.db)
        cur = self._current
        if cur is not None and cur.source_stamp == stamp:
            self.last_error = None
            return False
        self._serial += 1
        target = self.workdir / f"snapshot-{self._serial}.duckdb"
        try:
            # A read-only open takes DuckDB's shared lock, so no writer can change the file while
            # we copy it; it fails at once (not after a wait) when a writer holds the file.
            stale = cur is None or time.time() - cur.taken_at > self.max_age
            src = self._open_source(self.knock_wait if knock_wait is None else knock_wait) if stale else \
                self._open_source(0)
        except duckdb.Error as e:
            self.last_error = (f"{self.db} is being written by another process (an ingest?); showing the copy "
                               "made before it started" if _is_lock_error(e) else f"{self.db}: {e}")
            return False
        try:
            stamp = _stamp(self.db)  # what we copy is what the lock protects
            shutil.copyfile(self.db, target)
            wal = Path(str(self.db) + ".wal")
            if wal.exists():
                shutil.copyfile(wal, Path(str(target) + ".wal"))
        finally:
            src.close()
        try:
            con = duckdb.connect(str(target), read_only=True, config=SAFE_CONFIG)
        except duckdb.Error as e:
            self.last_error = f"{self.db}: {e}"
            _remove(target)
            return False
        new = _Snapshot(target, con, time.time(), stamp)
        with self._lock:
            old, self._current = self._current, new
            if old is not None:
                old.retired = True
                self._maybe_close(old)
        self.last_error = None
        return True

    def _open_source(self, wait: float) -> duckdb.DuckDBPyConnection:
        """The database file, read-only. With a `wait`, a writer holding it is asked to let go between
        its batches (the store's knock), and we retry for up to `wait` seconds."""
        deadline = time.monotonic() + wait
        while True:
            try:
                return duckdb.connect(str(self.db), read_only=True)
            except duckdb.Error as e:
                if not _is_lock_error(e) or time.monotonic() >= deadline:
                    raise
                _knock(self.db)
                time.sleep(0.05)

    def wait_ready(self, timeout: float) -> None:
        """Make the first snapshot, retrying for up to `timeout` seconds while a writer holds the file."""
        deadline = time.monotonic() + timeout
        while True:
            self.refresh(knock_wait=max(0.0, min(self.knock_wait, deadline - time.monotonic())))
            if self._current is not None:
                return
            if time.monotonic() >= deadline:
                raise DatabaseUnavailable(self.last_error or f"{self.db}: cannot be read")
            time.sleep(0.2)

    def start(self) -> None:
        """Follow the file from a background thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._follow, name="storyline-snapshot", daemon=True)
            self._thread.start()

    def _follow(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.refresh()
            except Exception as e:  # keep serving the last snapshot whatever happened to the file
                self.last_error = f"{self.db}: {e}"

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            cur, self._current = self._current, None
            if cur is not None:
                cur.retired = True
                self._maybe_close(cur)
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _maybe_close(self, snap: _Snapshot) -> None:
        # called with self._lock held: the last request using a retired snapshot closes and deletes it
        if snap.retired and snap.users == 0:
            snap.con.close()
            _remove(snap.path)

    # ---- reads ----
    @property
    def snapshot_age(self) -> float | None:
        cur = self._current
        return None if cur is None else time.time() - cur.taken_at

    @property
    def snapshot_time(self) -> float | None:
        cur = self._current
        return None if cur is None else cur.taken_at

    @contextlib.contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own on the current snapshot, for one request."""
        with self._lock:
            snap = self._current
            if snap is None:
                raise DatabaseUnavailable(self.last_error or f"{self.db}: not read yet")
            snap.users += 1
        cur = snap.con.cursor()
        try:
            yield cur
        finally:
            cur.close()
            with self._lock:
                snap.users -= 1
                self._maybe_close(snap)

    @contextlib.contextmanager
    def timeout(self, cur: duckdb.DuckDBPyConnection, seconds: float | None = None) -> Iterator[None]:
        """Interrupt whatever `cur` runs after `seconds` (DuckDB has no statement timeout setting)."""
        seconds = self.statement_timeout if seconds is None else seconds
        fired = threading.Event()

        def stop() -> None:
            fired.set()
            cur.interrupt()

        timer = threading.Timer(seconds, stop)
        timer.daemon = True
        timer.start()
        try:
            yield
        except duckdb.InterruptException:
            if fired.is_set():
                raise QueryTimeout(f"the query took longer than {seconds:g} s and was stopped") from None
            raise
        finally:
            timer.cancel()

    def query(self, sql: str, params: list | tuple | None = None, *, max_rows: int | None = None,
              seconds: float | None = None) -> tuple[list[str], list[tuple]]:
        """Run one statement on the snapshot: (column names, rows), at most `max_rows` rows."""
        with self.connection() as cur, self.timeout(cur, seconds):
            cur.execute(sql, params or [])
            cols = [d[0] for d in cur.description] if cur.description else []
            rows = cur.fetchall() if max_rows is None else cur.fetchmany(max_rows)
        return cols, rows


def _knock(db: Path) -> None:
    """Ask a storyline writer holding `db` for a turn, if this storyline's store has the protocol."""
    try:
        from ..store import WriterLock
    except ImportError:  # a store without writer locks: the writer lets go when it finishes
        return
    WriterLock.knock(db)


def _remove(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            os.remove(p)
