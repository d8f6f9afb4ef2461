"""The inbox's rows: comments read from SQLite a block at a time, drawn one line each
(the comment's words keep their room before anything else does). A decision sent to
the platform is marked in the badge's last column: ◌ on its way, ● applied, ! failed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from clp_tui.data.inbox import Comment
from clp_tui.data.outbox_words import MARKS
from clp_tui.data.text import one_line
from clp_tui.widgets.badges import decision_badge
from clp_tui.widgets.highlight import highlight_matches

if TYPE_CHECKING:
    from clp_tui.screens.inbox import InboxScreen

_BLOCK = 100
# A row gives the comment's text at least this many columns when it can: at 80 and at
# 160 columns that costs the platform column; in a list narrower than about 68 columns
# the decision shows as its symbol alone.
TEXT_MIN = 32


class InboxSource:
    """Rows for the RowList, fetched from SQLite a block at a time and cached until reload."""

    def __init__(self, screen: InboxScreen) -> None:
        self.screen = screen
        self.blocks: dict[int, list[Comment]] = {}
        self.total = 0

    def reset(self) -> None:
        self.blocks.clear()
        s = self.screen
        self.total = s.inbox.count(s.view, s.platform, s.filter)

    def row_count(self) -> int:
        return self.total

    def get(self, index: int) -> Comment | None:
        if not 0 <= index < self.total:
            return None
        block, offset = divmod(index, _BLOCK)
        rows = self.blocks.get(block)
        if rows is None:
            s = self.screen
            rows = s.inbox.page(block * _BLOCK, _BLOCK, s.view, s.platform, s.filter)
            self.blocks[block] = rows
        return rows[offset] if offset < len(rows) else None

    def in_view(self, top: int, rows: int) -> tuple[object, ...]:
        """The count and the comments in rows top.. (each with its decision and platform
        state): a reload that changes none of them repaints nothing."""
        return self.total, [self.get(i) for i in range(top, top + rows)]

    def find_near(self, key: tuple[str, str], hint: int, reach: int = 200) -> int | None:
        """The comment's new row, looked for around its old one (decisions move rows a little)."""
        for index in range(max(hint - reach, 0), min(hint + reach, self.total)):
            c = self.get(index)
            if c is not None and c.key == key:
                return index
        return None

    def render_row(self, index: int, width: int, height: int) -> list[Text]:
        c = self.get(index)
        if c is None:
            return [Text("")]
        meeting = self.screen.clp.meeting
        line = Text()
        line.append_text(self.screen.row_mark(c.key, c.key in self.screen.selected))
        line.append("‼ " if c.flagged else "  ", style="bold yellow")
        wide = width >= 90
        platform_width, author_width = (15, 21) if wide else (10, 15)
        date_width = 12 if wide else 6
        # The comment's words come first: the platform goes (the preview names it), then the
        # decision shrinks to its symbol, before the text would get less than TEXT_MIN.
        room = width - 4 - date_width - author_width
        show_platform = room - 11 - platform_width >= TEXT_MIN
        badge = decision_badge(self.screen.pending.get(c.key, c.decision), 11)
        if room - 11 < TEXT_MIN:
            badge = Text(badge.plain[:1] + " ", style=badge.style)
        line.append_text(badge)
        mark = MARKS.get(c.outbox_state or "")
        if mark and line.plain.endswith(" "):  # in the badge's last column: where the decision went
            line.right_crop(1)
            line.append(mark, style="bold red" if c.outbox_state == "failed" else "bold")
        if show_platform:
            line.append(f"{one_line(c.platform, platform_width - 1):<{platform_width}}", style="cyan")
        stamp = (c.published or "")[5:16].replace("T", " ")
        line.append(f"{stamp if wide else stamp[:5]:<{date_width}}", style="dim")
        if meeting:
            line.append("(hidden in meeting mode)", style="dim")
        else:
            words_at = len(line)  # the filter's words are marked in the author and the comment
            line.append(f"{one_line(c.author, author_width - 1):<{author_width}}", style="bold")
            line.append(one_line(c.body, 300))
            highlight_matches(line, self.screen.filter.text, start=words_at)
        return [line]
