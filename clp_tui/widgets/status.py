"""The status header: the tabs (the Inbox's with its counts), constituency, days to
polling day, and each feed's health."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from clp_tui.data.health import Headline, InboxCounts
from clp_tui.data.text import one_line
from clp_tui.registry import SCREENS
from clp_tui.widgets.badges import HEALTH


def age_words(seconds: float | None) -> str:
    if seconds is None:
        return "never synced"
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min ago"
    if seconds < 86400 * 2:
        return f"{seconds // 3600:.0f} h ago"
    return f"{seconds // 86400:.0f} days ago"


TABS = tuple(s.tab_label for s in SCREENS)
INBOX_TAB = next(s.tab_label for s in SCREENS if s.name == "inbox")
FLAG = "⚑"


def inbox_tab_counts(counts: InboxCounts | None) -> str:
    """ "142·9⚑": comments to review, and how many of them are flagged (nothing when none)."""
    if counts is None or not counts.unreviewed:
        return ""
    flagged = f"·{counts.flagged:,}{FLAG}" if counts.flagged else ""
    return f" {counts.unreviewed:,}{flagged}"


def short_age(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 3600:
        return f"{max(seconds, 0) // 60:.0f}m"
    if seconds < 86400 * 2:
        return f"{seconds // 3600:.0f}h"
    return f"{seconds // 86400:.0f}d"


class StatusHeader(Widget):
    """Two lines: where we are and when polling day is; then every feed's health."""

    DEFAULT_CLASSES = "status-header"

    def __init__(self, headline: Headline | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.headline = headline
        self._drawn: Text | None = None

    def show(self, headline: Headline) -> None:
        self.headline = headline
        # A poll answered 304 every few seconds mostly changes nothing shown (ages are
        # in minutes): repaint only when the words or their styles change.
        if self._text() != self._drawn:
            self.refresh()

    def render(self) -> Text:
        self._drawn = self._text()
        return self._drawn

    def _text(self) -> Text:
        h = self.headline
        if h is None:
            return Text("clp-tui")
        top = Text()
        for tab in TABS:
            counts = inbox_tab_counts(h.inbox) if tab == INBOX_TAB else ""
            top.append(f" {tab}{counts} ", style="bold reverse" if tab == h.screen_title else "dim")
        top.append(" ")
        if h.identified and not h.meeting:
            # Who you are, then who else is here, before anything long: it survives 80 columns.
            top.append(one_line(h.officer, 24), style="bold")
            if h.online:
                top.append(" +" + ", ".join(one_line(name, 20) for name in h.online), style="bold cyan")
            top.append("  ·  ")
        top.append(one_line(h.constituency or "clp-tui", 48), style="bold")
        if h.polling_day:
            days = (h.polling_day - h.today).days
            if days > 0:
                top.append(f"  ·  {days} days to polling day ({h.polling_day:%a %-d %b %Y})")
            elif days == 0:
                top.append("  ·  POLLING DAY TODAY", style="bold")
            else:
                top.append(f"  ·  polling day was {-days} days ago")
        if h.meeting:
            top.append("  ·  MEETING MODE (read-only)", style="bold")
        elif h.officer and not h.identified:
            top.append(f"  ·  {one_line(h.officer, 30)}", style="dim")
        feeds = Text(" ")
        if not h.feeds:
            feeds.append("no feeds configured — run `clp-tui init`", style="dim")
        for feed in h.feeds:
            symbol, style = HEALTH.get(feed.state, ("?", ""))
            label = {"ok": "synced", "stale": "STALE", "error": "ERROR", "never": "waiting"}[feed.state]
            feeds.append(f"{symbol} {one_line(feed.name, 16)} ", style=style)
            detail = age_words(feed.age_seconds) if feed.state != "never" else ""
            feeds.append(f"{label} {detail}".strip(), style=style)
            if feed.reason and feed.state in ("error", "stale"):
                feeds.append(f": {one_line(feed.reason, 60)}", style=style)
            feeds.append("   ")
        width = self.size.width or 80
        if feeds.cell_len > width:
            feeds = self._compact_feeds(h)
        for line in (top, feeds):
            line.truncate(width, overflow="ellipsis")
        return Text("\n", no_wrap=True).join([top, feeds])

    @staticmethod
    def _compact_feeds(h: Headline) -> Text:
        """Every feed on one short line: symbol, name and age, then the first error's reason."""
        feeds = Text(" ")
        for feed in h.feeds:
            symbol, style = HEALTH.get(feed.state, ("?", ""))
            word = {"stale": " STALE", "error": " ERROR"}.get(feed.state, "")
            feeds.append(f"{symbol} {one_line(feed.name, 12)}{word} {short_age(feed.age_seconds)}", style=style)
            feeds.append("  ")
        failed = next((f for f in h.feeds if f.state == "error" and f.reason), None)
        if failed is not None:
            feeds.append(f"{one_line(failed.name, 12)}: {one_line(failed.reason, 80)}", style="bold red")
        return feeds
