"""Fetch a feed's pages over http(s) or from a file, within hard limits.

Limits that httpx does not give on its own are enforced here: a total deadline
per fetch (a server dripping a byte a second never ends otherwise), a cap on
the *decoded* size (we decompress ourselves, a bounded amount at a time, so a
gzip bomb is stopped at the cap), redirects followed by hand (at most five, no
loops, never https → http, held to the feed's origin and the hosts its config
lists, the token only ever sent to the feed's own origin), and `next_url` pages
(held the same way, bounded count, no loops). Paging is optional in JSON Feed: a
page that cannot be had (a refused link, a broken page) ends the read with a
note, the pages before it are kept, and the read counts as incomplete.

The `Fetcher` here drives a fetch; its parts live beside it: fetch_body.py (the
decoded, capped body), fetch_urls.py (origins, redaction, joining),
fetch_retry.py (Retry-After and backoff) and fetch_errors.py (`FetchError`).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

# httpx imports its own command-line client when click, pygments and rich are all
# installed, as they are here (rich is ours; click comes with textual-serve): ~40 ms
# of every `clp-tui sync` for code we never run. A module marked None in sys.modules
# cannot be imported, so httpx takes the fallback its __init__ has for that case.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx  # noqa: E402
import msgspec  # noqa: E402

from clp_tui.data.envelope import repair_surrogates  # noqa: E402
from clp_tui.data.fetch_body import CHUNK, BodyDecoder, read_file  # noqa: E402
from clp_tui.data.fetch_errors import FetchError, reason  # noqa: E402
from clp_tui.data.fetch_retry import parse_retry_after  # noqa: E402
from clp_tui.data.fetch_transport import LazyTLSTransport  # noqa: E402
from clp_tui.data.fetch_urls import Reach, join_url, origin, redact  # noqa: E402
from clp_tui.data.secrets import scrub  # noqa: E402

MAX_REDIRECTS = 5
USER_AGENT = "clp-tui/0.1 (+https://clp-tui.invalid/feeds)"


@dataclass(slots=True)
class Limits:
    connect_timeout: float = 10.0
    read_timeout: float = 15.0
    deadline: float = 60.0
    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 50
    # Not the fetch's, but carried with it to the parse (data/pages.py).
    max_items: int = 200_000
    parse_deadline: float = 60.0


@dataclass(slots=True)
class FetchResult:
    """What one fetch of one feed produced."""

    status: str  # "ok" | "not_modified" | "error"
    pages: list[bytes] = field(default_factory=list)
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    # Seconds until the server will talk to us again (429/503), already clamped.
    retry_after: float | None = None
    # Warnings about a read that otherwise went well (a platform read cut short, sheet
    # rows left out): sync reports them with the feed's problems.
    notes: list[str] = field(default_factory=list)
    # Every page was read: only then may a snapshot feed's missing items count as deleted.
    complete: bool = True


def validator(value: str | None) -> str | None:
    """An ETag or Last-Modified fit to store and send back: printable ASCII only. A server
    may send other bytes (HTTP allows them); kept, they could never be sent again."""
    if value and value.isascii() and value.isprintable() and len(value) <= 1024:
        return value
    return None


class _NextOnly(msgspec.Struct):
    version: str = ""
    next_url: str | None = None


_NEXT = msgspec.json.Decoder(_NextOnly)


def _local(url: str) -> Path:
    """The file a file: URL names, `..` and symbolic links resolved."""
    return Path(url2pathname(urlsplit(url).path)).resolve()


def _stopped(result: FetchResult, why: str) -> FetchResult:
    """The read ends early but keeps the pages it has: JSON Feed paging is optional."""
    result.notes.append(f"{why}; the pages before it were taken, and items the feed did not show are kept as they were")
    result.complete = False
    return result


class Fetcher:
    """One HTTP client shared by every feed of a sync."""

    def __init__(self, limits: Limits, client: httpx.AsyncClient | None = None):
        self.limits = limits
        self._own_client = client is None
        self.client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(
                connect=limits.connect_timeout,
                read=limits.read_timeout,
                write=limits.read_timeout,
                pool=limits.connect_timeout,
            ),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            trust_env=False,
            transport=LazyTLSTransport(),  # TLS set up at the first https:// URL (fetch_transport.py)
        )

    async def aclose(self) -> None:
        if self._own_client:
            await self.client.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def fetch(
        self,
        url: str,
        *,
        token: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        redirect_hosts: tuple[str, ...] = (),
        on_body: Callable[[], None] | None = None,
    ) -> FetchResult:
        """Fetch every page of the feed at `url` within the deadline. Never raises
        for network or server trouble: that is a FetchResult with status "error".
        `redirect_hosts`: hosts besides the feed's own its redirects and pages may reach.
        `on_body`: called once, when the first page has answered 200 and before its body
        is read (never on a 304), so the caller can start work that only a new body needs."""
        try:
            async with asyncio.timeout(self.limits.deadline):
                result = await self._fetch_pages(url, token, etag, last_modified, redirect_hosts, on_body)
                result.notes = [scrub(note, [token]) for note in result.notes]
                return result
        except TimeoutError:
            return FetchResult(
                "error", error=f"gave up after {self.limits.deadline:g} s (total deadline for one fetch)"
            )
        except FetchError as exc:
            # A hostile server may echo the token back (in a status line, a Location, a
            # next_url); the message is stored and printed, so the token must not be in it.
            return FetchResult(
                "error", http_status=exc.http_status, error=scrub(str(exc), [token]), retry_after=exc.retry_after
            )

    async def _fetch_pages(
        self,
        url: str,
        token: str | None,
        etag: str | None,
        last_modified: str | None,
        hosts: tuple[str, ...],
        on_body: Callable[[], None] | None,
    ) -> FetchResult:
        if token is not None and not (token.isascii() and token.isprintable()):
            # httpx would fail with the header value (the token) in its message, or
            # raise UnicodeEncodeError past every handler; say so without showing it.
            raise FetchError(
                "the feed's token has characters an HTTP header cannot carry "
                "(a line break or a non-ASCII letter?); check its token_env variable"
            )
        url = join_url("", url, "the feed URL")
        scheme = urlsplit(url).scheme.lower()
        feed_origin = origin(url)
        reach = Reach.of(url, hosts)
        result = FetchResult("ok")
        budget = self.limits.max_bytes
        visited: set[str] = set()
        page_url: str | None = url
        while page_url is not None:
            if page_url in visited:
                return _stopped(result, f"next_url loops back to {redact(page_url)}")
            if len(visited) >= self.limits.max_pages:
                return _stopped(result, f"more than {self.limits.max_pages} pages ([network] max_pages)")
            visited.add(page_url)
            first = len(visited) == 1
            try:
                if scheme == "file":
                    status, body, headers = await read_file(
                        page_url, budget, self.limits.max_bytes, etag if first else None, on_body if first else None
                    )
                else:
                    status, body, headers = await self._get(
                        page_url,
                        token if origin(page_url) == feed_origin else None,
                        feed_origin,
                        reach,
                        budget,
                        etag if first else None,
                        last_modified if first else None,
                        on_body if first else None,
                    )
            except FetchError as exc:
                if first:
                    raise
                return _stopped(result, f"page {len(visited)} could not be read: {exc}")
            if first:
                result.http_status = status
                result.etag = validator(headers.get("etag"))
                result.last_modified = validator(headers.get("last-modified"))
                if status == 304:
                    result.status = "not_modified"
                    result.etag = result.etag or etag
                    result.last_modified = result.last_modified or last_modified
                    return result
            budget -= len(body)
            result.pages.append(body)
            try:
                page_url = self._next_url(body, page_url, scheme, reach, url)
            except FetchError as exc:
                return _stopped(result, str(exc))
        return result

    @staticmethod
    def _next_url(body: bytes, base: str, scheme: str, reach: Reach, feed_url: str) -> str | None:
        body = body.removeprefix(b"\xef\xbb\xbf")
        try:
            page = _NEXT.decode(body)
        except msgspec.DecodeError:
            try:  # perhaps a lone surrogate escape, which the parser reads as U+FFFD
                page = _NEXT.decode(repair_surrogates(body)[0])
            except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, UnicodeDecodeError):
                return None  # the parser will say what is wrong with this page
        except (msgspec.ValidationError, RecursionError, UnicodeDecodeError):
            return None
        if not page.next_url or not page.version.strip().startswith("https://jsonfeed.org/version/1"):
            return None  # no more pages, or a page the parser will refuse: fetch no more
        absolute = join_url(base, page.next_url, "next_url")
        if urlsplit(absolute).scheme.lower() != scheme:
            raise FetchError(f"next_url {redact(absolute)} changes the scheme from {scheme}; not followed")
        if scheme != "file" and (why := reach.refusal(absolute)):
            raise FetchError(f"next_url {redact(absolute)} refused: {why}")
        if scheme == "file" and not _local(absolute).is_relative_to(_local(feed_url).parent):
            raise FetchError(f"next_url {redact(absolute)} refused: a file feed's pages must be in its own folder")
        return absolute

    async def _get(
        self,
        url: str,
        token: str | None,
        feed_origin: tuple[str, str, int | None],
        reach: Reach,
        budget: int,
        etag: str | None,
        last_modified: str | None,
        on_body: Callable[[], None] | None,
    ) -> tuple[int, bytes, dict[str, str]]:
        headers = {"Accept": "application/feed+json, application/json;q=0.9, */*;q=0.1"}
        if validator(etag):
            headers["If-None-Match"] = etag  # type: ignore[assignment]
        if validator(last_modified):
            headers["If-Modified-Since"] = last_modified  # type: ignore[assignment]
        return await self.exchange(
            "GET",
            url,
            token=token,
            token_origin=feed_origin,
            budget=budget,
            headers=headers,
            reach=reach,
            on_body=on_body,
        )

    async def exchange(
        self,
        method: str,
        url: str,
        *,
        token: str | None,
        token_origin: tuple[str, str, int | None],
        budget: int,
        headers: dict[str, str] | None = None,
        data: dict[str, str] | None = None,
        error_bodies: bool = False,
        stay_on: tuple[str, str, int | None] | None = None,
        reach: Reach | None = None,
        on_body: Callable[[], None] | None = None,
    ) -> tuple[int, bytes, dict[str, str]]:
        """One request, redirects followed by hand, the body read within `budget`. The
        token goes as a Bearer header to `token_origin` only, never after a redirect
        elsewhere. Any status but 200, 204 and 304 is a FetchError, unless `error_bodies`
        (a platform API whose errors say, in JSON, what went wrong): then it is returned.
        `stay_on`: an origin no redirect may leave (a platform's API); `reach`: where a
        feed's redirects may lead. Never from https to plain http. `on_body`: called
        when the answer is a 200, before its body is read."""
        seen = {url}
        for _hop in range(MAX_REDIRECTS + 1):
            sent = {"Accept-Encoding": "gzip, deflate", **(headers or {})}
            if token and origin(url) == token_origin:
                sent["Authorization"] = f"Bearer {token}"
            try:
                request = self.client.build_request(method, url, headers=sent, data=data)
                response = await self.client.send(request, stream=True)
            except httpx.TimeoutException as exc:
                raise FetchError(f"timed out talking to {redact(url)} ({type(exc).__name__})") from None
            except (httpx.HTTPError, httpx.InvalidURL, UnicodeError) as exc:  # UnicodeError: a bad IDNA host
                raise FetchError(f"could not reach {redact(url)}: {reason(exc)}") from None
            try:
                status = response.status_code
                if status in (301, 302, 303, 307, 308) and method == "GET":
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"HTTP {status} redirect without a Location from {redact(url)}")
                    target = join_url(url, location, f"HTTP {status} redirect to")
                    if urlsplit(target).scheme.lower() not in ("http", "https"):
                        raise FetchError(f"redirect to {redact(target)} refused: not http(s)")
                    if target in seen:
                        raise FetchError(f"redirect loop at {redact(target)}")
                    if urlsplit(url).scheme.lower() == "https" and urlsplit(target).scheme.lower() != "https":
                        raise FetchError(f"redirect to {redact(target)} refused: it would leave https for plain http")
                    if stay_on is not None and origin(target) != stay_on:
                        raise FetchError(f"a redirect to another site ({redact(target)}) refused")
                    if reach is not None and (why := reach.refusal(target)):
                        raise FetchError(f"redirect to {redact(target)} refused: {why}")
                    seen.add(target)
                    url = target
                    continue
                if status in (204, 304):
                    return status, b"", dict(response.headers)
                if status != 200 and not error_bodies:
                    retry = None
                    if status in (429, 503):
                        retry = parse_retry_after(response.headers.get("retry-after"))
                    phrase = response.reason_phrase or ""
                    raise FetchError(
                        f"HTTP {status} {phrase} from {redact(url)}".replace("  ", " "),
                        http_status=status,
                        retry_after=retry,
                    )
                if status == 200 and on_body is not None:
                    on_body()
                body = await self._read_body(response, budget)
                return status, body, dict(response.headers)
            finally:
                await response.aclose()
        raise FetchError(f"more than {MAX_REDIRECTS} redirects from {redact(url)}")

    async def _read_body(self, response: httpx.Response, budget: int) -> bytes:
        length = response.headers.get("content-length")
        if length and length.isdigit() and int(length) > budget:
            what = "the feed" if budget == self.limits.max_bytes else "with the pages before it, the feed"
            raise FetchError(
                f"{what} is over the {self.limits.max_bytes:,}-byte cap ({int(length):,} bytes more); not downloaded"
            )
        decoder = BodyDecoder(response.headers.get("content-encoding", ""), budget)
        try:
            async for chunk in response.aiter_raw(CHUNK):
                decoder.feed(chunk)
        except FetchError as exc:
            if "size cap" in str(exc):
                raise FetchError(
                    f"the feed is over the {self.limits.max_bytes:,}-byte cap (after decompression); cut off"
                ) from None
            raise
        except httpx.TimeoutException:
            raise FetchError(f"timed out reading from {redact(str(response.url))}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"connection failed while reading: {reason(exc)}") from None
        return decoder.finish()
