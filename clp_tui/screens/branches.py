"""Screen 2: the branch activity grid. Branches by week, one metric at a time."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from clp_tui.data.branches import (
    QUIET_WEEKS,
    SORTS,
    BranchRow,
    Trend,
    is_rate,
    last_weeks,
    load_branches,
    rate_words,
    sort_branches,
)
from clp_tui.data.text import clean, one_line
from clp_tui.screens.base import DashboardScreen
from clp_tui.widgets.badges import heat_cell, heat_styles, short_number, warning
from clp_tui.widgets.rowlist import RowList


def trend_text(trend: Trend | None) -> Text:
    """A trend's words (data/branches.py `Trend.words`); on small numbers the absolute
    change, dim and without an arrow, so it never reads as a surge."""
    if trend is None or trend.fraction is None:
        words = "—" if trend is None else trend.words()
        return Text(f"{words:^6}", style="dim")
    words = trend.words()
    if trend.fraction > 0.1:
        return Text(f"▲{words:>5}", style="green")
    if trend.fraction < -0.1:
        return Text(f"▼{words:>5}", style=warning("red"))
    return Text(f"►{words:>5}")


def metric_cell(b: BranchRow, week: str, metric: str, peak: float, heat: tuple[str, ...]) -> Text:
    """One week's cell: a count, or for a rate its words ("42%", "–" with no doors)."""
    value = b.value(week, metric)
    cell = heat_cell(value, peak, 6, heat)
    if is_rate(metric) and value is not None:
        cell.plain = rate_words(metric, value).rjust(5) + " "
    return cell


def total_words(b: BranchRow, weeks: list[str], metric: str) -> str:
    if is_rate(metric):
        return rate_words(metric, b.rate(weeks, metric))
    return short_number(b.total(weeks, metric))


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
        self._widths: list[int] = []
        self._peak = 0.0
        self._columns: tuple[tuple[str, ...], int] | None = None
        self._heat: tuple[str, tuple[str, ...]] | None = None

    @property
    def metric(self) -> str:
        return self.metrics[self.metric_index % len(self.metrics)]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="branches-body"):
            with Vertical(id="grid"):
                yield Static(id="grid-header", markup=False)
                # One line a branch, drawn only while on screen (200 branches x 52 weeks in a
                # DataTable cost a measure of every cell before the first frame).
                yield RowList(self, id="grid-rows", stripes=True)
            with VerticalScroll(id="branch-detail-box", classes="preview-below"):
                yield Static(id="branch-detail", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.focus_body()

    def focus_body(self) -> None:
        self.rows.focus()

    @property
    def rows(self) -> RowList:
        return self.query_one("#grid-rows", RowList)

    # -- the grid's rows (RowSource) ------------------------------------------------------

    def row_count(self) -> int:
        return len(self.shown)

    def render_row(self, index: int, width: int, height: int) -> list[Text]:
        return [_line(self._cells(self.shown[index]), self._widths)]

    def _cells(self, b: BranchRow) -> list[Text]:
        name = Text()
        name.append("★ " if b.target_ward else "  ", style="bold yellow")
        name.append(one_line(b.branch, 22))
        cells: list[Text] = [name]
        heat = self._heat_styles()
        cells.extend(metric_cell(b, w, self.metric, self._peak, heat) for w in self.weeks)
        cells.append(Text(f"{total_words(b, self.window, self.metric):>7}", style="bold"))
        # The current week is still filling up: trends compare complete weeks only.
        cells.append(trend_text(b.trend_of(self.window[:-1], self.metric)))
        note = Text()
        if b.quiet(self.window):
            note.append("◌ QUIET ", style=warning("bold red"))
        if b.twinned_with:
            note.append(f"⇄ {one_line(b.twinned_with, 18)}", style="cyan")
        cells.append(note)
        return cells

    def _heat_styles(self) -> tuple[str, ...]:
        """The heat shades of the theme in use, worked out once a theme."""
        theme = self.app.current_theme
        if self._heat is None or self._heat[0] != theme.name:
            self._heat = (theme.name, heat_styles(self.app.theme_variables, theme.ansi))
        return self._heat[1]

    def row_cells(self, index: int) -> list[Text]:
        """The cells of one row as the grid draws them."""
        return self._cells(self.shown[index])

    def _week_count(self, width: int | None = None) -> int:
        width = width or self.size.width or self.app.size.width or 120
        # Branch, total, trend and note take ~62 columns; each week needs 8.
        fit = max((width - 62) // 8, 3)
        return min(self.clp.config.board.weeks, fit)

    def on_resize(self, event: events.Resize) -> None:
        # The event's size: this runs before Textual's own handler updates `self.size`.
        if self.weeks and self._week_count(event.size.width) != len(self.weeks):
            self.call_after_refresh(self.refresh_data)

    def refresh_data(self) -> None:
        rows = self.rows
        keep = None
        if self.shown and rows.count:
            keep = self.shown[min(rows.cursor, len(self.shown) - 1)].branch
        self.weeks = last_weeks(self.clp.today(), self._week_count())
        # Totals, trends and "quiet" use the configured window, however many weeks fit on screen.
        window = last_weeks(self.clp.today(), self.clp.config.board.weeks)
        self.branches, self.metrics = load_branches(self.clp.store, since_week=min(window[0], self.weeks[0]))
        self.window = window
        metric = self.metric
        shown = [b for b in self.branches if self._matches(b)]
        self.shown = sort_branches(shown, self.sort, window[:-1] if self.sort == "trend" else window, metric)
        self._peak = max((b.value(w, metric) or 0 for b in self.shown for w in self.weeks), default=0)
        # Fixed widths: the grid never depends on which rows are on screen.
        self._widths = [24, *(6 for _ in self.weeks), 7, 6, 30]
        header = [
            Text("Branch"),
            *(Text(week[5:], justify="right") for week in self.weeks),
            Text(f"{len(window)} wks", justify="right"),
            Text("Trend"),
            Text("Note"),
        ]
        self.query_one("#grid-header", Static).update(_line(header, self._widths, style="bold"))
        index = next((i for i, b in enumerate(self.shown) if b.branch == keep), 0) if keep is not None else None
        rows.reload(keep=index)
        quiet = sum(1 for b in self.shown if b.quiet(window))
        self.query_one("#grid").border_title = Text(
            f"{one_line(metric, 30).replace('_', ' ')} per week · sorted by {self.sort} · {len(self.shown)} branches"
            f" · {quiet} quiet · ★ target ward · ⇄ twinned"
        )
        self._show_detail()

    def _matches(self, b: BranchRow) -> bool:
        if not self.filter:
            return True
        values = {
            "branch": b.branch,
            "ward": b.ward,
            "target": "yes" if b.target_ward else "no",
            "twinned": b.twinned_with,
        }
        return self.filter.matches(f"{b.branch} {b.ward or ''}", values)

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        self._show_detail()

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        self.action_open_branch()

    def current(self) -> BranchRow | None:
        if not self.shown:
            return None
        return self.shown[min(self.rows.cursor, len(self.shown) - 1)]

    def _show_detail(self) -> None:
        detail = self.query_one("#branch-detail", Static)
        b = self.current()
        if b is None:
            self.show_in(detail, self.empty_text("No activity yet. Activity feeds list one item per branch per week."))
            return
        head = Text(clean(b.branch), style="bold")
        if b.ward:
            head.append(f"  ·  ward {clean(b.ward)}")
        if b.target_ward:
            head.append("  ·  ★ target ward", style="bold yellow")
        if b.twinned_with:
            head.append(f"  ·  ⇄ twinned with {clean(b.twinned_with)}", style="cyan")
        if b.quiet(self.window):
            head.append(f"  ·  ◌ QUIET: nothing recorded for {QUIET_WEEKS}+ weeks", style=warning("bold red"))
        # Plain Text laid out by hand: a rich Table here was measured and drawn again at
        # every layout, a third of the time it took to open this screen.
        recent = self.weeks  # as many as the grid above shows
        names = [one_line(metric, 30).replace("_", " ") for metric in self.metrics]
        rows = [
            [
                name,
                *(_figure(metric, b.value(w, metric)) for w in recent),
                rate_words(metric, b.rate(self.window, metric))
                if is_rate(metric)
                else f"{b.total(self.window, metric):,.0f}",
            ]
            for name, metric in zip(names, self.metrics, strict=True)
        ]
        header = ["Metric", *(week[5:] for week in recent), "Total"]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        text = Text()
        text.append_text(head)
        text.append("\n")
        text.append(_columns(header, widths) + "\n", style="bold")
        for row in rows:
            text.append(_columns(row, widths) + "\n")
        text.rstrip()
        self.show_in(detail, text)

    def action_grid_down(self) -> None:
        self.rows.action_cursor_down()

    def action_grid_up(self) -> None:
        self.rows.action_cursor_up()

    def action_cycle_metric(self) -> None:
        self.metric_index = (self.metric_index + 1) % len(self.metrics)
        self.refresh_data()

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.refresh_data()

    def action_open_branch(self) -> None:
        box = self.query_one("#branch-detail-box")
        box.toggle_class("expanded")

    def focus_item(self, key: tuple[str, str]) -> None:
        self.query_one("#filter").value = ""  # type: ignore[attr-defined]
        self._set_filter("")
        index = next((i for i, b in enumerate(self.shown) if b.branch == key[1]), None)
        if index is not None:
            self.rows.cursor = index


def _line(cells: list[Text], widths: list[int], style: str = "") -> Text:
    """Cells laid out at fixed widths, two spaces apart (the last one takes what is left)."""
    line = Text(style=style)
    for i, (cell, width) in enumerate(zip(cells, widths, strict=False)):
        cell = cell.copy()
        if i < len(widths) - 1:
            cell.truncate(width, overflow="ellipsis")
            if cell.justify == "right":
                cell = Text(" " * (width - cell.cell_len)) + cell
            else:
                cell.pad_right(width - cell.cell_len)
        line.append_text(cell)
        line.append("  ")
    return line


def _figure(metric: str, value: float | None) -> str:
    if is_rate(metric):
        return rate_words(metric, value)
    return "·" if value is None else f"{value:,.0f}"


def _columns(cells: list[str], widths: list[int]) -> str:
    """The first cell left-aligned, the rest right-aligned, two spaces apart."""
    first, *rest = cells
    return "  ".join([first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))])
