"""A loopback Mastodon instance for tests: the REST methods clp-tui uses, written
from Mastodon's API reference (docs.joinmastodon.org) with our own data.

- `GET /api/v1/accounts/:id/statuses`: the account's statuses, newest first;
  `limit` (default 20, at most 40; `page_size` caps it lower for paging tests),
  `max_id`, `exclude_replies`, `exclude_reblogs`; paging by the `Link` header
  (`rel="next"` with `max_id`, `rel="prev"` with `min_id`). An unknown account is
  `404 {"error": "Record not found"}`.
- `GET /api/v1/statuses/:id/context`: `{"ancestors": [...], "descendants": [...]}`,
  the descendants being every reply below the status, depth first.
- `GET /api/v1/statuses/:id`: one status (its `account` names whom a report is about).
- `POST /api/v1/reports` (needs a Bearer token): `account_id`, `status_ids[]`,
  `comment`, `forward`, `category`; answers a Report entity and keeps it in
  `server.reports`.

Every answer carries `X-RateLimit-Limit/-Remaining/-Reset`, as the instance does.
Ids are numeric strings, bigger for newer, as Mastodon's snowflake ids are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from platforms.api_server import Answer, ApiRequest, PlatformServer

HOST = "social.example"
RESET = "2026-11-23T12:05:00.000Z"


def account(account_id: str, username: str, *, domain: str | None = None, display_name: str = "") -> dict[str, Any]:
    """An Account entity (the fields clp-tui reads, and a few more)."""
    acct = f"{username}@{domain}" if domain else username
    home = domain or HOST
    return {
        "id": account_id,
        "username": username,
        "acct": acct,
        "display_name": display_name,
        "url": f"https://{home}/@{username}",
        "locked": False,
        "bot": False,
    }


class MastodonServer(PlatformServer):
    """Holds accounts and statuses; tests add, edit and delete them between syncs."""

    def __init__(self, page_size: int = 40) -> None:
        super().__init__()
        self.page_size = page_size
        self.accounts: dict[str, dict[str, Any]] = {}
        self.statuses: dict[str, dict[str, Any]] = {}
        self.reports: list[dict[str, Any]] = []
        self._next_id = 110_000_000_000_000_000

    # -- the data --------------------------------------------------------------------

    def add_account(self, account_id: str, username: str, **kw: Any) -> dict[str, Any]:
        self.accounts[account_id] = account(account_id, username, **kw)
        return self.accounts[account_id]

    def post(
        self,
        by: str,
        content: str,
        *,
        in_reply_to: str | None = None,
        status_id: str | None = None,
        reblog: dict[str, Any] | None = None,
        created_at: str | None = None,
    ) -> dict[str, Any]:
        """A new status by account `by` (a reply when `in_reply_to` is a status id)."""
        self._next_id += 1
        sid = status_id or str(self._next_id)
        author = self.accounts[by]
        parent = self.statuses.get(in_reply_to) if in_reply_to else None
        stamp = created_at or (dt.datetime(2026, 11, 20, tzinfo=dt.UTC) + dt.timedelta(minutes=len(self.statuses)))
        status = {
            "id": sid,
            "uri": f"https://{HOST}/users/{author['username']}/statuses/{sid}",
            "url": f"{author['url']}/{sid}",
            "created_at": stamp if isinstance(stamp, str) else stamp.isoformat(timespec="milliseconds")[:-6] + "Z",
            "edited_at": None,
            "account": author,
            "content": content,
            "spoiler_text": "",
            "visibility": "public",
            "sensitive": False,
            "in_reply_to_id": in_reply_to,
            "in_reply_to_account_id": parent["account"]["id"] if parent else None,
            "reblog": reblog,
            "replies_count": 0,
            "media_attachments": [],
        }
        self.statuses[sid] = status
        return status

    def edit(self, status_id: str, content: str) -> None:
        self.statuses[status_id]["content"] = content
        self.statuses[status_id]["edited_at"] = "2026-11-22T09:00:00.000Z"

    def delete(self, status_id: str) -> None:
        del self.statuses[status_id]

    # -- the API ---------------------------------------------------------------------

    def handle(self, request: ApiRequest) -> Answer:
        parts = request.path.strip("/").split("/")
        headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299", "X-RateLimit-Reset": RESET}
        if request.method == "GET" and parts[:3] == ["api", "v1", "accounts"] and parts[4:] == ["statuses"]:
            answer = self._timeline(parts[3], request)
        elif request.method == "GET" and parts[:3] == ["api", "v1", "statuses"] and parts[4:] == ["context"]:
            answer = self._context(parts[3])
        elif request.method == "GET" and parts[:3] == ["api", "v1", "statuses"] and len(parts) == 4:
            status = self.statuses.get(parts[3])
            answer = Answer(200, status) if status else Answer(404, {"error": "Record not found"})
        elif request.method == "POST" and request.path == "/api/v1/reports":
            answer = self._report(request)
        else:
            answer = Answer(404, {"error": "Record not found"})
        answer.headers = {**headers, **answer.headers}
        return answer

    def _timeline(self, account_id: str, request: ApiRequest) -> Answer:
        if account_id not in self.accounts:
            return Answer(404, {"error": "Record not found"})
        q = request.query
        mine = [s for s in self.statuses.values() if s["account"]["id"] == account_id]
        if q.get("exclude_replies") == "true":
            mine = [s for s in mine if s["in_reply_to_id"] is None or s["in_reply_to_account_id"] == account_id]
        if q.get("exclude_reblogs") == "true":
            mine = [s for s in mine if s["reblog"] is None]
        mine.sort(key=lambda s: int(s["id"]), reverse=True)
        if "max_id" in q:
            mine = [s for s in mine if int(s["id"]) < int(q["max_id"])]
        limit = min(int(q.get("limit") or 20), 40, self.page_size)
        page, more = mine[:limit], len(mine) > limit
        links = []
        if page and more:
            links.append(f'<{self.url(request.path)}?limit={limit}&max_id={page[-1]["id"]}>; rel="next"')
        if page:
            links.append(f'<{self.url(request.path)}?limit={limit}&min_id={page[0]["id"]}>; rel="prev"')
        return Answer(200, page, {"Link": ", ".join(links)} if links else {})

    def _below(self, status_id: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        children = sorted(
            (s for s in self.statuses.values() if s["in_reply_to_id"] == status_id), key=lambda s: int(s["id"])
        )
        for child in children:
            found.append(child)
            found.extend(self._below(child["id"]))
        return found

    def _context(self, status_id: str) -> Answer:
        status = self.statuses.get(status_id)
        if status is None:
            return Answer(404, {"error": "Record not found"})
        ancestors = []
        parent = self.statuses.get(status["in_reply_to_id"] or "")
        while parent is not None:
            ancestors.insert(0, parent)
            parent = self.statuses.get(parent["in_reply_to_id"] or "")
        return Answer(200, {"ancestors": ancestors, "descendants": self._below(status_id)})

    def _report(self, request: ApiRequest) -> Answer:
        if not request.bearer:
            return Answer(401, {"error": "The access token is invalid"})
        form = request.form
        target = self.accounts.get(str(form.get("account_id") or ""))
        if target is None:
            return Answer(404, {"error": "Record not found"})
        ids = form.get("status_ids", form.get("status_ids[]", []))
        ids = [str(i) for i in (ids if isinstance(ids, list) else [ids])]
        if any(i not in self.statuses for i in ids):
            return Answer(422, {"error": "Validation failed: Statuses can't be blank"})
        report = {
            "id": str(len(self.reports) + 1),
            "action_taken": False,
            "action_taken_at": None,
            "category": form.get("category") or "other",
            "comment": form.get("comment") or "",
            "forwarded": str(form.get("forward")).lower() == "true",
            "created_at": "2026-11-23T12:00:00.000Z",
            "status_ids": ids,
            "rule_ids": None,
            "target_account": target,
        }
        self.reports.append(report)
        return Answer(200, report)
