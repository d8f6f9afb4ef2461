"""When a milestone was done: the one rule for the report's "Done since" list.

- Marked done here: the decision log's time.
- The feed changed its status to done while clp-tui was reading it: the sync that
  first saw it done (items.state_since), or the feed's date_modified if that is earlier.
- Already done when clp-tui first read it: the feed's date_modified (date_published
  when it gives none), but no later than the due date. The feed's date tells when
  the item was last edited, not when it was done, and a milestone the plan marked
  done long ago is often edited again (a July milestone must not count as done in
  November). A feed with neither date cannot say, so such milestones are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clp_tui.data.board import Milestone
from clp_tui.data.store import Store


@dataclass(slots=True)
class DoneMilestone:
    milestone: Milestone
    done_on: dt.date
    local: bool  # marked done here (the decision log's time) rather than by the feed


def _day(stamp: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(stamp[:10]) if stamp else None
    except ValueError:
        return None


def done_on(
    m: Milestone, local_at: str | None, edited: str | None, state_since: str | None, first_seen: str | None
) -> dt.date | None:
    """The day `m` was done (see the module's docstring), or None when nobody can say."""
    if m.status != "done":
        return None
    if m.local_status:
        return _day(local_at)
    if state_since and first_seen and state_since > first_seen:
        return _day(min(state_since, edited) if edited else state_since)
    day = _day(edited)
    return min(day, m.ext.due) if day else None


def done_since(store: Store, milestones: list[Milestone], since: dt.date, as_of: dt.date) -> list[DoneMilestone]:
    """Milestones done in the window `since`..`as_of`, latest first."""
    local = {
        (r[0], r[1]): r[2] for r in store.query("SELECT feed, item_id, at FROM decision_state WHERE field = 'status'")
    }
    feed = {
        (r[0], r[1]): (r[2], r[3], r[4])
        for r in store.query(
            """SELECT feed, id, coalesce(modified, published), state_since, first_seen
               FROM items WHERE kind = 'milestone'"""
        )
    }
    done = []
    for m in milestones:
        edited, state_since, first_seen = feed.get((m.feed, m.id), (None, None, None))
        day = done_on(m, local.get((m.feed, m.id)), edited, state_since, first_seen)
        if day is not None and since <= day <= as_of:
            done.append(DoneMilestone(m, day, m.local_status))
    return sorted(done, key=lambda d: (d.done_on, d.milestone.title), reverse=True)
