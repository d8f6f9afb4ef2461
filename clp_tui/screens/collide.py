"""The question a dashboard asks before an officer contradicts another: someone else
decided the item in the last ten minutes (data/collisions.py) or is looking at it now
(presence)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clp_tui.data.collisions import recent_by_others
from clp_tui.data.store import StoreError
from clp_tui.screens.confirm import collision_question

if TYPE_CHECKING:
    from clp_tui.app import ClpApp


def collision(app: ClpApp, keys: list[tuple[str, str]], field: str, value: Any) -> str | None:
    """The question to ask first, or None when nobody else is on these items."""
    try:
        recent = recent_by_others(app.store, keys, field, value, officer_id=app.officer_id, officer=app.officer_name)
    except StoreError:
        recent = []  # the decision itself will say what is wrong with the cache
    if recent:
        r = recent[0]
        question = collision_question(r.officer, field, r.value, r.minutes_ago, value)
        return question if len(keys) == 1 else f"{question} ({len(recent)} of the {len(keys)} items)"
    looking = next((seen for key in keys for seen in app.presence.looking_at(key)), None)
    if looking is not None:
        return collision_question(looking.name, field, None, None, value)
    return None
