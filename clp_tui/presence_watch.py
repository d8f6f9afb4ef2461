"""Presence in the dashboard: each second (the App's tick) this dashboard's place (screen
and item under the cursor) goes to the presence file and the others' come back, on a
thread of its own (data/presence.py does the file). When the others change, the App
hears `PresenceChanged` and repaints the header and the rows. Only a registered officer
(`--as`) takes part: a single-user laptop has nobody to see.

Presence also decides who polls the feeds on a shared server: one dashboard, the live
session with the smallest id, polls on the feeds' schedule and shares when each feed
last answered; the others see its syncs through the cache (the `data_version` check),
so twenty officers logged in make the requests of one. With `[network] dashboard_polls
= false` (a server whose cron job syncs) none polls on its own. `ctrl+r` still polls
at once."""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from textual.app import App

    from clp_tui.data.presence import Seen


class PresenceChanged(Message):
    """The other officers' dashboards, or where they are, changed."""

    def __init__(self, others: list[Seen]) -> None:
        super().__init__()
        self.others = others


class PresenceWatch:
    def __init__(self, app: App[None], db_path: Path, officer_id: str | None, name: str) -> None:
        self.app = app
        self.officer_id = officer_id
        self.others: list[Seen] = []
        self._board = None
        if officer_id:  # data/presence.py is loaded only for a registered officer's dashboard
            from clp_tui.data.presence import PresenceBoard

            self._board = PresenceBoard(db_path, session=uuid.uuid4().hex, officer_id=officer_id, name=name)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clp-presence") if officer_id else None
        self._busy = False
        self._told: list[Seen] = []
        self._heard: dict[str, float] = {}  # the polling dashboard's, for the header's ages
        self._told_heard: dict[str, float] = {}

    def leads(self) -> bool:
        """Whether this dashboard polls the feeds (always, without presence)."""
        return self._board is None or all(self._board.session < s.session for s in self.others)

    def polls(self) -> bool:
        """Whether this dashboard polls on the feeds' schedule: it leads, and the config
        leaves polling to dashboards (`[network] dashboard_polls`)."""
        return self.app.config.network.dashboard_polls and self.leads()  # type: ignore[attr-defined]

    def start(self, poller: Any) -> None:
        """At mount: who else is here (read once, a tiny file), then the first poll if ours."""
        if self._board is not None:
            with contextlib.suppress(sqlite3.Error):
                self.others = self._told = self._board.others()
            if self.others:  # the first screen was painted before anyone was read: show them now
                self.app.post_message(PresenceChanged(self.others))
        if self.polls():
            poller.due(every_feed=True)

    def heard_with(self, mine: dict[str, float]) -> dict[str, float]:
        """When each feed last answered, the later of this dashboard's polls and what the
        presence file says (the polling dashboard's, or `clp-tui sync`'s)."""
        if not self._heard:
            return mine
        return {feed: max(self._heard.get(feed, 0.0), mine.get(feed, 0.0)) for feed in {*self._heard, *mine}}

    def tick(self) -> None:
        """On the event loop, each second: the feeds' polls if this dashboard polls, then
        where we are goes out (under a dialog the last place stands) and the others come back."""
        poller = self.app.poller  # type: ignore[attr-defined]
        if self.polls():
            poller.due()
        if self._pool is None or self._busy:
            return
        from clp_tui.glance import dashboard_on_show

        screen = dashboard_on_show(self.app)
        place = (type(screen).__name__, screen.presence_key()) if screen else (None, None)
        self._busy = True
        self._pool.submit(self._run, *place, dict(poller.last_heard) if self.polls() else None)

    def changed(self, message: PresenceChanged) -> None:
        """On the event loop: the others moved; the header and the rows show it."""
        from clp_tui.glance import dashboard_on_show

        self.others = message.others
        if (screen := dashboard_on_show(self.app)) is not None:
            screen.update_header()
            screen.show_presence()

    def _run(self, screen: str | None, key: tuple[str, str] | None, heard: dict[str, float] | None) -> None:
        assert self._board is not None
        try:
            if screen is not None:
                self._board.beat(screen, key)
            if heard is not None and heard != self._told_heard:
                self._board.tell_heard(heard)
                self._told_heard = heard
            elif heard is None:
                self._heard = self._board.heard()
            others = self._board.others()
        except sqlite3.Error:
            return  # presence is a courtesy: a busy or broken file never stops the dashboard
        finally:
            self._busy = False
        if others != self._told:
            self._told = others
            self.app.post_message(PresenceChanged(others))

    def online(self) -> tuple[str, ...]:
        """The other officers with a dashboard open, each once, by name."""
        names = dict.fromkeys(s.name for s in self.others if s.officer_id != self.officer_id)
        return tuple(names)

    def looking_at(self, key: tuple[str, str] | None) -> list[Seen]:
        """The other officers whose cursor is on this item."""
        if key is None or getattr(self.app, "meeting", False):
            return []  # meeting mode shows no names
        seen = {s.officer_id: s for s in self.others if s.key == key and s.officer_id != self.officer_id}
        return list(seen.values())

    def close(self) -> None:
        if self._pool is not None and self._board is not None:
            self._pool.shutdown(wait=True)
            self._board.leave()
