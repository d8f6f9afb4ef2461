"""The fetch tests' one way to fetch a URL (short test limits, one Fetcher a call),
the feed body they serve, and a page of a paginated feed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from feedserver import comment, feed_bytes

from clp_tui.data.fetch import Fetcher, FetchResult, Limits


def fetch(
    url: str,
    *,
    token: str | None = None,
    etag: str | None = None,
    hosts: tuple[str, ...] = (),
    on_body: Callable[[], None] | None = None,
    **limits: float,
) -> FetchResult:
    settings = {"connect_timeout": 2.0, "read_timeout": 2.0, "deadline": 8.0, **limits}

    async def go() -> FetchResult:
        async with Fetcher(Limits(**settings)) as fetcher:  # type: ignore[arg-type]
            return await fetcher.fetch(url, token=token, etag=etag, redirect_hosts=hosts, on_body=on_body)

    return asyncio.run(go())


BODY = feed_bytes([comment("c1"), comment("c2")])


def page(n: int, next_url: str | None) -> bytes:
    """Page `n` of a paginated feed: one comment, and `next_url` when there is a next page."""
    extra = {"next_url": next_url} if next_url else {}
    return feed_bytes([comment(f"p{n}")], **extra)
