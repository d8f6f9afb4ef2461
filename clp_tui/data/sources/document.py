"""What adapters write: the platform's items as a JSON Feed page in our contract,
so the one parser validates and stores every source alike."""

from __future__ import annotations

import json
from typing import Any

JSONFEED = "https://jsonfeed.org/version/1.1"


def comment_item(
    *,
    item_id: str,
    text: str | None,
    author: str | None,
    published: str | None,
    platform: str,
    channel: str,
    thread_id: str | None,
    thread_title: str | None = None,
    in_reply_to: str | None = None,
    url: str | None = None,
    author_url: str | None = None,
    hidden: bool | None = None,
    modified: str | None = None,
) -> dict[str, Any]:
    """A comment as a JSON Feed item with its `_clp` (None fields left out)."""
    ext = {
        "type": "comment",
        "platform": platform,
        "channel": channel,
        "thread_id": thread_id,
        "thread_title": thread_title,
        "in_reply_to": in_reply_to,
        "state": None if hidden is None else ("hidden" if hidden else "visible"),
    }
    item: dict[str, Any] = {
        "id": item_id,
        "url": url,
        "content_text": text if text is not None else "",
        "date_published": published,
        "date_modified": modified,
        "authors": [{k: v for k, v in (("name", author), ("url", author_url)) if v}] if author or author_url else None,
        "_clp": {k: v for k, v in ext.items() if v is not None},
    }
    return {k: v for k, v in item.items() if v is not None}


def feed_page(title: str, items: list[dict[str, Any]], *, complete: bool) -> bytes:
    """One JSON Feed page. `complete`: every item the platform has is here, so one
    missing since the last sync was deleted there (a snapshot feed)."""
    doc: dict[str, Any] = {"version": JSONFEED, "title": title, "items": items}
    if complete:
        doc["_clp"] = {"snapshot": True}
    return json.dumps(doc, ensure_ascii=False).encode()
