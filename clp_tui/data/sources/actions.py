"""A moderation action sent to a platform: the one request each platform's API
documents for it, and its answer read into applied / retry / failed.

- Facebook: `POST /vNN.N/{comment-id}` with `is_hidden=true|false` (needs
  pages_manage_engagement); Instagram: the same with `hide=true|false` (needs
  instagram_manage_comments). Both answer `{"success": true}`. A resumed action
  (its sender stopped after the request may have left) first reads the comment's
  `is_hidden` / `hidden` and sends nothing if the platform already shows it so.
- YouTube: `POST /youtube/v3/comments/setModerationStatus?id=…&moderationStatus=…`
  (heldForReview, rejected or published; youtube.force-ssl; 204). Setting a status
  twice is harmless, so a resumed action is sent again. A rejected comment cannot be
  published again: YouTube refuses, and the action fails saying so.
- Mastodon: `GET /api/v1/statuses/{id}` (whose account to report), then
  `POST /api/v1/reports` with account_id, status_ids[], comment (the officer's
  reason), category=other (needs write:reports).

Every answer but a 2xx goes through the source's own explainer. 429, quota and 5xx
(and no answer at all) are retried with backoff; an expired or refused token, a
missing permission or a comment gone fail with the platform's reason and what to
do. Tokens go as Bearer headers to the API's own origin only (SourceCall's rules).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import msgspec

from clp_tui.config import FeedConfig
from clp_tui.data.fetch import Fetcher
from clp_tui.data.fetch_errors import FetchError
from clp_tui.data.outbox import Action
from clp_tui.data.sources import SOURCES
from clp_tui.data.sources.call import Explain, SourceCall, with_params
from clp_tui.data.sources.graph import graph_explain

_BODY_CAP = 256 * 1024
_STATUS = {"hold": "heldForReview", "reject": "rejected", "approve": "published"}
PERMISSION = {
    "facebook": "pages_manage_engagement",
    "instagram": "instagram_manage_comments",
    "youtube": "the youtube.force-ssl scope",
    "mastodon": "the write:reports scope",
}


@dataclass(frozen=True, slots=True)
class Outcome:
    outcome: str  # applied | retry | failed
    reason: str | None = None
    wait: float | None = None  # seconds the platform asked us to wait
    unsure: bool = False  # the request may have reached the platform (a resumed send re-checks)


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    url: str
    form: dict[str, str] | None = None

    def shown(self) -> str:
        """For `sync --dry-run-actions`: the method, the URL without its host's query, the form."""
        form = "".join(f" {k}={v}" for k, v in self.form.items()) if self.form else ""
        return f"{self.method} {self.url}{form}"


def _graph_node(feed: FeedConfig, item_id: str) -> str:
    parts = urlsplit(feed.url)
    root = parts.path.rstrip("/").rsplit("/", 2)[0]
    return urlunsplit((parts.scheme, parts.netloc, f"{root}/{quote(item_id, safe='')}", "", ""))


def _api(feed: FeedConfig, path: str) -> str:
    parts = urlsplit(feed.url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def request_for(feed: FeedConfig, action: Action) -> Request:
    """The request that carries out `action` (for Mastodon, the report; its account is
    looked up first)."""
    if feed.source in ("facebook", "instagram"):
        name = "is_hidden" if feed.source == "facebook" else "hide"
        return Request("POST", _graph_node(feed, action.item_id), {name: str(action.action == "hide").lower()})
    if feed.source == "youtube":
        base = urlsplit(feed.url).path.rsplit("/", 1)[0]
        url = with_params(
            _api(feed, f"{base}/comments/setModerationStatus"),
            {"id": action.item_id, "moderationStatus": _STATUS[action.action]},
        )
        return Request("POST", url)
    if feed.source == "mastodon":
        form = {
            "account_id": "(the author's, read from the status)",
            "status_ids[]": action.item_id,
            "comment": (action.decision_reason or "escalated by the CLP's moderators")[:1000],
            "category": "other",
        }
        return Request("POST", _api(feed, "/api/v1/reports"), form)
    raise ValueError(f"{feed.source} has no platform actions")


async def perform(fetcher: Fetcher, feed: FeedConfig, action: Action, token: str | None, *, now: float) -> Outcome:
    """Send one action; never raises for network or platform trouble. `now`: the store's
    clock (Unix seconds), for waits the platform states as a moment (YouTube's quota)."""
    info = SOURCES[feed.source]
    call = SourceCall(fetcher, feed, info.label, token=token)
    if not token:
        where = f"set {feed.token_env}" if feed.token_env else "add token_env to the feed's config and set it"
        return Outcome(
            "failed",
            f"{info.label}: no access token to {action.action} with; {where} to a token with "
            f"{PERMISSION[feed.source]}, then `clp-tui outbox retry`",
        )
    explain = _explainer(call, now)
    try:
        async with asyncio.timeout(fetcher.limits.deadline):
            return await _carry_out(call, action, explain)
    except TimeoutError:
        return unsure(action, f"{info.label}: no answer within {fetcher.limits.deadline:g} s")
    except FetchError as exc:
        return _judge(exc, action, info.label)


def _explainer(call: SourceCall, now: float) -> Explain:
    source = call.feed.source
    if source in ("facebook", "instagram"):
        return graph_explain(call.label, call.feed.token_env, (PERMISSION[source],))
    if source == "youtube":
        from clp_tui.data.sources.youtube import explainer, reason_of, until_quota_resets

        general = explainer(call)

        def youtube(status: int, doc: Any, headers: Mapping[str, str]) -> FetchError:
            why = reason_of(doc)
            if status == 403 and why in ("quotaExceeded", "dailyLimitExceeded"):
                error = general(status, doc, headers)
                error.retry_after = until_quota_resets(now)  # by the store's clock
                return error
            if status == 400 and why == "operationNotSupported":
                return FetchError(
                    "YouTube will not publish this comment: a rejected comment cannot be published again "
                    "(HTTP 400 operationNotSupported)",
                    400,
                )
            if status == 404 or (status == 400 and why == "processingFailure"):
                return FetchError(f"YouTube: the comment is gone (HTTP {status} {why or ''}); nothing to do", status)
            return general(status, doc, headers)

        return youtube
    from clp_tui.data.sources.mastodon import explain

    def mastodon(status: int, doc: Any, headers: Mapping[str, str]) -> FetchError:
        if status == 403:
            return FetchError(
                "Mastodon: the token may not file reports (HTTP 403); make one with the write:reports scope "
                f"and set it in {call.feed.token_env or 'token_env'}",
                403,
            )
        return explain(status, doc, headers)

    return mastodon


async def _exchange(call: SourceCall, request: Request, explain: Explain) -> Any:
    call.check_url(request.url)
    status, body, headers = await call.fetcher.exchange(
        request.method,
        request.url,
        token=call.token,
        token_origin=call.api_origin,
        budget=_BODY_CAP,
        headers={"Accept": "application/json"},
        data=request.form,
        error_bodies=True,
        stay_on=call.api_origin,
    )
    try:
        doc = msgspec.json.decode(body) if body else None
    except (msgspec.DecodeError, RecursionError):
        doc = None
    if status not in (200, 204):
        raise explain(status, doc, {k.lower(): v for k, v in headers.items()})
    return doc


async def _carry_out(call: SourceCall, action: Action, explain: Explain) -> Outcome:
    feed = call.feed
    request = request_for(feed, action)
    if feed.source in ("facebook", "instagram"):
        field = "is_hidden" if feed.source == "facebook" else "hidden"
        want = action.action == "hide"
        if action.resumed:  # the last try may have reached Graph: look before sending again
            doc = await _exchange(call, Request("GET", with_params(request.url, {"fields": f"id,{field}"})), explain)
            if isinstance(doc, dict) and doc.get(field) is want:
                shown = "hidden" if want else "visible"
                return Outcome("applied", f"{call.label} already showed it {shown}; nothing sent")
        doc = await _exchange(call, request, explain)
        if isinstance(doc, dict) and doc.get("success") is False:
            return Outcome("failed", f"{call.label} answered success: false; {action.action} it on {call.label} itself")
        return Outcome("applied")
    if feed.source == "youtube":
        await _exchange(call, request, explain)
        return Outcome("applied")
    status = await _exchange(
        call, Request("GET", _api(feed, f"/api/v1/statuses/{quote(action.item_id, safe='')}")), explain
    )
    account = status.get("account") if isinstance(status, dict) else None
    account_id = account.get("id") if isinstance(account, dict) else None
    if not isinstance(account_id, str | int) or isinstance(account_id, bool):
        return Outcome("failed", "Mastodon: the status names no account to report (a malformed answer)")
    form = {**(request.form or {}), "account_id": str(account_id)}
    await _exchange(call, Request("POST", request.url, form), explain)
    return Outcome("applied")


def unsure(action: Action, said: str) -> Outcome:
    """The request may have reached the platform: try again, resumed (a report: never by itself)."""
    if action.action == "report":
        return Outcome(
            "failed",
            f"{said}: the report may have been filed; check on the instance, then `clp-tui outbox retry` to file it again",
        )
    return Outcome("retry", f"{said}; will try again", unsure=True)


def _judge(exc: FetchError, action: Action, label: str) -> Outcome:
    status = exc.http_status
    if status is None:  # no answer: the request may or may not have arrived
        return unsure(action, str(exc))
    if status == 429 or status >= 500:
        return Outcome("retry", str(exc), wait=exc.retry_after)
    hint = "" if "outbox retry" in str(exc) or "nothing to do" in str(exc) else "; then `clp-tui outbox retry`"
    if "cannot be published again" in str(exc):
        hint = ""
    return Outcome("failed", f"{exc}{hint}")
