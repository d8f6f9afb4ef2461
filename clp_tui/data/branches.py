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
# Below this many in both halves a trend is a change of a handful: it is given as the
# absolute change ("+3"), never as a percentage (3 -> 12 is not "+300%").
TREND_FLOOR = 20
# Rates organisers judge a ward by: name -> (numerator metrics, the first one the feed
# carries; denominator metric). Shown wherever their figures are, in the grid and the report.
RATES: dict[str, tuple[tuple[str, ...], str]] = {
    "contact_rate": (("contacts",), "doors"),
    "voter_id_rate": (("voter_id", "ids"), "doors"),
    "doors_per_volunteer": (("doors",), "volunteers"),
}
PERCENT_RATES = frozenset({"contact_rate", "voter_id_rate"})
_EXT = msgspec.json.Decoder(ActivityExt)


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def last_weeks(today: dt.date, count: int) -> list[str]:
    """The last `count` ISO weeks, oldest first, ending with this week."""
    return [iso_week(today - dt.timedelta(weeks=n)) for n in range(count - 1, -1, -1)]


def is_rate(metric: str) -> bool:
    return metric in RATES


def rate_words(metric: str, value: float | None) -> str:
    """A rate as the grid and the report show it: "42%", "3.5" doors a volunteer, "–" with no base."""
    if value is None:
        return "–"
    return f"{value:.0%}" if metric in PERCENT_RATES else f"{value:,.1f}"


@dataclass(slots=True, frozen=True)
class Trend:
    """The later half of a window against the earlier half."""

    before: float
    after: float

    @property
    def small(self) -> bool:
        """Too few to give as a percentage: both halves under TREND_FLOOR, or nothing before."""
        return self.before == 0 or (self.before < TREND_FLOOR and self.after < TREND_FLOOR)

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def fraction(self) -> float | None:
        """The change as a fraction of the earlier half; None when `small`."""
        return None if self.small else self.change / self.before

    def words(self) -> str:
        """ "+45%" or, on small numbers, the absolute change ("+3", "0"); "—" when both are nothing."""
        if self.before == 0 and self.after == 0:
            return "—"
        fraction = self.fraction
        if fraction is None:
            return f"{self.change:+,.0f}".replace("+0", "0").replace("-", "−")
        return f"{fraction:+.0%}".replace("-", "−")


@dataclass(slots=True)
class BranchRow:
    branch: str
    ward: str | None = None
    target_ward: bool = False
    twinned_with: str | None = None
    # week -> metric -> value
    weeks: dict[str, dict[str, float]] = field(default_factory=dict)

    def _raw(self, week: str, metric: str) -> float | None:
        values = self.weeks.get(week, {})
        if metric in RATES:
            names, _ = RATES[metric]
            return next((values[n] for n in names if n in values), None)
        return values.get(metric)

    def _sum(self, weeks: list[str], metric: str) -> float:
        return sum(self._raw(w, metric) or 0 for w in weeks)

    def value(self, week: str, metric: str) -> float | None:
        """One week's figure; for a rate its ratio, None when the week has no base (no doors)."""
        if metric in RATES:
            return self.rate([week], metric)
        return self.weeks.get(week, {}).get(metric)

    def rate_parts(self, weeks: list[str], metric: str) -> tuple[float, float]:
        """A rate's numerator and base summed over `weeks`."""
        return self._sum(weeks, metric), sum(self.weeks.get(w, {}).get(RATES[metric][1]) or 0 for w in weeks)

    def rate(self, weeks: list[str], metric: str) -> float | None:
        """A rate over `weeks`: the summed numerator over the summed base; None with no base."""
        return group_rate([self], weeks, metric)

    def total(self, weeks: list[str], metric: str) -> float:
        """The sum over `weeks`; for a rate, the rate over them (0 with no base: see `rate`)."""
        if metric in RATES:
            return self.rate(weeks, metric) or 0.0
        return self._sum(weeks, metric)

    def trend_of(self, weeks: list[str], metric: str) -> Trend | None:
        """The latest `n` weeks against the `n` before them (n = half of `weeks`); None for a rate
        or fewer than two weeks."""
        half = len(weeks) // 2
        if half == 0 or metric in RATES:
            return None
        return Trend(self._sum(weeks[-2 * half : -half], metric), self._sum(weeks[-half:], metric))

    def trend(self, weeks: list[str], metric: str) -> float | None:
        """The trend as a fraction, None on small numbers (see `Trend.small`)."""
        t = self.trend_of(weeks, metric)
        return t.fraction if t else None

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
    return list(branches.values()), (ordered or list(COMMON_METRICS[:1])) + rates_for(metrics)


def group_rate(rows: list[BranchRow], weeks: list[str], metric: str) -> float | None:
    """A rate across branches (numerators over bases, never an average of rates); None with no base."""
    parts = [r.rate_parts(weeks, metric) for r in rows]
    base = sum(b for _, b in parts)
    return sum(n for n, _ in parts) / base if base else None


def rates_for(metrics: set[str] | list[str]) -> list[str]:
    """The rates whose figures the feeds carry (a numerator and its base)."""
    return [r for r, (names, base) in RATES.items() if base in metrics and any(n in metrics for n in names)]


def sort_branches(rows: list[BranchRow], how: str, weeks: list[str], metric: str) -> list[BranchRow]:
    if how == "name":
        return sorted(rows, key=lambda r: r.branch.lower())
    if how == "trend":
        return sorted(rows, key=lambda r: (-(r.trend(weeks, metric) or 0), r.branch.lower()))
    if how == "target":
        return sorted(rows, key=lambda r: (not r.target_ward, -r.total(weeks, metric), r.branch.lower()))
    return sorted(rows, key=lambda r: (-r.total(weeks, metric), r.branch.lower()))
