"""A loopback Bluesky AppView for tests: the two XRPC queries clp-tui uses, written
from the app.bsky lexicons and Bluesky's API reference with our own data.

- `GET /xrpc/app.bsky.feed.getAuthorFeed`: `actor` (handle or DID), `limit`
  (default 50, 1..100; `page_size` caps it lower for paging tests), `cursor`
  (opaque; absent from the last page), `filter` (`posts_with_replies` by default,
  or `posts_no_replies`). Entries are `{"post": PostView}`, a repost also carrying
  `"reason": {"$type": "app.bsky.feed.defs#reasonRepost", ...}`. An unknown actor
  is `400 {"error": "InvalidRequest", "message": "Profile not found"}`.
- `GET /xrpc/app.bsky.feed.getPostThread`: `uri`, `depth` (default 6),
  `parentHeight`; `{"thread": threadViewPost}` whose `replies` nest to `depth`.
  A reply marked deleted shows as `#notFoundPost`, one marked blocked as
  `#blockedPost` (neither with replies). An unknown uri is `400 NotFound`.

Answers carry the `ratelimit-limit/-remaining/-reset/-policy` headers the AppView sends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from platforms.api_server import Answer, ApiRequest, PlatformServer

DEFS = "app.bsky.feed.defs"
RESET = "1795435500"  # Unix seconds, as ratelimit-reset is


class BlueskyServer(PlatformServer):
    """Holds profiles and posts; tests add, edit, delete or block them between syncs."""

    def __init__(self, page_size: int = 50) -> None:
        super().__init__()
        self.page_size = page_size
        self.profiles: dict[str, dict[str, Any]] = {}  # by handle
        self.posts: dict[str, dict[str, Any]] = {}  # PostView by uri, in creation order
        self.reposts: list[tuple[str, str]] = []  # (by handle, uri)
        self.gone: set[str] = set()  # uris shown as notFoundPost
        self.blocked: set[str] = set()  # uris shown as blockedPost
        self._seq = 0

    def add_profile(self, handle: str, display_name: str = "") -> dict[str, Any]:
        did = f"did:plc:{handle.split('.')[0].ljust(8, 'x')[:24]}"
        self.profiles[handle] = {"did": did, "handle": handle, "displayName": display_name, "labels": []}
        return self.profiles[handle]

    def post(self, by: str, text: str, *, reply_to: str | None = None) -> str:
        """A new post by `by` (a reply when `reply_to` is a post's uri); returns its at:// uri."""
        self._seq += 1
        author = self.profiles[by]
        rkey = f"3lb{self._seq:010d}"
        uri = f"at://{author['did']}/app.bsky.feed.post/{rkey}"
        created = (dt.datetime(2026, 11, 20, tzinfo=dt.UTC) + dt.timedelta(minutes=self._seq)).isoformat()
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": created[:-6] + ".000Z"}
        if reply_to is not None:
            parent = self.posts[reply_to]
            root = parent["record"].get("reply", {}).get("root") or {"uri": parent["uri"], "cid": parent["cid"]}
            record["reply"] = {"root": root, "parent": {"uri": parent["uri"], "cid": parent["cid"]}}
            parent["replyCount"] += 1
        self.posts[uri] = {
            "uri": uri,
            "cid": f"bafyrei{self._seq:020d}",
            "author": author,
            "record": record,
            "replyCount": 0,
            "repostCount": 0,
            "likeCount": 0,
            "indexedAt": record["createdAt"],
            "labels": [],
        }
        return uri

    def edit(self, uri: str, text: str) -> None:
        self.posts[uri]["record"]["text"] = text

    def delete(self, uri: str) -> None:
        del self.posts[uri]

    # -- the API ---------------------------------------------------------------------

    def handle(self, request: ApiRequest) -> Answer:
        headers = {
            "ratelimit-limit": "3000",
            "ratelimit-remaining": "2999",
            "ratelimit-reset": RESET,
            "ratelimit-policy": "3000;w=300",
        }
        if request.method == "GET" and request.path == "/xrpc/app.bsky.feed.getAuthorFeed":
            answer = self._author_feed(request.query)
        elif request.method == "GET" and request.path == "/xrpc/app.bsky.feed.getPostThread":
            answer = self._post_thread(request.query)
        else:
            answer = Answer(501, {"error": "MethodNotImplemented", "message": "Method Not Implemented"})
        answer.headers = {**headers, **answer.headers}
        return answer

    def _profile(self, actor: str) -> dict[str, Any] | None:
        return next((p for p in self.profiles.values() if actor in (p["handle"], p["did"])), None)

    def _author_feed(self, q: dict[str, str]) -> Answer:
        profile = self._profile(q.get("actor", ""))
        if profile is None:
            return Answer(400, {"error": "InvalidRequest", "message": "Profile not found"})
        entries: list[dict[str, Any]] = [
            {"post": p} for p in self.posts.values() if p["author"]["did"] == profile["did"]
        ]
        if q.get("filter") == "posts_no_replies":
            entries = [e for e in entries if "reply" not in e["post"]["record"]]
        for by, uri in self.reposts:
            if by == profile["handle"] and uri in self.posts:
                reason = {"$type": f"{DEFS}#reasonRepost", "by": profile, "indexedAt": self.posts[uri]["indexedAt"]}
                entries.append({"post": self.posts[uri], "reason": reason})
        entries.reverse()  # newest first
        start = int(q["cursor"].removeprefix("c")) if q.get("cursor") else 0
        limit = min(max(int(q.get("limit") or 50), 1), 100, self.page_size)
        page = entries[start : start + limit]
        body: dict[str, Any] = {"feed": page}
        if start + limit < len(entries):
            body["cursor"] = f"c{start + limit}"
        return Answer(200, body)

    def _node(self, uri: str, depth: int) -> dict[str, Any]:
        if uri in self.gone:
            return {"$type": f"{DEFS}#notFoundPost", "uri": uri, "notFound": True}
        post = self.posts[uri]
        if uri in self.blocked:
            author = {"did": post["author"]["did"], "viewer": {"blockedBy": True}}
            return {"$type": f"{DEFS}#blockedPost", "uri": uri, "blocked": True, "author": author}
        node: dict[str, Any] = {"$type": f"{DEFS}#threadViewPost", "post": post}
        if depth > 0:
            children = [
                u for u, p in self.posts.items() if p["record"].get("reply", {}).get("parent", {}).get("uri") == uri
            ]
            node["replies"] = [self._node(u, depth - 1) for u in children]
        return node

    def _post_thread(self, q: dict[str, str]) -> Answer:
        uri = q.get("uri", "")
        if uri not in self.posts:
            return Answer(400, {"error": "NotFound", "message": f"Post not found: {uri}"})
        depth = min(max(int(q.get("depth") or 6), 0), 1000)
        return Answer(200, {"thread": self._node(uri, depth)})
