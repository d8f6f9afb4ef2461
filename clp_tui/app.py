"""The dashboard App: four screens, global keys, and the live-refresh machinery.

I/O never runs on the event loop: feed polls run in thread workers (one per
feed, so a slow feed delays nobody else), decisions are written by a single
writer thread (so they land in the order they were made), and the store is
watched with watchfiles plus a one-second `PRAGMA data_version` check, so a
second officer's decisions appear within two seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.theme import Theme

from clp_tui.clock import Clock, system_clock
from clp_tui.config import Config, ConfigError, load_config
from clp_tui.data.decision_log import decide, undo
from clp_tui.data.feed_writes import feed_states
from clp_tui.data.inbox import flags_current, refresh_flags
from clp_tui.data.store import Store, StoreError
from clp_tui.screens.base import DashboardScreen
from clp_tui.screens.board import BoardScreen
from clp_tui.screens.branches import BranchesScreen
from clp_tui.screens.help import HelpScreen
from clp_tui.screens.inbox import InboxScreen
from clp_tui.screens.press import PressScreen
from clp_tui.widgets.status import FeedHealth, Headline

# High contrast for a projector at the back of a room; symbols still carry every status.
MEETING_THEME = Theme(
    name="clp-meeting",
    primary="#FFFFFF",
    secondary="#FFD700",
    accent="#FFD700",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    warning="#FFD700",
    error="#FF5555",
    success="#55FF55",
    dark=True,
)

# A feed not heard from in this many refresh intervals is shown as stale.
STALE_AFTER_INTERVALS = 3
GC_THRESHOLDS = (10_000, 20, 50)  # CPython 3.11 defaults: (700, 10, 10)


class ClpApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "clp-tui"
    ENABLE_COMMAND_PALETTE = True
    MODES = {"board": BoardScreen, "branches": BranchesScreen, "inbox": InboxScreen, "press": PressScreen}
    DEFAULT_MODE = "board"

    BINDINGS = [
        # Shown as tabs in the status header rather than in the footer.
        Binding("1", "switch_mode('board')", "Campaign board", show=False, id="app.board"),
        Binding("2", "switch_mode('branches')", "Branch activity", show=False, id="app.branches"),
        Binding("3", "switch_mode('inbox')", "Moderation inbox", show=False, id="app.inbox"),
        Binding("4", "switch_mode('press')", "Press kanban", show=False, id="app.press"),
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
    ) -> None:
        if mode is not None:
            # Start on the screen asked for, rather than building the board first.
            self.DEFAULT_MODE = mode
        super().__init__()
        self.config = config
        self.db_path = Path(db_path)
        self.store = Store(self.db_path, clock=clock or system_clock)
        self.meeting = meeting
        self.live = live
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clp-decisions")
        self._undo: list[list[int]] = []
        self._syncing: set[str] = set()
        self._last_checked: dict[str, float] = {}
        self._next_poll: dict[str, float] = {}
        self._feed_rows: list[dict[str, Any]] = []
        self._data_version: tuple[int, float] | None = None
        self._reload_feed_rows()
        from clp_tui.palette import JumpProvider

        self.COMMANDS = App.COMMANDS | {JumpProvider}

    # -- time and headline -------------------------------------------------------------

    def now(self) -> dt.datetime:
        return self.store.clock()

    def today(self) -> dt.date:
        return self.now().date()

    def headline(self, screen_title: str) -> Headline:
        constituency = next((r["constituency"] for r in self._feed_rows if r.get("constituency")), None)
        polling = next((r["polling_day"] for r in self._feed_rows if r.get("polling_day")), None)
        return Headline(
            constituency=constituency,
            polling_day=dt.date.fromisoformat(polling) if polling else None,
            today=self.today(),
            officer=f"{self.config.officer.name}" if self.config.officer.name else "",
            screen_title=screen_title,
            feeds=self.feed_health(),
            meeting=self.meeting,
        )

    def feed_health(self) -> list[FeedHealth]:
        rows = {r["name"]: r for r in self._feed_rows}
        now = self.now().timestamp()
        health = []
        for feed in self.config.feeds:
            row = rows.get(feed.name, {})
            last_ok = row.get("last_ok_at")
            heard = self._last_checked.get(feed.name)
            if last_ok:
                stamp = dt.datetime.fromisoformat(last_ok).timestamp()
                heard = max(heard or 0, stamp)
            age = now - heard if heard else None
            if row.get("last_outcome") == "error":
                health.append(FeedHealth(feed.name, "error", age, row.get("last_error")))
            elif age is None:
                health.append(FeedHealth(feed.name, "never", None))
            elif age > feed.refresh * STALE_AFTER_INTERVALS and age > 120:
                health.append(FeedHealth(feed.name, "stale", age))
            else:
                health.append(FeedHealth(feed.name, "ok", age))
        return health

    # -- lifecycle -----------------------------------------------------------------------

    def on_mount(self) -> None:
        self._apply_keymap(self.config.keys)
        self.register_theme(MEETING_THEME)
        self._normal_theme = self.theme
        self._cycle_timer = self.set_interval(self.config.meeting.cycle_seconds, self._cycle_screen, pause=True)
        self._apply_meeting(reload=False)  # the first screen loads itself when it is shown
        self._check_flags()
        # Everything made so far (modules, widgets, styles) lives as long as the app: out
        # of the collector's sight, a full collection takes a few ms, not 40-70 ms in the
        # middle of a keypress. And a keypress makes thousands of short-lived objects, so
        # with the default thresholds a full collection came every second or two of typing;
        # these make young collections rarer and full ones far rarer (docs/performance.md).
        self._gc_thresholds = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLDS)
        self.call_after_refresh(gc.freeze)
        if self.live:
            self.set_interval(1.0, self._tick)
            # Retention: blank old decided comments once a day (whichever dashboard gets there first).
            self.set_interval(3600, self._purge_if_due)
            self._purge_if_due()
            self._watch_files()
            self._poll(force=False, all_feeds=True)

    def _apply_keymap(self, keys: dict[str, str]) -> None:
        """Remap keys by binding id, and say which ids in [keys] mean nothing."""
        self.set_keymap(keys)
        unknown = sorted(set(keys) - all_binding_ids())
        if unknown:
            self.notify(
                f"[keys] in the config names unknown binding id(s): {', '.join(unknown)}. Press ? to see every id.",
                severity="warning",
                markup=False,
                timeout=10,
            )

    # -- meeting mode ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pause_cycle":
            return self.meeting
        return True

    def action_toggle_meeting(self) -> None:
        self.meeting = not self.meeting
        self._apply_meeting()
        self.notify(
            "Meeting mode: read-only, no names or comments on screen." if self.meeting else "Meeting mode off.",
            timeout=3,
        )

    def _apply_meeting(self, *, reload: bool = True) -> None:
        """High contrast, read-only, no personal data, and the screens cycling on their own."""
        self.set_class(self.meeting, "meeting")
        self.theme = MEETING_THEME.name if self.meeting else self._normal_theme
        self._cycle_paused = False
        if self.meeting and self.live:
            self._cycle_timer.resume()
        else:
            self._cycle_timer.pause()
        self.refresh_bindings()
        if reload:
            self.data_changed()

    def _cycle_screen(self) -> None:
        if not self.meeting or self._cycle_paused:
            return
        order = ["board", "branches", "press"]
        current = self.current_mode if self.current_mode in order else order[-1]
        self.switch_mode(order[(order.index(current) + 1) % len(order)])

    def action_pause_cycle(self) -> None:
        self._cycle_paused = not self._cycle_paused
        self.notify("Cycling paused." if self._cycle_paused else "Cycling resumed.", timeout=2)

    @work(thread=True, group="flags", exclusive=True, exit_on_error=False)
    def _check_flags(self) -> None:
        """Re-flag every comment when the moderation rules differ from those last applied."""
        rules = self.config.moderation
        if flags_current(self.store, rules):
            return
        refresh_flags(self.store, rules)
        self.store.close()
        self.call_from_thread(self.data_changed)

    @work(thread=True, group="purge", exclusive=True, exit_on_error=False)
    def _purge_if_due(self) -> None:
        from clp_tui.data.retention import purge_if_due

        try:
            result = purge_if_due(self.store, self.config.moderation.retain_days)
        except StoreError as exc:
            self.call_from_thread(self.notify, f"Daily purge skipped: {exc}", severity="warning", markup=False)
            return
        finally:
            self.store.close()
        if result is not None and result.purged:
            self.call_from_thread(
                self.notify,
                f"Retention: {result.purged} old decided comment(s) blanked (older than {result.retain_days} days).",
                markup=False,
            )
            self.call_from_thread(self.data_changed)

    def on_resize(self) -> None:
        # Below this width the detail panes go under the lists instead of beside them.
        self.set_class(self.size.width < 110, "narrow")

    def on_unmount(self) -> None:
        self._writer.shutdown(wait=True)
        gc.unfreeze()  # a process that runs several apps (tests) lets each one go
        gc.set_threshold(*self._gc_thresholds)

    def _tick(self) -> None:
        self._poll(force=False, all_feeds=False)
        self._check_store()

    def _reload_feed_rows(self) -> None:
        try:
            self._feed_rows = feed_states(self.store)
            self._data_version = self.store.data_version()
        except StoreError as exc:
            if self.is_running:
                self.notify(str(exc), severity="error", markup=False)

    def _check_store(self) -> None:
        """Refresh the visible screen when any process has committed to the store."""
        try:
            version = self.store.data_version()
        except StoreError:
            return
        if version != self._data_version:
            self._data_version = version
            self.data_changed()

    def data_changed(self) -> None:
        self._reload_feed_rows()
        screen = self.screen
        if isinstance(screen, DashboardScreen):
            screen.reload()

    # -- polling feeds -------------------------------------------------------------------

    def _poll(self, *, force: bool, all_feeds: bool) -> None:
        now = time.monotonic()
        for feed in self.config.feeds:
            if feed.name in self._syncing:
                continue
            if all_feeds or now >= self._next_poll.get(feed.name, 0):
                self._next_poll[feed.name] = now + feed.refresh
                self._syncing.add(feed.name)
                self._sync_feed(feed.name, force)

    @work(thread=True, group="sync", exit_on_error=False)
    def _sync_feed(self, name: str, force: bool) -> None:
        # Imported here: the fetcher brings httpx, which a snapshot never needs.
        from clp_tui.data.sync import FeedReport, sync_feeds

        try:
            reports = asyncio.run(sync_feeds(self.store, self.config, only=[name], force=force))
        except Exception as exc:  # noqa: BLE001 - shown to the officer, never a crash
            reports = [FeedReport(name, "error", error=f"sync failed: {exc}")]
        finally:
            self.store.close()
        self.call_from_thread(self._synced, name, reports)

    def _synced(self, name: str, reports: list[Any]) -> None:
        self._syncing.discard(name)
        for report in reports:
            if report.status in ("ok", "not_modified"):
                self._last_checked[report.feed] = self.now().timestamp()
        self._reload_feed_rows()
        self.data_changed()

    def action_refresh_now(self) -> None:
        self.notify("Refreshing every feed now…", timeout=2)
        self._poll(force=True, all_feeds=True)

    # -- watching files ------------------------------------------------------------------

    def _watched_paths(self) -> tuple[set[Path], set[Path]]:
        folders = {self.db_path.resolve().parent}
        feed_files: set[Path] = set()
        source = getattr(self.config, "source", "")
        if source and Path(source).exists():
            folders.add(Path(source).resolve().parent)
        for feed in self.config.feeds:
            if urlsplit(feed.url).scheme == "file":
                path = Path(url2pathname(urlsplit(feed.url).path)).resolve()
                feed_files.add(path)
                if path.parent.exists():
                    folders.add(path.parent)
        return folders, feed_files

    @work(group="watch", exclusive=True, exit_on_error=False)
    async def _watch_files(self) -> None:
        from watchfiles import awatch

        folders, feed_files = self._watched_paths()
        db_names = {self.db_path.name, f"{self.db_path.name}-wal"}
        config_path = Path(getattr(self.config, "source", "") or "/nonexistent").resolve()
        async for changes in awatch(*folders, debounce=200, step=50, recursive=False):
            paths = {Path(p) for _, p in changes}
            if any(p.name in db_names for p in paths):
                self._check_store()
            if config_path in paths:
                self._reload_config(config_path)
            touched = [
                f.name
                for f in self.config.feeds
                if urlsplit(f.url).scheme == "file" and Path(url2pathname(urlsplit(f.url).path)).resolve() in paths
            ]
            for name in touched:
                if name not in self._syncing:
                    self._syncing.add(name)
                    self._sync_feed(name, True)

    def _reload_config(self, path: Path) -> None:
        try:
            config = load_config(path)
        except ConfigError as exc:
            self.notify(f"{exc}\nKeeping the settings already loaded.", severity="error", markup=False, timeout=10)
            return
        self.config = config
        self._apply_keymap(config.keys)
        self._check_flags()
        self._watch_files()  # feeds may have been added: watch their folders too
        self._cycle_timer.stop()
        self._cycle_timer = self.set_interval(
            config.meeting.cycle_seconds, self._cycle_screen, pause=not (self.meeting and self.live)
        )
        self.notify("Settings reloaded.", timeout=2)
        self.data_changed()

    # -- decisions -----------------------------------------------------------------------

    def decide(
        self,
        items: Iterable[tuple[str, str]],
        field: str,
        value: Any,
        *,
        reason: str | None = None,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Record a decision on the writer thread; `then` runs on the UI when it has landed.

        The writer is one thread, so decisions land in the order they were made, and
        the undo stack is only ever touched there: `u` straight after `a` undoes it.
        """
        if self.meeting:
            self.notify("Meeting mode is read-only.", severity="warning")
            return
        items = list(items)
        officer = self.config.officer.name or "officer"

        def job() -> list[int]:
            seqs = decide(self.store, items, field, value, officer=officer, reason=reason)
            self._undo.append(seqs)
            return seqs

        self._submit(job, then)

    def undo_last(self, then: Callable[[], None] | None = None) -> None:
        officer = self.config.officer.name or "officer"

        def job() -> int | None:
            if not self._undo:
                return None
            return undo(self.store, self._undo.pop(), officer=officer)

        def after(result: Any) -> None:
            if result is None:
                self.notify("Nothing to undo in this session.", timeout=3)
            if then is not None:
                then()

        self._submit(job, after, pass_result=True)

    def writes_done(self) -> Future[None]:
        """Resolves once every write queued so far has landed and been shown (its
        `then` has run on the UI thread): what a test waits on before asserting
        that a write did not happen."""
        return self._writer.submit(lambda: None)

    def run_write(self, job: Callable[[], Any], then: Callable[[], None] | None = None) -> None:
        """Any other write (e.g. a new local card) on the writer thread."""
        self._submit(job, then)

    def _submit(self, job: Callable[[], Any], then: Callable[..., None] | None, *, pass_result: bool = False) -> None:
        future = self._writer.submit(job)

        def land() -> None:
            error = future.exception()
            if error is not None:
                message = str(error) if isinstance(error, StoreError) else f"could not save: {error}"
                self.notify(
                    f"{message}\nThe decision was NOT recorded; try again.", severity="error", markup=False, timeout=10
                )
                return
            self._data_version = self.store.data_version()
            if then is not None:
                then(future.result()) if pass_result else then()

        def done(_: Future[Any]) -> None:
            if threading.get_ident() == self._thread_id:
                # Already finished when the callback was attached: we are on the UI thread.
                self.call_later(land)
                return
            # RuntimeError: the app is closing; the write itself has landed.
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(land)

        future.add_done_callback(done)

    def _fatal_error(self) -> None:
        """Textual's own crash screen prints every frame's local variables, tokens
        included; ours writes a report without them and says where it is."""
        from rich.text import Text

        from clp_tui.crash import report_crash

        error = self._exception or RuntimeError("unknown error")
        # A failed worker wraps the real error; report that one, with its own frames.
        error = getattr(error, "error", error)
        if not self._exit_renderables:  # `_exception` is the first error: report it once, not per repeat
            self.bell()
            self.error_console.soft_wrap = True  # one line, so the report's path can be copied whole
            self._exit_renderables.append(Text(report_crash(error)))
        self._close_messages_no_wait()

    # -- help ------------------------------------------------------------------------------

    def action_help(self) -> None:
        """Every key that works here now, as mapped now, grouped: this screen, lists, everywhere."""
        found: dict[str, tuple[list[str], str, bool]] = {}
        for active in self.active_bindings.values():
            binding = active.binding
            if not binding.id or not binding.description:
                continue  # Textual's own scrolling and focus keys: not ours to document
            keys, _, _ = found.setdefault(binding.id, ([], binding.description, active.enabled))
            display = self.get_key_display(binding)
            if display not in keys:
                keys.append(display)
        screen_prefix = getattr(self.screen, "TITLE", "").split(" ")[-1].lower()
        order = {screen_prefix: 0, "screen": 1, "list": 2, "app": 3}

        seen_order = {identifier: n for n, identifier in enumerate(found)}

        def rank(identifier: str) -> tuple[int, int]:
            return (order.get(identifier.split(".")[0], 0), seen_order[identifier])

        rows = []
        for identifier in sorted(found, key=rank):
            keys, description, enabled = found[identifier]
            note = "" if enabled else " (off in meeting mode)"
            rows.append((", ".join(keys), description + note, identifier))
        notes = [
            "Filter with / : words match text; field:value matches the start of a field's words.",
            "ctrl+p jumps to any milestone, branch, comment or press card by its text.",
            "Links are never opened on this machine: copy them from the detail pane.",
        ]
        self.push_screen(HelpScreen(getattr(self.screen, "TITLE", ""), rows, notes))

    def jump_to(self, mode: str, key: tuple[str, str]) -> None:
        self.switch_mode(mode)
        self.call_after_refresh(lambda: self.screen.focus_item(key))  # type: ignore[attr-defined]


def run_dashboard(config: Config, db_path: Path, *, meeting: bool = False) -> int:
    app = ClpApp(config, db_path, meeting=meeting)
    app.run()
    return app.return_code or 0  # 1 after a crash (Textual sets it), so scripts can tell


def all_binding_ids() -> set[str]:
    """Every binding id a user may remap in [keys]."""
    from clp_tui.screens.dialogs import AskChoice, AskText, TextScreen
    from clp_tui.widgets.rowlist import RowList

    classes = [
        App,
        ClpApp,
        *ClpApp.MODES.values(),
        DashboardScreen,
        HelpScreen,
        RowList,
        AskText,
        AskChoice,
        TextScreen,
    ]
    return {b.id for cls in classes for b in cls.BINDINGS if isinstance(b, Binding) and b.id}
