"""YouTube as a source: every comment on a channel's videos, read from the YouTube
Data API v3 (`commentThreads.list` with `allThreadsRelatedToChannelId`).

`url` is `https://www.googleapis.com/youtube/v3/commentThreads?allThreadsRelatedToChannelId=CHANNEL_ID&part=snippet,replies`;
its own parameters are kept and `maxResults`, `textFormat=plainText` and `pageToken`
are added. Pages follow `nextPageToken` until there is none. A thread carries only
a few of its replies inline; when `totalReplyCount` says there are more, they are
read from `comments.list?parentId=THREAD_ID` (paged too). With `apply_decisions`
and an OAuth token, the threads held for review (`moderationStatus=heldForReview`)
are read too and marked hidden, so a comment the outbox held stays in the inbox
(top-level comments only: the API lists held threads, not held replies). Threads are read before
replies, so a short request budget spends itself on the comments first; when it
runs out, what was read is kept and the page is marked incomplete, so comments
not seen this time are not taken as deleted.

`token_env` holds an OAuth 2.0 access token (sent as a Bearer header by SourceCall),
`key_env` an API key (sent as `key=`): either reads. Errors become one line that
says what to do, never quoting the token, the key or a URL's query. Quota and rate
limits are raised as HTTP 429 so sync backs off.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

from clp_tui.data.fetch import FetchResult
from clp_tui.data.fetch_errors import FetchError
from clp_tui.data.fetch_retry import MAX_RETRY_AFTER, parse_retry_after
from clp_tui.data.sources.call import Explain, SourceCall
from clp_tui.data.sources.document import comment_item

PAGE_SIZE = 100  # the API's largest maxResults for both list methods
_QUOTA = frozenset({"quotaExceeded", "dailyLimitExceeded"})
_RATE = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_SCOPE = frozenset({"insufficientPermissions", "forbidden", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,60}")


def reason_of(doc: Any) -> str | None:
    """`error.errors[0].reason` of Google's error document (only if it is a plain word)."""
    error = doc.get("error") if isinstance(doc, dict) else None
    errors = error.get("errors") if isinstance(error, dict) else None
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    value = first.get("reason")
    return value if isinstance(value, str) and _WORD.fullmatch(value) else None


def until_quota_resets(now: float | None = None) -> float | None:
    """Seconds until the next midnight Pacific time, when YouTube's daily quota resets
    (clamped like a Retry-After), or None without the time-zone database."""
    try:
        from zoneinfo import ZoneInfo

        pacific = ZoneInfo("America/Los_Angeles")
    except Exception:  # noqa: BLE001 - no tz database: sync's own backoff applies
        return None
    today = dt.datetime.fromtimestamp(time.time() if now is None else now, pacific)
    midnight = dt.datetime.combine(today.date() + dt.timedelta(days=1), dt.time(), pacific)
    return min(max((midnight - today).total_seconds(), 60.0), MAX_RETRY_AFTER)


def explainer(call: SourceCall) -> Explain:
    """The one line for YouTube's error answers, naming the feed's env vars."""
    token_env = call.feed.token_env or "token_env"
    key_env = call.feed.key_env or "key_env"

    def explain(status: int, doc: Any, headers: Mapping[str, str]) -> FetchError:
        why = reason_of(doc)
        code = f"HTTP {status}" + (f" {why}" if why else "")
        if status == 401:
            return FetchError(
                f"YouTube refused the OAuth token ({code}): it expired or was revoked; "
                f"get a new access token and set it in {token_env}",
                http_status=401,
            )
        if status == 429 or (status == 403 and why in _QUOTA | _RATE):
            if why in _QUOTA:
                return FetchError(
                    f"YouTube: the project's daily API quota is used up ({code}); "
                    "it resets at midnight Pacific time; backing off until then",
                    http_status=429,
                    retry_after=until_quota_resets(),
                )
            return FetchError(
                f"YouTube says too many requests ({code}); backing off",
                http_status=429,
                retry_after=parse_retry_after(headers.get("retry-after")),
            )
        if status == 403 and why in _SCOPE:
            return FetchError(
                f"YouTube: the token lacks the permission ({code}): reading comments needs the "
                "youtube.readonly scope, moderating them youtube.force-ssl; authorise again with it",
                http_status=403,
            )
        if status == 403 and why == "commentsDisabled":
            return FetchError(f"YouTube: comments are turned off there ({code})", http_status=403)
        if status == 403:
            return FetchError(
                f"YouTube refused access ({code}): the channel's owner must authorise the token "
                "(youtube.readonly to read, youtube.force-ssl to moderate)",
                http_status=403,
            )
        if status == 400 and why in ("keyInvalid", "keyExpired"):
            return FetchError(f"YouTube refused the API key ({code}): set a valid key in {key_env}", http_status=400)
        if status == 400:
            return FetchError(
                f"YouTube refused the request ({code}): probably a wrong channel id or URL; url should be the "
                "commentThreads URL with allThreadsRelatedToChannelId=UC… and part=snippet,replies",
                http_status=400,
            )
        if status == 404:
            return FetchError(
                f"YouTube found no such channel or video ({code}): check the channel id in url", http_status=404
            )
        if status >= 500:
            return FetchError(
                f"YouTube had a server error ({code}); try again later",
                http_status=status,
                retry_after=parse_retry_after(headers.get("retry-after")) if status == 503 else None,
            )
        return FetchError(f"YouTube answered {code}", http_status=status)

    return explain


def _malformed(what: str) -> FetchError:
    return FetchError(f"YouTube: a page of {what} is not in the shape the API documents (a malformed page)")


def _items(doc: Any, what: str) -> tuple[list[dict[str, Any]], str | None]:
    """A list page's items and its nextPageToken, or a FetchError for anything else."""
    if not isinstance(doc, dict) or not isinstance(doc.get("items", []), list):
        raise _malformed(what)
    items = doc.get("items", [])
    if not all(isinstance(i, dict) and isinstance(i.get("id"), str) and i["id"] for i in items):
        raise _malformed(what)
    token = doc.get("nextPageToken")
    if token is not None and not isinstance(token, str):
        raise _malformed(what)
    return items, token or None


def _snippet(resource: dict[str, Any], what: str) -> dict[str, Any]:
    snippet = resource.get("snippet")
    if not isinstance(snippet, dict):
        raise _malformed(what)
    return snippet


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class _Reading:
    """Whether the read got to the end of every list (the request budget may cut it short)."""

    def __init__(self) -> None:
        self.whole = True


async def _pages(
    call: SourceCall, url: str, params: dict[str, Any], what: str, explain: Explain, reading: _Reading
) -> AsyncIterator[list[dict[str, Any]]]:
    """Each page's items, following nextPageToken, while the request budget lasts
    (when it runs out, `reading.whole` is set False and the pages stop)."""
    token: str | None = None
    seen: set[str] = set()
    while True:
        if call.requests_left <= 0:
            reading.whole = False
            return
        doc = await call.get_json(url, {**params, "pageToken": token}, explain=explain)
        items, token = _items(doc, what)
        yield items
        if token is None:
            return
        if token in seen:
            raise FetchError(f"YouTube: the {what} pages lead back to one already read (a paging loop)")
        seen.add(token)


def _list_url(feed_url: str, method: str) -> str:
    """The URL of another list method beside `commentThreads` (no query)."""
    parts = urlsplit(feed_url)
    base = parts.path.rsplit("/", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, f"{base}/{method}", "", ""))


def _extra(query: Mapping[str, list[str]]) -> dict[str, Any]:
    """maxResults and textFormat, unless the configured URL already sets them."""
    extra: dict[str, Any] = {}
    if "maxResults" not in query:
        extra["maxResults"] = PAGE_SIZE
    if "textFormat" not in query:
        extra["textFormat"] = "plainText"
    return extra


async def read(call: SourceCall) -> FetchResult:
    explain = explainer(call)
    if not (call.token or call.key):
        raise FetchError(
            f"YouTube needs an OAuth access token in {call.feed.token_env or 'token_env'} "
            f"or an API key in {call.feed.key_env or 'key_env'}; neither is set"
        )
    query = parse_qs(urlsplit(call.feed.url).query)
    channel = (query.get("allThreadsRelatedToChannelId") or query.get("channelId") or [""])[0]
    params = _extra(query)
    reading = _Reading()  # told to call.page at the end: SourceCall.page records completeness

    comments: dict[str, dict[str, Any]] = {}  # id -> item, in the order first seen
    threads: dict[str, tuple[str | None, str]] = {}  # thread id -> (videoId, channel)
    more: list[str] = []  # threads with replies beyond the inline ones

    # With apply_decisions (and an OAuth token, which alone may list them) the comments held
    # for review are read too, so a comment the outbox held stays in the inbox, as hidden.
    held_too = bool(call.feed.apply_decisions and call.token)
    shown = False if held_too else None  # a published comment's state, when known

    def add(
        resource: dict[str, Any], thread_id: str, video: str | None, where: str, *, reply: bool, hidden: bool | None
    ) -> None:
        snippet = _snippet(resource, where)
        comment_id = resource["id"]
        comments[comment_id] = comment_item(
            item_id=comment_id,
            text=_text(snippet.get("textOriginal")) or _text(snippet.get("textDisplay")),
            author=_text(snippet.get("authorDisplayName")),
            author_url=_text(snippet.get("authorChannelUrl")),
            published=_text(snippet.get("publishedAt")),
            modified=_text(snippet.get("updatedAt")),
            platform="youtube",
            channel=threads[thread_id][1],
            thread_id=thread_id,
            thread_title=f"video {video}" if video else "channel discussion",
            in_reply_to=(_text(snippet.get("parentId")) or thread_id) if reply else None,
            url=f"https://www.youtube.com/watch?v={quote(video, safe='')}&lc={quote(comment_id, safe='.')}"
            if video
            else None,
            hidden=hidden,
        )

    def take(thread: dict[str, Any], hidden: bool | None) -> None:
        snippet = _snippet(thread, "comment threads")
        top = snippet.get("topLevelComment")
        if not isinstance(top, dict) or not isinstance(top.get("id"), str) or not top["id"]:
            raise _malformed("comment threads")
        video = _text(snippet.get("videoId")) or _text(_snippet(top, "comment threads").get("videoId"))
        threads[thread["id"]] = (video, channel or _text(snippet.get("channelId")) or "youtube")
        add(top, thread["id"], video, "comment threads", reply=False, hidden=hidden)
        replies = thread.get("replies", {}).get("comments", []) if isinstance(thread.get("replies"), dict) else []
        if not isinstance(replies, list):
            raise _malformed("comment threads")
        for reply in replies:
            if not isinstance(reply, dict) or not isinstance(reply.get("id"), str) or not reply["id"]:
                raise _malformed("comment threads")
            add(reply, thread["id"], video, "comment threads", reply=True, hidden=shown)
        total = snippet.get("totalReplyCount")
        if isinstance(total, int) and total > len(replies):
            more.append(thread["id"])

    async for page in _pages(call, call.feed.url, params, "comment threads", explain, reading):
        for thread in page:
            take(thread, shown)
    if held_too:
        held = {**params, "moderationStatus": "heldForReview"}
        async for page in _pages(call, call.feed.url, held, "held comment threads", explain, reading):
            for thread in page:
                take(thread, True)

    replies_url = _list_url(call.feed.url, "comments")
    for thread_id in dict.fromkeys(more):
        if call.requests_left <= 0:
            reading.whole = False
            break
        reply_params = {"part": "snippet", "parentId": thread_id, **params}
        async for page in _pages(call, replies_url, reply_params, "replies", explain, reading):
            for reply in page:
                add(reply, thread_id, threads[thread_id][0], "replies", reply=True, hidden=shown)

    title = f"YouTube channel {channel}" if channel else "YouTube comments"
    pages = [call.page(title, list(comments.values()), complete=reading.whole)]
    return FetchResult("ok", pages=pages)
