"""Screen 1: the campaign board. Milestones by horizon or strand, the late ones first."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from clp_tui.data.board import Milestone, is_late, load_milestones, schedule
from clp_tui.data.contract import MilestoneStatus
from clp_tui.data.datewords import day_count, day_words
from clp_tui.data.imprint import imprint_configured, milestone_lacks_imprint
from clp_tui.data.text import clean, one_line, plural
from clp_tui.screens.base import DashboardScreen
from clp_tui.widgets.badges import RAG, progress_bar, rag_badge, warning
from clp_tui.widgets.highlight import highlight_matches
from clp_tui.widgets.rowlist import RowList

HORIZONS = {"short": "Short term", "medium": "Medium term", "long": "Long term", None: "No horizon"}
STATUSES: tuple[str, ...] = MilestoneStatus.__args__  # type: ignore[attr-defined]
NEEDS_HELP = "Needs help — overdue or behind"


class BoardSource:
    def __init__(self, screen: BoardScreen) -> None:
        self.screen = screen
        self.rows: list[str | Milestone] = []
        self.owner_width = 12  # the longest owner shown, and a space

    def row_count(self) -> int:
        return len(self.rows)

    def render_row(self, index: int, width: int, height: int) -> list[Text]:
        row = self.rows[index]
        if isinstance(row, str):
            return [Text(f"── {row} ", style="bold underline")]
        m = row
        line = self.screen.row_mark((m.feed, m.id), (m.feed, m.id) in self.screen.selected)
        line.append_text(rag_badge(m.rag, 11))
        title_at = len(line)  # the filter's words are marked from here on (title, owner)
        # badge 13, "due 03 Nov " 11, bar 15 and a space; owner and title share the rest:
        # the owner as long as the longest one, up to two fifths of it (none below 30).
        spare = width - 39
        owner_width = min(self.owner_width, spare * 2 // 5) if spare >= 30 else 0
        title_width = max(spare - owner_width, 12)
        line.append(f"{one_line(m.title, title_width - 1):<{title_width}}")
        if owner_width:
            line.append(f"{one_line(m.ext.owner or '-', owner_width - 1):<{owner_width}}", style="cyan")
        line.append(f"due {m.ext.due:%d %b} ", style="dim")
        line.append_text(progress_bar(m.progress, 10))
        return [highlight_matches(line, self.screen.filter.text, start=title_at)]


class BoardScreen(DashboardScreen):
    TITLE = "1 Board"
    FILTER_FIELDS = {"owner", "strand", "horizon", "rag", "status", "feed", "assigned"}
    FILTER_HINT = "owner: strand: horizon: rag:"
    DECISION_ACTIONS = {"set_status", "record_progress", "toggle_select", "select_range", "select_visible"}

    BINDINGS = [
        Binding("s", "set_status", "Status", id="board.status"),
        Binding("p", "record_progress", "Progress", id="board.progress"),
        Binding("o", "owner_filter", "Owner", id="board.owner"),
        Binding("t", "toggle_grouping", "Horizon/strand", id="board.group"),
        Binding("space", "toggle_select", "Select", show=False, id="board.select"),
        Binding("V", "select_range", "Select to here", show=False, id="board.select_range"),
        Binding("asterisk", "select_visible", "Select all shown", show=False, id="board.select_visible"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.group_by = "horizon"
        self.source = BoardSource(self)
        self.milestones: dict[str, Milestone] = {}
        self.selected: dict[tuple[str, str], Milestone] = {}  # `s` sets the status of all of them
        self._anchor: int | None = None
        self._drawn: object = None  # what the rows were last drawn from (refresh_data)

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="board-body", classes="split"):
            yield RowList(self.source, id="board-list", classes="main-list")
            with VerticalScroll(classes="preview"):
                yield Static(id="board-detail", markup=False)
        # Meeting mode shows a BoardProjector instead, built when first needed.

    def on_mount(self) -> None:
        super().on_mount()
        self.focus_body()

    def focus_body(self) -> None:
        self.query_one("#board-list", RowList).focus()

    @property
    def rows(self) -> RowList:
        return self.query_one("#board-list", RowList)

    def current(self) -> Milestone | None:
        if not self.source.rows:
            return None
        row = self.source.rows[min(self.rows.cursor, len(self.source.rows) - 1)]
        return row if isinstance(row, Milestone) else None

    def refresh_data(self) -> None:
        keep = self.current()
        all_milestones = load_milestones(self.clp.store, self.clp.today(), self.clp.config.board.behind_margin)
        self.milestones = {m.id: m for m in all_milestones}
        shown = [m for m in all_milestones if self._matches(m)]
        rows: list[str | Milestone] = []
        late = [m for m in shown if is_late(m)]
        if late:
            rows.append(f"{NEEDS_HELP} ({len(late)})")
            rows.extend(late)
        groups: dict[str | None, list[Milestone]] = {}
        for m in shown:
            if is_late(m):
                continue
            key = m.ext.horizon if self.group_by == "horizon" else (m.ext.strand or None)
            groups.setdefault(key, []).append(m)
        order = list(HORIZONS) if self.group_by == "horizon" else sorted(groups, key=lambda k: (k is None, k or ""))
        for key in order:
            if key in groups:
                label = HORIZONS.get(key, key) if self.group_by == "horizon" else (key or "No strand")
                rows.append(f"{clean(str(label)).replace('_', ' ').capitalize()} ({len(groups[key])})")
                rows.extend(groups[key])
        owner_width = max((len(one_line(m.ext.owner or "-", 60)) + 1 for m in shown), default=2)
        # What the rows draw from: the same as last time means no repaint (rows are compared
        # field by field; the RAG in each depends on today, so a new day repaints).
        drawn = (rows, owner_width, self.assignments, self.filter.text, self.clp.meeting)
        changed, self._drawn = drawn != self._drawn, drawn
        self.source.rows, self.source.owner_width = rows, owner_width
        index = self.rows.cursor
        if keep is not None:
            index = next((i for i, r in enumerate(rows) if isinstance(r, Milestone) and r.id == keep.id), index)
        elif rows and isinstance(rows[0], str) and index == 0:
            index = 1
        self.rows.reload(keep=index, changed=changed)
        counts = {rag: sum(1 for m in shown if m.rag == rag) for rag in RAG}
        summary = " · ".join(f"{RAG[r][0]} {n} {RAG[r][1].lower()}" for r, n in counts.items() if n)
        self.rows.border_title = Text(f"{len(shown)} milestones by {self.group_by} · {summary}")
        self._show_detail()
        if self.clp.meeting:
            from clp_tui.screens.projector import BoardProjector, projector_on  # meeting mode only

            width = self.size.width or self.app.size.width
            projector_on(self, BoardProjector, "board-meeting", after="#board-body").show(shown, width)

    def show_presence(self) -> None:
        self.rows.invalidate()
        self._show_detail()

    def _matches(self, m: Milestone) -> bool:
        if not self.filter:
            return True
        values = {
            "owner": m.ext.owner,
            "strand": m.ext.strand,
            "horizon": m.ext.horizon,
            "rag": m.rag,
            "status": m.status,
            "feed": m.feed,
            "assigned": self.assigned_words((m.feed, m.id)),
        }
        return self.filter.matches(f"{m.title} {m.description} {m.ext.owner or ''}", values)

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#board-detail", Static)
        m = self.current()
        if m is None:
            self.show_in(detail, self.empty_text("Choose a milestone (j/k). / filters, t groups by strand."))
            return
        t = self.looking_text((m.feed, m.id))
        t.append(clean(m.title) + "\n", style="bold")
        t.append_text(rag_badge(m.rag, 0))
        if m.status:
            who = "set here" if m.local_status else "from the feed"
            t.append(f"   status {m.status.replace('_', ' ')} ({who})", style="dim")
        t.append("\n\n")
        if m.description:
            t.append(clean(m.description) + "\n\n")
        imprint = self.clp.config.campaign.imprint
        if milestone_lacks_imprint(m, imprint):
            t.append(
                "⚠ IMPRINT: this goes out digitally and its text lacks the imprint"
                + ("" if imprint_configured(imprint) else " (none configured: [campaign] imprint)")
                + "\n\n",
                style=warning("bold red"),
            )
        field_rows = [
            ("Strand", (m.ext.strand or "-").replace("_", " ")),
            ("Horizon", m.ext.horizon or "-"),
            ("Owner", m.ext.owner or "-"),
            ("Start", day_words(m.ext.start) if m.ext.start else "-"),
            ("Due", day_words(m.ext.due)),
        ]
        for label, value in field_rows:
            t.append(f"{label:<9}", style="bold")
            t.append(clean(value) + "\n")
        if m.ext.target:
            t.append(f"{'Progress':<9}", style="bold")
            t.append(f"{m.achieved or 0:,.0f} of {m.ext.target:,.0f}")
            if m.local_progress:
                t.append(" (recorded here)", style="dim")
            t.append("\n         ")
            t.append_text(progress_bar(m.progress, 20))
            if m.expected is not None:
                t.append(f"  calendar says {m.expected * 100:.0f}%", style="dim")
            t.append("\n")
        timing = schedule(m, self.clp.today(), self.clp.headline("").polling_day)
        if timing is not None and timing[0] == "overdue":
            t.append(f"{'Overdue':<9}", style="bold")
            t.append(f"{day_count(timing[1])} past its due date\n")
        elif timing is not None:
            t.append(f"{'Slack':<9}", style="bold")
            t.append(f"{day_count(timing[1])} between due date and polling day\n")
        if m.ext.depends_on:
            t.append("\nDepends on:\n", style="bold")
            for dep in m.ext.depends_on:
                other = self.milestones.get(dep)
                if other is None:
                    t.append(f"  ? {one_line(dep, 40)} (not in the plan)\n", style="dim")
                else:
                    t.append("  ")
                    t.append_text(rag_badge(other.rag, 11))
                    t.append(one_line(other.title, 50) + "\n")
        if m.waiting_on_this:
            t.append("\nWaiting on this:\n", style="bold")
            for waiting in m.waiting_on_this:
                other = self.milestones.get(waiting)
                if other:
                    t.append(f"  • {one_line(other.title, 60)} (due {other.ext.due:%d %b})\n")
        self.show_in(detail, t)

    # -- decisions ----------------------------------------------------------------------

    def action_set_status(self) -> None:
        from clp_tui.screens.dialogs import AskChoice, AskText

        m = self.current()
        if m is None:
            return
        choices = [(s, s.replace("_", " ")) for s in STATUSES]

        def chosen(status: str | None) -> None:
            if status is None:
                return
            now = status.replace("_", " ")
            if self.selected:
                prompt = Text(f"Why are these {plural(len(self.selected), 'milestone')} now {now}?")
            else:
                prompt = Text(f"Why is '{one_line(m.title, 60)}' now {now}?")

            def reason_given(reason: str | None) -> None:
                if reason:
                    keys = list(self.selected) if self.selected else [(m.feed, m.id)]
                    self.selected.clear()
                    self.decide(keys, "status", status, reason=reason)

            self.app.push_screen(AskText("Set status", prompt, placeholder="reason (required)"), reason_given)

        what = plural(len(self.selected), "selected milestone") if self.selected else one_line(m.title, 70)
        self.app.push_screen(AskChoice("Set status", Text(what), choices, m.status), chosen)

    def action_record_progress(self) -> None:
        from clp_tui.screens.dialogs import AskText

        m = self.current()
        if m is None:
            return
        target = f" of {m.ext.target:,.0f}" if m.ext.target else ""
        prompt = Text(f"How many done so far{target}? ({one_line(m.title, 60)})")

        def given(value: str | None) -> None:
            if value is None:
                return
            number = float(value)
            amount: float | int = int(number) if number.is_integer() else number
            self.decide([(m.feed, m.id)], "progress", amount, reason="progress recorded")

        current = f"{m.achieved:g}" if m.achieved is not None else ""
        self.app.push_screen(AskText("Record progress", prompt, value=current, number=True), given)

    def action_toggle_select(self) -> None:
        m = self.current()
        if m is None:
            return
        if self.selected.pop((m.feed, m.id), None) is None:
            self.selected[(m.feed, m.id)] = m
        self._anchor = self.rows.cursor
        self.rows.invalidate()
        self.rows.cursor = min(self.rows.cursor + 1, max(len(self.source.rows) - 1, 0))

    def action_select_range(self) -> None:
        """Select every milestone from the last one selected with space to the cursor."""
        start = self.rows.cursor if self._anchor is None else self._anchor
        self._select(range(min(start, self.rows.cursor), max(start, self.rows.cursor) + 1))

    def action_select_visible(self) -> None:
        self._select(self.rows.visible_rows())

    def _select(self, indices: range) -> None:
        for index in indices:
            row = self.source.rows[index] if index < len(self.source.rows) else None
            if isinstance(row, Milestone):
                self.selected[(row.feed, row.id)] = row
        self.rows.invalidate()
        self.notify(f"{plural(len(self.selected), 'milestone')} selected: s sets the status of all", timeout=3)

    def action_owner_filter(self) -> None:
        m = self.current()
        box = self.query_one("#filter")
        if "owner:" in self.filter_text or m is None or not m.ext.owner:
            box.value = ""  # type: ignore[attr-defined]
            self._set_filter("")
            return
        owner = m.ext.owner.replace('"', "")
        text = f'owner:"{owner}"'
        box.value = text  # type: ignore[attr-defined]
        self._set_filter(text)

    def action_toggle_grouping(self) -> None:
        self.group_by = "strand" if self.group_by == "horizon" else "horizon"
        self.refresh_data()

    def cursor_to(self, key: tuple[str, str]) -> None:
        for index, row in enumerate(self.source.rows):
            if isinstance(row, Milestone) and (row.feed, row.id) == key:
                self.rows.cursor = index
                return

    def focus_item(self, key: tuple[str, str]) -> None:
        self.query_one("#filter").value = ""  # type: ignore[attr-defined]
        self._set_filter("")
        for index, row in enumerate(self.source.rows):
            if isinstance(row, Milestone) and (row.feed, row.id) == key:
                self.rows.cursor = index
                return
