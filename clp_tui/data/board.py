"""The campaign board's data: milestones with local decisions applied and a derived RAG.

RAG (documented in docs/board.md):
- done / dropped: the status says so (a local decision beats the feed).
- overdue: past its due date and not done.
- behind: progress (achieved / target) trails the elapsed share of the
  start -> due window by more than `margin` (default 0.15, 15 points).
- at_risk: the feed or a local decision says at_risk/behind, or progress trails
  by more than half the margin, or a milestone it depends on is overdue/behind.
- on_track: everything else (including not started yet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import msgspec

from clp_tui.data.contract import MilestoneExt
from clp_tui.data.decision_log import local_join, local_or_feed
from clp_tui.data.store import Store

RAG_ORDER = {"overdue": 0, "behind": 1, "at_risk": 2, "on_track": 3, "done": 4, "dropped": 5}
# Late milestones: the board's "Needs help" group, the report's "needs help" list, and
# what puts a milestone that depends on them at risk.
LATE_RAGS = frozenset({"overdue", "behind"})
_EXT = msgspec.json.Decoder(MilestoneExt)


@dataclass(slots=True)
class Milestone:
    feed: str
    id: str
    title: str
    description: str
    ext: MilestoneExt
    status: str | None  # feed status overlaid with the local decision
    achieved: float | None
    rag: str = "on_track"
    expected: float | None = None  # share of the window elapsed, 0..1
    late_dependencies: list[str] = field(default_factory=list)
    waiting_on_this: list[str] = field(default_factory=list)
    local_status: bool = False
    local_progress: bool = False

    @property
    def progress(self) -> float | None:
        if self.ext.target and self.achieved is not None:
            return min(self.achieved / self.ext.target, 1.0)
        return None


def is_late(m: Milestone) -> bool:
    """Whether `m` is overdue or behind, i.e. needs help."""
    return m.rag in LATE_RAGS


def _trail(m: Milestone, today: dt.date) -> float | None:
    """How far progress trails the calendar (0.2 = 20 points behind), or None."""
    progress = m.progress
    start = m.ext.start
    if progress is None or start is None or m.ext.due <= start:
        return None
    elapsed = (today - start).days / (m.ext.due - start).days
    m.expected = min(max(elapsed, 0.0), 1.0)
    return m.expected - progress


def schedule(m: Milestone, today: dt.date, polling_day: dt.date | None) -> tuple[str, int] | None:
    """The board's "Slack" line, never positive for a late milestone: ("overdue", days past
    its due date) when it is overdue; else ("slack", days from its due date to polling day);
    None when it is done or dropped, or no feed gives a polling day."""
    if m.status in ("done", "dropped"):
        return None
    if m.ext.due < today:
        return ("overdue", (today - m.ext.due).days)
    if polling_day is None:
        return None
    return ("slack", (polling_day - m.ext.due).days)


def derive_rag(m: Milestone, today: dt.date, margin: float, late_dependency: bool) -> str:
    if m.status in ("done", "dropped"):
        return m.status
    if m.ext.due < today:
        return "overdue"
    trail = _trail(m, today)
    if trail is not None and trail > margin:
        return "behind"
    if m.status in ("at_risk", "behind") or late_dependency:
        return "at_risk"
    if trail is not None and trail > margin / 2:
        return "at_risk"
    return "on_track"


def load_milestones(store: Store, today: dt.date, margin: float = 0.15) -> list[Milestone]:
    """Every live milestone, RAG derived, overdue and behind first, then by due date."""
    rows = store.query(
        f"""SELECT i.feed, i.id, i.title, i.body, i.ext,
                  s.value AS status_decision, p.value AS progress_decision
           FROM items i
           {local_join("status", "s")}
           {local_join("progress", "p")}
           WHERE i.kind = 'milestone' AND i.archived = 0"""
    )
    milestones: dict[str, Milestone] = {}
    # Unpacked in the SELECT's order: a sqlite3.Row looked up by name, nine times a row,
    # cost a fifth of reading the board's 2,000 milestones before its first paint.
    for feed, item_id, title, body, ext_json, status_decision, progress_decision in rows:
        ext = _EXT.decode(ext_json)
        milestones[item_id] = Milestone(
            feed=feed,
            id=item_id,
            title=title or item_id,
            description=body or "",
            ext=ext,
            status=local_or_feed(status_decision, ext.status),
            achieved=local_or_feed(progress_decision, ext.achieved),
            local_status=status_decision is not None,
            local_progress=progress_decision is not None,
        )
    # Two passes: a milestone's own RAG first, then whether what it waits on is late.
    for m in milestones.values():
        m.rag = derive_rag(m, today, margin, False)
        for dep in m.ext.depends_on:
            if dep in milestones:
                milestones[dep].waiting_on_this.append(m.id)
    for m in milestones.values():
        m.late_dependencies = [d for d in m.ext.depends_on if d in milestones and is_late(milestones[d])]
        if m.late_dependencies and m.rag == "on_track":
            m.rag = "at_risk"
    return sorted(milestones.values(), key=lambda m: (RAG_ORDER[m.rag], m.ext.due, m.title))
