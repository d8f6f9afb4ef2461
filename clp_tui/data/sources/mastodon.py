"""Mastodon as a source: the replies to an account's recent posts, as comments.

`url` is the account's timeline, `https://INSTANCE/api/v1/accounts/ACCOUNT_ID/statuses`
(the id is a number; `/api/v1/accounts/lookup?acct=NAME` gives it). The timeline
is read newest first, page by page through the `Link: <…>; rel="next"` header, up
to `MAX_POSTS` of the account's own posts (boosts and replies to others left out)
and never beyond the request budget, keeping one request per post for its
`/api/v1/statuses/ID/context`, whose `descendants` (replies, and replies to
replies) are the comments.

The comments of those posts are the whole feed (a snapshot): a reply deleted on
Mastodon goes from the cache at the next sync, and so do the replies of a post
that has dropped out of the recent window (those with a decision are archived).
Only when the request budget (`[network] max_pages`) cuts the window short is the
read incomplete, and then nothing is taken as deleted.

Public posts need no token; a configured one goes as a Bearer header to the
instance only. The author is `account.acct` (`name` for a local account,
`name@instance` for a remote one): unique and what a report names, where the
display name is free text anyone can set to look like someone else; the display
name stands in only when an instance sends no acct.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from clp_tui.data.fetch import FetchResult
from clp_tui.data.fetch_errors import FetchError
from clp_tui.data.html_text import html_to_text
from clp_tui.data.sources.call import SourceCall, shown
from clp_tui.data.sources.document import comment_item
from clp_tui.data.sources.social import MAX_POSTS, first_line, query_of, said, wait_until

LABEL = "Mastodon"
PAGE_SIZE = 40  # the API's largest `limit` for an account's statuses
_LINK = re.compile(r"<([^>]*)>([^<]*)")
_REL_NEXT = re.compile(r""";\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?""", re.IGNORECASE)


def explain(status: int, doc: Any, headers: Mapping[str, str]) -> FetchError:
    """Mastodon's error (`{"error": "…"}`) as one line."""
    words = said(doc.get("error")) if isinstance(doc, dict) else ""
    detail = f"HTTP {status}: {words}" if words else f"HTTP {status}"
    if status == 401:
        return FetchError(
            f"{LABEL}: the access token was refused ({detail}); renew the token in token_env, "
            "or remove token_env to read public posts",
            http_status=status,
        )
    if status == 403:
        return FetchError(
            f"{LABEL}: not allowed to read this ({detail}); the token needs the read:statuses scope, "
            "or the instance shows this account to signed-in users only",
            http_status=status,
        )
    if status == 404:
        return FetchError(
            f"{LABEL}: no such account or post ({detail}); check the account id in the url "
            "(a number: /api/v1/accounts/lookup?acct=NAME gives it)",
            http_status=status,
        )
    if status == 429:
        return FetchError(
            f"{LABEL}: too many requests ({detail}); backing off until the rate limit resets",
            http_status=429,
            retry_after=wait_until(headers.get("x-ratelimit-reset"), headers),
        )
    if status == 503:
        return FetchError(
            f"{LABEL}: the instance is unavailable ({detail}); will try again later",
            http_status=status,
            retry_after=wait_until(None, headers),
        )
    if status >= 500:
        return FetchError(f"{LABEL}: the instance failed ({detail}); try again later", http_status=status)
    return FetchError(f"{LABEL} answered {detail}", http_status=status)


def next_link(header: str | None, base: str) -> str | None:
    """The `rel="next"` target of a Link header, made absolute."""
    for target, params in _LINK.findall(header or ""):
        if _REL_NEXT.search(params):
            return urljoin(base, target.strip())
    return None


def _own_post(status: Any) -> bool:
    """A status the account wrote itself, starting a thread (no boost, no reply)."""
    return (
        isinstance(status, dict)
        and isinstance(status.get("id"), str | int)
        and status.get("reblog") is None
        and status.get("in_reply_to_id") is None
    )


async def _recent_posts(call: SourceCall) -> tuple[list[dict[str, Any]], bool]:
    """The account's recent own posts, newest first, and whether their replies make a
    whole snapshot: True when the timeline ended or `MAX_POSTS` were reached, False
    when the request budget cut the window short (then nothing is taken as deleted)."""
    have = query_of(call.feed.url)
    extra = {"limit": PAGE_SIZE, "exclude_reblogs": "true", "exclude_replies": "true"}
    url: str | None = call.feed.url
    params: dict[str, Any] | None = {k: v for k, v in extra.items() if k not in have}
    posts: list[dict[str, Any]] = []
    seen: set[str] = set()
    while url is not None:
        page, headers = await call.get_json_with_headers(url, params, explain=explain)
        if not isinstance(page, list):
            raise FetchError(f"{LABEL}: {shown(url)} did not answer with a list of posts (a malformed page)")
        for status in page:
            if _own_post(status) and str(status["id"]) not in seen:
                seen.add(str(status["id"]))
                posts.append(status)
        url, params = (next_link(headers.get("link"), url) if page else None), None
        if len(posts) >= MAX_POSTS:
            return posts[:MAX_POSTS], True
        # Each post costs one request for its replies; another page costs one more.
        if url is not None and len(posts) >= call.requests_left - 1:
            return posts[: call.requests_left], False
    if len(posts) > call.requests_left:
        return posts[: call.requests_left], False
    return posts, True


def _author(account: Any) -> tuple[str | None, str | None]:
    if not isinstance(account, dict):
        return None, None
    name = account.get("acct") or account.get("username") or account.get("display_name")
    url = account.get("url")
    return (name if isinstance(name, str) else None), (url if isinstance(url, str) else None)


def _text(status: dict[str, Any]) -> str:
    content = status.get("content")
    return html_to_text(content) if isinstance(content, str) else ""


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    return str(value) if isinstance(value, str | int) else None


async def read(call: SourceCall) -> FetchResult:
    posts, whole = await _recent_posts(call)
    parts = urlsplit(call.feed.url)
    api = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    items: list[dict[str, Any]] = []
    taken: set[str] = set()
    channel: str | None = None
    for post in posts:
        post_id = str(post["id"])
        channel = channel or _author(post.get("account"))[0]
        try:
            context = await call.get_json(f"{api}/api/v1/statuses/{post_id}/context", explain=explain)
        except FetchError as exc:
            if exc.http_status == 404:  # deleted since the timeline was read: no replies left
                continue
            raise
        replies = context.get("descendants") if isinstance(context, dict) else None
        if not isinstance(replies, list):
            raise FetchError(f"{LABEL}: the replies of post {post_id} are not a list (a malformed page)")
        title = first_line(_text(post)) or first_line(post.get("spoiler_text") or "")
        for reply in replies:
            reply_id = _str(reply.get("id")) if isinstance(reply, dict) else None
            if reply_id is None or reply_id in taken:
                continue
            taken.add(reply_id)
            author, author_url = _author(reply.get("account"))
            items.append(
                comment_item(
                    item_id=reply_id,
                    text=_text(reply),
                    author=author,
                    author_url=author_url,
                    published=_str(reply.get("created_at")),
                    modified=_str(reply.get("edited_at")),
                    platform="mastodon",
                    channel=channel or call.feed.name,
                    thread_id=post_id,
                    thread_title=title,
                    in_reply_to=_str(reply.get("in_reply_to_id")),
                    url=_str(reply.get("url")) or _str(reply.get("uri")),
                )
            )
    title = f"{channel or call.feed.name} on {LABEL}"
    return FetchResult("ok", pages=[call.page(title, items, complete=whole)], http_status=200)
