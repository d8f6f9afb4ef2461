"""The figures for the report-back to a CLP meeting.

`build_report` gathers them (the plan's milestones, branch activity over the window,
the press pipeline with its gates and imprints, moderation counts) into a
`MeetingReport`; `documents.report` lays them out as Markdown or HTML. The report is
read out and handed round, so it gathers no commenter and no comment: moderation is
counts only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass

from clp_tui.config import Config
from clp_tui.data.board import Milestone, is_late, load_milestones
from clp_tui.data.branches import QUIET_WEEKS, BranchRow, group_rate, is_rate, last_weeks, load_branches
from clp_tui.data.burndown import Burndown, build_burndown, doorstep_milestone, weeks_between
from clp_tui.data.contract import GATED_STAGES, PRESS_STAGES
from clp_tui.data.done_since import DoneMilestone, done_since
from clp_tui.data.imprint import ImprintProblem, imprint_configured, imprint_problems
from clp_tui.data.inbox import Inbox
from clp_tui.data.packs import exported_packs
from clp_tui.data.press import Card, gate_breached, load_cards
from clp_tui.data.store import Store

WINDOW_DAYS = 28  # --since defaults to this many days before the report date
AHEAD_DAYS = 28  # "coming up" looks this far ahead
# Stages at which a card is waiting for the candidate's consent / the region's sign-off.
_CONSENT_WAIT = frozenset({"candidate_consent", "regional_review"})
_SIGNOFF_WAIT = frozenset({"regional_review"})
_CONSENT, _SIGNOFF = "the candidate's consent", "regional sign-off"


@dataclass(slots=True, kw_only=True)
class _TargetSplit:
    """An amount split between target wards and the rest."""

    target: float
    other: float

    @property
    def all(self) -> float:
        return self.target + self.other


@dataclass(slots=True, kw_only=True)
class MetricTotal(_TargetSplit):
    metric: str


@dataclass(slots=True)
class RateFigure:
    """A rate (data/branches.py RATES) over the period: target wards, the rest, all; None with no base."""

    metric: str
    target: float | None
    other: float | None
    all: float | None


@dataclass(slots=True, kw_only=True)
class WeekBar(_TargetSplit):
    week: str


@dataclass(slots=True)
class Twin:
    branch: str
    partner: str
    target_ward: bool
    branch_doors: float
    partner_doors: float | None  # None: the partner sends no activity


@dataclass(slots=True)
class Waiting:
    card: Card
    waits_on: list[str]
    days: int | None


@dataclass(slots=True)
class ModerationNumbers:
    now: dict[str, int]  # the inbox as it stands, by current decision
    decided: dict[str, int]  # decisions taken in the window, by kind (undone ones left out)
    undone: int
    received: int  # comments published in the window
    received_by_platform: dict[str, int]
    packs_exported: int

    @property
    def escalated_in_window(self) -> int:
        return self.decided.get("escalated", 0)


@dataclass(slots=True)
class MeetingReport:
    as_of: dt.date
    since: dt.date
    constituency: str | None
    polling_day: dt.date | None
    needs_help: list[Milestone]
    done: list[DoneMilestone]
    coming_up: list[Milestone]
    weeks: list[str]
    branches: list[BranchRow]
    totals: list[MetricTotal]
    rates: list[RateFigure]
    weekly_doors: list[WeekBar]
    quiet: list[BranchRow]
    twins: list[Twin]
    burndown: Burndown | None
    doorstep_note: str
    stage_counts: list[tuple[str, int]]
    waiting: list[Waiting]
    gate_breaches: list[Waiting]
    imprint: list[ImprintProblem]
    imprint_configured: bool
    moderation: ModerationNumbers
    generated_at: dt.datetime

    @property
    def days_to_poll(self) -> int | None:
        return (self.polling_day - self.as_of).days if self.polling_day else None

    @property
    def target_branches(self) -> int:
        return sum(1 for b in self.branches if b.target_ward)


# -- gathering ------------------------------------------------------------------------


def _campaign_facts(store: Store, as_of: dt.date) -> tuple[str | None, dt.date | None]:
    rows = store.query("SELECT constituency, polling_day FROM feeds ORDER BY name")
    constituency = next((r[0] for r in rows if r[0]), None)
    days = sorted({dt.date.fromisoformat(r[1]) for r in rows if r[1]})
    ahead = [d for d in days if d >= as_of]
    return constituency, (ahead[0] if ahead else days[-1] if days else None)


def _twins(rows: list[BranchRow], weeks: list[str]) -> list[Twin]:
    by_name = {r.branch: r for r in rows}
    twins, seen = [], set()
    for r in sorted(rows, key=lambda r: (not r.target_ward, r.branch.lower())):
        if not r.twinned_with or frozenset((r.branch, r.twinned_with)) in seen:
            continue
        seen.add(frozenset((r.branch, r.twinned_with)))
        partner = by_name.get(r.twinned_with)
        twins.append(
            Twin(
                r.branch,
                r.twinned_with,
                r.target_ward,
                r.total(weeks, "doors"),
                partner.total(weeks, "doors") if partner else None,
            )
        )
    return twins


def _press(cards: list[Card], now: dt.datetime) -> tuple[list[tuple[str, int]], list[Waiting], list[Waiting]]:
    counts = Counter(c.stage for c in cards)
    stages = [(s, counts.get(s, 0)) for s in PRESS_STAGES]
    waiting, breaches = [], []
    for c in cards:
        if c.stage in GATED_STAGES:
            if gate_breached(c):
                missing = [w for w, given in ((_CONSENT, c.consent_by), (_SIGNOFF, c.signoff_by)) if not given]
                breaches.append(Waiting(c, missing, c.days_in_stage(now)))
            continue
        waits = [
            w
            for w, given, stages_waiting in (
                (_CONSENT, c.consent_by, _CONSENT_WAIT),
                (_SIGNOFF, c.signoff_by, _SIGNOFF_WAIT),
            )
            if not given and c.stage in stages_waiting
        ]
        if waits:
            waiting.append(Waiting(c, waits, c.days_in_stage(now)))
    order = {s: n for n, s in enumerate(PRESS_STAGES)}
    waiting.sort(key=lambda w: (order[w.card.stage], -(w.days or 0)))
    return stages, waiting, breaches


def _moderation(store: Store, config: Config, since: dt.date, until: str) -> ModerationNumbers:
    window = (since.isoformat(), until)
    decided = {
        json.loads(r[0]): r[1]
        for r in store.query(
            """SELECT d.value, count(*) FROM decisions d
               WHERE d.field = 'moderation' AND d.undoes IS NULL AND d.value IS NOT NULL
                 AND d.at >= ? AND d.at < ?
                 AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.seq)
               GROUP BY d.value""",
            window,
        )
    }
    undone = store.query(
        """SELECT count(*) FROM decisions WHERE field = 'moderation' AND undoes IS NOT NULL
           AND at >= ? AND at < ?""",
        window,
    )[0][0]
    by_platform = {
        r[0]: r[1]
        for r in store.query(
            """SELECT coalesce(platform, 'unknown'), count(*) FROM items
               WHERE kind = 'comment' AND published >= ? AND published < ? GROUP BY 1 ORDER BY 2 DESC, 1""",
            window,
        )
    }
    packs = sum(1 for p in exported_packs(store) if window[0] <= p["at"] < window[1])
    return ModerationNumbers(
        now=Inbox(store, config.moderation).counts_by_decision(),
        decided=decided,
        undone=int(undone),
        received=sum(by_platform.values()),
        received_by_platform=by_platform,
        packs_exported=packs,
    )


def build_report(
    store: Store,
    config: Config,
    as_of: dt.date,
    since: dt.date | None = None,
    now: dt.datetime | None = None,
) -> MeetingReport:
    """Everything the report shows, for the window `since`..`as_of` (both days included)."""
    since = since or as_of - dt.timedelta(days=WINDOW_DAYS)
    now = now or store.clock()
    until = (as_of + dt.timedelta(days=1)).isoformat()
    constituency, polling_day = _campaign_facts(store, as_of)
    milestones = load_milestones(store, as_of, config.board.behind_margin)
    horizon = as_of + dt.timedelta(days=AHEAD_DAYS)
    rows, metrics = load_branches(store)
    rows.sort(key=lambda r: (not r.target_ward, r.branch.lower()))
    weeks = weeks_between(since, as_of)
    totals = [
        MetricTotal(
            metric=metric,
            target=sum(r.total(weeks, metric) for r in rows if r.target_ward),
            other=sum(r.total(weeks, metric) for r in rows if not r.target_ward),
        )
        for metric in (metrics if rows else [])
        if not is_rate(metric)
    ]
    targets = [r for r in rows if r.target_ward]
    others = [r for r in rows if not r.target_ward]
    rates = [
        RateFigure(m, group_rate(targets, weeks, m), group_rate(others, weeks, m), group_rate(rows, weeks, m))
        for m in (metrics if rows else [])
        if is_rate(m)
    ]
    weekly = [
        WeekBar(
            week=w,
            target=sum(r.value(w, "doors") or 0 for r in rows if r.target_ward),
            other=sum(r.value(w, "doors") or 0 for r in rows if not r.target_ward),
        )
        for w in weeks
    ]
    recent = last_weeks(as_of, QUIET_WEEKS)
    doorstep = doorstep_milestone(milestones, as_of)
    if doorstep is not None:
        burndown = build_burndown(doorstep, rows, as_of)
        note = ""
    else:
        burndown = None
        note = "The plan has no doorstep milestone with a target running now, so there is no burn-down."
    stages, waiting, breaches = _press(load_cards(store), now)
    return MeetingReport(
        as_of=as_of,
        since=since,
        constituency=constituency,
        polling_day=polling_day,
        needs_help=[m for m in milestones if is_late(m)],
        done=done_since(store, milestones, since, as_of),
        coming_up=sorted(
            (m for m in milestones if m.rag not in ("done", "dropped") and as_of <= m.ext.due <= horizon),
            key=lambda m: (m.ext.due, m.title),
        ),
        weeks=weeks,
        branches=rows,
        totals=totals,
        rates=rates,
        weekly_doors=weekly,
        quiet=[r for r in rows if r.quiet(recent)],
        twins=_twins(rows, weeks),
        burndown=burndown,
        doorstep_note=note,
        stage_counts=stages,
        waiting=waiting,
        gate_breaches=breaches,
        imprint=imprint_problems(store, config),
        imprint_configured=imprint_configured(config.campaign.imprint),
        moderation=_moderation(store, config, since, until),
        generated_at=now,
    )
