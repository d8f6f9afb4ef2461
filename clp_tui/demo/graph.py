"""The demo's Facebook Page, answered the way the Graph API answers: the fictional
CLP's Facebook comments served as a Page's posts and each post's comments, so the
`facebook` source reads them as it would read a real Page.

Only what the demo needs: one page of posts, each post's comments in one page
(`filter=stream` order, oldest first), no paging cursors, no token check. It
applies moderation too, so a new user watches a hide reach the Page: `POST
/vNN.N/{comment-id}` with `is_hidden=true|false` changes what later reads say
(`is_hidden`), and `GET /vNN.N/{comment-id}` reads one comment back.
"""

from __future__ import annotations

import json
import re
from typing import Any

from clp_tui.demo.world import DemoWorld

API_VERSION = "v21.0"
PAGE_ID = "104857600123"
PAGE_NAME = "Fernbridge Labour"
_PATH = re.compile(rf"{API_VERSION}/([^/]+)/(posts|comments)")
_NODE = re.compile(rf"{API_VERSION}/({PAGE_ID}_[^/]+_[^/]+)")


def graph_time(stamp: str | None) -> str | None:
    """2026-11-23T02:21:28Z as Graph writes it: 2026-11-23T02:21:28+0000."""
    return stamp.replace("Z", "+0000") if stamp else None


class DemoGraph:
    """Graph-shaped answers from the demo world's Facebook comments."""

    def __init__(self, world: DemoWorld) -> None:
        self.world = world
        self.hidden: dict[str, bool] = {}  # comment id -> is_hidden, as officers' decisions set it
        self.moderated: list[tuple[str, bool]] = []  # every hide (True) or unhide received, in order

    def moderate(self, name: str, form: dict[str, str]) -> bytes | None:
        """`POST v21.0/COMMENT_ID` with is_hidden=true|false: `{"success": true}` (None: no such comment)."""
        match = _NODE.fullmatch(name)
        value = form.get("is_hidden")
        if match is None or value not in ("true", "false") or self._find(match.group(1)) is None:
            return None
        self.hidden[match.group(1)] = value == "true"
        self.moderated.append((match.group(1), value == "true"))
        return json.dumps({"success": True}).encode()

    def _find(self, comment_id: str) -> dict[str, Any] | None:
        post, _, item = comment_id.rpartition("_")
        return next(
            (c for c in self.facebook_comments() if f"{PAGE_ID}_{c['_clp']['thread_id']}" == post and c["id"] == item),
            None,
        )

    def facebook_comments(self) -> list[dict[str, Any]]:
        items = self.world.feed("comments")["items"]
        return [i for i in items if i.get("_clp", {}).get("platform") == "facebook"]

    def answer(self, name: str) -> bytes | None:
        """The JSON for a request path like `v21.0/PAGE_ID/posts` (None: not a Graph path)."""
        node = _NODE.fullmatch(name)
        if node is not None and (found := self._find(node.group(1))) is not None:
            post = node.group(1).rpartition("_")[0]
            return json.dumps(self._comment(post, found, self.hidden)).encode()
        match = _PATH.fullmatch(name)
        if match is None:
            return None
        node, edge = match.groups()
        comments = self.facebook_comments()
        if edge == "posts" and node == PAGE_ID:
            threads: dict[str, dict[str, Any]] = {}
            for c in comments:
                ext = c["_clp"]
                first = threads.setdefault(ext["thread_id"], {"title": ext.get("thread_title"), "at": None})
                first["at"] = min(filter(None, (first["at"], c.get("date_published"))), default=None)
            data = [
                {
                    "id": f"{PAGE_ID}_{tid}",
                    "message": t["title"],
                    "created_time": graph_time(t["at"]),
                    "from": {"id": PAGE_ID, "name": PAGE_NAME},
                }
                for tid, t in sorted(threads.items())
            ]
            return json.dumps({"data": data}).encode()
        if edge == "comments" and node.startswith(f"{PAGE_ID}_"):
            thread = node.removeprefix(f"{PAGE_ID}_")
            mine = sorted((c for c in comments if c["_clp"]["thread_id"] == thread), key=lambda c: c["id"])
            return json.dumps({"data": [self._comment(node, c, self.hidden) for c in mine]}).encode()
        return None

    @staticmethod
    def _comment(post: str, c: dict[str, Any], hidden: dict[str, bool]) -> dict[str, Any]:
        author = (c.get("authors") or [{}])[0]
        parent = c["_clp"].get("in_reply_to")
        comment_id = f"{post}_{c['id']}"
        out: dict[str, Any] = {
            "id": comment_id,
            "from": {"id": author.get("url", "").rsplit("-", 1)[-1], "name": author.get("name")},
            "message": c.get("content_text", ""),
            "created_time": graph_time(c.get("date_published")),
            "permalink_url": f"https://www.facebook.com/{PAGE_ID}/posts/{post}?comment_id={c['id']}",
            "is_hidden": hidden.get(comment_id, c["_clp"].get("state") == "hidden"),
        }
        if parent:
            out["parent"] = {"id": f"{post}_{parent}"}
        return out
