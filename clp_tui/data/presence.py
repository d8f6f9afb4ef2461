"""Who else has a dashboard open, and on what: each dashboard's heartbeat, kept in a
small SQLite file of its own beside the cache (`<cache>.presence`, owner-only).

Rules this module keeps:
- Presence never touches the cache: a heartbeat there would change the cache's
  `PRAGMA data_version` every second and make every dashboard reload its data.
- A heartbeat is written when the officer moves, and every BEAT_S seconds while
  they stay; one older than TTL_S is ignored, so a dashboard that dies (killed,
  its SSH link dropped) is gone from the others within 30 s. A dashboard that
  closes cleanly takes its row out at once.
- One dashboard polls the feeds for all (the live session with the smallest id,
  see presence_watch.py); it shares when each feed last answered in `heard`. Where
  no dashboard polls (`dashboard_polls = false`), `clp-tui sync` writes `heard`.
- The others are read again only when another dashboard has written to the file
  (`PRAGMA data_version`); otherwise the rows read last time are filtered by age
  again, so a dashboard that died still drops out on time without a query.
- Liveness is measured in wall-clock seconds (`time.time`), not the injected
  clock: it says whether a process is alive now, never when something happened.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TTL_S = 30.0
BEAT_S = 10.0


@dataclass(frozen=True, slots=True)
class Seen:
    """Another dashboard: whose, on which screen and item (feed, id; empty when none)."""

    session: str
    officer_id: str
    name: str
    screen: str
    feed: str
    item_id: str

    @property
    def key(self) -> tuple[str, str] | None:
        return (self.feed, self.item_id) if self.item_id else None


def presence_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".presence")


def _wal(conn: sqlite3.Connection) -> None:
    """WAL, so beats and reads never wait on each other. Switching takes a lock that
    SQLite refuses at once (no busy wait) while another dashboard opens the new file."""
    deadline = time.monotonic() + 5
    while conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class PresenceBoard:
    """One dashboard's view of the presence file. Use it from one thread at a time."""

    def __init__(
        self, db_path: Path, *, session: str, officer_id: str, name: str, now: Callable[[], float] = time.time
    ) -> None:
        self.path = presence_path(Path(db_path))
        self.session, self.officer_id, self.name = session, officer_id, name
        self.now = now
        self._conn: sqlite3.Connection | None = None
        self._thread: int | None = None
        self._last: tuple[str, str, str] | None = None
        self._last_beat = 0.0
        self._version: int | None = None  # the file's data_version when `_rows` was read
        self._rows: list[tuple[float, Seen]] = []
        self._heard: tuple[int, dict[str, float]] | None = None  # (data_version, what it held)

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            if not self.path.exists():
                with contextlib.suppress(FileExistsError):  # another dashboard made it first
                    os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            conn = sqlite3.connect(self.path, timeout=5, check_same_thread=False, isolation_level=None)
            _wal(conn)
            conn.execute("PRAGMA synchronous = OFF")  # liveness only: nothing here must survive a crash
            conn.execute(
                """CREATE TABLE IF NOT EXISTS presence (
                    session TEXT PRIMARY KEY, officer_id TEXT NOT NULL, name TEXT NOT NULL,
                    screen TEXT NOT NULL, feed TEXT NOT NULL, item_id TEXT NOT NULL, at REAL NOT NULL
                )"""
            )
            conn.execute("CREATE TABLE IF NOT EXISTS heard (feed TEXT PRIMARY KEY, at REAL NOT NULL)")
            self._conn = conn
            self._thread = threading.get_ident()
        return self._conn

    def beat(self, screen: str, key: tuple[str, str] | None) -> bool:
        """Record where this dashboard is, if it moved or its last beat is BEAT_S old. Wrote?"""
        place = (screen, *(key or ("", "")))
        now = self.now()
        if place == self._last and now - self._last_beat < BEAT_S:
            return False
        self.conn.execute(
            "INSERT OR REPLACE INTO presence VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.session, self.officer_id, self.name, *place, now),
        )
        self._last, self._last_beat = place, now
        return True

    def others(self) -> list[Seen]:
        """Every other live dashboard (this one's own session left out), by name. Queried
        only when another connection has committed since the last read: the rows cannot
        have changed otherwise, only aged, and a beat of our own never changes them."""
        version = self._data_version()
        if version != self._version:
            rows = self.conn.execute(
                """SELECT at, session, officer_id, name, screen, feed, item_id FROM presence
                   WHERE session != ? AND at > ? ORDER BY name, session""",
                (self.session, self.now() - TTL_S),
            ).fetchall()
            self._rows = [(row[0], Seen(*row[1:])) for row in rows]
            self._version = version
        cutoff = self.now() - TTL_S
        return [seen for at, seen in self._rows if at > cutoff]

    def tell_heard(self, heard: dict[str, float]) -> None:
        """The polling dashboard's last answer from each feed (a 304 writes nothing to
        the cache, so the others learn a feed is fresh from here)."""
        self.conn.executemany("INSERT OR REPLACE INTO heard VALUES (?, ?)", heard.items())
        self._heard = None  # our own write does not move our data_version

    def heard(self) -> dict[str, float]:
        """The polling dashboard's `tell_heard`, queried again only when the file changed."""
        version = self._data_version()
        if self._heard is None or self._heard[0] != version:
            self._heard = (version, dict(self.conn.execute("SELECT feed, at FROM heard").fetchall()))
        return dict(self._heard[1])

    def _data_version(self) -> int:
        """Moves when another connection commits to the file (never for our own writes)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def leave(self) -> None:
        """This dashboard is closing: take its row out, and close the file."""
        if self._conn is None:
            return
        with contextlib.suppress(sqlite3.Error):  # else it expires on its own within TTL_S
            self._conn.execute("DELETE FROM presence WHERE session = ?", (self.session,))
        self._conn.close()
        self._conn = None


def tell_heard_by_sync(db_path: Path, heard: dict[str, float]) -> None:
    """`clp-tui sync`'s answers (ok or 304, POSIX times) for dashboards that do not poll:
    a 304 writes nothing to the cache, so without this an unchanged feed synced by cron
    would look stale. Only where dashboards keep a presence file; never an error."""
    if not heard or not presence_path(Path(db_path)).exists():
        return
    board = PresenceBoard(db_path, session="", officer_id="", name="")
    with contextlib.suppress(sqlite3.Error):
        board.tell_heard(heard)
    if board._conn is not None:
        board._conn.close()
