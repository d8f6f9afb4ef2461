"""The report's branch activity section: totals and rates, doors per week, the burn-down,
each branch with its trend, quiet branches and twinning (laid out by documents.report)."""

from __future__ import annotations

import datetime as dt

from clp_tui.data.branches import QUIET_WEEKS, TREND_FLOOR, BranchRow, iso_week, rate_words
from clp_tui.data.burndown import Burndown
from clp_tui.data.report import MeetingReport
from clp_tui.documents.charts import svg_burndown, svg_weekly_bars
from clp_tui.documents.model import Block, Bullets, Figure, Heading, Inline, Para, Safe, Table
from clp_tui.documents.words import count_words, date_text, num

BRANCH_METRICS = ("doors", "contacts", "leaflets", "calls")


def week_span(weeks: list[str]) -> str:
    return f"{weeks[0]} to {weeks[-1]}" if len(weeks) > 1 else weeks[0]


def trend_words(row: BranchRow, weeks: list[str]) -> Safe:
    """The grid's trend words (data/branches.py `Trend.words`): a percentage, or the
    absolute change on small numbers."""
    trend = row.trend_of(weeks, "doors")
    return Safe("—" if trend is None else trend.words())


def rate_label(metric: str) -> str:
    return metric.replace("_", " ").capitalize()


def branch_blocks(r: MeetingReport) -> list[Block]:
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
    ]
    if r.rates:
        blocks.append(
            Table(
                ["Rate", "Target wards", "Other branches", "All"],
                [
                    [rate_label(x.metric), *(Safe(rate_words(x.metric, v)) for v in (x.target, x.other, x.all))]
                    for x in r.rates
                ],
                frozenset({1, 2, 3}),
            )
        )
    blocks += [
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
                    ["Week", "Doors counted", "Still to knock", "At an even pace"],
                    [
                        [Safe(w), num(d), num(left), num(ideal)]
                        for w, d, left, ideal in zip(b.weeks, b.doors, b.remaining, b.ideal, strict=True)
                    ],
                    frozenset({1, 2, 3}),
                ),
            )
        )
    rate_heads = [rate_label(x.metric) for x in r.rates]
    blocks += [
        Heading(3, Safe("By branch")),
        Para(
            Safe(
                "★ marks a target ward. Trend: doors in the later half of the period against the earlier half, "
                f"given as the change in doors when both halves are under {TREND_FLOOR}. "
                "A rate is “–” where no doors (or volunteers) were recorded."
            ),
            muted=True,
        ),
        Table(
            ["Branch", "Ward", "★", *(m.capitalize() for m in BRANCH_METRICS), *rate_heads, "Trend"],
            [
                [
                    row.branch,
                    row.ward or "",
                    Safe("★" if row.target_ward else ""),
                    *(num(row.total(r.weeks, m)) for m in BRANCH_METRICS),
                    *(Safe(rate_words(x.metric, row.rate(r.weeks, x.metric))) for x in r.rates),
                    trend_words(row, r.weeks),
                ]
                for row in r.branches
            ],
            frozenset(range(3, 5 + len(BRANCH_METRICS) + len(r.rates))),
        ),
        Heading(3, Safe("Quiet branches")),
    ]
    last = f"the last {count_words(QUIET_WEEKS)} weeks"
    if r.quiet:
        blocks.append(Bullets([[q.branch, Safe(f": nothing recorded in {last}")] for q in r.quiet]))
    else:
        blocks.append(Para(Safe(f"Every branch recorded something in {last}.")))
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
    if b.achieved_in_plan is not None:
        counted = (
            f"The milestone records {num(b.achieved_in_plan)} done, as the board shows it "
            f"(the branches report {num(b.returns)} doors in every ward since it started), "
        )
    else:
        counted = f"The branches report {num(b.knocked)} doors knocked since it started (every ward counts), "
    return [
        Safe("“"),
        b.title,
        Safe(
            f"”: a target of {num(b.target)} doors from {date_text(b.start)} to {date_text(b.due)}. "
            f"{counted}so {num(now_left)} are still to knock{pace}."
        ),
    ]
