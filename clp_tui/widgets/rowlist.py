"""RowList: a keyboard list that draws only the rows on screen.

Textual's DataTable and ListView build a widget or a row object per item and
take seconds past 10,000 rows. RowList asks its `RowSource` for the few rows
it is about to paint, so 50,000 comments cost the same as 50.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from clp_tui.widgets.scroll_paint import StyledLines, scrollbar_moved


class RowSource(Protocol):
    def row_count(self) -> int: ...

    def render_row(self, index: int, width: int, height: int) -> list[Text]:
        """`height` lines of plain Text (never markup) for row `index`."""
        ...


class RowList(ScrollView, can_focus=True):
    """A cursor over rows supplied by a RowSource, rendered lazily."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("pagedown,ctrl+d", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup,ctrl+u", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("home", "first", "First", show=False, id="list.first"),
        Binding("end", "last", "Last", show=False, id="list.last"),
        Binding("enter", "choose", "Open", show=False, id="list.open"),
    ]
    COMPONENT_CLASSES = {"rowlist--cursor", "rowlist--cursor-blurred", "rowlist--stripe"}
    DEFAULT_CSS = """
    RowList > .rowlist--stripe { background: $boost; }
    """

    # No automatic repaint: watch_cursor repaints only the two rows whose state changed.
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        def __init__(self, rowlist: RowList, index: int) -> None:
            super().__init__()
            self.rowlist = rowlist
            self.index = index

        @property
        def control(self) -> RowList:
            return self.rowlist

    class Chosen(Highlighted):
        """Enter was pressed on a row."""

    def __init__(
        self,
        source: RowSource,
        *,
        row_height: int = 1,
        stripes: bool = False,
        on_cursor: Callable[[int], None] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.source = source
        # Called as the cursor moves, before this repaint: what it updates (a preview)
        # lands in the same frame as the cursor, not one frame later as a message would.
        self.on_cursor = on_cursor
        self.row_height = row_height
        self.stripes = stripes  # every other row on a faint background, for wide grids
        self._count = 0
        # Painted lines, so a cursor move or a re-layout does not render every row again.
        self._strips: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(1024)
        self._row_lines: LRUCache[tuple[int, int], list[Text]] = LRUCache(8)
        # Finished lines (border and colours applied), so a scroll styles only the new row.
        self._styled = StyledLines()
        self._blank: Strip | None = None  # the line below the last row, one object so it is styled once
        self._painting: Callable[[int], Strip] | None = None  # the painter of the render under way

    @property
    def count(self) -> int:
        return self._count

    def reload(self, keep: int | None = None, *, changed: bool = True) -> None:
        """Re-read the row count (after data or filter changes) and repaint. A caller that
        knows its rows are the same as before says `changed=False`: nothing is painted
        again unless the cursor moves (another process's write that changed nothing shown
        costs no frame)."""
        count = self.source.row_count()
        if not changed and count == self._count:
            self.cursor = min(max(self.cursor if keep is None else keep, 0), max(count - 1, 0))
            return
        self._count = count
        self._forget_painted()
        self.virtual_size = Size(self.size.width, self._count * self.row_height)
        target = self.cursor if keep is None else keep
        self.cursor = min(max(target, 0), max(self._count - 1, 0))
        self.refresh()

    def refresh_row(self, index: int) -> None:
        """Repaint one row whose content changed (e.g. a decision shown before it lands)."""
        lines = range(index * self.row_height, (index + 1) * self.row_height)
        for key in [k for k in self._strips.keys() if k[0] in lines]:  # noqa: SIM118 (an LRUCache)
            self._strips.discard(key)
        for key in [k for k in self._row_lines.keys() if k[0] == index]:  # noqa: SIM118
            self._row_lines.discard(key)
        self.refresh(self._row_region(index))

    def invalidate(self) -> None:
        """Repaint every row from the source (it changed without a reload, e.g. a mark)."""
        self._forget_painted()
        self.refresh()

    def notify_style_update(self) -> None:
        # A theme or CSS change: the painted rows carry the old colours.
        super().notify_style_update()
        self._forget_painted()

    def _forget_painted(self) -> None:
        self._strips.clear()
        self._styled.clear()
        self._row_lines.clear()
        self._blank = None

    def on_resize(self) -> None:
        # Painted lines are keyed by width, so a resize that keeps the width (a second
        # Resize at start-up, a taller terminal) reuses them.
        self.virtual_size = Size(self.size.width, self._count * self.row_height)

    def watch_scroll_y(self, old: float, new: float) -> None:
        # As ScrollView's, but the scrollbar repaints only when its thumb moves: over
        # 50,000 rows that is once every ~150 rows, not on every scroll.
        if self.show_vertical_scrollbar and scrollbar_moved(self.vertical_scrollbar, new):
            self.vertical_scrollbar.refresh()
        if round(old) != round(new):
            self.refresh(self.size.region)

    def watch_cursor(self, old: int, new: int) -> None:
        before = self.scroll_y
        self._scroll_cursor_into_view()
        if self.scroll_y == before:
            # Only the two rows whose cursor state changed need painting again.
            self.refresh(self._row_region(old), self._row_region(new))
        else:
            self.refresh()
        if self._count:
            if self.on_cursor is not None:
                self.on_cursor(new)
            self.post_message(self.Highlighted(self, new))

    def visible_rows(self) -> range:
        """The indices of the rows on screen now."""
        first = int(self.scroll_y) // self.row_height
        shown = max(self.scrollable_content_region.height // self.row_height, 1)
        return range(first, min(first + shown, self.count))

    def _row_region(self, index: int) -> Region:
        top = index * self.row_height - int(self.scroll_y)
        return Region(0, top, self.size.width, self.row_height)

    def _scroll_cursor_into_view(self) -> None:
        top = self.cursor * self.row_height
        height = self.scrollable_content_region.height or 1
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top + self.row_height > self.scroll_y + height:
            self.scroll_to(y=top + self.row_height - height, animate=False, immediate=True)

    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles cache asks render_line again for the rows StyledLines has not seen:
        # it is answered by the same painter, not one made afresh for every row.
        self._painting = self._painter()
        try:
            return self._styled.render(self, crop, self._painting)
        finally:
            self._painting = None

    def render_line(self, y: int) -> Strip:
        return (self._painting or self._painter())(y)

    def _painter(self) -> Callable[[int], Strip]:
        """Content line y -> its Strip, with what every line shares looked up once."""
        width = self.scrollable_content_region.width
        scroll = int(self.scroll_y)
        cursor, focused, height, count, strips = self.cursor, self.has_focus, self.row_height, self._count, self._strips

        def paint(y: int) -> Strip:
            line = scroll + y
            index, sub = divmod(line, height)
            if index >= count or width <= 0:
                if self._blank is None or self._blank.cell_length != width:
                    self._blank = Strip.blank(width, self.rich_style)
                return self._blank
            key = (line, width, index == cursor, focused)
            strip = strips.get(key)
            if strip is None:
                strip = strips[key] = self._render_strip(index, sub, width)
            return strip

        return paint

    def _render_strip(self, index: int, sub: int, width: int) -> Strip:
        # A row of several lines is asked of its source once, not once per line.
        lines = self._row_lines.get((index, width))
        if lines is None:
            lines = self._row_lines[(index, width)] = self.source.render_row(index, width, self.row_height)
        text = lines[sub] if sub < len(lines) else Text()
        text = text.copy()
        text.truncate(width, overflow="ellipsis", pad=True)
        base = self.rich_style
        if self.stripes and index % 2:
            # Under the row's own colours (a heat cell keeps its own background).
            own = Style.parse(text.style) if isinstance(text.style, str) else text.style
            text.style = Style(bgcolor=self.get_component_rich_style("rowlist--stripe").bgcolor) + own
        if index == self.cursor:
            name = "rowlist--cursor" if self.has_focus else "rowlist--cursor-blurred"
            cursor = self.get_component_rich_style(name)
            text.stylize(cursor)
        segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(self.app.console)]
        return Strip(segments, width).crop(0, width)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _move(self, delta: int) -> None:
        if self._count:
            self.cursor = min(max(self.cursor + delta, 0), self._count - 1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._move(max(self.scrollable_content_region.height // self.row_height, 1))

    def action_page_up(self) -> None:
        self._move(-max(self.scrollable_content_region.height // self.row_height, 1))

    def action_first(self) -> None:
        self._move(-self._count)

    def action_last(self) -> None:
        self._move(self._count)

    def action_choose(self) -> None:
        if self._count:
            self.post_message(self.Chosen(self, self.cursor))

    async def _on_click(self, event) -> None:  # type: ignore[no-untyped-def]
        index = (int(self.scroll_y) + event.y) // self.row_height
        if 0 <= index < self._count:
            self.cursor = index
