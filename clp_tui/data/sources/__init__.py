"""Where a feed's items come from: the registry of sources and what each can do.

A source is one module here with `async def read(call: SourceCall) -> FetchResult`.
It reads the platform (or spreadsheet) and writes what it found as JSON Feed pages
in our contract (`document.py`), so parsing, validation, problems, the store,
flags, the inbox, exports, purge and the report treat every source alike.

Adding a source: write `data/sources/NAME.py`, then add one `SourceInfo` below.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

# What a decision in the inbox can do on a platform.
ACTIONS = ("hide", "unhide", "hold", "approve", "delete", "report")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    name: str  # the `source` value in the config
    label: str  # the platform's name, for people
    kinds: tuple[str, ...]  # the item kinds it can read
    actions: frozenset[str]  # what it can do on the platform (with apply_decisions and a token)
    why_not: str  # what the inbox says when a decision cannot reach the platform
    token: str  # what `token_env` must hold, and how an officer gets one (docs/sources.md)

    def read(self) -> Any:
        """The adapter's `read` coroutine function (its module is imported on demand)."""
        return import_module(f"clp_tui.data.sources.{self.name}").read

    def can(self, action: str) -> bool:
        return action in self.actions


SOURCES: dict[str, SourceInfo] = {
    s.name: s
    for s in (
        SourceInfo(
            "jsonfeed",
            "JSON Feed",
            ("milestone", "activity", "comment", "press"),
            frozenset(),
            "a JSON Feed is read-only: hide it on the platform too",
            "an optional Bearer token",
        ),
        SourceInfo(
            "csv",
            "spreadsheet (CSV)",
            ("milestone", "activity", "press", "comment"),
            frozenset(),
            "a spreadsheet is read-only",
            "none (a published sheet is public)",
        ),
        SourceInfo(
            "facebook",
            "Facebook",
            ("comment",),
            frozenset({"hide", "unhide"}),
            "Facebook can hide and unhide comments; other decisions are recorded here only",
            "a Page access token with pages_read_engagement (read) and pages_manage_engagement (hide)",
        ),
        SourceInfo(
            "instagram",
            "Instagram",
            ("comment",),
            frozenset({"hide", "unhide"}),
            "Instagram can hide and unhide comments; other decisions are recorded here only",
            "an access token with instagram_basic and instagram_manage_comments",
        ),
        SourceInfo(
            "youtube",
            "YouTube",
            ("comment",),
            frozenset({"hide", "unhide", "hold", "approve"}),
            "YouTube needs an OAuth token (youtube.force-ssl) to moderate; with a key only, recorded here only",
            "an OAuth 2.0 access token with the youtube.force-ssl scope (or key_env: an API key, read-only)",
        ),
        SourceInfo(
            "mastodon",
            "Mastodon",
            ("comment",),
            frozenset({"report"}),
            "Mastodon has no hide for replies: an escalation can file a report (report_escalations = true)",
            "none to read public posts; an access token with write:reports to file reports",
        ),
        SourceInfo(
            "bluesky",
            "Bluesky",
            ("comment",),
            frozenset(),
            "Bluesky has no hide for others' replies in its API: recorded here only",
            "none (the public AppView needs no login)",
        ),
    )
}


def decision_reach(source: str, apply_decisions: bool, platform: str, feed: Any = None) -> str:
    """What a decision in the inbox does where the comment is, said before the key is
    pressed. With apply_decisions on and the feed's config (`feed`), what the outbox
    sends for each decision (data/outbox_words.py)."""
    info = SOURCES.get(source, SOURCES["jsonfeed"])
    if apply_decisions and info.actions and feed is not None:
        from clp_tui.data.outbox_words import reach

        return reach(feed, info.label)
    if not info.actions:
        if source == "jsonfeed":
            return (
                f"clp-tui records moderation decisions for the team; it does not change anything on {platform}. "
                "Hide or remove the comment there too, and report it to the platform if it breaks their rules."
            )
        return f"Recorded here only: {info.why_not}. Act on {info.label} itself if the comment must go."
    can = ", ".join(a for a in ACTIONS if a in info.actions)
    if not apply_decisions:
        return (
            f"Recorded here only: this feed has apply_decisions off ({info.label} can: {can}). "
            f"Act on {info.label} itself if the comment must go."
        )
    return f"With apply_decisions on, decisions go to {info.label} ({can}) through the outbox."
