"""Keeping the dashboard live: polling feeds, watching files, noticing other writers.

- Polls run on one event loop of their own, on one thread, with one HTTP client
  for the dashboard's life (a slow feed delays nobody: each feed is its own
  task). Each poll ends in a `FeedSynced` message.
- A poll's cache work (the parse and the write) runs on one worker thread, not
  asyncio's default pool of up to six: each of those kept its own SQLite
  connection, page cache and C heap arena, ~8 MiB that the dashboard polling for
  everyone on a shared server carried for good. After a poll that wrote, that
  thread's connection is closed too (its page cache goes; the next poll opens a
  fresh one in a millisecond), then the memory goes back to the system.
- The cache is checked once a second (`PRAGMA data_version`, which changes when
  any other connection commits) and whenever watchfiles sees its files change;
  a change posts `StoreChanged`, so a second officer's decisions appear within
  two seconds.
- The config file and `file://` feeds are watched too: `ConfigChanged`, and an
  immediate sync of the feed file that changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from textual.message import Message

from clp_tui.collector import give_back_memory, tune_malloc
from clp_tui.config import Config, FeedConfig
from clp_tui.data.store import Store, StoreError

if TYPE_CHECKING:
    from textual.app import App

    from clp_tui.data.fetch import Fetcher, Limits

CLOSE_TIMEOUT_S = 5.0


class FeedSynced(Message):
    """A poll of some feeds has finished; `reports` are data.sync.FeedReport."""

    def __init__(self, names: list[str], reports: list[Any]) -> None:
        super().__init__()
        self.names = names
        self.reports = reports

    @property
    def changed_data(self) -> bool:
        """Whether the poll wrote anything screens show (a 304 writes nothing)."""
        return any(r.status not in ("not_modified", "deferred") for r in self.reports)


class StoreChanged(Message):
    """Another connection (a second officer, a `clp-tui sync`) committed to the cache."""


class ConfigChanged(Message):
    """The config file changed on disk."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


def feed_file(feed: FeedConfig) -> Path | None:
    """The local file a `file://` feed reads, else None."""
    parts = urlsplit(feed.url)
    if parts.scheme != "file":
        return None
    from urllib.request import url2pathname  # brings http.client and email: only for file:// feeds

    return Path(url2pathname(parts.path)).resolve()


class Poller:
    """Feeds polled on their schedule, on a loop and HTTP client kept for the app's life."""

    def __init__(self, app: App[Any], store: Store, config: Config) -> None:
        self.app = app
        self.store = store
        self.config = config
        self.syncing: set[str] = set()
        self.last_heard: dict[str, float] = {}  # when a poll last got any answer (a 304 too)
        self._next_poll: dict[str, float] = {}
        self._fetcher: Fetcher | None = None
        self._limits: Limits | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._cache_pool: ThreadPoolExecutor | None = None

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            tune_malloc()  # before the polls' threads make their heaps (collector.py)
            self._loop = asyncio.new_event_loop()
            # One thread for the polls' `asyncio.to_thread` work (see the module's docstring).
            self._cache_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clp-poll-db")
            self._loop.set_default_executor(self._cache_pool)
            self._thread = threading.Thread(target=self._loop.run_forever, name="clp-poll", daemon=True)
            self._thread.start()
        return self._loop

    def due(self, *, force: bool = False, every_feed: bool = False, names: set[str] | None = None) -> None:
        """Start a poll of each feed that is due (or of all, or of `names`) and not already running."""
        now = time.monotonic()
        for feed in self.config.feeds:
            if feed.name in self.syncing or (names is not None and feed.name not in names):
                continue
            if every_feed or names is not None or now >= self._next_poll.get(feed.name, 0):
                self._next_poll[feed.name] = now + feed.refresh
                self.syncing.add(feed.name)
                asyncio.run_coroutine_threadsafe(self._sync(feed.name, force), self._ensure_loop())

    async def _sync(self, name: str, force: bool) -> None:
        # Imported here: the fetcher brings httpx, which a snapshot never needs.
        from clp_tui.data.sync import FeedReport, limits_from, sync_feeds

        try:
            fetcher = await self._current_fetcher(limits_from(self.config))
            reports = await sync_feeds(
                self.store, self.config, only=[name], force=force, fetcher=fetcher, cache_pool=self._cache_pool
            )
            if any(r.status == "ok" for r in reports):
                await asyncio.to_thread(self.store.close)  # the worker's connection and its page cache
                give_back_memory()  # the parse's garbage, and the C heap it grew
        except Exception as exc:  # noqa: BLE001 - shown to the officer as the feed's error, never a crash
            reports = [FeedReport(name, "error", error=f"sync failed: {exc}")]
        self.app.post_message(FeedSynced([name], reports))

    async def _current_fetcher(self, limits: Limits) -> Fetcher:
        """The one HTTP client, made again only when the config's network limits change."""
        from clp_tui.data.fetch import Fetcher

        if self._fetcher is None or limits != self._limits:
            old, self._fetcher, self._limits = self._fetcher, Fetcher(limits), limits
            if old is not None:
                await old.aclose()
        return self._fetcher

    def submit(self, work: Callable[[Fetcher], Awaitable[Any]]) -> Future[Any]:
        """Run `work(fetcher)` on the poll loop with its HTTP client (the outbox's sends)."""
        from clp_tui.data.sync import limits_from

        async def run() -> Any:
            return await work(await self._current_fetcher(limits_from(self.config)))

        return asyncio.run_coroutine_threadsafe(run(), self._ensure_loop())

    def next_poll_in(self) -> dict[str, float]:
        """Seconds until each feed polled so far is due again (the feed-status panel's "next try")."""
        now = time.monotonic()
        return {name: max(at - now, 0.0) for name, at in self._next_poll.items()}

    def landed(self, message: FeedSynced, now: float) -> None:
        """Bookkeeping when a poll's message arrives on the UI thread."""
        self.syncing.difference_update(message.names)
        for report in message.reports:
            if report.status in ("ok", "not_modified"):
                self.last_heard[report.feed] = now

    def close(self) -> None:
        """Stop polls in flight (what they had written stays; what they had not is
        fetched again next start), close the HTTP client, and end the loop's thread."""
        loop = self._loop
        if loop is None:
            return
        done: Future[None] = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        with contextlib.suppress(Exception):  # at exit, with nothing left to tell anyone
            done.result(timeout=CLOSE_TIMEOUT_S)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=CLOSE_TIMEOUT_S)
        if not loop.is_running():
            loop.close()
        self._loop = None

    async def _shutdown(self) -> None:
        polls = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in polls:
            task.cancel()
        await asyncio.gather(*polls, return_exceptions=True)
        if self._fetcher is not None:
            await self._fetcher.aclose()


class StoreWatch:
    """Has anyone committed to the cache since we last looked?"""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._version: tuple[int, float] | None = None

    def mark_seen(self) -> None:
        """What is in the cache now is what the screens show (after our own reload)."""
        try:
            self._version = self.store.data_version()
        except StoreError:
            self._version = None

    def changed(self) -> bool:
        try:
            version = self.store.data_version()
        except StoreError:
            return False
        if version == self._version:
            return False
        self._version = version
        return True


def watched_folders(db_path: Path, config: Config) -> set[Path]:
    folders = {db_path.resolve().parent}
    source = getattr(config, "source", "")
    if source and Path(source).exists():
        folders.add(Path(source).resolve().parent)
    for feed in config.feeds:
        path = feed_file(feed)
        if path is not None and path.parent.exists():
            folders.add(path.parent)
    return folders


async def watch_files(app: App[Any], db_path: Path, config: Config, poller: Poller) -> None:
    """Run as a worker: post StoreChanged / ConfigChanged and sync changed feed files."""
    from watchfiles import awatch

    db_names = {db_path.name, f"{db_path.name}-wal"}
    config_path = Path(getattr(config, "source", "") or "/nonexistent").resolve()
    feed_files = {name: path for f in config.feeds if (path := feed_file(f)) is not None for name in [f.name]}
    # step: how often the watcher's thread wakes to look (20 times a second at the default
    # 50 ms, a visible share of an idle dashboard's CPU); a change still arrives within ~0.4 s.
    async for changes in awatch(*watched_folders(db_path, config), debounce=200, step=200, recursive=False):
        paths = {Path(p) for _, p in changes}
        if any(p.name in db_names for p in paths):
            app.post_message(StoreChanged())
        if config_path in paths:
            app.post_message(ConfigChanged(config_path))
        touched = {name for name, path in feed_files.items() if path in paths}
        if touched:
            poller.due(force=True, names=touched)
