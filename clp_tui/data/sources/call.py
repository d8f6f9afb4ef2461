"""One sync's reading of one platform: what an adapter is handed, and the one way
it asks the platform's API for a page.

Every request keeps the fetcher's guarantees: the total deadline (around the
whole read), the decoded-size cap (shared by every page of the read), a budget
of requests per sync (`[network] max_pages`), the token sent only to the API's
own origin as a Bearer header (never in a URL, so never in a stored link),
plain http only to loopback addresses (local bridges and tests), and errors in
one line that never carries the token or the key.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import msgspec

from clp_tui.config import FeedConfig
from clp_tui.data.fetch import Fetcher
from clp_tui.data.fetch_errors import FetchError
from clp_tui.data.fetch_urls import origin
from clp_tui.data.sources.document import feed_page

# An adapter's reading of a platform's own error document: a FetchError to raise.
Explain = Callable[[int, Any, Mapping[str, str]], FetchError]


def shown(url: str) -> str:
    """A URL fit for a message: no query (it may hold a key or a cursor), kept short."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    text = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return text if len(text) <= 100 else text[:99] + "…"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def with_params(url: str, params: Mapping[str, Any] | None) -> str:
    """`url` with `params` added to its query (values already in the URL are kept)."""
    if not params:
        return url
    parts = urlsplit(url)
    extra = urlencode([(k, v) for k, v in params.items() if v is not None], doseq=True)
    return urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))


def generic_explain(label: str) -> Explain:
    def explain(status: int, doc: Any, headers: Mapping[str, str]) -> FetchError:
        if status == 429:
            return FetchError(f"{label} says too many requests (HTTP 429); backing off", http_status=429)
        return FetchError(f"{label} answered HTTP {status}", http_status=status)

    return explain


@dataclass
class SourceCall:
    """What an adapter gets: the feed's settings, its secrets, its limits and the fetcher."""

    fetcher: Fetcher
    feed: FeedConfig
    label: str  # the platform's name, for messages
    token: str | None = None
    key: str | None = None  # an API key sent as `key=` (YouTube read-only)
    etag: str | None = None
    last_modified: str | None = None
    requests_left: int = 50
    bytes_left: int = 20 * 1024 * 1024
    complete: bool = True  # every page was read (else items not seen are not taken as deleted)
    _decoder: msgspec.json.Decoder[Any] = field(default_factory=msgspec.json.Decoder)

    @property
    def api_origin(self) -> tuple[str, str, int | None]:
        return origin(self.feed.url)

    def check_url(self, url: str) -> None:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(f"{self.label}: {shown(url)} is not an https:// URL")
        if scheme == "http" and not is_loopback(parts.hostname or ""):
            raise FetchError(f"{self.label}: plain http is allowed only to this machine (loopback); use https://")
        if origin(url) != self.api_origin:
            raise FetchError(f"{self.label}: a page link leads to another site ({shown(url)}); refused")

    async def get_json(self, url: str, params: Mapping[str, Any] | None = None, *, explain: Explain) -> Any:
        """One page of the API as JSON; the platform's own errors through `explain`."""
        doc, _ = await self.get_json_with_headers(url, params, explain=explain)
        return doc

    async def get_json_with_headers(
        self, url: str, params: Mapping[str, Any] | None = None, *, explain: Explain
    ) -> tuple[Any, Mapping[str, str]]:
        if self.key:
            params = {**(params or {}), "key": self.key}
        target = with_params(url, params)
        self.check_url(target)
        if self.requests_left <= 0:
            raise FetchError(
                f"{self.label}: more than {self.feed_budget} requests in one sync; stopped "
                "(raise [network] max_pages, or sync more often)"
            )
        self.requests_left -= 1
        status, body, headers = await self.fetcher.exchange(
            "GET",
            target,
            token=self.token,
            token_origin=self.api_origin,
            budget=self.bytes_left,
            headers={"Accept": "application/json"},
            error_bodies=True,
            stay_on=self.api_origin,
        )
        self.bytes_left -= len(body)
        try:
            doc = self._decoder.decode(body) if body else None
        except (msgspec.DecodeError, RecursionError):
            doc = None
            if status == 200:
                raise FetchError(
                    f"{self.label}: a page from {shown(target)} is not valid JSON (a malformed page)"
                ) from None
        if status != 200:
            raise explain(status, doc, {k.lower(): v for k, v in headers.items()})
        return doc, {k.lower(): v for k, v in headers.items()}

    def page(self, title: str, items: list[dict[str, Any]], *, complete: bool) -> bytes:
        """The read's items as one JSON Feed page (document.feed_page), remembering whether
        the read was complete, so a read cut short is told to the officer."""
        self.complete = self.complete and complete
        return feed_page(title, items, complete=complete)

    @property
    def feed_budget(self) -> int:
        return self.fetcher.limits.max_pages
