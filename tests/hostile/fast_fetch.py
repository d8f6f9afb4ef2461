"""A fetch with short limits for the network tests, timed, and the good feed body
their servers send when they do not misbehave."""

from __future__ import annotations

import asyncio
import time

from feedserver import comment, feed_bytes

from clp_tui.data.fetch import Fetcher, FetchResult, Limits

FAST = {"connect_timeout": 1.0, "read_timeout": 1.0, "deadline": 6.0}
GOOD = feed_bytes([comment("c1"), comment("c2")])


def fetch(url: str, *, token: str | None = None, hosts: tuple[str, ...] = (), **limits: float) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(Limits(**{**FAST, **limits})) as fetcher:  # type: ignore[arg-type]
            return await fetcher.fetch(url, token=token, redirect_hosts=hosts)

    return asyncio.run(go())


def timed(url: str, **limits: float) -> tuple[FetchResult, float]:
    started = time.monotonic()
    result = fetch(url, **limits)
    return result, time.monotonic() - started
