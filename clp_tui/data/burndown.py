"""The report's burn-down: doors still to knock for the doorstep milestone, week by week.

It uses the board's figures (`load_milestones`, local decisions applied): the doors
left now are the milestone's target less its `achieved`, so the chart never says
"0 left" beside the same milestone shown BEHIND on the board. The branches' weekly
door returns (which count every ward) only say *when* that progress came: the
milestone's `achieved` is spread over the weeks in proportion to them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from clp_tui.data.board import Milestone
from clp_tui.data.branches import BranchRow, iso_week

BURNDOWN_MAX_WEEKS = 520


@dataclass(slots=True)
class Burndown:
    """Doors still to knock for the doorstep milestone, week by week, against an even pace."""

    title: str
    target: float
    start: dt.date
    due: dt.date
    weeks: list[str]
    doors: list[float | None]  # the milestone's progress counted in each week; None for weeks to come
    ideal: list[float]  # doors left at the end of each week at an even pace
    achieved_in_plan: float | None  # what the milestone itself says (as the board shows it)
    returns: float = 0.0  # doors the branches report since the start, every ward counted

    @property
    def remaining(self) -> list[float | None]:
        left, out = self.target, []
        for week in self.doors:
            if week is None:
                out.append(None)
            else:
                left -= week
                out.append(max(left, 0.0))
        return out

    @property
    def knocked(self) -> float:
        return sum(d for d in self.doors if d is not None)


def weeks_between(start: dt.date, end: dt.date, limit: int | None = None) -> list[str]:
    """The ISO weeks from the one holding `start` to the one holding `end`, oldest first;
    only the first `limit` of them when given. Safe up to 9999-12-31 (no date overflow)."""
    monday = start - dt.timedelta(days=start.weekday())  # 0001-01-01 is a Monday: no underflow
    weeks: list[str] = []
    while monday <= end and (limit is None or len(weeks) < limit):
        weeks.append(iso_week(monday))
        if end - monday < dt.timedelta(weeks=1):
            break
        monday += dt.timedelta(weeks=1)
    return weeks


def doorstep_milestone(milestones: list[Milestone], as_of: dt.date) -> Milestone | None:
    """The doorstep milestone with a target that is running now (else the next one due)."""
    doorstep = [m for m in milestones if m.ext.strand == "doorstep" and m.ext.target and m.rag != "dropped"]
    running = [m for m in doorstep if (m.ext.start or m.ext.due) <= as_of <= m.ext.due and m.rag != "done"]
    upcoming = sorted((m for m in doorstep if m.ext.due >= as_of and m.rag != "done"), key=lambda m: m.ext.due)
    chosen = sorted(running, key=lambda m: m.ext.due) or upcoming
    return chosen[0] if chosen else None


def _monday_of(week: str) -> dt.date | None:
    """The Monday of an ISO week, or None for one the calendar lacks ("2025-W53", "0000-W01"):
    the contract's pattern lets a feed write those."""
    try:
        return dt.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
    except ValueError:
        return None


def _spread(achieved: float, returns: list[float | None]) -> list[float | None]:
    """`achieved` over the weeks so far in proportion to the branches' returns, whole doors
    that add up to it; all in the latest week so far when the branches report nothing."""
    total = sum(r for r in returns if r is not None)
    past = [n for n, r in enumerate(returns) if r is not None]
    out: list[float | None] = [None if r is None else 0.0 for r in returns]
    if not past:
        return out
    if total <= 0:
        out[past[-1]] = achieved
        return out
    so_far, given = 0.0, 0.0
    for n in past:
        so_far += returns[n] or 0
        share = so_far / total if math.isfinite(so_far / total) else 1.0  # a feed may say 1e308 doors
        upto = achieved * min(share, 1.0)
        upto = float(round(upto)) if math.isfinite(upto) and abs(upto) < 2**53 else upto
        out[n] = upto - given
        given = upto
    return out


def build_burndown(m: Milestone, branches: list[BranchRow], as_of: dt.date) -> Burndown:
    start = m.ext.start or min(filter(None, map(_monday_of, (w for b in branches for w in b.weeks))), default=None)
    start = start or as_of - dt.timedelta(days=as_of.weekday())
    # A feed's dates may be anything from 0001 to 9999; a chart of ten years is plenty.
    weeks = weeks_between(start, max(m.ext.due, start), limit=BURNDOWN_MAX_WEEKS)
    current = iso_week(as_of)
    returns: list[float | None] = [
        sum(b.value(w, "doors") or 0 for b in branches) if w <= current else None for w in weeks
    ]
    reported = sum(r for r in returns if r is not None)
    # The board's figure when the milestone records one; the branch returns otherwise.
    doors = _spread(m.achieved, returns) if m.achieved is not None else returns
    target = float(m.ext.target or 0)
    span = len(weeks)
    ideal = [round(target * (1 - (n + 1) / span)) for n in range(span)]
    return Burndown(m.title, target, start, m.ext.due, weeks, doors, ideal, m.achieved, reported)
