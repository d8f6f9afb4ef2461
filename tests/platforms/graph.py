"""A loopback fake of Meta's Graph API for one Facebook Page and one Instagram
professional account, written from the Graph API reference (the `/comments` edge,
IG Media and IG Comment, paging, error handling), with fictional data of our own.

What it answers (the version segment is any `vNN.N`):

- `GET /vX/{page-id}/posts`: the Page's posts, newest first.
- `GET /vX/{post-id}/comments`: top-level comments only, unless `filter=stream`,
  which lists every comment and reply flat, each reply naming its `parent`.
- `GET /vX/{ig-user-id}/media` and `GET /vX/{media-id}/comments`: media, and their
  top-level comments with a nested `replies` edge (itself paged, continued at
  `GET /vX/{ig-comment-id}/replies`).
- `GET /vX/{comment-id}?fields=…`: one comment (`is_hidden` on Facebook, `hidden` on
  Instagram among its fields).
- `POST /vX/{comment-id}` with `is_hidden=true|false` (Facebook) or `hide=true|false`
  (Instagram): `{"success": true}`.

Every list pages by cursor (`paging.cursors.before/after`, `paging.next`) with a
small page size, and returns only the `fields` asked for. The token must come as
a Bearer header: an unknown or expired one gets the code 190 document, one without
the permission the request needs gets code 200 (`TOKENS` grants them).
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from platforms.api_server import Answer, ApiRequest, PlatformServer

PAGE_ID = "1234"
PAGE_NAME = "Riverside & Dale Labour"
IG_USER = "17841400000000001"
IG_USERNAME = "riversidedalelabour"
IG_POST = "18000000000000101"  # the media with replies (three, so they page)
IG_ASKED = "17900000000000202"  # the comment they answer

# Tokens the fake knows, and the permissions each was granted.
FB_TOKEN = "EAAGfake-page-token-7c1d0e"
IG_TOKEN = "IGQfake-ig-token-22b9aa"
NARROW_TOKEN = "EAAGfake-narrow-token-91f3"  # no read permissions at all
EXPIRED_TOKEN = "EAAGfake-expired-token-0d0d"
TOKENS = {
    FB_TOKEN: frozenset({"pages_read_engagement", "pages_read_user_content", "pages_manage_engagement"}),
    IG_TOKEN: frozenset({"instagram_basic", "instagram_manage_comments", "pages_read_engagement"}),
    NARROW_TOKEN: frozenset({"pages_show_list"}),
}

_PATH = re.compile(r"^/(v\d+\.\d+)/([^/]+)(?:/([a-z_]+))?$")


@dataclass
class Comment:
    id: str
    on: str  # the post's or media's id
    text: str
    author: str  # a Facebook name, or an Instagram username
    created: str  # Graph's form: 2026-11-20T18:30:00+0000
    parent: str | None = None
    hidden: bool = False


@dataclass
class Post:
    id: str
    text: str
    created: str
    instagram: bool = False


def graph_error(code: int, message: str, subcode: int | None = None, kind: str = "OAuthException") -> dict[str, Any]:
    """Graph's error document."""
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGhIjK"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


EXPIRED = graph_error(190, "Error validating access token: Session has expired on Sunday, 22-Nov-26.", 463)
INVALID = graph_error(190, "Invalid OAuth access token - Cannot parse access token")
RATE_LIMITS = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
}


@dataclass
class GraphWorld:
    """The Page and the Instagram account; tests change it between syncs."""

    posts: list[Post] = field(default_factory=list)
    comments: dict[str, Comment] = field(default_factory=dict)

    def add(self, comment: Comment) -> Comment:
        self.comments[comment.id] = comment
        return comment

    def of(self, node: str) -> list[Comment]:
        return sorted((c for c in self.comments.values() if c.on == node), key=lambda c: (c.created, c.id))


def at(day_time: str) -> str:
    """`11-19 10:02` as Graph writes a time in our year: 2026-11-19T10:02:00+0000."""
    day, time = day_time.split()
    return f"2026-{day}T{time}:00+0000"


# (id, post or media, text, author, when, replying to, hidden)
_COMMENTS = [
    ("5002_7001", "1234_5002", "I'll be there, what should I bring?", "Sam Okafor", "11-19 10:02", None, False),
    ("5002_7002", "1234_5002", "Comfy shoes and a water bottle!", PAGE_NAME, "11-19 10:30", "5002_7001", False),
    ("5002_7003", "1234_5002", "Which streets are you covering?", "Jo Tran", "11-19 11:00", None, False),
    ("5002_7004", "1234_5002", "buy cheap followers at totally-legit.example", "Spam Account", "11-19 11:05", None, True),
    ("5002_7005", "1234_5002", "North side of the canal, then Elm Street.", "Priya Shah", "11-19 12:40", "5002_7003", False),
    ("5003_7101", "1234_5003", 'Great night — "proper" debate 🌹\n<b>thanks</b> & well done', "Alex Byrne", "11-21 21:00", None, False),
    ("5003_7102", "1234_5003", "Agreed, best hustings in years.", "Morgan Lee", "11-21 21:20", "5003_7101", False),
    ("17900000000000201", IG_POST, "See you there 👋", "dale_resident", "11-20 12:30", None, False),
    ("17900000000000202", IG_POST, "What time do you pack up?", "canal_walker", "11-20 12:45", None, False),
    ("17900000000000203", IG_POST, "Around 3pm!", IG_USERNAME, "11-20 13:00", IG_ASKED, False),
    ("17900000000000204", IG_POST, "Thanks, on my way", "canal_walker", "11-20 13:10", IG_ASKED, False),
    ("17900000000000205", IG_POST, "Me too", "north_bank_nan", "11-20 13:20", IG_ASKED, False),
    ("17900000000000206", IG_POST, "follow me for prizes!!!", "prize_bot_99", "11-20 14:00", None, True),
    ("17900000000000207", "18000000000000102", "Good luck in May", "millbrook_mo", "11-21 16:30", None, False),
]  # fmt: skip


def default_world() -> GraphWorld:
    """A fictional CLP's Facebook Page (three posts) and Instagram account (three media)."""
    world = GraphWorld(
        posts=[
            Post("1234_5003", "Thank you to all who came to the Dale Road hustings.", at("11-21 20:15")),
            Post("1234_5002", "Canvassing this Saturday in Northbank!\nMeet at the library, 10am.", at("11-19 09:00")),
            Post("1234_5001", "Our winter food bank drive starts today.", at("11-17 08:30")),
            Post(IG_POST, "Street stall at Millbrook market\n#labour #millbrook", at("11-20 12:00"), True),
            Post("18000000000000102", "Meet our candidate for Dale ward.", at("11-21 16:00"), True),
            Post("18000000000000103", "Photos from Saturday's ward surgery", at("11-22 10:00"), True),
        ]
    )
    for comment_id, on, text, author, when, parent, hidden in _COMMENTS:
        world.add(Comment(comment_id, on, text, author, at(when), parent, hidden))
    return world


class GraphServer(PlatformServer):
    def __init__(self, world: GraphWorld | None = None, page_size: int = 2) -> None:
        super().__init__()
        self.world = world or default_world()
        self.page_size = page_size
        self.expired = {EXPIRED_TOKEN}

    # -- routing ------------------------------------------------------------------------

    def handle(self, request: ApiRequest) -> Answer:
        match = _PATH.match(request.path)
        if not match:
            return Answer(400, graph_error(2500, "Unknown path components", kind="OAuthException"))
        _version, node, edge = match.groups()
        posts = {p.id: p for p in self.world.posts}
        comment = self.world.comments.get(node)
        if request.method == "POST" and edge is None and comment is not None:
            return self._moderate(request, comment, posts[comment.on].instagram)
        if request.method != "GET":
            return self._unsupported(request.method, node)
        if node == PAGE_ID and edge == "posts":
            rows = [self._post(p) for p in self.world.posts if not p.instagram]
            return self._list(request, "pages_read_engagement", rows)
        if node == IG_USER and edge == "media":
            rows = [self._media(p) for p in self.world.posts if p.instagram]
            return self._list(request, "instagram_basic", rows)
        if node in posts and edge == "comments" and not posts[node].instagram:
            stream = request.query.get("filter") == "stream"
            rows = [self._fb(c) for c in self.world.of(node) if stream or c.parent is None]
            return self._list(request, "pages_read_user_content", rows)
        if node in posts and edge == "comments":
            rows = [self._ig(c, request) for c in self.world.of(node) if c.parent is None]
            return self._list(request, "instagram_manage_comments", rows)
        if comment is not None and edge is None:  # one comment, e.g. ?fields=id,is_hidden
            instagram = posts[comment.on].instagram
            row = self._ig(comment) if instagram else self._fb(comment)
            refused = self._refusal(request, "instagram_basic" if instagram else "pages_read_user_content")
            return refused or Answer(200, project(row, parse_fields(request.query.get("fields", "id")), request))
        if comment is not None and edge == "replies":
            rows = [self._ig(c) for c in self._replies(comment)]
            return self._list(request, "instagram_manage_comments", rows)
        return self._unsupported("GET", node)

    def _unsupported(self, method: str, node: str) -> Answer:
        text = f"Unsupported {method.lower()} request. Object with ID '{node}' does not exist"
        return Answer(400, graph_error(100, text, 33, kind="GraphMethodException"))

    def _refusal(self, request: ApiRequest, permission: str) -> Answer | None:
        token = request.bearer
        if token is None:
            return Answer(400, graph_error(104, "An access token is required to request this resource."))
        if token in self.expired:
            return Answer(400, EXPIRED)
        if token not in TOKENS:
            return Answer(400, INVALID)
        if permission not in TOKENS[token]:
            text = f"(#200) This endpoint requires the '{permission}' permission"
            return Answer(403, graph_error(200, text, kind="OAuthException"))
        return None

    # -- lists and paging ---------------------------------------------------------------

    def _list(self, request: ApiRequest, permission: str, rows: list[dict[str, Any]]) -> Answer:
        refused = self._refusal(request, permission)
        if refused:
            return refused
        size = min(int(request.query.get("limit") or self.page_size), self.page_size)
        start = _uncursor(request.query["after"]) + 1 if request.query.get("after") else 0
        chunk = rows[start : start + size]
        fields = parse_fields(request.query.get("fields", "id"))
        body: dict[str, Any] = {"data": [project(r, fields, request) for r in chunk]}
        if chunk:
            end = start + len(chunk) - 1
            body["paging"] = {"cursors": {"before": _cursor(start), "after": _cursor(end)}}
            if end + 1 < len(rows):
                query = {k: v for k, v in request.query.items() if k != "after"}
                body["paging"]["next"] = self.url(f"{request.path}?{urlencode({**query, 'after': _cursor(end)})}")
        return Answer(200, body)

    def _replies(self, comment: Comment) -> list[Comment]:
        return [c for c in self.world.of(comment.on) if c.parent == comment.id]

    # -- the objects, as Graph shows them ---------------------------------------------------

    def _post(self, post: Post) -> dict[str, Any]:
        short = post.id.split("_")[-1]
        return {
            "id": post.id,
            "message": post.text,
            "created_time": post.created,
            "permalink_url": f"https://www.facebook.com/riversidedalelabour/posts/{short}",
            "from": {"id": PAGE_ID, "name": PAGE_NAME},
        }

    def _media(self, post: Post) -> dict[str, Any]:
        return {
            "id": post.id,
            "caption": post.text,
            "permalink": f"https://www.instagram.com/p/RD{post.id[-4:]}/",
            "timestamp": post.created,
            "username": IG_USERNAME,
            "media_type": "IMAGE",
        }

    def _fb(self, c: Comment) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": c.id,
            "from": {"id": str(zlib.crc32(c.author.encode())), "name": c.author},
            "message": c.text,
            "created_time": c.created,
            "permalink_url": f"https://www.facebook.com/riversidedalelabour/posts/{c.on.split('_')[-1]}"
            f"?comment_id={c.id.split('_')[-1]}",
            "is_hidden": c.hidden,
        }
        if c.parent:
            row["parent"] = {"id": c.parent, "created_time": self.world.comments[c.parent].created}
        return row

    def _ig(self, c: Comment, request: ApiRequest | None = None) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": c.id,
            "text": c.text,
            "username": c.author,
            "timestamp": c.created,
            "hidden": c.hidden,
            "like_count": 0,
        }
        if c.parent:
            row["parent_id"] = c.parent
        elif request is not None:
            row["replies"] = self._nested(request, c)
        return row

    def _nested(self, request: ApiRequest, c: Comment) -> dict[str, Any]:
        """The `replies` edge inside a comment: its first page, continued at /{comment-id}/replies."""
        replies = self._replies(c)
        sub = parse_fields(request.query.get("fields", "id")).get("replies") or {"id": None}
        chunk = replies[: self.page_size]
        edge: dict[str, Any] = {"data": [project(self._ig(r), sub, request) for r in chunk]}
        if chunk:
            edge["paging"] = {"cursors": {"before": _cursor(0), "after": _cursor(len(chunk) - 1)}}
            if len(replies) > len(chunk):
                query = {"fields": _unparse(sub), "limit": str(self.page_size), "after": _cursor(len(chunk) - 1)}
                version = request.path.split("/")[1]
                edge["paging"]["next"] = self.url(f"/{version}/{c.id}/replies?{urlencode(query)}")
        return edge

    # -- moderation -------------------------------------------------------------------------

    def _moderate(self, request: ApiRequest, comment: Comment, instagram: bool) -> Answer:
        name, permission = (
            ("hide", "instagram_manage_comments") if instagram else ("is_hidden", "pages_manage_engagement")
        )
        refused = self._refusal(request, permission)
        if refused:
            return refused
        value = request.form.get(name, request.query.get(name))
        if value not in ("true", "false", True, False):
            return Answer(400, graph_error(100, f"(#100) The parameter {name} is required", kind="OAuthException"))
        comment.hidden = value in ("true", True)
        return Answer(200, {"success": True})


def parse_fields(text: str) -> dict[str, Any]:
    """`id,from{id,name},message` as {"id": None, "from": {"id": None, "name": None}, ...}."""
    fields, _ = _parse(text, 0)
    return fields


def _parse(text: str, at: int) -> tuple[dict[str, Any], int]:
    fields: dict[str, Any] = {}
    name = ""
    while at < len(text):
        char = text[at]
        if char == "{":
            fields[name.strip()], at = _parse(text, at + 1)
            name = ""
        elif char == "}":
            break
        elif char == ",":
            if name.strip():
                fields[name.strip()] = None
            name = ""
        else:
            name += char
        at += 1
    if name.strip():
        fields[name.strip()] = None
    return fields, at


def _unparse(fields: dict[str, Any]) -> str:
    return ",".join(k if v is None else f"{k}{{{_unparse(v)}}}" for k, v in fields.items())


def project(row: dict[str, Any], fields: dict[str, Any], request: ApiRequest) -> dict[str, Any]:
    """Only the fields asked for (Graph always gives `id`)."""
    out: dict[str, Any] = {"id": row["id"]}
    for name, sub in fields.items():
        if name not in row:
            continue
        value = row[name]
        if sub and isinstance(value, dict) and "data" not in value:
            value = {k: v for k, v in value.items() if k in sub}
        out[name] = value
    return out


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"cursor:{index}".encode()).decode().rstrip("=")


def _uncursor(cursor: str) -> int:
    padded = cursor + "=" * (-len(cursor) % 4)
    return int(base64.urlsafe_b64decode(padded).decode().split(":", 1)[1])
