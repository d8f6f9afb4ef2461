"""Bluesky as a source: the replies to an account's recent posts, as comments.

`url` is the account's author feed on the public AppView,
`https://public.api.bsky.app/xrpc/app.bsky.feed.getAuthorFeed?actor=HANDLE` (a
handle or a DID). The feed is read newest first, following `cursor`, up to
`MAX_POSTS` of the account's own thread-starting posts (reposts, pins seen twice
and replies in others' threads left out) and never beyond the request budget,
keeping one request per post for its `app.bsky.feed.getPostThread`. Every reply
in the thread, to any depth (`depth` is asked at the API's maximum), is a
comment; deleted (`#notFoundPost`) and blocked (`#blockedPost`) nodes are passed
over, and so are their replies, which the API does not show.

As with Mastodon, the replies of the recent posts are the whole feed: a reply
deleted on Bluesky goes from the cache at the next sync (unless the request
budget cut the window short). Read-only: the AppView needs no login, and
Bluesky's API lets an account hide replies only in its own threads through a
threadgate record written with the account's login, which clp-tui does not hold;
decisions are recorded locally. The author is the handle (unique, and what
Bluesky's moderation names); the free-text display name stands in only when the
AppView sends no handle, the DID when it sends neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from clp_tui.data.fetch import FetchResult
from clp_tui.data.fetch_errors import FetchError
from clp_tui.data.sources.call import SourceCall, shown
from clp_tui.data.sources.document import comment_item
from clp_tui.data.sources.social import MAX_POSTS, first_line, query_of, said, wait_until

LABEL = "Bluesky"
PAGE_SIZE = 50
THREAD_DEPTH = 1000  # the lexicon's largest `depth`: replies to any practical depth
_POST = "app.bsky.feed.defs#threadViewPost"
_REPOST = "app.bsky.feed.defs#reasonRepost"


def explain(status: int, doc: Any, headers: Mapping[str, str]) -> FetchError:
    """An XRPC error (`{"error": "Name", "message": "…"}`) as one line."""
    name = said(doc.get("error"), 60) if isinstance(doc, dict) else ""
    message = said(doc.get("message")) if isinstance(doc, dict) else ""
    words = ": ".join(w for w in (name, message) if w)
    detail = f"HTTP {status}: {words}" if words else f"HTTP {status}"
    if status == 429 or name == "RateLimitExceeded":
        return FetchError(
            f"{LABEL}: too many requests ({detail}); backing off until the rate limit resets",
            http_status=429,
            retry_after=wait_until(headers.get("ratelimit-reset"), headers),
        )
    if status in (401, 403):
        return FetchError(
            f"{LABEL}: the request was refused ({detail}); the public AppView needs no token, "
            "so remove token_env or renew it",
            http_status=status,
        )
    if status == 400 and name in ("InvalidRequest", "NotFound", "BlockedActor", "BlockedByActor"):
        return FetchError(
            f"{LABEL}: {detail}; check the actor (a handle such as name.bsky.social, or a DID) in the url",
            http_status=status,
        )
    if status == 503:
        return FetchError(
            f"{LABEL}: the AppView is unavailable ({detail}); will try again later",
            http_status=status,
            retry_after=wait_until(None, headers),
        )
    if status >= 500:
        return FetchError(f"{LABEL}: the AppView failed ({detail}); try again later", http_status=status)
    return FetchError(f"{LABEL} answered {detail}", http_status=status)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _is_actor(author: dict[str, Any], actor: str) -> bool:
    return actor.lower() in ((_str(author.get("handle")) or "").lower(), _str(author.get("did")) or "")


def _own_post(entry: Any, actor: str) -> dict[str, Any] | None:
    """The post of a feed entry if the account wrote it and it starts a thread."""
    entry = _dict(entry)
    post = _dict(entry.get("post"))
    if _dict(entry.get("reason")).get("$type") == _REPOST or not _str(post.get("uri")):
        return None
    if not _is_actor(_dict(post.get("author")), actor) or _dict(post.get("record")).get("reply"):
        return None
    return post


async def _recent_posts(call: SourceCall, actor: str) -> tuple[list[dict[str, Any]], bool]:
    """The account's recent own posts, newest first, and whether their replies make a
    whole snapshot (False: the request budget cut the window short)."""
    have = query_of(call.feed.url)
    extra = {k: v for k, v in (("limit", PAGE_SIZE), ("filter", "posts_no_replies")) if k not in have}
    posts: list[dict[str, Any]] = []
    seen: set[str] = set()
    cursor: str | None = None
    while True:
        page = await call.get_json(call.feed.url, {**extra, "cursor": cursor}, explain=explain)
        feed = page.get("feed") if isinstance(page, dict) else None
        if not isinstance(feed, list):
            raise FetchError(f"{LABEL}: {shown(call.feed.url)} did not answer with a feed (a malformed page)")
        for entry in feed:
            post = _own_post(entry, actor)
            if post is not None and post["uri"] not in seen:
                seen.add(post["uri"])
                posts.append(post)
        next_cursor = _str(page.get("cursor"))
        if not feed or next_cursor is None or next_cursor == cursor:
            break
        cursor = next_cursor
        if len(posts) >= MAX_POSTS:
            return posts[:MAX_POSTS], True
        if len(posts) >= call.requests_left - 1:  # another page, and one request per post
            return posts[: call.requests_left], False
    if len(posts) > MAX_POSTS:
        return posts[:MAX_POSTS], True
    if len(posts) > call.requests_left:
        return posts[: call.requests_left], False
    return posts, True


def _replies(thread: dict[str, Any]) -> list[dict[str, Any]]:
    """Every reply post under a thread node, to any depth, parents before children
    (walked with a stack: a deep thread must not exhaust Python's recursion)."""
    found: list[dict[str, Any]] = []
    stack = list(reversed(thread.get("replies") or [])) if isinstance(thread.get("replies"), list) else []
    while stack:
        node = _dict(stack.pop())
        if node.get("$type", _POST) != _POST or not _dict(node.get("post")):
            continue  # a deleted or blocked reply (its own replies are not shown either)
        found.append(node["post"])
        children = node.get("replies")
        if isinstance(children, list):
            stack.extend(reversed(children))
    return found


def _web_url(post: dict[str, Any]) -> str | None:
    uri = _str(post.get("uri")) or ""
    author = _dict(post.get("author"))
    who = _str(author.get("handle")) or _str(author.get("did"))
    rkey = uri.rsplit("/", 1)[-1] if uri.startswith("at://") else None
    return f"https://bsky.app/profile/{who}/post/{rkey}" if who and rkey else None


def _item(post: dict[str, Any], *, channel: str, root: str, title: str | None) -> dict[str, Any] | None:
    uri = _str(post.get("uri"))
    if uri is None:
        return None
    author = _dict(post.get("author"))
    record = _dict(post.get("record"))
    text = record.get("text")
    return comment_item(
        item_id=uri,
        text=text if isinstance(text, str) else "",
        author=_str(author.get("handle")) or _str(author.get("displayName")) or _str(author.get("did")),
        published=_str(record.get("createdAt")),
        platform="bluesky",
        channel=channel,
        thread_id=root,
        thread_title=title,
        in_reply_to=_str(_dict(_dict(record.get("reply")).get("parent")).get("uri")),
        url=_web_url(post),
    )


async def read(call: SourceCall) -> FetchResult:
    actor = query_of(call.feed.url).get("actor", "").strip()
    if not actor:
        raise FetchError(f"{LABEL}: the url has no actor=HANDLE (…/app.bsky.feed.getAuthorFeed?actor=name.bsky.social)")
    posts, whole = await _recent_posts(call, actor)
    parts = urlsplit(call.feed.url)
    thread_url = urlunsplit((parts.scheme, parts.netloc, "/xrpc/app.bsky.feed.getPostThread", "", ""))
    items: list[dict[str, Any]] = []
    taken: set[str] = set()
    for post in posts:
        params = {"uri": post["uri"], "depth": THREAD_DEPTH, "parentHeight": 0}
        try:
            doc = await call.get_json(thread_url, params, explain=explain)
        except FetchError as exc:
            if exc.http_status == 400 and "NotFound" in str(exc):  # deleted since the feed was read
                continue
            raise
        thread = doc.get("thread") if isinstance(doc, dict) else None
        if not isinstance(thread, dict):
            raise FetchError(f"{LABEL}: the thread of {post['uri']} is not a thread (a malformed page)")
        if thread.get("$type", _POST) != _POST:
            continue  # the post itself is gone or blocked
        root = _dict(thread.get("post"))
        title = first_line(_dict(root.get("record")).get("text") or _dict(post.get("record")).get("text"))
        for reply in _replies(thread):
            item = _item(reply, channel=actor, root=post["uri"], title=title)
            if item is not None and item["id"] not in taken:
                taken.add(item["id"])
                items.append(item)
    page = call.page(f"{actor} on {LABEL}", items, complete=whole)
    return FetchResult("ok", pages=[page], http_status=200)
