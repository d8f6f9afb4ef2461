"""The branch activity grid's data: branches by ISO week for one metric at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import msgspec

from clp_tui.data.contract import ActivityExt
from clp_tui.data.store import Store

COMMON_METRICS = ("doors", "contacts", "leaflets", "calls", "volunteers", "voter_registrations", "postal_vote_requests")
SORTS = ("total", "trend", "name", "target")
# A branch with nothing recorded in this many latest weeks is "quiet": the one window
# for the branch grid's QUIET flag and the report's quiet branches.
QUIET_WEEKS = 2
_EXT = msgspec.json.Decoder(ActivityExt)


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def last_weeks(today: dt.date, count: int) -> list[str]:
    """The last `count` ISO weeks, oldest first, ending with this week."""
    return [iso_week(today - dt.timedelta(weeks=n)) for n in range(count - 1, -1, -1)]


@dataclass(slots=True)
class BranchRow:
    branch: str
    ward: str | None = None
    target_ward: bool = False
    twinned_with: str | None = None
    # week -> metric -> value
    weeks: dict[str, dict[str, float]] = field(default_factory=dict)

    def value(self, week: str, metric: str) -> float | None:
        return self.weeks.get(week, {}).get(metric)

    def total(self, weeks: list[str], metric: str) -> float:
        return sum(self.value(w, metric) or 0 for w in weeks)

    def trend(self, weeks: list[str], metric: str) -> float | None:
        """Change of the latest `n` weeks over the `n` before them (n = half of `weeks`), as a fraction."""
        half = len(weeks) // 2
        if half == 0:
            return None
        before = sum(self.value(w, metric) or 0 for w in weeks[-2 * half : -half])
        after = sum(self.value(w, metric) or 0 for w in weeks[-half:])
        if before == 0:
            return None if after == 0 else 1.0
        return (after - before) / before

    def quiet(self, weeks: list[str]) -> bool:
        """Nothing recorded in the last QUIET_WEEKS of `weeks` (oldest first, ending with this week)."""
        recent = weeks[-QUIET_WEEKS:]
        return all(not any(self.weeks.get(w, {}).values()) for w in recent)


def load_branches(store: Store, since_week: str = "") -> tuple[list[BranchRow], list[str]]:
    """Every branch with its weekly metrics from `since_week` on (ISO weeks sort as text),
    and every metric name seen (common ones first)."""
    branches: dict[str, BranchRow] = {}
    metrics: set[str] = set()
    for r in store.query(
        """SELECT ext, modified FROM items WHERE kind = 'activity' AND archived = 0 AND week >= ?
           ORDER BY coalesce(modified, '')""",
        (since_week,),
    ):
        ext = _EXT.decode(r["ext"])
        row = branches.setdefault(ext.branch, BranchRow(ext.branch))
        row.ward = ext.ward or row.ward
        row.target_ward = row.target_ward or ext.target_ward
        row.twinned_with = ext.twinned_with or row.twinned_with
        row.weeks[ext.week] = ext.metrics
        metrics.update(ext.metrics)
    ordered = [m for m in COMMON_METRICS if m in metrics] + sorted(metrics - set(COMMON_METRICS))
    return list(branches.values()), ordered or list(COMMON_METRICS[:1])


def sort_branches(rows: list[BranchRow], how: str, weeks: list[str], metric: str) -> list[BranchRow]:
    if how == "name":
        return sorted(rows, key=lambda r: r.branch.lower())
    if how == "trend":
        return sorted(rows, key=lambda r: (-(r.trend(weeks, metric) or 0), r.branch.lower()))
    if how == "target":
        return sorted(rows, key=lambda r: (not r.target_ward, -r.total(weeks, metric), r.branch.lower()))
    return sorted(rows, key=lambda r: (-r.total(weeks, metric), r.branch.lower()))
