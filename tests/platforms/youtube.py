"""A loopback fake of the YouTube Data API v3, as far as clp-tui uses it.

Written from the API reference, with fictional videos and comments:

- `GET /youtube/v3/commentThreads?allThreadsRelatedToChannelId=…&part=snippet,replies`
  pages of threads (`nextPageToken` / `pageToken`); a thread's `replies` part
  carries at most `inline_replies` of its replies, while `totalReplyCount` counts
  them all, as YouTube does; `moderationStatus=heldForReview` (OAuth only) lists the
  threads held for review instead.
- `GET /youtube/v3/comments?part=snippet&parentId=THREAD_ID` every reply, paged.
- `POST /youtube/v3/comments/setModerationStatus?id=…&moderationStatus=…` (204),
  which needs the OAuth token with youtube.force-ssl; a rejected comment stays so.

Reads take either the Bearer token or `key=`. Pages are small (`page_size`, the
real API's upper bound of `maxResults` being 100) so that paging runs. Errors are
Google's error documents: `{"error": {"code", "message", "errors": [{"message",
"domain", "reason"}]}}`. `textOriginal` is given only to the OAuth caller (the
real API gives it only where the caller may see it); `textDisplay` always.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from .api_server import Answer, ApiRequest, PlatformServer

TOKEN = "ya29.fake-oauth-TOKEN/9f8e+7d6c=="
KEY = "AIzaFakeKey-0123456789_abcdefSECRET"
CHANNEL = "UC123"
READ_SCOPES = frozenset({"youtube.readonly", "youtube", "youtube.force-ssl"})


@dataclass
class Comment:
    id: str
    author: str
    text: str
    published: str
    updated: str | None = None
    status: str = "published"  # heldForReview | published | rejected


@dataclass
class Thread:
    id: str
    video: str
    top: Comment
    replies: list[Comment] = field(default_factory=list)


def _when(day: int, hour: int) -> str:
    return f"2026-11-{day:02d}T{hour:02d}:15:00Z"


def sample_threads() -> list[Thread]:
    """Five threads on three videos; one has four replies, two more than are inline."""
    c = Comment
    return [
        Thread(
            "Ugw1", "vidHustings1", c("Ugw1", "Priya Lakeside", "Good turnout at the Millbrook hustings.", _when(20, 9))
        ),
        Thread(
            "Ugw2",
            "vidHustings1",
            c("Ugw2", "Dan Orchard", "Will the candidate answer on bus routes?  ", _when(20, 10)),
            [
                c("Ugw2.r1", "Mel Fenwick", "She did, about forty minutes in.", _when(20, 11)),
                c("Ugw2.r2", "Dan Orchard", "Found it, thanks!\nUseful answer.", _when(20, 12)),
                c("Ugw2.r3", "Tom Reedbank", "The 42 route matters to our street — «vital»", _when(21, 8)),
                c("Ugw2.r4", "Ana Clayfield", "Agree with Tom 👍", _when(21, 9)),
            ],
        ),
        Thread("Ugw3", "vidDoorstep2", c("Ugw3", "Sam Whitlow", "Canvassing in the rain, respect.", _when(22, 14))),
        Thread(
            "Ugw4",
            "vidDoorstep2",
            c("Ugw4", "Jo Marsh", "Where do I sign up to help?", _when(22, 15)),
            [c("Ugw4.r1", "Northfield CLP", "Reply with your ward and we'll be in touch.", _when(22, 16))],
        ),
        Thread(
            "Ugw5", "vidSurgery3", c("Ugw5", "Lee Brookman", 'Surgery times please? "Saturdays" ok?', _when(23, 18))
        ),
    ]


def google_error(code: int, reason: str, message: str, domain: str = "global") -> dict[str, Any]:
    """Google's documented error document."""
    return {
        "error": {
            "code": code,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }
    }


QUOTA = google_error(403, "quotaExceeded", "The request cannot be completed: the quota is used up.", "youtube.quota")
EXPIRED = google_error(401, "authError", "Invalid Credentials")
NO_SCOPE = google_error(403, "insufficientPermissions", "Request had insufficient authentication scopes.")
RATE = google_error(403, "rateLimitExceeded", "Too many requests in a short time.", "youtube.quota")


class YouTubeServer(PlatformServer):
    def __init__(
        self,
        *,
        channel: str = CHANNEL,
        token: str = TOKEN,
        key: str = KEY,
        scopes: frozenset[str] = frozenset({"youtube.force-ssl"}),
        page_size: int = 2,
        inline_replies: int = 2,
    ) -> None:
        super().__init__()
        self.channel, self.token, self.key, self.scopes = channel, token, key, scopes
        self.page_size, self.inline_replies = page_size, inline_replies
        self.threads = sample_threads()

    # -- changing the data from a test ---------------------------------------------------

    def find(self, comment_id: str) -> Comment:
        for thread in self.threads:
            for comment in (thread.top, *thread.replies):
                if comment.id == comment_id:
                    return comment
        raise KeyError(comment_id)

    def edit(self, comment_id: str, text: str, updated: str = _when(25, 12)) -> None:
        comment = self.find(comment_id)
        comment.text, comment.updated = text, updated

    def delete(self, comment_id: str) -> None:
        """Gone from YouTube: a reply, or a whole thread with its replies."""
        self.threads = [t for t in self.threads if t.id != comment_id]
        for thread in self.threads:
            thread.replies = [r for r in thread.replies if r.id != comment_id]

    # -- the API -------------------------------------------------------------------------

    def handle(self, request: ApiRequest) -> Answer:
        q = request.query
        oauth = request.bearer is not None
        if oauth and request.bearer != self.token:
            return Answer(401, EXPIRED)
        if not oauth and "key" in q and q["key"] != self.key:
            return Answer(400, google_error(400, "keyInvalid", "API key not valid. Please pass a valid API key."))
        if not oauth and "key" not in q:
            return Answer(403, google_error(403, "forbidden", "The request is missing a valid API key."))
        if request.method == "POST" and request.path == "/youtube/v3/comments/setModerationStatus":
            return self._moderate(request, oauth)
        if request.method != "GET":
            return Answer(405, google_error(405, "methodNotAllowed", "Method not allowed."))
        if oauth and not self.scopes & READ_SCOPES:
            return Answer(403, NO_SCOPE)
        try:
            size = min(int(q.get("maxResults", "20")), self.page_size)
            start = int(q["pageToken"].removeprefix("QURTX")) if q.get("pageToken") else 0
        except ValueError:
            return Answer(400, google_error(400, "invalidPageToken", "The page token or maxResults is not valid."))
        if request.path == "/youtube/v3/commentThreads":
            return self._threads(q, oauth, start, size)
        if request.path == "/youtube/v3/comments":
            return self._replies(q, oauth, start, size)
        return Answer(404, google_error(404, "notFound", "Not Found"))

    def _threads(self, q: dict[str, str], oauth: bool, start: int, size: int) -> Answer:
        parts = set(q.get("part", "").split(","))
        if not parts or not parts <= {"id", "snippet", "replies"} or "allThreadsRelatedToChannelId" not in q:
            return Answer(400, google_error(400, "missingRequiredParameter", "No filter selected or part is wrong."))
        if q["allThreadsRelatedToChannelId"] != self.channel:
            return Answer(
                404, google_error(404, "channelNotFound", "The channel could not be found.", "youtube.commentThread")
            )
        # moderationStatus (OAuth only) lists held or likely-spam threads instead of published ones.
        wanted = q.get("moderationStatus", "published") if oauth else "published"
        shown = [t for t in self.threads if t.top.status == wanted]
        items = []
        for thread in shown[start : start + size]:
            replies = [r for r in thread.replies if r.status == "published"]
            item: dict[str, Any] = {"kind": "youtube#commentThread", "etag": f"e-{thread.id}", "id": thread.id}
            if "snippet" in parts:
                item["snippet"] = {
                    "channelId": self.channel,
                    "videoId": thread.video,
                    "topLevelComment": self._comment(thread.top, thread, q, oauth, reply=False),
                    "canReply": True,
                    "totalReplyCount": len(replies),
                    "isPublic": True,
                }
            if "replies" in parts and replies:
                inline = replies[: self.inline_replies]
                item["replies"] = {"comments": [self._comment(r, thread, q, oauth, reply=True) for r in inline]}
            items.append(item)
        return Answer(200, self._page("youtube#commentThreadListResponse", items, start, size, len(shown)))

    def _replies(self, q: dict[str, str], oauth: bool, start: int, size: int) -> Answer:
        if "snippet" not in q.get("part", "").split(",") or "parentId" not in q:
            return Answer(400, google_error(400, "missingRequiredParameter", "part=snippet and parentId are needed."))
        thread = next((t for t in self.threads if t.id == q["parentId"]), None)
        if thread is None:
            return Answer(
                404, google_error(404, "commentNotFound", "The parent comment was not found.", "youtube.comment")
            )
        replies = [r for r in thread.replies if r.status == "published"]
        items = [self._comment(r, thread, q, oauth, reply=True) for r in replies[start : start + size]]
        return Answer(200, self._page("youtube#commentListResponse", items, start, size, len(replies)))

    def _moderate(self, request: ApiRequest, oauth: bool) -> Answer:
        q = request.query
        if not oauth:
            return Answer(401, google_error(401, "required", "Login Required."))
        if "youtube.force-ssl" not in self.scopes:
            return Answer(403, NO_SCOPE)
        status = q.get("moderationStatus")
        if status not in ("heldForReview", "published", "rejected") or not q.get("id"):
            return Answer(400, google_error(400, "invalidModerationStatus", "moderationStatus or id is not valid."))
        try:
            comments = [self.find(i) for i in q["id"].split(",")]
        except KeyError:
            return Answer(404, google_error(404, "commentNotFound", "A comment was not found.", "youtube.comment"))
        if any(c.status == "rejected" and status != "rejected" for c in comments):
            return Answer(400, google_error(400, "operationNotSupported", "A rejected comment cannot be restored."))
        for comment in comments:
            comment.status = status
        return Answer(204)

    # -- resources -----------------------------------------------------------------------

    def _comment(self, comment: Comment, thread: Thread, q: dict[str, str], oauth: bool, *, reply: bool) -> dict:
        plain = q.get("textFormat") == "plainText"
        snippet: dict[str, Any] = {
            "channelId": self.channel,
            "videoId": thread.video,
            "textDisplay": comment.text if plain else html.escape(comment.text).replace("\n", "<br>"),
            "authorDisplayName": comment.author,
            "authorProfileImageUrl": "https://yt3.ggpht.example/avatar.png",
            "authorChannelUrl": f"http://www.youtube.com/@{comment.author.replace(' ', '').lower()}",
            "authorChannelId": {"value": f"UCauthor{sum(map(ord, comment.author)) % 10_000:04d}"},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": 3,
            "publishedAt": comment.published,
            "updatedAt": comment.updated or comment.published,
        }
        if oauth:
            snippet["textOriginal"] = comment.text
            snippet["moderationStatus"] = comment.status
        if reply:
            snippet["parentId"] = thread.id
            del snippet["videoId"]
        return {"kind": "youtube#comment", "etag": f"e-{comment.id}", "id": comment.id, "snippet": snippet}

    @staticmethod
    def _page(kind: str, items: list[dict], start: int, size: int, total: int) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "kind": kind,
            "etag": f"page-{start}",
            "pageInfo": {"totalResults": total, "resultsPerPage": size},
            "items": items,
        }
        if start + size < total:
            doc["nextPageToken"] = f"QURTX{start + size}"
        return doc
