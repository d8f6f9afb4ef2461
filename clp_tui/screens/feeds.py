"""The feed-status panel (`F`): every feed's age, last error and next try, refreshed
once a second while it is open. Server errors are untrusted text: they reach the
terminal as plain Text, never markup."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from clp_tui.data.feed_state import feed_states
from clp_tui.data.health import FeedStatus, feed_status
from clp_tui.data.store import StoreError
from clp_tui.data.text import one_line
from clp_tui.widgets.badges import HEALTH
from clp_tui.widgets.status import age_words

if TYPE_CHECKING:
    from clp_tui.app import ClpApp

STATE_WORDS = {"ok": "synced", "stale": "STALE", "error": "ERROR", "never": "waiting"}


def next_try_words(status: FeedStatus) -> str:
    if status.syncing:
        return "syncing now"
    if status.next_try_s is None:
        return "not polled here"
    if status.next_try_s < 1:
        return "now"
    if status.next_try_s < 120:
        return f"in {status.next_try_s:.0f} s"
    return f"in {status.next_try_s // 60:.0f} min"


def status_table(statuses: list[FeedStatus]) -> Table | Text:
    if not statuses:
        return Text("No feeds are configured: add a [[feeds]] table to the config (docs/configuration.md).")
    # Columns keep a space between them at any width; the error takes what is left.
    table = Table(expand=True, box=None, pad_edge=False, show_edge=False, padding=(0, 1), collapse_padding=False)
    for heading in ("feed", "kind", "state", "synced", "next try"):
        table.add_column(heading, no_wrap=True)
    table.add_column("error", ratio=1, min_width=8, overflow="fold")
    for s in statuses:
        symbol, style = HEALTH.get(s.health.state, ("?", ""))
        error = Text(one_line(s.last_error, 200), style="red") if s.last_error else Text("–", style="dim")
        if s.last_error and s.failures > 1:
            error.append(f" ({s.failures} tries in a row)", style="dim")
        table.add_row(
            Text(one_line(s.name, 24), style="bold"),
            Text(one_line(s.kind, 20)),
            Text(f"{symbol} {STATE_WORDS.get(s.health.state, s.health.state)}", style=style),
            Text(age_words(s.health.age_seconds)),
            Text(next_try_words(s)),
            error,
        )
    return table


class FeedStatusScreen(ModalScreen[None]):
    """Every feed, one row each; Escape (or F again) closes."""

    BINDINGS = [Binding("escape,F,q", "close", "Close", id="feeds.close")]
    DEFAULT_CSS = """
    FeedStatusScreen { align: center middle; }
    FeedStatusScreen > .dialog { width: 120; height: auto; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="feed-status"):
            yield Label(Text("Feeds", style="bold"), markup=False)
            yield Static(id="feed-status-table", markup=False)
            yield Label(Text("ctrl+r tries every feed now · Escape closes", style="dim"), markup=False)

    def on_mount(self) -> None:
        self.show_status()
        self.set_interval(1.0, self.show_status)

    def statuses(self) -> list[FeedStatus]:
        app: ClpApp = self.app  # type: ignore[assignment]
        rows = feed_states(app.store)
        poller = app.poller
        return feed_status(
            app.config,
            rows,
            poller.last_heard,
            app.now(),
            next_poll_in=poller.next_poll_in(),
            syncing=poller.syncing,
            wall_now=time.time(),
        )

    def show_status(self) -> None:
        try:
            content: Table | Text = status_table(self.statuses())
        except StoreError as exc:
            content = Text(f"The cache cannot be read: {exc}", style="bold red")
        self.query_one("#feed-status-table", Static).update(content)

    def action_close(self) -> None:
        self.dismiss(None)
