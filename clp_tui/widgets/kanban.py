"""Kanban: every column of a board drawn by one widget, each column with its own cursor.

A kanban built from a scrolling list per column costs Textual a container, a
scroll view and a border per column, and every frame is cut and stitched from
all of them; opening the press board took twice as long as a whole data table.
This widget draws each screen line once, asking its `KanbanSource` only for
the cards that are on screen. When the columns do not fit, it shows as many as
fit, always including the focused one, and says how many are off each side.
"""

from __future__ import annotations

from typing import Protocol

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from clp_tui.widgets.rowlist import RowList

HEADER_LINES = 2  # the column titles and a rule under them


class KanbanSource(Protocol):
    def column_keys(self) -> list[str]:
        """The columns shown, left to right."""
        ...

    def column_title(self, key: str) -> str:
        """Plain text (never markup) for the column's heading, e.g. 'Drafting (4)'."""
        ...

    def card_count(self, key: str) -> int: ...

    def render_card(self, key: str, index: int, width: int) -> list[Text]:
        """The lines of one card (plain Text, never markup), at most `card_height`."""
        ...


class Kanban(Widget, can_focus=True):
    """Columns of cards; the cursor moves with j/k within a column and between columns by `move_column`."""

    # The same binding ids as every other list, so a [keys] remapping applies here too.
    BINDINGS = [b for b in RowList.BINDINGS if isinstance(b, Binding) and b.id != "list.open"]
    COMPONENT_CLASSES = {
        "kanban--cursor",
        "kanban--cursor-blurred",
        "kanban--header",
        "kanban--header-focused",
        "kanban--rule",
    }
    DEFAULT_CSS = """
    Kanban > .kanban--cursor { background: $accent; color: $text; text-style: bold; }
    Kanban > .kanban--cursor-blurred { background: $panel-lighten-1; }
    Kanban > .kanban--header { color: $text-muted; text-style: bold; }
    Kanban > .kanban--header-focused { background: $accent; color: $text; text-style: bold; }
    Kanban > .kanban--rule { color: $panel-lighten-2; }
    """

    column: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The focused column or its cursor moved."""

        def __init__(self, kanban: Kanban, key: str | None, index: int) -> None:
            super().__init__()
            self.kanban = kanban
            self.key = key
            self.index = index

        @property
        def control(self) -> Kanban:
            return self.kanban

    def __init__(
        self,
        source: KanbanSource,
        *,
        card_height: int = 4,
        min_column_width: int = 20,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.source = source
        self.card_height = card_height
        self.min_column_width = min_column_width
        self.keys: list[str] = []
        self.counts: dict[str, int] = {}
        self.cursors: dict[str, int] = {}
        self.tops: dict[str, int] = {}
        self._first = 0  # the leftmost column on screen when not all fit
        self._fits = 1  # how many columns fit, as of the last layout
        self._cards: LRUCache[tuple[str, int, int], list[Text]] = LRUCache(256)
        self._strips: LRUCache[tuple[str, int, int, int, bool, bool], Strip] = LRUCache(2048)

    # -- data ---------------------------------------------------------------------------

    def reload(self, focus: str | None = None, keep: dict[str, int] | None = None) -> None:
        """Re-read columns and counts (after data, filter or column changes) and repaint.
        `focus` names the column to focus; `keep` puts cursors on given cards."""
        current = self.focused_key
        self.keys = list(self.source.column_keys())
        self.counts = {k: self.source.card_count(k) for k in self.keys}
        for key, index in (keep or {}).items():
            self.cursors[key] = index
        for key in self.keys:
            self.cursors[key] = min(max(self.cursors.get(key, 0), 0), max(self.counts[key] - 1, 0))
            self.tops.setdefault(key, 0)
        self._cards.clear()
        self._strips.clear()
        target = focus if focus in self.keys else current
        self.column = self.keys.index(target) if target in self.keys else min(self.column, max(len(self.keys) - 1, 0))
        for key in self.keys:
            self._scroll_into_view(key)
        self.refresh()

    @property
    def focused_key(self) -> str | None:
        return self.keys[self.column] if 0 <= self.column < len(self.keys) else None

    def cursor_of(self, key: str) -> int:
        return self.cursors.get(key, 0)

    def move_column(self, delta: int) -> None:
        """Focus the next (or previous) column, wrapping round at either end."""
        if self.keys:
            self.column = (self.column + delta) % len(self.keys)

    def focus_column(self, key: str) -> None:
        if key in self.keys:
            self.column = self.keys.index(key)

    # -- geometry -----------------------------------------------------------------------

    @property
    def cards_on_screen(self) -> int:
        return max((self.content_size.height - HEADER_LINES) // self.card_height, 1)

    def _layout(self) -> list[tuple[str, int, int]]:
        """(column key, x, width) of each column on screen, left to right."""
        width = self.content_size.width
        n = len(self.keys)
        if n == 0 or width <= 0:
            return []
        fits = self._fits = max(min((width + 1) // (self.min_column_width + 1), n), 1)
        if fits == n:
            self._first = 0
        else:
            self._first = min(max(self._first, self.column - fits + 1), self.column, n - fits)
        shown = self.keys[self._first : self._first + fits]
        usable = width - (len(shown) - 1)  # one rule between columns
        base, extra = divmod(usable, len(shown))
        out, x = [], 0
        for i, key in enumerate(shown):
            w = base + (1 if i < extra else 0)
            out.append((key, x, w))
            x += w + 1
        return out

    def _scroll_into_view(self, key: str) -> None:
        cursor, top, rows = self.cursors.get(key, 0), self.tops.get(key, 0), self.cards_on_screen
        if cursor < top:
            self.tops[key] = cursor
        elif cursor >= top + rows:
            self.tops[key] = cursor - rows + 1
        else:
            self.tops[key] = min(top, max(self.counts.get(key, 0) - rows, 0))

    # -- drawing ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        layout = self._layout()
        width = self.content_size.width
        if not layout:
            return Strip.blank(width, self.rich_style)
        base = self.rich_style
        rule = base + self.get_component_rich_style("kanban--rule")
        segments: list[Segment] = []
        for i, (key, _x, w) in enumerate(layout):
            if i:
                segments.append(Segment("┼" if y == 1 else "│", rule))
            segments.extend(self._cell(key, y, w, base))
        return Strip(segments, width).crop(0, width)

    def _cell(self, key: str, y: int, width: int, base: Style) -> list[Segment]:
        if y == 0:
            return list(self._header(key, width, base))
        if y == 1:
            return [Segment("─" * width, base + self.get_component_rich_style("kanban--rule"))]
        index, sub = divmod(y - HEADER_LINES, self.card_height)
        index += self.tops.get(key, 0)
        if index >= self.counts.get(key, 0):
            return [Segment(" " * width, base)]
        is_cursor = index == self.cursors.get(key, 0)
        focused = is_cursor and key == self.focused_key and self.has_focus
        strip_key = (key, index, sub, width, is_cursor, focused)
        strip = self._strips.get(strip_key)
        if strip is None:
            strip = self._strips[strip_key] = self._card_line(key, index, sub, width, is_cursor, focused, base)
        return list(strip)

    def _header(self, key: str, width: int, base: Style) -> list[Segment]:
        n, shown = len(self.keys), self._fits
        position = self.keys.index(key)
        # How many columns are off screen to the left / right, on the outermost headings.
        before = f"◀{self._first} " if shown < n and position == self._first and self._first > 0 else ""
        after = f" {n - position - 1}▶" if shown < n and position == self._first + shown - 1 < n - 1 else ""
        focused = key == self.focused_key
        name = "kanban--header-focused" if focused and self.has_focus else "kanban--header"
        title = Text(self.source.column_title(key), style=self.get_component_rich_style(name))
        title.truncate(max(width - len(before) - len(after), 1), overflow="ellipsis")
        header = Text(before, style="bold") + title + Text(after, style="bold")
        header.truncate(width, overflow="ellipsis", pad=True)
        return [Segment(s.text, base + s.style if s.style else base) for s in header.render(self.app.console)]

    def _card_line(
        self, key: str, index: int, sub: int, width: int, is_cursor: bool, focused: bool, base: Style
    ) -> Strip:
        lines = self._cards.get((key, index, width))
        if lines is None:
            lines = self._cards[(key, index, width)] = self.source.render_card(key, index, width - 1)
        text = Text(" ") + (lines[sub].copy() if sub < len(lines) else Text())
        text.truncate(width, overflow="ellipsis", pad=True)
        if is_cursor and sub < self.card_height - 1:  # the last line of a card is the gap to the next
            text.stylize(self.get_component_rich_style("kanban--cursor" if focused else "kanban--cursor-blurred"))
        segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(self.app.console)]
        return Strip(segments, width).crop(0, width)

    # -- movement -----------------------------------------------------------------------

    def watch_column(self, old: int, new: int) -> None:
        self.refresh()
        key = self.focused_key
        self.post_message(self.Highlighted(self, key, self.cursors.get(key, 0) if key else 0))

    def set_cursor(self, key: str, index: int) -> None:
        count = self.counts.get(key, 0)
        self.cursors[key] = min(max(index, 0), max(count - 1, 0))
        self._scroll_into_view(key)
        self.refresh()
        if key == self.focused_key:
            self.post_message(self.Highlighted(self, key, self.cursors[key]))

    def _move(self, delta: int) -> None:
        key = self.focused_key
        if key is not None and self.counts.get(key):
            self.set_cursor(key, self.cursors.get(key, 0) + delta)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._move(self.cards_on_screen)

    def action_page_up(self) -> None:
        self._move(-self.cards_on_screen)

    def action_first(self) -> None:
        self._move(-(1 << 30))

    def action_last(self) -> None:
        self._move(1 << 30)

    def on_resize(self) -> None:
        for key in self.keys:
            self._scroll_into_view(key)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    async def _on_click(self, event: events.Click) -> None:
        for key, x, w in self._layout():
            if x <= event.x < x + w:
                self.focus_column(key)
                if event.y >= HEADER_LINES:
                    index = self.tops.get(key, 0) + (event.y - HEADER_LINES) // self.card_height
                    if index < self.counts.get(key, 0):
                        self.set_cursor(key, index)
                return
