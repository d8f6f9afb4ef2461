"""Sync: fetch every configured feed concurrently and take what it says into the store.

Per feed: respect a stored "not before" time (429/503), fetch conditionally,
parse off the event loop, and apply the result in one transaction. A feed that
fails leaves its cached items untouched; the others go on.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from clp_tui.config import Config, FeedConfig, Moderation
from clp_tui.data.feed_writes import (
    SyncCounts,
    apply_feed,
    cache_version,
    clear_failure,
    feed_state,
    known_hashes,
    record_failure,
)
from clp_tui.data.fetch import Fetcher, FetchResult, Limits
from clp_tui.data.fetch_retry import backoff_delay
from clp_tui.data.moderation import rules_signature, text_flagger
from clp_tui.data.pages import ParseLimits, parse_pages
from clp_tui.data.parse import FeedError, Problem
from clp_tui.data.secrets import safe_url
from clp_tui.data.sources.read import read_feed, secrets_of
from clp_tui.data.store import Store
from clp_tui.data.take_thread import TakeThread


@dataclass(slots=True)
class FeedReport:
    """The outcome of syncing one feed."""

    feed: str
    status: str  # "ok" | "not_modified" | "error" | "deferred"
    counts: SyncCounts = field(default_factory=SyncCounts)
    http_status: int | None = None
    error: str | None = None
    problems: list[Problem] = field(default_factory=list)
    next_allowed_at: float | None = None
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status == "error" or self.counts.skipped > 0

    def as_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "status": self.status,
            "http_status": self.http_status,
            "counts": self.counts.as_dict(),
            "error": self.error,
            "problems": [
                {"item_id": p.item_id, "path": p.path, "reason": p.reason, "severity": p.severity}
                for p in self.problems
            ],
            "next_allowed_at": self.next_allowed_at,
            "seconds": round(self.seconds, 3),
        }


def limits_from(config: Config) -> Limits:
    net = config.network
    return Limits(
        connect_timeout=net.connect_timeout,
        read_timeout=net.read_timeout,
        deadline=net.deadline,
        max_bytes=net.max_bytes,
        max_pages=net.max_pages,
        max_items=net.max_items,
        parse_deadline=net.parse_deadline,
    )


async def sync_feeds(
    store: Store,
    config: Config,
    *,
    force: bool = False,
    only: Sequence[str] | None = None,
    on_report: Callable[[FeedReport], None] | None = None,
    fetcher: Fetcher | None = None,
    cache_pool: Executor | None = None,
) -> list[FeedReport]:
    """Sync the configured feeds (or just `only`), all at once. A long-lived caller (the
    dashboard) passes its own `fetcher`, so one HTTP client serves every poll, and may pass
    `cache_pool`, a one-thread executor it keeps for cache work (see TakeThread)."""
    if fetcher is None:
        async with Fetcher(limits_from(config)) as own:
            return await sync_feeds(
                store, config, force=force, only=only, on_report=on_report, fetcher=own, cache_pool=cache_pool
            )
    feeds = [f for f in config.feeds if only is None or f.name in only]

    async def one(feed: FeedConfig) -> FeedReport:
        report = await sync_one(store, fetcher, feed, force=force, rules=config.moderation, cache_pool=cache_pool)
        if on_report is not None:
            on_report(report)
        return report

    return list(await asyncio.gather(*(one(f) for f in feeds)))


async def sync_one(
    store: Store,
    fetcher: Fetcher,
    feed: FeedConfig,
    *,
    force: bool = False,
    rules: Moderation | None = None,
    cache_pool: Executor | None = None,
) -> FeedReport:
    started = time.monotonic()
    state = await asyncio.to_thread(feed_state, store, feed.name) or {}
    not_before = state.get("next_allowed_at")
    if not force and not_before and not_before > time.time():
        return FeedReport(
            feed.name,
            "deferred",
            error=f"the server asked us to wait; next try in {not_before - time.time():.0f} s (use --force to try now)",
            next_allowed_at=not_before,
        )
    same_source = state.get("url") in (feed.url, safe_url(feed.url)) and state.get("kind") == feed.kind
    # The cache's hashes are read on the feed's own thread while a new body downloads.
    take = TakeThread(functools.partial(_read_cached, store, feed.name), store.close, cache_pool)
    try:
        result = await read_feed(
            fetcher,
            feed,
            etag=state.get("etag") if same_source else None,
            last_modified=state.get("last_modified") if same_source else None,
            on_body=take.body_coming,
        )
        if result.status == "error":
            return await _failed(store, feed, state, result, started)
        if result.status == "not_modified":
            # An unchanged feed costs one 304 and no writes, unless a backoff must be cleared.
            if state.get("failures"):
                await asyncio.to_thread(clear_failure, store, feed.name)
            return FeedReport(
                feed.name, "not_modified", http_status=result.http_status, seconds=time.monotonic() - started
            )
        try:
            # The item budget (the feed's own, else [network]'s) and the parse deadline.
            limits = ParseLimits(feed.max_items or fetcher.limits.max_items, fetcher.limits.parse_deadline)
            counts, problems = await take.run(
                _take, store, feed, result, time.monotonic() - started, rules, limits, take.read
            )
        except FeedError as exc:
            result.error = str(exc)
            return await _failed(store, feed, state, result, started)
    finally:
        await take.close()
    return FeedReport(
        feed.name,
        "ok",
        counts=counts,
        http_status=result.http_status,
        problems=problems,
        seconds=time.monotonic() - started,
    )


async def _failed(
    store: Store, feed: FeedConfig, state: dict[str, Any], result: FetchResult, started: float
) -> FeedReport:
    next_allowed = None
    if result.http_status in (429, 503):
        delay = result.retry_after or backoff_delay((state.get("failures") or 0) + 1)
        next_allowed = time.time() + delay
    seconds = time.monotonic() - started
    await asyncio.to_thread(
        record_failure,
        store,
        feed.name,
        safe_url(feed.url),
        feed.kind,
        error=result.error or "failed",
        http_status=result.http_status,
        next_allowed_at=next_allowed,
        seconds=seconds,
    )
    return FeedReport(
        feed.name,
        "error",
        http_status=result.http_status,
        error=result.error,
        next_allowed_at=next_allowed,
        seconds=seconds,
    )


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a feed is parsed and written: those make
    tens of thousands of objects and no cycles, and the collector's repeated passes
    over them cost ~10 % of a 50,000-item sync. Safe to nest across threads: the
    collector comes back when the last pause ends, as it was before the first."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


@gc_paused()
def _read_cached(store: Store, name: str) -> tuple[int, dict[bytes, str]]:
    """What the cache holds of a feed, for its parse: (cache_version, hash -> id). Read on
    the thread that will write (TakeThread), whose connection apply_feed compares it on."""
    read_at = cache_version(store)
    return read_at, known_hashes(store, name)


@gc_paused()  # a contextmanager is a decorator too: entered afresh on every call
def _take(
    store: Store,
    feed: FeedConfig,
    result: FetchResult,
    seconds: float,
    rules: Moderation | None = None,
    limits: ParseLimits | None = None,
    cached: Callable[[], tuple[int, dict[bytes, str]]] | None = None,
) -> tuple[SyncCounts, list[Problem]]:
    """Parse and write one fetched feed. `cached`: what the cache held of it, read on this
    thread (by default, read now)."""
    read_at, known = cached() if cached is not None else _read_cached(store, feed.name)
    parsed = parse_pages(result.pages, feed.kind, known, limits, secrets_of(feed))
    result.pages.clear()  # the records hold copies of what they need: the body (22 MB at 50k) goes now
    # The read's own warnings (a page not reached, sheet rows left out) are kept with the
    # items' problems, so the dashboard shows them as `sync` does.
    parsed.problems[:0] = [Problem(None, "$", note, "warning") for note in result.notes]
    if rules is not None:
        # A comment's own words are flagged here, before the write; repeat posting
        # (which depends on other comments) is settled in the same transaction.
        text_flag = text_flagger(rules)
        for record in parsed.records:
            if record.kind == "comment":
                record.flagged = int(text_flag(record.body, record.title))
    ext = parsed.ext
    counts = apply_feed(
        store,
        feed.name,
        safe_url(feed.url),
        feed.kind,
        records=parsed.records,
        unchanged_ids=parsed.unchanged,
        present_ids=[*parsed.unchanged, *(r.id for r in parsed.records if not r.deleted), *parsed.invalid_ids],
        known_ids=set(known.values()),
        snapshot=ext.snapshot and result.complete,  # a read cut short deletes nothing
        meta={
            "title": parsed.title,
            "constituency": ext.constituency,
            "polling_day": ext.polling_day.isoformat() if ext.polling_day else None,
            "etag": result.etag,
            "last_modified": result.last_modified,
        },
        problems=[
            {"item_id": p.item_id, "path": p.path, "reason": p.reason, "severity": p.severity} for p in parsed.problems
        ],
        http_status=result.http_status,
        seconds=seconds,
        repeat_posts=rules.repeat_posts if rules is not None else None,
        flag_rules=rules_signature(rules) if rules is not None else None,
        known=known,
        read_at=read_at,
    )
    return counts, parsed.problems
