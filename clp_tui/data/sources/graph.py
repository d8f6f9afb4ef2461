"""What the Facebook and Instagram sources share: Meta's Graph API.

- `graph_explain`: Graph's error document (`{"error": {"message", "type", "code",
  "error_subcode", "fbtrace_id"}}`) read into one clear line: an expired token
  (190) says to make a new one and which variable to put it in; a missing
  permission (10, 200-299) names the permissions the source needs; the rate limits
  (4, 17, 32, 613, the 80000s and HTTP 429) become an HTTP 429 FetchError so sync
  backs off; a 5xx says the platform failed.
- `GraphReader.pages`: cursor paging by `paging.next` until it is absent. Each
  request counts against the sync's request budget; when that runs out the reader
  stops, keeps what it read and says it is not `complete` (so comments not seen are
  not taken as deleted).

Nothing here puts the token in a URL (SourceCall sends it as a Bearer header), and
messages show URLs without their query.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from clp_tui.data.fetch_errors import FetchError
from clp_tui.data.fetch_retry import parse_retry_after
from clp_tui.data.sources.call import Explain, SourceCall, shown

# Graph's throttling codes: app, user, Page and custom rate limits, and the
# business-use-case limits (80001 Pages, 80002 Instagram, ...).
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80000, 80015)})
# Graph's "temporary, try again" codes (unknown error, service down).
TEMPORARY_CODES = frozenset({1, 2})
TITLE_LENGTH = 80


def graph_explain(label: str, token_env: str | None, permissions: tuple[str, ...]) -> Explain:
    """An `Explain` for a Graph source whose reading needs `permissions`."""
    where = f"set it in {token_env}" if token_env else "set token_env in the feed's config and put it there"

    def explain(status: int, doc: Any, headers: Mapping[str, str]) -> FetchError:
        error = doc.get("error") if isinstance(doc, dict) else None
        error = error if isinstance(error, dict) else {}
        code = error.get("code") if isinstance(error.get("code"), int) else None
        sub = error.get("error_subcode") if isinstance(error.get("error_subcode"), int) else None
        said = f"Graph error {code}" + (f"/{sub}" if sub else "") if code is not None else f"HTTP {status}"
        if code == 190:
            what = "has expired" if sub == 463 else "is not valid (expired, revoked or mistyped)"
            return FetchError(f"{label}: the access token {what} ({said}); make a new token and {where}", status)
        if code == 10 or (code is not None and 200 <= code <= 299):
            needed = " and ".join(permissions)
            return FetchError(
                f"{label}: the token lacks a permission ({said}); it needs {needed}: make a new token with them and "
                f"{where}",
                status,
            )
        if status == 429 or code in RATE_LIMIT_CODES:
            wait = retry_after(headers)
            when = f"; next try in {wait:.0f} s" if wait else ""
            return FetchError(f"{label}: rate limit reached ({said}); backing off{when}", 429, retry_after=wait)
        if status >= 500 or code in TEMPORARY_CODES:
            also = f", HTTP {status}" if code is not None else ""
            return FetchError(f"{label}: the platform failed ({said}{also}); try again later", status)
        message = error.get("message")
        detail = f": {one_line(message, 120)}" if isinstance(message, str) and message.strip() else ""
        return FetchError(f"{label}: the request was refused (HTTP {status}, {said}){detail}", status)

    return explain


def retry_after(headers: Mapping[str, str]) -> float | None:
    """How long Graph asked us to wait: Retry-After, else the business-use-case
    usage header's `estimated_time_to_regain_access` (minutes)."""
    wait = parse_retry_after(headers.get("retry-after"))
    if wait is not None:
        return wait
    try:
        usage = json.loads(headers.get("x-business-use-case-usage") or "{}")
        minutes = max(
            (
                float(entry.get("estimated_time_to_regain_access") or 0)
                for entries in usage.values()
                for entry in entries
                if isinstance(entry, dict)
            ),
            default=0.0,
        )
    except (ValueError, TypeError, AttributeError):
        return None
    return parse_retry_after(str(minutes * 60)) if minutes > 0 else None


class GraphReader:
    """Reads one Graph source's lists, page by page, within the sync's request budget."""

    def __init__(self, call: SourceCall, permissions: tuple[str, ...]) -> None:
        self.call = call
        self.explain = graph_explain(call.label, call.feed.token_env, permissions)
        self.complete = True  # every list was read to its end
        call.check_url(call.feed.url)  # plain http only to loopback, before anything else
        if not call.token:
            raise FetchError(
                f"{call.label}: no access token; "
                + (
                    f"set {call.feed.token_env} to one with {' and '.join(permissions)}"
                    if call.feed.token_env
                    else "add token_env to the feed's config and set that variable"
                )
            )

    def node_url(self, node_id: str, edge: str) -> str:
        """`…/vNN.N/NODE/EDGE` beside the feed's URL (the id made safe for a path)."""
        parts = urlsplit(self.call.feed.url)
        root = parts.path.rstrip("/").rsplit("/", 2)[0]
        path = f"{root}/{quote(node_id, safe='')}/{edge}"
        return urlunsplit((parts.scheme, parts.netloc, path, "", ""))

    async def pages(self, url: str, params: Mapping[str, Any] | None = None) -> AsyncIterator[list[dict[str, Any]]]:
        """Each page's `data` from `url` on, following `paging.next` until absent.
        Stops early (and sets `complete` False) when the request budget runs out."""
        target: str | None = url
        seen: set[str] = set()
        while target:
            if self.call.requests_left <= 0:
                self.complete = False
                return
            doc = await self.call.get_json(target, params, explain=self.explain)
            data, following = self.page_of(doc, target)
            params = None  # a next link carries every parameter itself
            seen.add(target)
            if following in seen:
                raise FetchError(f"{self.call.label}: paging from {shown(target)} goes round in a circle; stopped")
            yield data
            target = following if data else None

    def page_of(self, doc: Any, url: str) -> tuple[list[dict[str, Any]], str | None]:
        """A Graph list page's rows and its next link (made absolute, any access_token dropped)."""
        data = doc.get("data") if isinstance(doc, dict) else None
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise FetchError(f"{self.call.label}: a page from {shown(url)} is not a Graph list (a malformed page)")
        return data, next_link(doc, url)

    def incomplete(self, what: str) -> FetchError:
        return FetchError(
            f"{self.call.label}: the request budget ([network] max_pages = {self.call.feed_budget}) ran out "
            f"before any {what} was read; raise it"
        )


def next_link(doc: Any, base: str) -> str | None:
    """`paging.next` of a Graph list (or a nested edge), absolute, without access_token."""
    paging = doc.get("paging") if isinstance(doc, dict) else None
    link = paging.get("next") if isinstance(paging, dict) else None
    if not isinstance(link, str) or not link:
        return None
    parts = urlsplit(urljoin(base, link))
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def rfc3339(value: Any) -> str | None:
    """Graph's `2026-11-20T18:30:00+0000` as `2026-11-20T18:30:00Z` (else as given)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return value  # the parser says what is wrong with it
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def one_line(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def title_of(text: Any) -> str | None:
    """A post's or caption's first non-empty line, shortened for a thread title."""
    if not isinstance(text, str):
        return None
    for line in text.splitlines():
        if line.strip():
            return one_line(line, TITLE_LENGTH)
    return None


def text_of(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def id_of(row: Mapping[str, Any]) -> str | None:
    value = row.get("id")
    return str(value) if isinstance(value, (str, int)) and str(value) else None
