"""A scroll by one row that costs about one row, not a whole list.

When a line-API widget scrolls, Textual marks all of it dirty: its styles cache
(the border, background and colour filters put around each line) is emptied and
every line is styled again, and the scrollbar beside it is rendered afresh even
when its thumb has not moved by an eighth of a cell. In the inbox at 140x45 that
was ~5 ms of a ~7 ms `j` once the cursor reached the bottom of the list
(docs/performance.md). Two helpers here cut it:

* `StyledLines` keeps the finished line (border and filters applied) for each
  painted row, found by the row's own Strip object: a row that moves up a line
  is the same Strip, so it is not styled again; only the row that scrolls into
  view is. Anything that changes how a line is styled (size, focus, border,
  colours, theme, filters) empties it.
* `scrollbar_moved` tells whether a new scroll position changes what the
  vertical scrollbar shows, so its owner repaints it only then.

Both lean on Textual 8.2's internals (`Widget._styles_cache`, the scrollbar's
renderer); pyproject pins textual below 8.3, and tests/ui/test_scroll_paint.py
checks that the lines they give are the lines Textual gives.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from math import ceil

from textual.cache import LRUCache
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget


class StyledLines:
    """Finished lines of a widget's content rows, keyed by the content Strip they came from."""

    def __init__(self, size: int = 1024) -> None:
        self._lines: LRUCache[int, tuple[Strip, Strip]] = LRUCache(size)
        self._context: Hashable = None

    def clear(self) -> None:
        self._lines.clear()

    @staticmethod
    def _context_of(widget: Widget) -> Hashable:
        """Everything besides a row's own content that goes into its finished line."""
        styles = widget.styles
        app = widget.app
        return (
            widget.region.size,
            widget.content_region.size,
            widget.has_focus,
            styles.gutter,
            styles.border,
            styles.outline,
            styles.tint,
            styles.text_opacity,
            styles.hatch if styles.has_rule("hatch") else None,
            widget.opacity,
            widget.background_colors,
            tuple(map(id, widget.get_line_filters())),
            id(app.ansi_theme),
            app.native_ansi_color,
        )

    def render(self, widget: Widget, crop: Region, content_line: Callable[[int], Strip]) -> list[Strip]:
        """What `Widget.render_lines(crop)` gives, styling only the rows not seen before.
        `content_line(y)` is the widget's own (cached) Strip for content row `y`."""
        context = self._context_of(widget)
        if context != self._context:
            self._lines.clear()
            self._context = context
        width, height = widget.region.size  # the styles cache's own size: border included
        gutter = widget.styles.gutter
        top, bottom = gutter.top, height - gutter.bottom
        lines: list[Strip | None] = []
        sources: dict[int, Strip] = {}
        for y in crop.line_range:
            if top <= y < bottom:
                source = content_line(y - top)
                kept = self._lines.get(id(source))
                if kept is not None and kept[0] is source:
                    lines.append(kept[1])
                    continue
                sources[y] = source
            lines.append(None)  # a border line, or a row not styled before
        styles_cache = widget._styles_cache
        for first, last in _runs([y for y, line in zip(crop.line_range, lines, strict=True) if line is None]):
            region = Region(0, first, width, last - first + 1)
            styles_cache.set_dirty(region)
            for y, strip in zip(region.line_range, styles_cache.render_widget(widget, region), strict=True):
                lines[y - crop.y] = strip
                if y in sources:
                    self._lines[id(sources[y])] = (sources[y], strip)
        done: list[Strip] = lines  # type: ignore[assignment]  # every None was filled above
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            done = [strip.crop(x1, x2) for strip in done]
        return done


def _runs(ys: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs in a sorted list of line numbers, as (first, last)."""
    runs: list[tuple[int, int]] = []
    for y in ys:
        if runs and runs[-1][1] == y - 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return runs


def _thumb(bar: ScrollBar, position: float) -> tuple[int, ...]:
    """What the bar draws at `position`, in the renderer's own eighths of a cell."""
    size = bar.size.height
    virtual = ceil(bar.window_virtual_size)
    window = ceil(bar.window_size) if bar.window_size < bar.window_virtual_size else 0
    if not (window and size and virtual and size != virtual):
        return (size, virtual, window)
    thumb = max(1, window / (virtual / size))
    offset = (size - thumb) * (position / (virtual - window))
    start = int(offset * 8)
    return (size, virtual, window, start, start + ceil(thumb * 8))


def scrollbar_moved(bar: ScrollBar, new: float) -> bool:
    """Set the bar's position to `new` without a repaint; True if it now looks different."""
    old = bar.position
    position = bar.validate_position(new)
    bar.set_reactive(ScrollBar.position, position)
    return _thumb(bar, old) != _thumb(bar, position)
