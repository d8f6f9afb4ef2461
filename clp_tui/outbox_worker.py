"""The dashboard's side of the moderation outbox: send what is due after each decision
lands and every `INTERVAL` seconds, on the poller's loop (never the event loop), one
run at a time; then confirm each action in a line and show its new state.

The writer records decisions with the config's `Plan` (which feeds apply decisions),
so an action joins the outbox in the decision's own transaction; this module only
sends. A run asked for while one is going runs again when it ends.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from textual.message import Message

from clp_tui.config import Config
from clp_tui.data.jump import label_of
from clp_tui.data.outbox import Plan

if TYPE_CHECKING:
    from clp_tui.app import ClpApp

INTERVAL = 30.0


class OutboxSent(Message):
    """A run of the outbox ended: `sent` (outbox_send.Sent), or the `error` that stopped it."""

    def __init__(self, sent: list[Any], error: str | None = None) -> None:
        super().__init__()
        self.sent = sent
        self.error = error


class OutboxRunner:
    def __init__(self, app: ClpApp) -> None:
        self.app = app
        self.running = False
        self.again = False
        self.last: Future[Any] | None = None  # the latest run (tests wait on it)
        self.configure(app.config)

    def configure(self, config: Config) -> None:
        """The feeds that apply decisions, for the writer (what it queues) and for sending."""
        self.plan = Plan.of(config)
        self.app.writer.plan = self.plan

    def mount(self) -> None:
        if self.app.live:
            self.app.set_interval(INTERVAL, self.kick)
            self.kick()  # what an earlier run (or a killed one) left

    def kick(self) -> None:
        """Send what is due, now or as soon as the run going ends."""
        if not self.plan.feeds or self.app.meeting:
            return
        if self.running:
            self.again = True
            return
        from clp_tui.data.outbox_send import send_due

        self.running, self.again = True, False
        app = self.app
        self.last = app.poller.submit(lambda fetcher: send_due(app.store, app.config, fetcher=fetcher))
        self.last.add_done_callback(self._done)

    def _done(self, future: Future[Any]) -> None:
        if future.cancelled():
            return  # the dashboard is closing; what was in flight is resumed by the next sender
        try:
            message = OutboxSent(future.result())
        except Exception as exc:  # noqa: BLE001 - told to the officer; the actions stay queued
            message = OutboxSent([], f"sending to the platforms stopped: {exc}")
        self.app.post_message(message)

    def landed(self, message: OutboxSent) -> None:
        """On the UI thread: one line per action, then the screens show the new states."""
        self.running = False
        if message.error:
            self.app.notify(message.error + "\nThe actions stay in the outbox.", severity="error", markup=False)
        for sent in message.sent:
            outcome = sent.outcome.outcome
            severity = {"applied": "information", "retry": "warning"}.get(outcome, "error")
            key = (sent.action.feed, sent.action.item_id)
            name = label_of(self.app.store, key, people=not self.app.meeting)
            self.app.notify(sent.line(name), severity=severity, markup=False, timeout=6 if outcome == "applied" else 10)
        if message.sent:
            self.app.data_changed()
        if self.again:
            self.kick()
