"""Retention: reviewed comments first seen more than `[moderation] retain_days` ago lose
what identifies people.

Age is counted from when clp-tui first saw the comment, never from the date the
feed gives it (a feed can say anything: 200 days ago for a comment that appeared
today, or the year 9999). A comment's text, title, commenter name and profile
link, permalink, thread title, the raw item as published and its evidence copies
are blanked; the row itself (feed, id, platform, channel, dates, the decision)
and the decision log stay, so the moderation numbers still add up. Kept whole: a
comment whose GLU evidence pack was exported; an escalated comment while its case
is open (its current decision is "escalated": an undo of the escalation, or a later
decision, closes it); and comments nobody has reviewed yet.

`purge_comments` runs once (`clp-tui purge`); `purge_if_due` is for a
long-running dashboard that wants it done at most once a day. Both return
counts only: nothing here names a person. See docs/privacy.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from dataclasses import dataclass

from clp_tui.clock import stamp
from clp_tui.data.store import BUSY_TIMEOUT_S, Store, StoreError

DEFAULT_INTERVAL = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PurgeResult:
    cutoff: str  # comments first seen before this (UTC) are old enough
    retain_days: int
    dry_run: bool
    purged: int  # blanked now (or, in a dry run, that would be)
    kept_escalated: int  # old enough, kept whole: escalated, and the case is still open
    kept_exported: int  # old enough, kept whole because their evidence pack was exported
    kept_unreviewed: int  # old enough, kept because no decision has been made on them yet
    # The file was rebuilt so blanked text leaves no trace in it (False while another
    # process has the cache open: it is tried again at the next purge).
    compacted: bool = True
    disk_full: bool = False  # why it was not: the disk had no room for the rebuilt copy (else: busy)


def cutoff_for(now: dt.datetime, retain_days: int) -> str:
    """The RFC 3339 UTC stamp before which a comment is older than `retain_days`."""
    return stamp(now - dt.timedelta(days=retain_days))


def purge_personal_data(store: Store, cutoff: str, *, dry_run: bool = False) -> dict[str, int]:
    """Blank what identifies people in reviewed comments first seen before `cutoff`
    (an RFC 3339 UTC stamp), in one transaction. The row, its decision and the
    decision log stay, so counts survive; comments with an exported evidence pack,
    and escalated ones whose case is open, are kept whole. Returns counts: purged,
    kept_escalated, kept_exported, kept_unreviewed (old comments with no decision
    yet: kept until someone reviews them) and, unless a dry run, compacted (1 if the
    file was rebuilt so no trace of the blanked text is left in it)."""
    # First seen, never the feed's own date. Both are clock.stamp's fixed-width UTC form,
    # so text order is time order; a comment with no first_seen is never old.
    old = "i.kind = 'comment' AND i.first_seen < :cutoff"
    decided = """EXISTS (SELECT 1 FROM decision_state d WHERE d.feed = i.feed
                     AND d.item_id = i.id AND d.field = 'moderation')"""
    open_case = "coalesce(i.decision = 'escalated', 0)"  # items.decision mirrors the current one
    copies = "EXISTS (SELECT 1 FROM evidence_copies e WHERE e.feed = i.feed AND e.item_id = i.id)"
    exported = "EXISTS (SELECT 1 FROM exported_packs p WHERE p.feed = i.feed AND p.item_id = i.id)"
    minimal_raw = "CAST(json_object('id', i.id) AS BLOB)"
    holds_data = f"""(i.body IS NOT NULL OR i.title IS NOT NULL OR i.author_name IS NOT NULL
                      OR i.author_url IS NOT NULL OR i.url IS NOT NULL
                      OR json_extract(i.ext, '$.thread_title') IS NOT NULL
                      OR i.raw IS NOT {minimal_raw} OR {copies})"""
    params = {"cutoff": cutoff}
    to_purge = f"{decided} AND NOT {open_case} AND NOT {exported} AND {holds_data}"

    def counts(conn: sqlite3.Connection) -> dict[str, int]:
        row = conn.execute(
            f"""SELECT coalesce(sum({to_purge}), 0),
                       coalesce(sum({decided} AND {open_case} AND NOT {exported}), 0),
                       coalesce(sum({decided} AND {exported}), 0),
                       coalesce(sum(NOT {decided}), 0)
                FROM items i WHERE {old}""",
            params,
        ).fetchone()
        names = ("purged", "kept_escalated", "kept_exported", "kept_unreviewed")
        return dict(zip(names, map(int, row), strict=True))

    if dry_run:
        with store.errors():
            return counts(store.conn)
    conn = store.conn
    with store.errors():
        # Overwrite freed bytes, so blanked text does not linger in the file's free space.
        previous = conn.execute("PRAGMA secure_delete").fetchone()[0]
        conn.execute("PRAGMA secure_delete = ON")
    try:
        with store.write() as conn:
            result = counts(conn)
            # The copies first: the UPDATE below changes what `holds_data` sees.
            conn.execute(
                f"""DELETE FROM evidence_copies WHERE (feed, item_id) IN
                        (SELECT i.feed, i.id FROM items i WHERE {old} AND {to_purge})""",
                params,
            )
            conn.execute(
                f"""UPDATE items AS i SET body = NULL, title = NULL, author_name = NULL,
                        author_url = NULL, url = NULL, raw = {minimal_raw},
                        ext = json_remove(i.ext, '$.thread_title')
                    WHERE {old} AND {to_purge}""",
                params,
            )
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('retention_last_purge', ?)", (store.now_stamp(),))
    finally:
        with store.errors():
            conn.execute(f"PRAGMA secure_delete = {('OFF', 'ON', 'FAST')[int(previous)]}")
    blocked = _compact_after_purge(store, result["purged"] > 0)
    result["compacted"], result["disk_full"] = int(not blocked), int(blocked == "disk")
    return result


def _compact_after_purge(store: Store, purged: bool) -> str:
    """Rebuild the file (VACUUM) and empty the write-ahead log, so blanked text is not left
    in free space or in old log frames. Skipped, and tried again at the next purge, while
    another process is writing or reading the cache, or when the disk has no room for the
    rebuilt copy. Returns "" when done, else why not: "busy" or "disk"."""
    pending = store.meta("retention_compact_pending") == "1"
    if not (purged or pending):
        return ""
    conn = store.conn
    blocked = ""
    with store.errors():
        conn.execute("PRAGMA busy_timeout = 1000")
        try:
            conn.execute("VACUUM")
            blocked = "busy" if conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] else ""
        except sqlite3.OperationalError as exc:
            full = exc.sqlite_errorcode == sqlite3.SQLITE_FULL or "full" in str(exc)
            blocked = "disk" if full or exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_IOERR else "busy"
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    done = not blocked
    if done != (not pending):
        # On a full disk even this note may not fit; the purge itself has committed.
        with contextlib.suppress(StoreError) if blocked == "disk" else contextlib.nullcontext(), store.write() as conn:
            if done:
                conn.execute("DELETE FROM meta WHERE key = 'retention_compact_pending'")
            else:
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('retention_compact_pending', '1')")
    return blocked


def purge_comments(
    store: Store, retain_days: int, *, now: dt.datetime | None = None, dry_run: bool = False
) -> PurgeResult:
    """Blank the personal data of old reviewed comments (or count them, with `dry_run`)."""
    cutoff = cutoff_for(now or store.clock(), retain_days)
    counts = purge_personal_data(store, cutoff, dry_run=dry_run)
    compacted, disk_full = bool(counts.pop("compacted", 1)), bool(counts.pop("disk_full", 0))
    return PurgeResult(
        cutoff=cutoff, retain_days=retain_days, dry_run=dry_run, compacted=compacted, disk_full=disk_full, **counts
    )


def last_purge(store: Store) -> dt.datetime | None:
    """When a real (not dry-run) purge last ran on this cache, if ever."""
    stamp = store.meta("retention_last_purge")
    if not stamp:
        return None
    try:
        return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None


def purge_if_due(
    store: Store,
    retain_days: int,
    *,
    now: dt.datetime | None = None,
    interval: dt.timedelta = DEFAULT_INTERVAL,
) -> PurgeResult | None:
    """Purge if the last purge of this cache was `interval` or more ago; None if not due.

    Any process may have done the last one (the stamp lives in the cache), so
    two officers' dashboards on one shared cache do not both purge each day.
    """
    now = now or store.clock()
    previous = last_purge(store)
    if previous is not None and now - previous < interval:
        return None
    return purge_comments(store, retain_days, now=now)


def describe(result: PurgeResult) -> list[str]:
    """The counts in words, for the command line (and a dashboard notice)."""
    verb = "would be" if result.dry_run else "were"
    lines = [
        f"{result.purged} reviewed comment(s) first seen before {result.cutoff[:10]} "
        f"(more than {result.retain_days} days ago) {verb} blanked: text, names, links and raw data removed; "
        "rows, decisions and the decision log kept"
    ]
    if result.kept_escalated:
        lines.append(
            f"{result.kept_escalated} old comment(s) kept whole: escalated, and the case is still open "
            "(undo the escalation or record another decision to close it)"
        )
    if result.kept_exported:
        lines.append(f"{result.kept_exported} old comment(s) kept whole: their GLU evidence pack was exported")
    if result.disk_full:
        lines.append(
            "  the disk holding the cache is too full to rebuild the file (that needs about as much free space "
            "as the cache takes), so traces of the blanked text may stay in unused parts of it; free some space "
            "on that disk and run `clp-tui purge` again"
        )
    elif not result.compacted:
        lines.append(
            "  another program has the cache open, so traces of the blanked text may stay in unused parts of "
            "the file until the next purge; close the dashboard and run `clp-tui purge` again to clear them"
        )
    if result.kept_unreviewed:
        lines.append(f"{result.kept_unreviewed} old comment(s) kept: not reviewed yet (no decision)")
    return lines
