"""What the board and the inbox show in meeting mode, for a projector: big-number tiles
and a few roomy rows in place of the dense lists. The inbox is counts only (by platform
and by decision), never a commenter's name or words; the board is its "needs help" list.

A projector is built the first time meeting mode shows it (`projector_on`), not with
its screen: most dashboards never enter meeting mode, and its widgets (four tiles of
big digits) cost every start a share of its first frame."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

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


class _Projector(Vertical):
    """Holds what it was asked to show until its widgets exist, then draws it."""

    _asked: tuple[Any, ...] | None = None
    _ready = False

    def on_mount(self) -> None:
        self._ready = True
        if self._asked is not None:
            self._draw(*self._asked)

    def show(self, *what: Any) -> None:
        self._asked = what
        if self._ready:
            self._draw(*what)

    def _draw(self, *what: Any) -> None:
        raise NotImplementedError


P = TypeVar("P", bound=_Projector)


def projector_on(screen: Any, kind: type[P], widget_id: str, after: str) -> P:
    """The screen's projector, built (after the widget `after`) the first time it is needed."""
    found = screen.query(kind)
    if found:
        return found.first()
    projector = kind(id=widget_id)
    screen.mount(projector, after=after)
    return projector


class InboxProjector(_Projector):
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

    def _draw(self, inbox: Inbox) -> None:  # type: ignore[override]
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


class BoardProjector(_Projector):
    """The plan in numbers, and the milestones that need help: overdue or behind."""

    def compose(self) -> ComposeResult:
        yield Tiles(4)
        with VerticalScroll(classes="projector-lists"):
            yield Static(id="needs-help", markup=False)

    def _draw(self, milestones: list[Milestone], width: int) -> None:  # type: ignore[override]
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
