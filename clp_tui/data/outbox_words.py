"""What the outbox says to people: a comment's platform state in a line, and what each
decision will do where the comment is, said before the key is pressed (the inbox's
preview; decision_reach in data/sources for feeds that do not apply decisions)."""

from __future__ import annotations

from clp_tui.config import FeedConfig

# What each action does, for people (the outbox listing, the inbox preview).
WORDS = {
    "hide": "hide",
    "unhide": "unhide",
    "hold": "hold for review",
    "reject": "reject",
    "approve": "publish",
    "report": "file a report",
}
# The row's mark after the decision badge: on its way, done there, refused.
MARKS = {"pending": "◌", "sending": "◌", "applied": "●", "failed": "!"}


def state_words(label: str, state: str | None, action: str | None, reason: str | None) -> str | None:
    """e.g. "On Facebook: hide applied." (None when nothing was ever queued for it)."""
    if state is None or action is None:
        return None
    what = WORDS.get(action, action)
    if state == "applied":
        return f"On {label}: {what} applied." + (f" ({reason})" if reason else "")
    if state in ("pending", "sending"):
        tried = f" Last try: {reason}" if reason else ""
        return f"On {label}: {what} pending (sent as soon as {label} answers; retried with backoff).{tried}"
    if state == "failed":
        return f"On {label}: {what} FAILED: {reason or 'no reason given'}"
    return f"On {label}: nothing sent ({reason or 'cancelled'})."


def reach(feed: FeedConfig, label: str) -> str:
    """What Approve, Hide, Escalate and Reply do on this feed's platform (apply_decisions on)."""
    undo = "Undo takes it back there too."
    if feed.source in ("facebook", "instagram"):
        return f"Hide hides this comment on {label} and Approve unhides it; {undo} Escalate and Reply are recorded here only."
    if feed.source == "youtube":
        if feed.youtube_hide == "rejected":
            hide = (
                'Hide rejects it on YouTube (youtube_hide = "rejected"): a rejected comment cannot be published '
                "again, so Undo and Approve cannot bring it back"
            )
        else:
            hide = "Hide holds it for review on YouTube, Approve publishes it"
        return f"{hide}. {undo} Escalate and Reply are recorded here only."
    if feed.source == "mastodon":
        if feed.report_escalations:
            return (
                "Escalate also files a report with the instance's moderators (with your reason); a report cannot be "
                "withdrawn. Mastodon has no hide for replies: Approve, Hide and Reply are recorded here only."
            )
        return (
            "Recorded here only: Mastodon has no hide for replies, and report_escalations is off (with it on, "
            "Escalate files a report)."
        )
    return f"Recorded here only: {label} takes no decisions from clp-tui."
