"""A Facebook Page as a source: the comments on the Page's posts, read through
the Graph API with a Page access token (sent as a Bearer header, never in a URL).

`url` is `https://graph.facebook.com/vNN.N/PAGE_ID/posts`. Each post's comments
come from `…/vNN.N/POST_ID/comments?filter=stream`, which lists replies flat
beside top-level comments, each naming its `parent`. Every comment becomes one
item (thread = the post); a read that ran out of request budget is marked
incomplete so comments it did not reach are not taken as deleted.
"""

from __future__ import annotations

from typing import Any

from clp_tui.data.fetch import FetchResult
from clp_tui.data.fetch_errors import FetchError
from clp_tui.data.sources.call import SourceCall
from clp_tui.data.sources.document import comment_item
from clp_tui.data.sources.graph import GraphReader, id_of, rfc3339, text_of, title_of

PERMISSIONS = ("pages_read_engagement", "pages_read_user_content")
POST_FIELDS = "id,message,created_time,permalink_url,from{id,name}"
COMMENT_FIELDS = "id,from{id,name},message,created_time,parent{id},permalink_url,is_hidden"
POSTS_PER_PAGE = 25
COMMENTS_PER_PAGE = 100


async def read(call: SourceCall) -> FetchResult:
    reader = GraphReader(call, PERMISSIONS)
    page_id = page_id_of(call)
    page_name: str | None = None
    found: list[tuple[str, str | None, dict[str, Any]]] = []  # (post id, thread title, comment)
    async for posts in reader.pages(call.feed.url, {"fields": POST_FIELDS, "limit": POSTS_PER_PAGE}):
        for post in posts:
            post_id = id_of(post)
            if post_id is None:
                continue
            page_name = page_name or author_name(post)
            title = title_of(post.get("message"))
            params = {"filter": "stream", "fields": COMMENT_FIELDS, "limit": COMMENTS_PER_PAGE}
            async for comments in reader.pages(reader.node_url(post_id, "comments"), params):
                found.extend((post_id, title, c) for c in comments)
            if not reader.complete:
                break
        if not reader.complete:
            break
    if not reader.complete and not found:
        raise reader.incomplete("comment")
    channel = page_name or page_id
    items = [item for post_id, title, c in found if (item := comment_of(c, post_id, title, channel))]
    page = call.page(f"Facebook Page {channel}", items, complete=reader.complete)
    return FetchResult("ok", pages=[page], http_status=200)


def page_id_of(call: SourceCall) -> str:
    segments = [s for s in call.feed.url.split("?", 1)[0].split("/") if s]
    if len(segments) < 3 or segments[-1] != "posts":
        raise FetchError(f"{call.label}: the feed's url must end in /vNN.N/PAGE_ID/posts (docs/sources.md)")
    return segments[-2]


def author_name(row: dict[str, Any]) -> str | None:
    who = row.get("from")
    return text_of(who.get("name")) if isinstance(who, dict) else None


def comment_of(c: dict[str, Any], post_id: str, title: str | None, channel: str) -> dict[str, Any] | None:
    comment_id = id_of(c)
    if comment_id is None:
        return None  # Graph leaves ids out for tokens that cannot moderate the Page
    parent = c.get("parent")
    hidden = c.get("is_hidden")
    return comment_item(
        item_id=comment_id,
        text=text_of(c.get("message")),
        author=author_name(c),
        published=rfc3339(c.get("created_time")),
        platform="facebook",
        channel=channel,
        thread_id=post_id,
        thread_title=title,
        in_reply_to=id_of(parent) if isinstance(parent, dict) else None,
        url=text_of(c.get("permalink_url")),
        hidden=hidden if isinstance(hidden, bool) else None,
    )
