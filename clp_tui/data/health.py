"""What the status header says: the campaign's facts and each feed's health, as pure
functions of the config, the feeds table and when this dashboard last heard from
each feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from clp_tui.config import Config, FeedConfig

# A feed not heard from in this many refresh intervals (and two minutes) is stale.
STALE_AFTER_INTERVALS = 3
STALE_AT_LEAST_S = 120


@dataclass(slots=True)
class FeedHealth:
    name: str
    state: str  # ok | stale | error | never
    age_seconds: float | None
    reason: str | None = None


def feed_health(
    feeds: Iterable[FeedConfig],
    rows: Mapping[str, Mapping[str, Any]],
    last_checked: Mapping[str, float],
    now: float,
) -> list[FeedHealth]:
    """`rows`: the feeds table by name; `last_checked`: when a poll last got an answer
    (a 304 included, which writes nothing); `now`: a POSIX time."""
    health = []
    for feed in feeds:
        row = rows.get(feed.name, {})
        heard = last_checked.get(feed.name)
        last_ok = row.get("last_ok_at")
        if last_ok:
            stamp = dt.datetime.fromisoformat(last_ok).timestamp()
            heard = max(heard or 0, stamp)
        age = now - heard if heard else None
        if row.get("last_outcome") == "error":
            health.append(FeedHealth(feed.name, "error", age, row.get("last_error")))
        elif age is None:
            health.append(FeedHealth(feed.name, "never", None))
        elif age > feed.refresh * STALE_AFTER_INTERVALS and age > STALE_AT_LEAST_S:
            health.append(FeedHealth(feed.name, "stale", age))
        else:
            health.append(FeedHealth(feed.name, "ok", age))
    return health


@dataclass(frozen=True, slots=True)
class InboxCounts:
    """What the Inbox tab shows (counted by data/inbox.py): comments not yet reviewed, and how many of those are flagged."""

    unreviewed: int = 0
    flagged: int = 0


@dataclass(slots=True)
class Headline:
    constituency: str | None
    polling_day: dt.date | None
    today: dt.date
    officer: str
    screen_title: str
    feeds: list[FeedHealth]
    meeting: bool = False
    inbox: InboxCounts | None = None  # for the Inbox tab
    identified: bool = False  # a registered officer (`--as`): their name comes first, after the tabs
    online: tuple[str, ...] = ()  # the other officers whose dashboards are open (presence.py)


def build_headline(
    config: Config,
    rows: list[dict[str, Any]],
    last_heard: Mapping[str, float],
    now: dt.datetime,
    *,
    screen_title: str,
    meeting: bool,
    inbox: InboxCounts | None = None,
    identified: bool = False,
    online: tuple[str, ...] = (),
) -> Headline:
    """The header for one screen: the first feed that names the constituency and
    polling day gives them (feeds agree, or the first configured wins)."""
    constituency = next((r["constituency"] for r in rows if r.get("constituency")), None)
    polling = next((r["polling_day"] for r in rows if r.get("polling_day")), None)
    return Headline(
        constituency=constituency,
        polling_day=dt.date.fromisoformat(polling) if polling else None,
        today=now.date(),
        officer=config.officer.name or "",
        screen_title=screen_title,
        feeds=feed_health(config.feeds, {r["name"]: r for r in rows}, last_heard, now.timestamp()),
        meeting=meeting,
        inbox=inbox,
        identified=identified,
        online=online,
    )


@dataclass(slots=True)
class FeedStatus:
    """One line of the feed-status panel."""

    name: str
    kind: str
    health: FeedHealth
    last_error: str | None  # the last failure's words, kept until a sync succeeds
    failures: int  # failed tries in a row
    next_try_s: float | None  # seconds until the next poll; None when this dashboard does not poll
    syncing: bool = False


def feed_status(
    config: Config,
    rows: list[dict[str, Any]],
    last_heard: Mapping[str, float],
    now: dt.datetime,
    *,
    next_poll_in: Mapping[str, float],
    syncing: set[str],
    wall_now: float,
) -> list[FeedStatus]:
    """Every configured feed: its health (as the header says it), its last error, and when
    it is tried next: the poller's schedule, or later if the server asked us to wait
    (`next_allowed_at`, a wall-clock time, compared with `wall_now`)."""
    by_name = {r["name"]: r for r in rows}
    health = feed_health(config.feeds, by_name, last_heard, now.timestamp())
    statuses = []
    for feed, fh in zip(config.feeds, health, strict=True):
        row = by_name.get(feed.name, {})
        next_try = next_poll_in.get(feed.name)
        allowed = row.get("next_allowed_at")
        if next_try is not None and allowed:
            next_try = max(next_try, allowed - wall_now)
        statuses.append(
            FeedStatus(
                name=feed.name,
                kind=feed.kind,
                health=fh,
                last_error=row.get("last_error"),
                failures=int(row.get("failures") or 0),
                next_try_s=None if next_try is None else max(next_try, 0.0),
                syncing=feed.name in syncing,
            )
        )
    return statuses


def missing_feed(config: Config, kind: str) -> str | None:
    """What an empty screen says when no feed of its kind is configured: which, and how to add one."""
    if any(feed.kind == kind for feed in config.feeds):
        return None
    return f'No {kind} feed is configured: add a [[feeds]] with kind = "{kind}" (docs/configuration.md).'
