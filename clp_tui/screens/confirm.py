"""The one line that confirms each decision, undo and redo, naming what changed and
the key that takes it back ("undid: hide · Jo W… · U redoes")."""

from __future__ import annotations

from typing import Any

from clp_tui.data.text import one_line, plural

_MODERATION = {"approved": "approve", "hidden": "hide", "escalated": "escalate", "needs_reply": "needs a reply"}


def decision_words(field: str, value: Any) -> str:
    """A decision as an officer would say it."""
    if field == "moderation":
        return _MODERATION.get(str(value), str(value))
    if field == "stage":
        return f"move to {str(value).replace('_', ' ')}"
    if field == "status":
        return f"status {str(value).replace('_', ' ')}"
    if field == "progress":
        return f"progress {value:g}" if isinstance(value, int | float) else "progress"
    if field == "assigned":
        return f"assign to {one_line(value.get('name'), 30)}" if isinstance(value, dict) else "unassign"
    if field in ("consent", "signoff"):
        return f"{'consent' if field == 'consent' else 'sign-off'} recorded"
    return field.replace("_", " ")


def confirmation(action: str, field: str, value: Any, labels: list[str]) -> str:
    """`action`: decide | undo | redo; `labels`: the items' names, as shown on screen."""
    words = decision_words(field, value)
    what = one_line(labels[0], 24) if len(labels) == 1 else plural(len(labels), "item")
    if action == "undo":
        return f"undid: {words} · {what} · press U to redo"
    if action == "redo":
        return f"redid: {words} · {what} · press u to undo"
    return f"{words} · {what} · press u to undo"


_DID = {"approved": "approved", "hidden": "hid", "escalated": "escalated", "needs_reply": "marked for a reply"}


def collision_question(who: str, field: str, theirs: Any, minutes: int | None, mine: Any) -> str:
    """ "Sam Patel approved this 2 min ago — hide anyway?" (minutes None: they are looking at it now)."""
    if minutes is None:
        did = "is looking at this now"
    else:
        did = _DID.get(str(theirs), f"set {decision_words(field, theirs)} on") if field == "moderation" else None
        did = f"{did or 'set ' + decision_words(field, theirs) + ' on'} this"
        did += " just now" if minutes < 1 else f" {minutes} min ago"
    return f"{one_line(who, 40)} {did} — {decision_words(field, mine)} anyway?"
