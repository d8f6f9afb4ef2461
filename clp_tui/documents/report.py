"""The meeting report's layout: a `MeetingReport` (see `data.report`) as a document, then
as Markdown or one self-contained HTML file.

The report names no commenter and quotes no comment. Everything that comes from a feed
(titles, owners, branch names) is escaped by the renderers; the HTML draws its two
charts as inline SVG built from numbers and week labels only (see `charts`).
"""

from __future__ import annotations

from clp_tui.data.board import Milestone
from clp_tui.data.imprint import FORMAT_LABELS, ImprintProblem
from clp_tui.data.inbox import DECISIONS
from clp_tui.data.press import STAGE_LABELS
from clp_tui.data.report import MeetingReport, ModerationNumbers
from clp_tui.documents.charts import CHART_CSS
from clp_tui.documents.html import to_html
from clp_tui.documents.markdown import to_markdown
from clp_tui.documents.model import (
    Block,
    Heading,
    Headline,
    Inline,
    Para,
    Parts,
    Safe,
    Table,
    Tag,
)
from clp_tui.documents.report_branches import branch_blocks
from clp_tui.documents.words import date_text, moment_text, num

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


def poll_words(report: MeetingReport) -> str:
    days = report.days_to_poll
    if days is None or report.polling_day is None:
        return "No feed gives a polling day."
    when = date_text(report.polling_day)
    if days > 0:
        return f"days to polling day ({when})"
    if days == 0:
        return f"Polling day is today ({when})"
    return f"Polling day was {-days} days ago ({when})"


def _rag(rag: str) -> Tag:
    return Tag(RAG_WORDS[rag], rag)


def _milestone_table(milestones: list[Milestone]) -> Table:
    return Table(
        ["Milestone", "Owner", "Due", "Status", "Progress"],
        [[m.title, m.ext.owner or "", Safe(date_text(m.ext.due)), _rag(m.rag), progress_words(m)] for m in milestones],
    )


def _plan_blocks(r: MeetingReport) -> list[Block]:
    blocks: list[Block] = [Heading(2, Safe("Campaign plan")), Heading(3, Safe("Falling behind: needs help"))]
    blocks.append(_milestone_table(r.needs_help) if r.needs_help else Para(Safe("Nothing is overdue or behind.")))
    blocks.append(Heading(3, Safe(f"Done since {date_text(r.since)}")))
    if r.done:
        rows: list[list[Parts]] = [
            [
                d.milestone.title,
                d.milestone.ext.owner or "",
                Safe(date_text(d.done_on)),
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
            (str(len(r.done)), f"done since {date_text(r.since)}"),
            (str(len(r.quiet)), "quiet branches"),
        ]
    )
    return [
        Heading(1, title),
        Para(
            Safe(
                f"{date_text(r.as_of)}. Covers {date_text(r.since)} to {date_text(r.as_of)}. Made with clp-tui "
                f"at {moment_text(r.generated_at)} from the shared feeds and the officers' decision log."
            ),
            muted=True,
        ),
        headline,
        *_plan_blocks(r),
        *branch_blocks(r),
        *_press_blocks(r),
        *_moderation_blocks(r.moderation),
    ]


def render_markdown(report: MeetingReport) -> str:
    return to_markdown(report_blocks(report))


def render_html(report: MeetingReport) -> str:
    title = "Report to the CLP meeting" + (f": {report.constituency}" if report.constituency else "")
    return to_html(f"{title}, {report.as_of}", report_blocks(report), CHART_CSS)
