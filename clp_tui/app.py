"""The dashboard App: wiring. The screens come from the registry, decisions go to
the writer (writer.py), feeds and the cache are kept live by live.py, and every
message those send is handled here, in one place each.

I/O never runs on the event loop: polls run on their own loop and thread, the
writer is one thread, and every worker's failure reaches `on_worker_state_changed`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker

from clp_tui.clock import Clock, system_clock
from clp_tui.collector import CollectorTuning
from clp_tui.config import Config
from clp_tui.crash_screen import show_crash_report
from clp_tui.css_refresh import refresh_css
from clp_tui.data.health import Headline, InboxCounts, build_headline
from clp_tui.data.store import Store, StoreError
from clp_tui.glance import dashboard_on_show, read_glance, tell_new_flagged
from clp_tui.jobs import reload_config, start_purge, start_reflag, worker_finished
from clp_tui.keymap import apply_keymap
from clp_tui.live import ConfigChanged, FeedSynced, Poller, StoreChanged, StoreWatch, watch_files
from clp_tui.meeting import MeetingMode
from clp_tui.outbox_worker import OutboxRunner, OutboxSent
from clp_tui.presence_watch import PresenceChanged, PresenceWatch
from clp_tui.registry import BY_NAME, SCREENS
from clp_tui.screens.assign import AssignmentWatch
from clp_tui.themes import keep_theme
from clp_tui.writer import DecisionWriter, WriteFailed, WriteLanded


class ClpApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "clp-tui"
    ENABLE_COMMAND_PALETTE = True
    # Each screen's module is imported when the screen is first shown, not at start.
    MODES = {s.name: s.screen_factory() for s in SCREENS}
    DEFAULT_MODE = SCREENS[0].name

    BINDINGS = [
        # Shown as tabs in the status header rather than in the footer.
        *(Binding(s.key, f"switch_mode('{s.name}')", s.title, show=False, id=f"app.{s.name}") for s in SCREENS),
        Binding("M", "toggle_meeting", "Meeting mode", id="app.meeting"),
        Binding("full_stop", "pause_cycle", "Pause cycling", id="app.meeting_pause"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+p", "command_palette", "Jump to…", show=False, priority=True, id="app.palette"),
        Binding("ctrl+r", "refresh_now", "Refresh", id="app.refresh"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        config: Config,
        db_path: Path,
        *,
        meeting: bool = False,
        clock: Clock | None = None,
        live: bool = True,
        mode: str | None = None,
        locked_meeting: bool = False,
        officer_id: str | None = None,
    ) -> None:
        if mode is not None:
            BY_NAME[mode]  # noqa: B018 - an unknown screen name fails here, with its name
            self.DEFAULT_MODE = mode  # start on the screen asked for, not the board
        super().__init__()
        self.config = config
        self.officer_id = officer_id  # the registered officer (`--as`), else None: the config's [officer]
        self.db_path = Path(db_path)
        self.store = Store(self.db_path, clock=clock or system_clock)
        self.meeting_mode = MeetingMode(self, meeting, cycling=live, locked=locked_meeting)
        self.live = live
        self.writer = DecisionWriter(self.store)
        self.presence = PresenceWatch(self, self.db_path, officer_id, config.officer.name)
        self.assignment_watch = AssignmentWatch()
        self.poller = Poller(self, self.store, config)
        self.outbox = OutboxRunner(self)  # decisions sent to platforms (apply_decisions)
        self.store_watch = StoreWatch(self.store)
        self.collector = CollectorTuning()
        self._feed_rows: list[dict[str, Any]] = []
        self.inbox_counts = InboxCounts()  # the Inbox tab's, read with the feed rows
        self._reload_feed_rows()
        from clp_tui.palette import JumpProvider

        self.COMMANDS = App.COMMANDS | {JumpProvider}

    def now(self) -> dt.datetime:
        return self.store.clock()

    def today(self) -> dt.date:
        return self.now().date()

    def headline(self, screen_title: str) -> Headline:
        facts = (self.config, self._feed_rows, self.presence.heard_with(self.poller.last_heard), self.now())
        who = {"identified": self.officer_id is not None, "online": self.presence.online()}
        return build_headline(*facts, screen_title=screen_title, meeting=self.meeting, inbox=self.inbox_counts, **who)

    def on_mount(self) -> None:
        apply_keymap(self, self.config.keys)
        self.themes = keep_theme(self)  # before meeting mode, which remembers the theme it replaces
        self.meeting_mode.mount(self.config.meeting.cycle_seconds)  # the first screen loads itself
        self.collector.apply()
        # Background work starts once the first screen is painted: threads started now
        # (the polls import httpx, the file watcher watchfiles) would hold the GIL
        # while the officer waits for the first picture.
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.collector.freeze_startup()
        start_reflag(self)
        if self.live:
            self.set_interval(1.0, self._tick)
            # Retention: blank old decided comments once a day (whichever dashboard gets there first).
            self.set_interval(3600, lambda: start_purge(self))
            start_purge(self)
            self._watch_files()
            self.presence.start(self.poller)  # the first poll, unless another dashboard polls for all
        self.outbox.mount()

    def on_unmount(self) -> None:
        self.presence.close()
        self.writer.close()
        self.poller.close()
        self.collector.restore()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Compose):
            # Textual builds the first screen on this event, before the first Resize: with
            # the width's classes set now, it is styled once, not restyled whole on the Resize.
            self._width_classes(self.size.width, update=False)
        await super().on_event(event)

    def on_resize(self, event: events.Resize) -> None:
        # The event's size: this handler runs before Textual's own, so `self.size` is still the old one.
        self._width_classes(event.size.width)

    def _width_classes(self, width: int, update: bool = True) -> None:
        # Below 110 columns the detail panes go under the lists; from 140 the lists get more.
        self.set_class(width < 110, "narrow", update=update)
        self.set_class(width >= 140, "wide", update=update)

    def refresh_css(self, animate: bool = True) -> None:
        refresh_css(self, animate, super().refresh_css)  # no second parse when nothing changed

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker_finished(self, event)  # every worker's outcome, in one place (jobs.py)

    @property
    def meeting(self) -> bool:
        return self.meeting_mode.on

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.meeting_mode.allows(action)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        return self.meeting_mode.system_commands(super().get_system_commands(screen))

    def action_toggle_meeting(self) -> None:
        self.meeting_mode.toggle()
        self.data_changed()

    def action_pause_cycle(self) -> None:
        self.meeting_mode.toggle_pause()

    @work(group="watch", exclusive=True, exit_on_error=False, name="watching files")
    async def _watch_files(self) -> None:
        await watch_files(self, self.db_path, self.config, self.poller)

    def _tick(self) -> None:
        self._check_store()
        self.presence.tick()  # and the feeds' polls, if this dashboard is the one that polls

    def on_presence_changed(self, message: PresenceChanged) -> None:
        self.presence.changed(message)

    def _check_store(self) -> None:
        """Refresh the visible screen when any other connection has committed to the store."""
        if self.store_watch.changed():
            self.data_changed()

    def on_store_changed(self, _: StoreChanged) -> None:
        self._check_store()

    def on_feed_synced(self, message: FeedSynced) -> None:
        self.poller.landed(message, self.now().timestamp())
        if message.changed_data:
            before = self.inbox_counts
            self.data_changed()
            tell_new_flagged(self, before)  # how many, never whose or what
        else:
            self._update_header()  # a 304 changes only the feed's age: no re-query

    def on_config_changed(self, message: ConfigChanged) -> None:
        reload_config(self, message.path)  # jobs.py: every part that reads the settings

    def _reload_feed_rows(self) -> None:
        try:
            self._feed_rows, self.inbox_counts = read_glance(self.store)
        except StoreError as exc:
            if self.is_running:
                self.notify(str(exc), severity="error", markup=False)
        self.store_watch.mark_seen()

    def _update_header(self) -> None:
        if (screen := dashboard_on_show(self)) is not None:
            screen.update_header()

    def data_changed(self) -> None:
        self._reload_feed_rows()
        if (screen := dashboard_on_show(self)) is not None:
            screen.reload()

    def action_refresh_now(self) -> None:
        self.notify("Refreshing every feed now…", timeout=2)
        self.poller.due(force=True, every_feed=True)

    @property
    def officer_name(self) -> str:
        return self.config.officer.name or "officer"

    def writes_done(self) -> Future[None]:
        return self.writer.drained()  # every write queued so far has landed, its message posted

    def on_write_landed(self, message: WriteLanded) -> None:
        # Our own commit is not "another officer's": the screen that asked reloads itself.
        self.store_watch.mark_seen()
        self.outbox.kick()

    def on_outbox_sent(self, message: OutboxSent) -> None:
        self.outbox.landed(message)

    def on_write_failed(self, message: WriteFailed) -> None:
        self.notify(f"{message.error}\nThe decision was NOT recorded; try again.", severity="error", markup=False)

    def _fatal_error(self) -> None:
        show_crash_report(self)  # never Textual's own, which prints local variables (tokens too)

    def action_help(self) -> None:
        """Every key that works here now, as mapped now, grouped: this screen, lists, everywhere."""
        from clp_tui.screens.help import HelpScreen, explanations, help_rows

        title = getattr(self.screen, "TITLE", "")
        rows = help_rows(self, title.split(" ")[-1].lower())
        self.push_screen(HelpScreen(title, rows, explained=explanations(self)))

    def jump_to(self, mode: str, key: tuple[str, str]) -> None:
        self.switch_mode(mode)
        self.call_after_refresh(lambda: self.screen.focus_item(key))  # type: ignore[attr-defined]
