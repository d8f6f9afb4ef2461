"""Retention: reviewed comments older than `[moderation] retain_days` lose what identifies people.

A comment's text, title, commenter name and profile link, permalink, thread
title and the raw item as published are blanked; the row itself (feed, id,
platform, channel, dates, the decision) and the decision log stay, so the
moderation numbers still add up. A comment whose GLU evidence pack was exported
is kept whole. Comments nobody has reviewed yet are kept until someone does.

`purge_comments` runs once (`clp-tui purge`); `purge_if_due` is for a
long-running dashboard that wants it done at most once a day. Both return
counts only: nothing here names a person. See docs/privacy.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clp_tui.clock import stamp
from clp_tui.data.store import Store

DEFAULT_INTERVAL = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PurgeResult:
    cutoff: str  # comments published before this (UTC) are old enough
    retain_days: int
    dry_run: bool
    purged: int  # blanked now (or, in a dry run, that would be)
    escalated_purged: int  # how many of those are escalated with no pack exported
    kept_exported: int  # old enough, kept whole because their evidence pack was exported
    kept_unreviewed: int  # old enough, kept because no decision has been made on them yet
    # The file was rebuilt so blanked text leaves no trace in it (False while another
    # process has the cache open: it is tried again at the next purge).
    compacted: bool = True


def cutoff_for(now: dt.datetime, retain_days: int) -> str:
    """The RFC 3339 UTC stamp before which a comment is older than `retain_days`."""
    return stamp(now - dt.timedelta(days=retain_days))


def purge_comments(
    store: Store, retain_days: int, *, now: dt.datetime | None = None, dry_run: bool = False
) -> PurgeResult:
    """Blank the personal data of old reviewed comments (or count them, with `dry_run`)."""
    cutoff = cutoff_for(now or store.clock(), retain_days)
    counts = store.purge_personal_data(cutoff, dry_run=dry_run)
    compacted = bool(counts.pop("compacted", 1))
    return PurgeResult(cutoff=cutoff, retain_days=retain_days, dry_run=dry_run, compacted=compacted, **counts)


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
        f"{result.purged} reviewed comment(s) published before {result.cutoff[:10]} "
        f"(older than {result.retain_days} days) {verb} blanked: text, names, links and raw data removed; "
        "rows, decisions and the decision log kept"
    ]
    if result.escalated_purged:
        lines.append(
            f"  {result.escalated_purged} of them {'are' if result.dry_run else 'were'} escalated with no "
            "evidence pack exported"
            + (" (export packs first if the GLU needs them: clp-tui export escalation)" if result.dry_run else "")
        )
    if result.kept_exported:
        lines.append(f"{result.kept_exported} old comment(s) kept whole: their GLU evidence pack was exported")
    if not result.compacted:
        lines.append(
            "  another program has the cache open, so traces of the blanked text may stay in unused parts of "
            "the file until the next purge; close the dashboard and run `clp-tui purge` again to clear them"
        )
    if result.kept_unreviewed:
        lines.append(f"{result.kept_unreviewed} old comment(s) kept: not reviewed yet (no decision)")
    return lines
