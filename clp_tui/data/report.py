"""The report-back for a CLP meeting, as Markdown or as one self-contained HTML file.

`build_report` gathers the figures (the plan's milestones, branch activity over
the window, the press pipeline with its gates and imprints, moderation counts);
`render_markdown` and `render_html` lay them out. The report is read out and
handed round, so it names no commenter and quotes no comment: the moderation
section is counts only. Everything else that comes from a feed (titles, owners,
branch names) is escaped as in `exports`; the HTML draws its two charts as
inline SVG built from numbers and week labels only.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections import Counter
from dataclasses import dataclass

from clp_tui.config import Config
from clp_tui.data.board import Milestone, load_milestones
from clp_tui.data.branches import BranchRow, iso_week, last_weeks, load_branches
from clp_tui.data.contract import GATED_STAGES, PRESS_STAGES
from clp_tui.data.exports import (
    Block,
    Bullets,
    Figure,
    Heading,
    Headline,
    Inline,
    Para,
    Parts,
    Safe,
    Table,
    Tag,
    to_html,
    to_markdown,
)
from clp_tui.data.imprint import FORMAT_LABELS, ImprintProblem, imprint_problems
from clp_tui.data.inbox import DECISIONS, Inbox
from clp_tui.data.packs import exported_packs
from clp_tui.data.press import STAGE_LABELS, Card, load_cards
from clp_tui.data.store import Store

WINDOW_DAYS = 28  # --since defaults to this many days before the report date
AHEAD_DAYS = 28  # "coming up" looks this far ahead
QUIET_WINDOW = 2  # weeks; the same rule as the branch grid's QUIET flag
BRANCH_METRICS = ("doors", "contacts", "leaflets", "calls")
STATUS_WORDS = {"not_started": "not started", "on_track": "on track", "at_risk": "at risk"}
RAG_WORDS = {
    "overdue": "overdue",
    "behind": "behind",
    "at_risk": "at risk",
    "on_track": "on track",
    "done": "done",
    "dropped": "dropped",
}
DECISION_WORDS = {
    "approved": "approved",
    "hidden": "hidden",
    "escalated": "escalated (to the GLU)",
    "needs_reply": "needs a reply",
    "unreviewed": "not reviewed yet",
}
# Stages at which a card is waiting for the candidate's consent / the region's sign-off.
_CONSENT_WAIT = frozenset({"candidate_consent", "regional_review"})
_SIGNOFF_WAIT = frozenset({"regional_review"})
_CONSENT, _SIGNOFF = "the candidate's consent", "regional sign-off"


@dataclass(slots=True)
class DoneMilestone:
    milestone: Milestone
    done_on: dt.date
    local: bool  # marked done here (the decision log's time) rather than by the feed


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
class Burndown:
    """Doors still to knock for the doorstep milestone, week by week, against an even pace."""

    title: str
    target: float
    start: dt.date
    due: dt.date
    weeks: list[str]
    doors: list[float | None]  # doors knocked each week across all branches; None for weeks to come
    ideal: list[float]  # doors left at the end of each week at an even pace
    achieved_in_plan: float | None  # what the milestone itself says

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


def _campaign_facts(store: Store, as_of: dt.date) -> tuple[str | None, dt.date | None]:
    rows = store.query("SELECT constituency, polling_day FROM feeds ORDER BY name")
    constituency = next((r[0] for r in rows if r[0]), None)
    days = sorted({dt.date.fromisoformat(r[1]) for r in rows if r[1]})
    ahead = [d for d in days if d >= as_of]
    return constituency, (ahead[0] if ahead else days[-1] if days else None)


def _done_since(store: Store, milestones: list[Milestone], since: dt.date, as_of: dt.date) -> list[DoneMilestone]:
    """Milestones done in the window: when marked done here, the decision's time; else the
    item's date_modified (or date_published when the feed gives no modified date)."""
    local = {
        (r[0], r[1]): r[2] for r in store.query("SELECT feed, item_id, at FROM decision_state WHERE field = 'status'")
    }
    changed = {
        (r[0], r[1]): r[2]
        for r in store.query("SELECT feed, id, coalesce(modified, published) FROM items WHERE kind = 'milestone'")
    }
    done = []
    for m in milestones:
        if m.status != "done":
            continue
        stamp = local.get((m.feed, m.id)) if m.local_status else changed.get((m.feed, m.id))
        if not stamp:
            continue
        day = dt.date.fromisoformat(stamp[:10])
        if since <= day <= as_of:
            done.append(DoneMilestone(m, day, m.local_status))
    return sorted(done, key=lambda d: (d.done_on, d.milestone.title), reverse=True)


def _doorstep_milestone(milestones: list[Milestone], as_of: dt.date) -> Milestone | None:
    """The doorstep milestone with a target that is running now (else the next one due)."""
    doorstep = [m for m in milestones if m.ext.strand == "doorstep" and m.ext.target and m.rag != "dropped"]
    running = [m for m in doorstep if (m.ext.start or m.ext.due) <= as_of <= m.ext.due and m.rag != "done"]
    upcoming = sorted((m for m in doorstep if m.ext.due >= as_of and m.rag != "done"), key=lambda m: m.ext.due)
    chosen = sorted(running, key=lambda m: m.ext.due) or upcoming
    return chosen[0] if chosen else None


BURNDOWN_MAX_WEEKS = 520


def _monday_of(week: str) -> dt.date | None:
    """The Monday of an ISO week, or None for one the calendar lacks ("2025-W53", "0000-W01"):
    the contract's pattern lets a feed write those."""
    try:
        return dt.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
    except ValueError:
        return None


def _burndown(m: Milestone, branches: list[BranchRow], as_of: dt.date) -> Burndown:
    start = m.ext.start or min(filter(None, map(_monday_of, (w for b in branches for w in b.weeks))), default=None)
    start = start or as_of - dt.timedelta(days=as_of.weekday())
    # A feed's dates may be anything from 0001 to 9999; a chart of ten years is plenty.
    weeks = weeks_between(start, max(m.ext.due, start), limit=BURNDOWN_MAX_WEEKS)
    current = iso_week(as_of)
    doors: list[float | None] = [
        sum(b.value(w, "doors") or 0 for b in branches) if w <= current else None for w in weeks
    ]
    target = float(m.ext.target or 0)
    span = len(weeks)
    ideal = [round(target * (1 - (n + 1) / span)) for n in range(span)]
    return Burndown(m.title, target, start, m.ext.due, weeks, doors, ideal, m.achieved)


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
            missing = [w for w, given in ((_CONSENT, c.consent_by), (_SIGNOFF, c.signoff_by)) if not given]
            if missing:
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
    ]
    weekly = [
        WeekBar(
            week=w,
            target=sum(r.value(w, "doors") or 0 for r in rows if r.target_ward),
            other=sum(r.value(w, "doors") or 0 for r in rows if not r.target_ward),
        )
        for w in weeks
    ]
    recent = last_weeks(as_of, QUIET_WINDOW)
    doorstep = _doorstep_milestone(milestones, as_of)
    if doorstep is not None:
        burndown = _burndown(doorstep, rows, as_of)
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
        needs_help=[m for m in milestones if m.rag in ("overdue", "behind")],
        done=_done_since(store, milestones, since, as_of),
        coming_up=sorted(
            (m for m in milestones if m.rag not in ("done", "dropped") and as_of <= m.ext.due <= horizon),
            key=lambda m: (m.ext.due, m.title),
        ),
        weeks=weeks,
        branches=rows,
        totals=totals,
        weekly_doors=weekly,
        quiet=[r for r in rows if r.quiet(recent)],
        twins=_twins(rows, weeks),
        burndown=burndown,
        doorstep_note=note,
        stage_counts=stages,
        waiting=waiting,
        gate_breaches=breaches,
        imprint=imprint_problems(store, config),
        imprint_configured=bool(config.campaign.imprint.strip()),
        moderation=_moderation(store, config, since, until),
        generated_at=now,
    )


# -- the document ---------------------------------------------------------------------


def num(value: float | None) -> Safe:
    if value is None:
        return Safe("—")
    return Safe(f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}")


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def progress_words(m: Milestone) -> Safe:
    if m.ext.target and m.achieved is not None:
        return Safe(f"{num(m.achieved)} of {num(m.ext.target)} ({m.progress or 0:.0%})")
    return Safe("—")


def trend_words(row: BranchRow, weeks: list[str]) -> Safe:
    trend = row.trend(weeks, "doors")
    return Safe("—" if trend is None else f"{trend:+.0%}".replace("-", "−"))


def poll_words(report: MeetingReport) -> str:
    days = report.days_to_poll
    if days is None or report.polling_day is None:
        return "No feed gives a polling day."
    when = long_date(report.polling_day)
    if days > 0:
        return f"days to polling day ({when})"
    if days == 0:
        return f"Polling day is today ({when})"
    return f"Polling day was {-days} days ago ({when})"


def week_span(weeks: list[str]) -> str:
    return f"{weeks[0]} to {weeks[-1]}" if len(weeks) > 1 else weeks[0]


def _rag(rag: str) -> Tag:
    return Tag(RAG_WORDS[rag], rag)


def _milestone_table(milestones: list[Milestone]) -> Table:
    return Table(
        ["Milestone", "Owner", "Due", "Status", "Progress"],
        [[m.title, m.ext.owner or "", Safe(m.ext.due.isoformat()), _rag(m.rag), progress_words(m)] for m in milestones],
    )


def _plan_blocks(r: MeetingReport) -> list[Block]:
    blocks: list[Block] = [Heading(2, Safe("Campaign plan")), Heading(3, Safe("Falling behind: needs help"))]
    blocks.append(_milestone_table(r.needs_help) if r.needs_help else Para(Safe("Nothing is overdue or behind.")))
    blocks.append(Heading(3, Safe(f"Done since {short_date(r.since)}")))
    if r.done:
        rows: list[list[Parts]] = [
            [
                d.milestone.title,
                d.milestone.ext.owner or "",
                Safe(d.done_on.isoformat()),
                Safe("here" if d.local else "in the feed"),
            ]
            for d in r.done
        ]
        blocks.append(Table(["Milestone", "Owner", "Done on", "Marked done"], rows))
    else:
        blocks.append(Para(Safe("Nothing was finished in this period.")))
    blocks.append(Heading(3, Safe("Coming up in the next four weeks")))
    blocks.append(
        _milestone_table(r.coming_up) if r.coming_up else Para(Safe("Nothing falls due in the next four weeks."))
    )
    return blocks


def _branch_blocks(r: MeetingReport) -> list[Block]:
    blocks: list[Block] = [Heading(2, Safe(f"Branch activity, {week_span(r.weeks)}"))]
    if not r.branches:
        return [*blocks, Para(Safe("No branch activity in the feeds."))]
    others = len(r.branches) - r.target_branches
    blocks += [
        Heading(3, Safe("Totals over the period")),
        Table(
            ["Metric", f"Target wards ({r.target_branches} branches)", f"Other branches ({others})", "All"],
            [[t.metric.replace("_", " "), num(t.target), num(t.other), num(t.all)] for t in r.totals],
            frozenset({1, 2, 3}),
        ),
        Heading(3, Safe("Doors knocked per week")),
        Figure(
            svg_weekly_bars(r.weekly_doors),
            "Doors knocked each week across all branches; the dark part of each bar is the target wards.",
            Table(
                ["Week", "Target wards", "Other branches", "All"],
                [[Safe(b.week), num(b.target), num(b.other), num(b.all)] for b in r.weekly_doors],
                frozenset({1, 2, 3}),
            ),
        ),
        Heading(3, Safe("Doors against the doorstep target")),
    ]
    b = r.burndown
    if b is None:
        blocks.append(Para(Safe(r.doorstep_note)))
    else:
        blocks.append(Para(_burndown_words(b, r.as_of)))
        blocks.append(
            Figure(
                svg_burndown(b, r.as_of),
                "Doors still to knock at the end of each week (solid) against an even pace from the start "
                "to the due date (dashed).",
                Table(
                    ["Week", "Doors knocked", "Still to knock", "At an even pace"],
                    [
                        [Safe(w), num(d), num(left), num(ideal)]
                        for w, d, left, ideal in zip(b.weeks, b.doors, b.remaining, b.ideal, strict=True)
                    ],
                    frozenset({1, 2, 3}),
                ),
            )
        )
    blocks += [
        Heading(3, Safe("By branch")),
        Para(
            Safe("★ marks a target ward. Trend: doors in the later half of the period against the earlier half."),
            muted=True,
        ),
        Table(
            ["Branch", "Ward", "★", *(m.capitalize() for m in BRANCH_METRICS), "Trend"],
            [
                [
                    row.branch,
                    row.ward or "",
                    Safe("★" if row.target_ward else ""),
                    *(num(row.total(r.weeks, m)) for m in BRANCH_METRICS),
                    trend_words(row, r.weeks),
                ]
                for row in r.branches
            ],
            frozenset({3, 4, 5, 6, 7}),
        ),
        Heading(3, Safe("Quiet branches")),
    ]
    if r.quiet:
        blocks.append(Bullets([[q.branch, Safe(": nothing recorded in the last two weeks")] for q in r.quiet]))
    else:
        blocks.append(Para(Safe("Every branch recorded something in the last two weeks.")))
    blocks.append(Heading(3, Safe("Twinning")))
    if r.twins:
        blocks.append(
            Table(
                ["Branch", "Twinned with", "Doors (branch)", "Doors (twin)"],
                [
                    [
                        [t.branch, Safe(" ★" if t.target_ward else "")],
                        t.partner,
                        num(t.branch_doors),
                        num(t.partner_doors),
                    ]
                    for t in r.twins
                ],
                frozenset({2, 3}),
            )
        )
    else:
        blocks.append(Para(Safe("No branches are twinned.")))
    return blocks


def _burndown_words(b: Burndown, as_of: dt.date) -> list[Inline]:
    left = [x for x in b.remaining if x is not None]
    now_left = left[-1] if left else b.target
    current = iso_week(as_of)
    expected = next((i for w, i in zip(b.weeks, b.ideal, strict=True) if w == current), None)
    pace = f"; at an even pace it would be {num(expected)} by now" if expected is not None else ""
    plan = f" The milestone itself records {num(b.achieved_in_plan)}." if b.achieved_in_plan is not None else ""
    return [
        Safe("“"),
        b.title,
        Safe(
            f"”: a target of {num(b.target)} doors from {short_date(b.start)} to {short_date(b.due)}. "
            f"The branches report {num(b.knocked)} doors knocked since it started (every ward counts), "
            f"so {num(now_left)} are still to knock{pace}.{plan}"
        ),
    ]


def _stage_words(p: ImprintProblem) -> Parts:
    if p.kind == "press":
        return Safe(STAGE_LABELS[p.stage]) if p.stage in STAGE_LABELS else p.stage
    words = STATUS_WORDS.get(p.stage) or RAG_WORDS.get(p.stage)
    return Safe(words) if words else p.stage


def _imprint_intro(r: MeetingReport) -> Safe:
    if not r.imprint_configured:
        return Safe(
            "No imprint is configured ([campaign] imprint in the config), so every item that needs one "
            f"is listed: {len(r.imprint)}."
        )
    if not r.imprint:
        return Safe("Every press card and milestone that needs the imprint carries it.")
    return Safe(f"{len(r.imprint)} item(s) need the imprint and do not carry it.")


def _press_blocks(r: MeetingReport) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, Safe("Press pipeline")),
        Table(["Stage", "Cards"], [[Safe(STAGE_LABELS[s]), num(n)] for s, n in r.stage_counts], frozenset({1})),
        Heading(3, Safe("Waiting on consent or sign-off")),
    ]
    if r.waiting:
        blocks.append(
            Table(
                ["Card", "Format", "Stage", "Waiting on", "Days in stage", "Owner"],
                [
                    [
                        w.card.title,
                        Safe(FORMAT_LABELS.get(w.card.ext.format, w.card.ext.format)),
                        Safe(STAGE_LABELS[w.card.stage]),
                        Safe(" and ".join(w.waits_on)),
                        num(w.days),
                        w.card.ext.owner or "",
                    ]
                    for w in r.waiting
                ],
                frozenset({4}),
            )
        )
    else:
        blocks.append(Para(Safe("Nothing is waiting on the candidate or the region.")))
    if r.gate_breaches:
        blocks += [
            Heading(3, Safe("Past the gate without consent or sign-off")),
            Para(
                Safe("These cards are at Approved or later in the feed without both; they must not go out as they are.")
            ),
            Table(
                ["Card", "Stage", "Missing"],
                [
                    [w.card.title, Safe(STAGE_LABELS[w.card.stage]), Safe(" and ".join(w.waits_on))]
                    for w in r.gate_breaches
                ],
            ),
        ]
    blocks += [Heading(3, Safe("Imprints")), Para(_imprint_intro(r))]
    if r.imprint:
        blocks.append(
            Table(
                ["Item", "Kind", "Stage", "Needs an imprint because", "Problem"],
                [[p.title, Safe(p.kind), _stage_words(p), Safe(p.needs_because), Safe(p.reason)] for p in r.imprint],
            )
        )
    return blocks


def _moderation_blocks(mod: ModerationNumbers) -> list[Block]:
    kinds = [*DECISIONS, *(k for k in sorted(mod.decided) if k not in DECISIONS)]
    decided: list[list[Parts]] = [
        [Safe(DECISION_WORDS[k]) if k in DECISION_WORDS else k, num(mod.decided.get(k, 0))] for k in kinds
    ]
    if mod.undone:
        decided.append([Safe("undone"), num(mod.undone)])
    states = [*DECISIONS, "unreviewed", *(k for k in sorted(mod.now) if k not in (*DECISIONS, "unreviewed"))]
    blocks: list[Block] = [
        Heading(2, Safe("Moderation in numbers")),
        Para(
            Safe(
                f"{mod.received} comment(s) came in during the period; {mod.escalated_in_window} were escalated to "
                f"the GLU and {mod.packs_exported} evidence pack(s) exported. Counts only: no names or comments "
                "appear in this report."
            )
        ),
        Heading(3, Safe("Decisions taken in the period")),
        Table(["Decision", "Count"], decided, frozenset({1})),
        Heading(3, Safe("The inbox now")),
        Table(
            ["State", "Comments"],
            [[Safe(DECISION_WORDS[k]) if k in DECISION_WORDS else k, num(mod.now.get(k, 0))] for k in states],
            frozenset({1}),
        ),
    ]
    if mod.received_by_platform:
        blocks += [
            Heading(3, Safe("Comments in the period by platform")),
            Table(["Platform", "Comments"], [[p, num(n)] for p, n in mod.received_by_platform.items()], frozenset({1})),
        ]
    return blocks


def report_blocks(report: MeetingReport) -> list[Block]:
    """The whole report as a document, the same for Markdown and HTML."""
    r = report
    title: list[Inline] = [Safe("Report to the CLP meeting")]
    if r.constituency:
        title += [Safe(": "), r.constituency]
    days = r.days_to_poll
    headline = Headline(
        [
            (str(days) if days is not None and days > 0 else "—", poll_words(r)),
            (str(len(r.needs_help)), "milestones falling behind"),
            (str(len(r.done)), f"done since {short_date(r.since)}"),
            (str(len(r.quiet)), "quiet branches"),
        ]
    )
    return [
        Heading(1, title),
        Para(
            Safe(
                f"{long_date(r.as_of)}. Covers {short_date(r.since)} to {short_date(r.as_of)}. Made with clp-tui "
                "from the shared feeds and the officers' decision log."
            ),
            muted=True,
        ),
        headline,
        *_plan_blocks(r),
        *_branch_blocks(r),
        *_press_blocks(r),
        *_moderation_blocks(r.moderation),
    ]


def render_markdown(report: MeetingReport) -> str:
    return to_markdown(report_blocks(report))


def render_html(report: MeetingReport) -> str:
    title = "Report to the CLP meeting" + (f": {report.constituency}" if report.constituency else "")
    return to_html(f"{title}, {report.as_of}", report_blocks(report), _CHART_CSS)


# -- charts (inline SVG from numbers only) ----------------------------------------------

_CHART_CSS = """
.bar-target { fill: #b3001b; } .bar-other { fill: #c9c9c4; stroke: #5b5b58; stroke-width: .5; }
.line-actual { fill: none; stroke: #b3001b; stroke-width: 2.5; } .dot-actual { fill: #b3001b; }
.line-ideal { fill: none; stroke: #1d1d1b; stroke-width: 1.5; stroke-dasharray: 6 4; }
.axis { stroke: #1d1d1b; stroke-width: 1; } .grid { stroke: #e3e2dd; stroke-width: 1; }
.today { stroke: #8a5a00; stroke-width: 1.5; stroke-dasharray: 2 3; }
@media print { .bar-target { fill: #555; } .line-actual { stroke: #000; } .dot-actual { fill: #000; } }
"""

_W, _H = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 14, 42


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top`."""
    raw = top / count
    # Nothing to show, or a feed's extreme figures: below 1e-300 the step underflows to 0
    # (a target of 2.5e-323), and sums of 1e308s are infinite.
    if not 1e-300 < raw < math.inf:
        return [0.0, 1.0]
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [step * n for n in range(math.ceil(top / step - 1e-9) + 1)]


def _week_label(week: str) -> str:
    return week[5:]  # "2026-W47" -> "W47"


def _axes(ticks: list[float], labels: list[tuple[float, str]]) -> list[str]:
    plot_h = _H - _TOP - _BOTTOM
    top = ticks[-1]
    parts = []
    for t in ticks:
        y = _TOP + plot_h * (1 - t / top)
        parts.append(f'<line class="grid" x1="{_LEFT}" y1="{y:.1f}" x2="{_W - _RIGHT}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{num(t)}</text>')
    parts.append(f'<line class="axis" x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{_W - _RIGHT}" y2="{_TOP + plot_h}"/>')
    parts.append(f'<line class="axis" x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{_TOP + plot_h}"/>')
    # At most 14 labels, counted back from the last week so it always has one.
    step = max(1, math.ceil(len(labels) / 14))
    for n, (x, text) in enumerate(labels):
        if (len(labels) - 1 - n) % step == 0:
            parts.append(f'<text x="{x:.1f}" y="{_H - _BOTTOM + 16}" text-anchor="middle">{html.escape(text)}</text>')
    return parts


def _svg(name: str, title: str, desc: str, parts: list[str]) -> str:
    return (
        f'<svg viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" role="img" aria-labelledby="{name}-t {name}-d">'
        f'<title id="{name}-t">{html.escape(title)}</title><desc id="{name}-d">{html.escape(desc)}</desc>'
        + "".join(parts)
        + "</svg>"
    )


def svg_weekly_bars(bars: list[WeekBar]) -> str:
    """Doors per week, one stacked bar per week: target wards below, other branches above."""
    if not bars:
        return ""
    ticks = nice_ticks(max((b.all for b in bars), default=0))
    top = ticks[-1]
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    band = plot_w / len(bars)
    width = band * 0.7
    parts: list[str] = []
    labels = []
    for n, b in enumerate(bars):
        x = _LEFT + band * n + (band - width) / 2
        base = _TOP + plot_h
        t_h, o_h = plot_h * b.target / top, plot_h * b.other / top
        parts.append(
            f'<rect class="bar-target" x="{x:.1f}" y="{base - t_h:.1f}" width="{width:.1f}" height="{t_h:.1f}"/>'
        )
        parts.append(
            f'<rect class="bar-other" x="{x:.1f}" y="{base - t_h - o_h:.1f}" width="{width:.1f}" height="{o_h:.1f}"/>'
        )
        parts.append(
            f'<text x="{x + width / 2:.1f}" y="{base - t_h - o_h - 4:.1f}" text-anchor="middle">{num(b.all)}</text>'
        )
        labels.append((x + width / 2, _week_label(b.week)))
    legend_y = _H - 8
    parts.append(f'<rect class="bar-target" x="{_LEFT}" y="{legend_y - 9}" width="10" height="10"/>')
    parts.append(f'<text x="{_LEFT + 14}" y="{legend_y}">target wards</text>')
    parts.append(f'<rect class="bar-other" x="{_LEFT + 110}" y="{legend_y - 9}" width="10" height="10"/>')
    parts.append(f'<text x="{_LEFT + 124}" y="{legend_y}">other branches</text>')
    desc = "; ".join(f"{b.week}: {num(b.all)} doors ({num(b.target)} in target wards)" for b in bars)
    return _svg("weekly-doors", "Doors knocked per week", desc, _axes(ticks, labels) + parts)


def svg_burndown(b: Burndown, as_of: dt.date) -> str:
    """Doors still to knock at the end of each week against an even pace to the due date."""
    ticks = nice_ticks(b.target)
    top = ticks[-1]
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    count = len(b.weeks)
    step = plot_w / max(count, 1)

    def x(n: float) -> float:
        return _LEFT + step * n

    def y(value: float) -> float:
        return _TOP + plot_h * (1 - value / top)

    # Week n's figures sit at the end of week n; point 0 is the start, with nothing knocked.
    ideal = [f"{x(0):.1f},{y(b.target):.1f}"] + [f"{x(n + 1):.1f},{y(v):.1f}" for n, v in enumerate(b.ideal)]
    actual = [(x(0), y(b.target))] + [(x(n + 1), y(v)) for n, v in enumerate(b.remaining) if v is not None]
    parts = [f'<polyline class="line-ideal" points="{" ".join(ideal)}"/>']
    parts.append(f'<polyline class="line-actual" points="{" ".join(f"{px:.1f},{py:.1f}" for px, py in actual)}"/>')
    parts += [f'<circle class="dot-actual" cx="{px:.1f}" cy="{py:.1f}" r="3"/>' for px, py in actual[1:]]
    current = iso_week(as_of)
    if current in b.weeks:
        tx = x(b.weeks.index(current) + 1)
        parts.append(f'<line class="today" x1="{tx:.1f}" y1="{_TOP}" x2="{tx:.1f}" y2="{_TOP + plot_h}"/>')
        parts.append(f'<text x="{tx - 4:.1f}" y="{_TOP + 10}" text-anchor="end">this week</text>')
    labels = [(x(n + 0.5), _week_label(w)) for n, w in enumerate(b.weeks)]
    legend_y = _H - 8
    parts.append(f'<line class="line-actual" x1="{_LEFT}" y1="{legend_y - 4}" x2="{_LEFT + 22}" y2="{legend_y - 4}"/>')
    parts.append(f'<text x="{_LEFT + 28}" y="{legend_y}">still to knock</text>')
    parts.append(
        f'<line class="line-ideal" x1="{_LEFT + 130}" y1="{legend_y - 4}" x2="{_LEFT + 152}" y2="{legend_y - 4}"/>'
    )
    parts.append(f'<text x="{_LEFT + 158}" y="{legend_y}">even pace to the due date</text>')
    left = [v for v in b.remaining if v is not None]
    desc = (
        f"Target {num(b.target)} doors from {b.start} to {b.due}; {num(b.knocked)} knocked so far, "
        f"{num(left[-1] if left else b.target)} still to knock."
    )
    return _svg("burndown", "Doors still to knock against the doorstep target", desc, _axes(ticks, labels) + parts)
