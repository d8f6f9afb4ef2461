"""An Instagram professional account as a source: the comments (and their
replies) on the account's media, read through the Graph API with a token that
has instagram_basic and instagram_manage_comments (sent as a Bearer header).

`url` is `https://graph.facebook.com/vNN.N/IG_USER_ID/media`. Each media's
`…/vNN.N/MEDIA_ID/comments` gives the top-level comments with their `replies`
nested (paged like any Graph list). Every comment and reply becomes one item
(thread = the media, a reply's `in_reply_to` = its comment); a read that ran out
of request budget is marked incomplete so nothing unread is taken as deleted.
"""

from __future__ import annotations

from typing import Any

from clp_tui.data.fetch import FetchResult
from clp_tui.data.fetch_errors import FetchError
from clp_tui.data.sources.call import SourceCall
from clp_tui.data.sources.document import comment_item
from clp_tui.data.sources.graph import GraphReader, id_of, next_link, rfc3339, text_of, title_of

PERMISSIONS = ("instagram_basic", "instagram_manage_comments")
MEDIA_FIELDS = "id,caption,permalink,timestamp,username"
REPLY_FIELDS = "id,text,username,timestamp,hidden"
COMMENT_FIELDS = f"{REPLY_FIELDS},replies{{{REPLY_FIELDS}}}"
MEDIA_PER_PAGE = 25
COMMENTS_PER_PAGE = 50

# (media, comment, the comment it replies to or None)
Found = tuple[dict[str, Any], dict[str, Any], str | None]


async def read(call: SourceCall) -> FetchResult:
    reader = GraphReader(call, PERMISSIONS)
    user_id = user_id_of(call)
    username: str | None = None
    found: list[Found] = []
    async for media_page in reader.pages(call.feed.url, {"fields": MEDIA_FIELDS, "limit": MEDIA_PER_PAGE}):
        for media in media_page:
            media_id = id_of(media)
            if media_id is None:
                continue
            username = username or text_of(media.get("username"))
            params = {"fields": COMMENT_FIELDS, "limit": COMMENTS_PER_PAGE}
            async for comments in reader.pages(reader.node_url(media_id, "comments"), params):
                for comment in comments:
                    found.append((media, comment, None))
                    await replies_of(reader, media, comment, found)
            if not reader.complete:
                break
        if not reader.complete:
            break
    if not reader.complete and not found:
        raise reader.incomplete("comment")
    channel = username or user_id
    items = [item for media, c, parent in found if (item := comment_of(c, media, parent, channel))]
    page = call.page(f"Instagram {channel}", items, complete=reader.complete)
    return FetchResult("ok", pages=[page], http_status=200)


async def replies_of(reader: GraphReader, media: dict[str, Any], comment: dict[str, Any], found: list[Found]) -> None:
    """The replies nested in a comment, and any further pages of them."""
    parent = id_of(comment)
    replies = comment.get("replies")
    if parent is None or not isinstance(replies, dict):
        return
    first = replies.get("data")
    found.extend((media, r, parent) for r in (first if isinstance(first, list) else []) if isinstance(r, dict))
    more = next_link(replies, reader.call.feed.url)
    if more and first:
        async for page in reader.pages(more):
            found.extend((media, r, parent) for r in page)


def user_id_of(call: SourceCall) -> str:
    segments = [s for s in call.feed.url.split("?", 1)[0].split("/") if s]
    if len(segments) < 3 or segments[-1] != "media":
        raise FetchError(f"{call.label}: the feed's url must end in /vNN.N/IG_USER_ID/media (docs/sources.md)")
    return segments[-2]


def comment_of(c: dict[str, Any], media: dict[str, Any], parent: str | None, channel: str) -> dict[str, Any] | None:
    comment_id = id_of(c)
    if comment_id is None:
        return None
    hidden = c.get("hidden")
    return comment_item(
        item_id=comment_id,
        text=text_of(c.get("text")),
        author=text_of(c.get("username")),
        published=rfc3339(c.get("timestamp")),
        platform="instagram",
        channel=channel,
        thread_id=id_of(media),
        thread_title=title_of(media.get("caption")),
        in_reply_to=parent,
        url=text_of(media.get("permalink")),  # a comment has no page of its own: its post's
        hidden=hidden if isinstance(hidden, bool) else None,
    )
