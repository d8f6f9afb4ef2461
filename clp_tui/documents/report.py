"""The meeting report's layout: a `MeetingReport` (see `data.report`) as a document, then
as Markdown or one self-contained HTML file.

The report names no commenter and quotes no comment. Everything that comes from a feed
(titles, owners, branch names) is escaped by the renderers; the HTML draws its two
charts as inline SVG built from numbers and week labels only (see `charts`).
"""

from __future__ import annotations

import datetime as dt

from clp_tui.data.board import Milestone
from clp_tui.data.branches import QUIET_WEEKS, BranchRow, iso_week
from clp_tui.data.imprint import FORMAT_LABELS, ImprintProblem
from clp_tui.data.inbox import DECISIONS
from clp_tui.data.press import STAGE_LABELS
from clp_tui.data.report import Burndown, MeetingReport, ModerationNumbers
from clp_tui.documents.charts import CHART_CSS, svg_burndown, svg_weekly_bars
from clp_tui.documents.html import to_html
from clp_tui.documents.markdown import to_markdown
from clp_tui.documents.model import (
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
)
from clp_tui.documents.words import count_words, long_date, num, short_date

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
    return to_html(f"{title}, {report.as_of}", report_blocks(report), CHART_CSS)
