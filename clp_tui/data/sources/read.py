"""Reading one feed from its source, whatever the source: the one entry point sync uses."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable

from clp_tui.config import FeedConfig, token_for
from clp_tui.data.fetch import Fetcher, FetchResult
from clp_tui.data.fetch_errors import FetchError
from clp_tui.data.secrets import scrub
from clp_tui.data.sources import SOURCES
from clp_tui.data.sources.call import SourceCall


def key_for(feed: FeedConfig) -> str | None:
    """The API key `key_env` names (YouTube's read-only key), if any."""
    if not feed.key_env:
        return None
    return os.environ.get(feed.key_env, "").strip() or None


def secrets_of(feed: FeedConfig) -> tuple[str | None, str | None]:
    """What must never be stored or shown from this feed's reading: its token and key."""
    return token_for(feed), key_for(feed)


async def read_feed(
    fetcher: Fetcher,
    feed: FeedConfig,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    on_body: Callable[[], None] | None = None,
) -> FetchResult:
    """The feed's items as JSON Feed pages. Never raises for network, platform or
    data trouble: that is a FetchResult with status "error" and one clear line.
    `on_body`: a JSON Feed's first page answered 200 (Fetcher.fetch); a platform's
    read, made of many calls, does not say."""
    token = token_for(feed)
    if feed.source == "jsonfeed":
        return await fetcher.fetch(
            feed.url,
            token=token,
            etag=etag,
            last_modified=last_modified,
            redirect_hosts=tuple(feed.redirect_hosts),
            on_body=on_body,
        )
    result = await _read_source(fetcher, feed, token, etag, last_modified)
    # A platform's note may quote what it was sent (the key is in the query).
    result.notes = [scrub(note, secrets_of(feed)) for note in result.notes]
    return result


async def _read_source(
    fetcher: Fetcher, feed: FeedConfig, token: str | None, etag: str | None, last_modified: str | None
) -> FetchResult:
    info = SOURCES[feed.source]
    key = key_for(feed)
    call = SourceCall(
        fetcher,
        feed,
        info.label,
        token=token,
        key=key,
        etag=etag,
        last_modified=last_modified,
        requests_left=fetcher.limits.max_pages,
        bytes_left=fetcher.limits.max_bytes,
    )
    try:
        async with asyncio.timeout(fetcher.limits.deadline):
            result = await info.read()(call)
            if result.status == "ok" and not call.complete and feed.source != "csv":
                result.notes.append(
                    f"{info.label}: the read stopped at the request budget ([network] max_pages = "
                    f"{fetcher.limits.max_pages}); what was not reached is kept as it was; raise max_pages to read it all"
                )
            return result
    except TimeoutError:
        error = f"{info.label}: gave up after {fetcher.limits.deadline:g} s (total deadline for one sync)"
        return FetchResult("error", error=error)
    except FetchError as exc:
        # A platform may quote the request (and so the token or key) in its error.
        message = scrub(str(exc), (token, key))
        return FetchResult("error", http_status=exc.http_status, error=message, retry_after=exc.retry_after)
