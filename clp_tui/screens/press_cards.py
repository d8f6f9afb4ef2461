"""The press kanban's cards: a column's cards drawn five lines each (two of title,
the format or embargo, the state), and the words for an embargo."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import TYPE_CHECKING

from rich.text import Text

from clp_tui.data.officers import initials_of
from clp_tui.data.press import Card, gate_breached
from clp_tui.data.text import one_line
from clp_tui.widgets.badges import warning

if TYPE_CHECKING:
    from clp_tui.screens.press import PressScreen


def embargo_words(embargo: dt.datetime | None, now: dt.datetime) -> str | None:
    if embargo is None:
        return None
    if embargo.tzinfo is None:
        embargo = embargo.replace(tzinfo=dt.UTC)
    left = embargo - now
    if left.total_seconds() <= 0:
        return "embargo lifted"
    hours = int(left.total_seconds() // 3600)
    return f"embargo {hours // 24}d {hours % 24}h" if hours >= 24 else f"embargo {hours}h {left.seconds // 60 % 60}m"


def two_lines(title: str, width: int) -> tuple[str, str]:
    """A card's title on up to two lines of `width`, broken between words; the rest cut with '…'."""
    flat = " ".join(one_line(title).split())
    first = (textwrap.wrap(flat, max(width, 1)) or [""])[0]
    return first, one_line(flat[len(first) :].strip(), width)


# A card: two lines of title, its format, its state, and a line of gap.
CARD_HEIGHT = 5


class ColumnSource:
    def __init__(self, screen: PressScreen, stage: str) -> None:
        self.screen = screen
        self.stage = stage
        self.cards: list[Card] = []

    def row_count(self) -> int:
        return len(self.cards)

    def render_row(self, index: int, width: int, height: int) -> list[Text]:
        """Four short lines a card; the detail pane below spells everything out."""
        card = self.cards[index]
        now = self.screen.clp.now()
        mark = "◆ " if card.key in self.screen.selected else ""
        title = [Text(line, style="bold") for line in two_lines(mark + card.title, width)]
        second = Text(one_line(card.ext.format.replace("_", " "), 14), style="cyan")
        embargo = embargo_words(card.ext.embargo, now)
        if embargo:
            second.append(f" ⏱ {embargo.removeprefix('embargo ')}", style=warning("bold magenta"))
        elif card.ext.candidate:
            second.append(" · " + one_line(card.ext.candidate, width))
        third = Text()
        days = card.days_in_stage(now)
        if days is not None:
            third.append(f"{days}d ", style="dim")
        # C = the candidate's consent, S = the regional sign-off (the detail pane says so).
        third.append("C✓ " if card.consent_by else "C✗ ", style="green" if card.consent_by else "yellow")
        third.append("S✓" if card.signoff_by else "S✗", style="green" if card.signoff_by else "yellow")
        if gate_breached(card):
            third.append(" ⚠GATE", style=warning("bold red"))
        if self.screen.imprint_problem(card):
            third.append(" ⚠IMPRINT", style=warning("bold red"))
        for seen in self.screen.clp.presence.looking_at(card.key)[:1]:
            third.append(" ")
            third.append(initials_of(seen.name), style="bold reverse cyan")
        return [*title, second, third, Text("")]
