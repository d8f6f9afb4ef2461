"""A scrolled RowList reuses its finished lines and leaves its scrollbar alone unless the
thumb moved (clp_tui/widgets/scroll_paint.py). What reaches the screen must be exactly
what Textual draws when nothing is reused: each check renders the screen as it is,
then again with every cache emptied and every widget marked dirty, and compares."""

from __future__ import annotations

from functools import partial

from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from clp_tui.widgets.rowlist import RowList

ROWS = 600  # few enough that the scrollbar's thumb moves an eighth of a cell every few rows


class Numbered:
    """Rows that say which row they are, in two colours, so any stale line shows."""

    def __init__(self, rows: int = ROWS) -> None:
        self.rows = rows

    def row_count(self) -> int:
        return self.rows

    def render_row(self, index: int, width: int, height: int) -> list[Text]:
        line = Text(f"row {index:05d} ", style="bold" if index % 3 else "")
        line.append("words from the source", style="green" if index % 2 else "magenta")
        return [line]


class ListApp(App[None]):
    CSS = """
    RowList { width: 3fr; border: round $primary; border-title-color: $text; }
    RowList:focus { border: round $accent; }
    RowList > .rowlist--cursor { background: $accent; text-style: bold; }
    RowList > .rowlist--cursor-blurred { background: $panel-lighten-1; }
    Static { width: 2fr; }
    """

    def __init__(self, rows: int = ROWS) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield RowList(Numbered(self.rows), id="rows")
            yield Static("beside the list", id="side")

    def on_mount(self) -> None:
        rows = self.query_one(RowList)
        rows.reload()
        rows.focus()


def _text(strips) -> list[str]:
    console = Console(width=200, color_system="truecolor", force_terminal=True, legacy_windows=False)
    return [strip.simplify().render(console) for strip in strips]


def _as_drawn(app: App) -> list[str]:
    return _text(app.screen._compositor.render_strips())


def _drawn_afresh(app: App) -> list[str]:
    """The screen as Textual itself draws it, with nothing kept from before: the list's
    lines come from Textual's own `Widget.render_lines`, not the list's."""
    lists = []
    for widget in app.screen.walk_children(with_self=True):
        if isinstance(widget, RowList):
            widget._strips.clear()
            widget.render_lines = partial(Widget.render_lines, widget)
            lists.append(widget)
        widget._styles_cache.clear()
        widget.refresh()
        for bar in (widget._vertical_scrollbar, widget._horizontal_scrollbar):
            if bar is not None:
                bar._styles_cache.clear()
                bar.refresh()
    try:
        return _text(app.screen._compositor.render_strips())
    finally:
        for widget in lists:
            del widget.render_lines


async def test_a_scroll_draws_what_textual_draws_afresh() -> None:
    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        rows = app.query_one(RowList)
        await pilot.pause()
        scrolled_to = []
        for step in range(120):
            await pilot.press("j" if step < 100 else "k")
            if step % 9 == 0 or step in (25, 26, 27, 99, 100, 119):
                await pilot.pause()
                scrolled_to.append(rows.scroll_y)
                assert _as_drawn(app) == _drawn_afresh(app), f"step {step}, scroll_y {rows.scroll_y}"
        assert max(scrolled_to) > 70  # the list did scroll, by many rows
        assert rows.vertical_scrollbar.position == rows.scroll_y


async def test_focus_and_theme_changes_restyle_kept_lines() -> None:
    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        rows = app.query_one(RowList)
        await pilot.pause()
        for _ in range(60):
            await pilot.press("j")
        await pilot.pause()
        focused = _as_drawn(app)
        rows.blur()  # the border and the cursor row change colour
        await pilot.pause()
        blurred = _as_drawn(app)
        assert blurred != focused
        assert blurred == _drawn_afresh(app)
        rows.focus()
        await pilot.pause()
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert _as_drawn(app) == _drawn_afresh(app)


async def test_the_inbox_scrolled_draws_what_textual_draws_afresh(env) -> None:
    """The same check on the real inbox: its bordered list, preview and header."""
    app = env.app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        rows = app.screen.query_one(RowList)
        for _ in range(60):
            await pilot.press("j")
        await pilot.pause()
        assert rows.scroll_y > 20  # it scrolled
        assert _as_drawn(app) == _drawn_afresh(app)


async def test_a_short_list_draws_its_empty_lines_as_textual_does() -> None:
    """Below the last row the list draws one blank line, kept like any other row."""
    app = ListApp(rows=5)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key in ("j", "j", "k", "end"):
            await pilot.press(key)
            await pilot.pause()
            assert _as_drawn(app) == _drawn_afresh(app), key
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert _as_drawn(app) == _drawn_afresh(app)
