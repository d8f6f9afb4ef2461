"""A dashboard's upkeep, run on worker threads: each job says what the officer
should be told (None or False: nothing changed)."""

from __future__ import annotations

from clp_tui.config import Moderation
from clp_tui.data.moderation import flags_current, refresh_flags
from clp_tui.data.retention import purge_if_due
from clp_tui.data.store import Store


def reflag_if_rules_changed(store: Store, rules: Moderation) -> bool:
    """Re-flag every comment when the moderation rules differ from those last applied."""
    if flags_current(store, rules):
        return False
    refresh_flags(store, rules)
    return True


def daily_purge(store: Store, retain_days: int) -> str | None:
    """Blank old decided comments once a day (whichever dashboard gets there first)."""
    result = purge_if_due(store, retain_days)
    if result is None or not result.purged:
        return None
    return f"Retention: {result.purged} old decided comment(s) blanked (older than {retain_days} days)."
