"""Screen 2: the branch activity grid. Branches by week, one metric at a time."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from clp_tui.data.branches import SORTS, BranchRow, last_weeks, load_branches, sort_branches
from clp_tui.data.text import clean, one_line
from clp_tui.screens.base import DashboardScreen
from clp_tui.widgets.badges import heat_cell, short_number


def trend_text(trend: float | None) -> Text:
    if trend is None:
        return Text("  —   ", style="dim")
    if trend > 0.1:
        return Text(f"▲{trend * 100:+4.0f}%", style="green")
    if trend < -0.1:
        return Text(f"▼{trend * 100:+4.0f}%", style="red")
    return Text(f"►{trend * 100:+4.0f}%")


class BranchesScreen(DashboardScreen):
    TITLE = "2 Branches"
    FILTER_FIELDS = {"branch", "ward", "target", "twinned"}
    FILTER_HINT = "branch: ward: target:yes twinned:"

    BINDINGS = [
        Binding("m", "cycle_metric", "Metric", id="branches.metric"),
        Binding("S", "cycle_sort", "Sort", id="branches.sort"),
        Binding("enter", "open_branch", "Detail", id="branches.detail"),
        Binding("j", "grid_down", "Down", show=False, id="branches.down"),
        Binding("k", "grid_up", "Up", show=False, id="branches.up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.metric_index = 0
        self.metrics: list[str] = ["doors"]
        self.sort = "total"
        self.branches: list[BranchRow] = []
        self.shown: list[BranchRow] = []
        self.weeks: list[str] = []
        self.window: list[str] = []
        self._columns: tuple[tuple[str, ...], int] | None = None

    @property
    def metric(self) -> str:
        return self.metrics[self.metric_index % len(self.metrics)]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="branches-body"):
            yield DataTable(id="grid", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="branch-detail-box", classes="preview-below"):
                yield Static(id="branch-detail", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.focus_body()

    def focus_body(self) -> None:
        self.query_one("#grid", DataTable).focus()

    def _week_count(self) -> int:
        width = self.size.width or self.app.size.width or 120
        # Branch, total, trend and note take ~62 columns; each week needs 8.
        fit = max((width - 62) // 8, 3)
        return min(self.clp.config.board.weeks, fit)

    def on_resize(self) -> None:
        if self.weeks and self._week_count() != len(self.weeks):
            self.refresh_data()

    def refresh_data(self) -> None:
        table = self.query_one("#grid", DataTable)
        keep = None
        if self.shown and table.row_count:
            keep = self.shown[min(table.cursor_row, len(self.shown) - 1)].branch
        self.weeks = last_weeks(self.clp.today(), self._week_count())
        # Totals, trends and "quiet" use the configured window, however many weeks fit on screen.
        window = last_weeks(self.clp.today(), self.clp.config.board.weeks)
        self.branches, self.metrics = load_branches(self.clp.store, since_week=min(window[0], self.weeks[0]))
        self.window = window
        metric = self.metric
        shown = [b for b in self.branches if self._matches(b)]
        self.shown = sort_branches(shown, self.sort, window[:-1] if self.sort == "trend" else window, metric)
        peak = max((b.value(w, metric) or 0 for b in self.shown for w in self.weeks), default=0)
        layout = (tuple(self.weeks), len(window))
        if layout != self._columns:
            # Fixed widths: the grid never depends on when the rows arrive.
            table.clear(columns=True)
            table.add_column(Text("Branch"), key="branch", width=24)
            for week in self.weeks:
                table.add_column(Text(week[5:], justify="right"), key=week, width=6)
            table.add_column(Text(f"{len(window)} wks", justify="right"), key="total", width=7)
            table.add_column(Text("Trend"), key="trend", width=6)
            table.add_column(Text("Note"), key="note", width=30)  # fixed: no measuring 200 notes
            self._columns = layout
        else:
            table.clear()
        for b in self.shown:
            name = Text()
            name.append("★ " if b.target_ward else "  ", style="bold yellow")
            name.append(one_line(b.branch, 22))
            cells: list[Text] = [name]
            cells.extend(heat_cell(b.value(w, metric), peak, 6) for w in self.weeks)
            cells.append(Text(f"{short_number(b.total(window, metric)):>7}", style="bold"))
            # The current week is still filling up: trends compare complete weeks only.
            cells.append(trend_text(b.trend(window[:-1], metric)))
            note = Text()
            if b.quiet(window):
                note.append("◌ QUIET ", style="bold red")
            if b.twinned_with:
                note.append(f"⇄ {one_line(b.twinned_with, 18)}", style="cyan")
            cells.append(note)
            table.add_row(*cells)
        if keep is not None:
            index = next((i for i, b in enumerate(self.shown) if b.branch == keep), 0)
            table.move_cursor(row=index)
        quiet = sum(1 for b in self.shown if b.quiet(window))
        table.border_title = Text(
            f"{one_line(metric, 30).replace('_', ' ')} per week · sorted by {self.sort} · {len(self.shown)} branches"
            f" · {quiet} quiet · ★ target ward · ⇄ twinned"
        )
        self._show_detail()

    def _matches(self, b: BranchRow) -> bool:
        if not self.filter:
            return True
        values = {"branch": b.branch, "ward": b.ward, "target": "yes" if b.target_ward else "no",
                  "twinned": b.twinned_with}  # fmt: skip
        return self.filter.matches(f"{b.branch} {b.ward or ''}", values)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def current(self) -> BranchRow | None:
        table = self.query_one("#grid", DataTable)
        if not self.shown:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def _show_detail(self) -> None:
        detail = self.query_one("#branch-detail", Static)
        b = self.current()
        if b is None:
            detail.update(Text("No activity yet. Activity feeds list one item per branch per week.", style="dim"))
            return
        head = Text(clean(b.branch), style="bold")
        if b.ward:
            head.append(f"  ·  ward {clean(b.ward)}")
        if b.target_ward:
            head.append("  ·  ★ target ward", style="bold yellow")
        if b.twinned_with:
            head.append(f"  ·  ⇄ twinned with {clean(b.twinned_with)}", style="cyan")
        if b.quiet(self.window):
            head.append("  ·  ◌ QUIET: nothing recorded for 2+ weeks", style="bold red")
        table = Table(box=None, pad_edge=False, header_style="bold")
        table.add_column("Metric")
        recent = self.weeks[-6:]
        for week in recent:
            table.add_column(week[5:], justify="right")
        table.add_column("Total", justify="right")
        for metric in self.metrics:
            values = [b.value(w, metric) for w in recent]
            table.add_row(Text(one_line(metric, 30).replace("_", " ")),
                          *(Text("·" if v is None else f"{v:,.0f}") for v in values),
                          Text(f"{b.total(self.window, metric):,.0f}"))  # fmt: skip
        detail.update(_stack(head, table))

    def action_grid_down(self) -> None:
        self.query_one("#grid", DataTable).action_cursor_down()

    def action_grid_up(self) -> None:
        self.query_one("#grid", DataTable).action_cursor_up()

    def action_cycle_metric(self) -> None:
        self.metric_index = (self.metric_index + 1) % len(self.metrics)
        self.refresh_data()

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.refresh_data()

    def action_open_branch(self) -> None:
        box = self.query_one("#branch-detail-box")
        box.toggle_class("expanded")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_branch()

    def focus_item(self, key: tuple[str, str]) -> None:
        self.query_one("#filter").value = ""  # type: ignore[attr-defined]
        self._set_filter("")
        index = next((i for i, b in enumerate(self.shown) if b.branch == key[1]), None)
        if index is not None:
            self.query_one("#grid", DataTable).move_cursor(row=index)


def _stack(head: Text, table: Table) -> Table:
    grid = Table.grid()
    grid.add_row(head)
    grid.add_row(table)
    return grid
