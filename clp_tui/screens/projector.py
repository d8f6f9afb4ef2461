"""What the board and the inbox show in meeting mode, for a projector: big-number tiles
and a few roomy rows in place of the dense lists. The inbox is counts only (by platform
and by decision), never a commenter's name or words; the board is its "needs help" list."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from clp_tui.data.board import Milestone, is_late
from clp_tui.data.inbox import Inbox
from clp_tui.data.text import one_line
from clp_tui.widgets.badges import rag_badge
from clp_tui.widgets.tiles import Tiles, counts, roomy

DECISION_WORDS = {"unreviewed": "not yet reviewed", "escalated": "sent to GLU", "needs_reply": "need a reply"}


class InboxProjector(Vertical):
    """The inbox in numbers."""

    def compose(self) -> ComposeResult:
        yield Static(
            Text("Moderation in numbers · names and comments are hidden in meeting mode", style="bold"),
            classes="projector-title",
        )
        yield Tiles(4)
        with Horizontal(classes="projector-lists"):
            yield Static(id="by-decision", markup=False)
            yield Static(id="by-platform", markup=False)

    def show(self, inbox: Inbox) -> None:
        by_decision = inbox.counts_by_decision()
        self.query_one(Tiles).show(
            [
                ("comments", sum(by_decision.values()), False),
                ("not yet reviewed", by_decision.get("unreviewed", 0), True),
                ("flagged", inbox.count("flagged"), True),
                ("sent to GLU", by_decision.get("escalated", 0), True),
            ]
        )
        words = {DECISION_WORDS.get(k, k): n for k, n in by_decision.items()}
        self.query_one("#by-decision", Static).update(counts("By decision", words))
        self.query_one("#by-platform", Static).update(counts("By platform", inbox.counts_by_platform()))


class BoardProjector(Vertical):
    """The plan in numbers, and the milestones that need help: overdue or behind."""

    def compose(self) -> ComposeResult:
        yield Tiles(4)
        with VerticalScroll(classes="projector-lists"):
            yield Static(id="needs-help", markup=False)

    def show(self, milestones: list[Milestone], width: int) -> None:
        def n(*rags: str) -> int:
            return sum(1 for m in milestones if m.rag in rags)

        self.query_one(Tiles).show(
            [
                ("overdue", n("overdue"), True),
                ("behind", n("behind"), True),
                ("at risk", n("at_risk"), True),
                ("on track or done", n("on_track", "done"), False),
            ]
        )
        late = sorted((m for m in milestones if is_late(m)), key=lambda m: (m.ext.due or dt.date.max, m.title))
        # badge 13, "  due 03 Nov" 12, "  · owner" 24 on a wide screen; padding and scrollbar 10
        owner_width = 24 if width >= 120 else 0
        title_width = max(width - 35 - owner_width, 20)
        rows = []
        for m in late:
            row = Text()
            row.append_text(rag_badge(m.rag, 12))
            row.append(" ")
            row.append(f"{one_line(m.title, title_width):<{title_width}}  ", style="bold")
            row.append(f"due {m.ext.due:%d %b}" if m.ext.due else "")
            if owner_width and m.ext.owner:
                row.append(f"  · {one_line(m.ext.owner, owner_width - 4)}")
            rows.append(row)
        heading = f"Needs help: {len(late)} overdue or behind"
        self.query_one("#needs-help", Static).update(roomy(heading, rows, "Nothing overdue or behind."))
