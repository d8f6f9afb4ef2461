"""One feed sync's cache work on a thread of its own, begun while the body downloads.

What the cache holds of a feed (its items' hashes, and the `cache_version` they were
read at) is only needed when the feed sends a new body, and reading it at 50,000
items costs about as much as downloading that body. So the read starts on this
thread as soon as the fetch says a body is coming (the first page answered 200),
and the parse and the write run after it on the same thread, hence on the same
SQLite connection: `apply_feed` compares that connection's data_version under the
write lock, which is only meaningful on the connection that read it. A 304 never
starts the thread, so an unchanged feed reads nothing it did not read before.

The thread is the sync's own, and its connection is closed when the sync ends; or,
given a one-thread executor the caller keeps for its cache work (the dashboard's poll
worker), that one thread, left open. Either way the fetch never waits for the read,
and nothing on the thread waits for the fetch, so no feed can hold up another's. (On
a shared connection another feed's write may come between the read and the write
unseen by data_version, which only counts other connections' commits; it changes
that feed's rows, not these. A second sync of the same feed runs elsewhere.)
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class TakeThread(Generic[T]):
    """`read` started early on a thread (`body_coming`), then work run after it there (`run`)."""

    def __init__(
        self, read: Callable[[], T], close: Callable[[], None], pool: Executor | None = None, name: str = "clp-take"
    ) -> None:
        """`pool`: a one-thread executor to use, not close; by default one of its own."""
        self._read_now = read
        self._close = close
        self._given = pool
        self._name = name
        self._pool: Executor | None = None
        self._read: Future[T] | None = None

    def body_coming(self) -> None:
        """The fetch's `on_body` hook: start the read. Later calls do nothing."""
        if self._read is None:
            self._read = self._thread().submit(self._read_now)

    def read(self) -> T:
        """On the thread: what the early read found (or its error), else a read made now."""
        return self._read.result() if self._read is not None else self._read_now()

    async def run(self, fn: Callable[..., R], *args: object) -> R:
        """`fn(*args)` on the thread, after the early read."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread(), functools.partial(fn, *args))

    async def close(self) -> None:
        """Close its own thread's connection (on the thread) and let the thread end."""
        if self._pool is None or self._pool is self._given:
            return
        closed = self._pool.submit(self._close)
        self._pool.shutdown(wait=False)
        await asyncio.wrap_future(closed)

    def _thread(self) -> Executor:
        if self._pool is None:
            self._pool = self._given or ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)
        return self._pool
