"""The SQLite cache file: opening it, its connections and transactions, and its schema.

Store(path) opens (and migrates, see migrations.py) the cache; what is read and
written lives in modules named for their job: feed_writes (a synced feed),
decision_log (officers' decisions), flags_store, packs, retention, and the
readers (board, press, inbox, ...). They take the Store as first argument.

Rules this module keeps:
- WAL, a busy timeout, and every write transaction opened with BEGIN IMMEDIATE
  (a deferred transaction that reads then writes fails at once with "database
  is locked" when another process is writing, whatever the timeout).
- One connection per thread: the dashboard reads on the UI thread and writes
  from worker threads.
- Migrations run once, in one transaction, even when several processes open a
  new cache at once; a cache from a newer clp-tui is refused.
- SQLite's errors leave here as a StoreError that says what to do.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clp_tui.clock import Clock, system_clock
from clp_tui.clock import stamp as stamp_of
from clp_tui.data.migrations import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_S = 30.0
PAGE_SIZE = 16384


class StoreError(Exception):
    """The cache cannot be used; the message says what to do."""


def _friendly(exc: sqlite3.Error, path: Path) -> StoreError:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return StoreError(f"the cache {path} is read-only; check its permissions or pass --db")
    if "disk is full" in text or "database or disk is full" in text:
        return StoreError(f"the disk holding {path} is full; free some space and try again")
    if "disk I/O error" in text:
        return StoreError(
            f"writing the cache {path} failed (disk I/O error): the disk may be full or failing; "
            "free some space and try again"
        )
    if "locked" in text or "busy" in text:
        return StoreError(f"the cache {path} stayed busy for {BUSY_TIMEOUT_S:g} s; try again")
    if "malformed" in text or "not a database" in text:
        return StoreError(f"{path} is not a usable clp-tui cache ({text}); move it aside and sync again")
    if "unable to open" in text:
        return StoreError(f"cannot open the cache {path}; check the folder exists and is writable")
    return StoreError(f"the cache {path} failed: {text}")


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL. Switching takes an exclusive lock and SQLite answers
    SQLITE_BUSY at once, without the busy handler, while another process has a
    new cache open (several processes starting at once); so wait here instead."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            busy = exc.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
            continue
        if mode.lower() != "wal":  # e.g. ":memory:"; one more try, as before
            conn.execute("PRAGMA journal_mode = WAL")
        return


def _create_private(path: Path) -> None:
    """A new cache is readable by its owner only: commenters' names and words, officers'
    decisions. A folder made for it is 0700, the file 0600 (SQLite gives its -wal and
    -shm files the database file's mode). An existing cache keeps the mode it has."""
    if path.exists() or str(path) == ":memory:":
        return
    with contextlib.suppress(FileExistsError):  # another process made it first
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _refuse_odd_file(path: Path) -> None:
    """A cache is a regular file. A FIFO, a device or a folder under its name would hang
    SQLite or fail as "disk I/O error", which reads as a failing disk: say what it is."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # not there yet (it is made), or unreadable (SQLite says so)
    if not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"
        raise StoreError(f"{path} is {what}, not a cache file; give --db the path of a file")


class Store:
    """The cache at `path`. Safe to share between threads: each gets its own connection."""

    def __init__(self, path: Path | str, *, clock: Clock = system_clock):
        self.path = Path(path)
        self.clock = clock
        self._local = threading.local()
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for the cache {self.path}: {exc.strerror}") from None
        _refuse_odd_file(self.path)
        try:
            _create_private(self.path)
        except OSError as exc:
            raise StoreError(f"cannot create the cache {self.path}: {exc.strerror}") from None
        with self.errors():
            self._migrate()

    def now_stamp(self) -> str:
        """Now, by this store's clock, in the stored form."""
        return stamp_of(self.clock())

    # -- connections and transactions -------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            # Takes effect only when this creates the file. Rows are about a kilobyte;
            # 16 KiB pages make a 50,000-item write a quarter cheaper than 4 KiB ones.
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            _enable_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            import sqlite_utils  # only migrations need it; `sync` of a ready cache starts faster

            db = sqlite_utils.Database(self.conn)
            self._local.db = db
        return db

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
            self._local.db = None

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Raise what SQLite raises inside this block as a StoreError saying what to do."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _friendly(exc, self.path) from None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, taken with BEGIN IMMEDIATE so it waits rather than fails."""
        conn = self.conn
        with self.errors():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")  # a failed COMMIT (disk full) must not leave it open
            except BaseException:
                # SQLite has already rolled back after some errors (a full disk, an I/O
                # error); a second ROLLBACK would hide the real error behind its own.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def query(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self.errors():
            return self.conn.execute(sql, params).fetchall()

    def _migrate(self) -> None:
        conn = self.conn
        if conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return
        with self.write():
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the cache {self.path} was made by a newer clp-tui (schema {version}); upgrade clp-tui"
                )
            if version == 0:
                conn.execute("CREATE TABLE IF NOT EXISTS migrations (version INTEGER, at TEXT, pid INTEGER)")
            for step in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[step](self.db)
                conn.execute("INSERT INTO migrations VALUES (?, ?, ?)", (step, self.now_stamp(), os.getpid()))
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def data_version(self) -> tuple[int, float]:
        """Something that changes whenever any process commits (for live refresh)."""
        with self.errors():
            version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        try:
            mtime = os.stat(f"{self.path}-wal").st_mtime
        except OSError:
            mtime = 0.0
        return int(version), mtime
