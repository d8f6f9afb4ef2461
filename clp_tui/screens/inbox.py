"""Screen 3: the moderation inbox. Triage comments with one key each."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Static

from clp_tui.data.datewords import moment_words
from clp_tui.data.inbox import FILTER_FIELDS, VIEWS, Comment, Inbox
from clp_tui.data.jump import label_of
from clp_tui.data.outbox_words import state_words
from clp_tui.data.sources import SOURCES, decision_reach
from clp_tui.data.text import clean, one_line, plural
from clp_tui.glance import recount_inbox
from clp_tui.screens.base import DashboardScreen
from clp_tui.screens.dialogs import AskText, TextScreen
from clp_tui.screens.inbox_rows import InboxSource
from clp_tui.widgets.badges import decision_badge
from clp_tui.widgets.rowlist import RowList
from clp_tui.writer import WriteFailed, WriteLanded

# The preview shows this much of a comment; Enter opens the whole of it.
PREVIEW_CHARS = 1500
# Seconds of quiet after the last saved decision before the list is re-ordered.
LANDED_RELOAD_DELAY = 0.15


class InboxScreen(DashboardScreen):
    TITLE = "3 Inbox"
    FILTER_FIELDS = FILTER_FIELDS
    FILTER_HINT = "platform: author: decision: thread: state:"
    DECISION_ACTIONS = {
        "approve",
        "hide",
        "escalate",
        "needs_reply",
        "undo",
        "toggle_select",
        "select_range",
        "select_visible",
    }

    BINDINGS = [
        # No decision shares a letter with movement anywhere (h/l move on the press board).
        Binding("a", "approve", "Approve", id="inbox.approve", tooltip="the comment is fine to stay"),
        Binding("x", "hide", "Hide", id="inbox.hide", tooltip="the comment should not be seen (h and l move; x hides)"),
        Binding(
            "e",
            "escalate",
            "Escalate",
            id="inbox.escalate",
            tooltip="send it to the Governance and Legal Unit (asks why)",
        ),
        Binding(
            "r", "needs_reply", "Reply", id="inbox.needs_reply", tooltip="marks it as needing a reply from the CLP"
        ),
        Binding("u", "undo", "Undo", id="inbox.undo"),
        Binding("space", "toggle_select", "Select", id="inbox.select"),
        Binding("V", "select_range", "Select to here", show=False, id="inbox.select_range"),
        Binding("asterisk", "select_visible", "Select all shown", show=False, id="inbox.select_visible"),
        Binding("f", "cycle_view", "View", id="inbox.view"),
        Binding("P", "cycle_platform", "Platform", id="inbox.platform"),
        Binding(
            "y", "copy_link", "Copy link", show=False, id="inbox.copy_link", tooltip="copies the link; never opens it"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "unreviewed"
        self.platform: str | None = None
        self.selected: dict[tuple[str, str], Comment] = {}
        # Decisions made here that the store has not confirmed yet.
        self.pending: dict[tuple[str, str], str] = {}
        self._landed_keys: set[tuple[str, str]] = set()
        self._reload_timer: Timer | None = None
        self._preview_due = False
        self.source = InboxSource(self)
        self._drawn: object = None  # what the rows in view were last drawn from (refresh_data)

    @property
    def inbox(self) -> Inbox:
        return Inbox(self.clp.store, self.clp.config.moderation)

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="inbox-body", classes="split"):
            yield RowList(self.source, on_cursor=lambda _: self._preview_soon(), id="inbox-list", classes="main-list")
            with Vertical(id="inbox-preview", classes="preview"):
                yield Static(id="inbox-detail", markup=False)
        # Meeting mode shows an InboxProjector instead, built when first needed.

    def focus_body(self) -> None:
        self.query_one("#inbox-list", RowList).focus()

    def on_mount(self) -> None:
        super().on_mount()
        self.focus_body()

    @property
    def rows(self) -> RowList:
        return self.query_one("#inbox-list", RowList)

    def current(self) -> Comment | None:
        return self.source.get(self.rows.cursor)

    def _update_title(self) -> None:
        platform = one_line(self.platform, 30) if self.platform else "all platforms"
        selected = f" · {len(self.selected)} selected" if self.selected else ""
        self.rows.border_title = Text(f"{self.view} · {platform} · {plural(self.source.total, 'comment')}{selected}")

    def _preview_soon(self) -> None:
        """The preview follows the cursor in the next frame. The cursor's own frame is two
        list rows (a few ms); the preview (40 wrapped lines, three quarters of a keypress's
        cost) follows it, and a burst of keys draws it once, for where the cursor ends."""
        if not self._preview_due:
            self._preview_due = True
            self.call_after_refresh(self._preview_now)

    def _preview_now(self) -> None:
        self._preview_due = False
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#inbox-detail", Static)
        c = self.current()
        if c is None:
            content = self.empty_text("Nothing here. f changes the view; / filters.")
        elif self.clp.meeting:
            content = self._meeting_summary()
        else:
            content = self.detail_text(c, limit=PREVIEW_CHARS)
        # The pane has a fixed size, so no re-layout of the screen on every cursor move.
        self.show_in(detail, content, layout=False)

    def detail_text(self, c: Comment, limit: int | None = None) -> Text:
        """Everything about one comment, as plain Text (feed text never becomes markup)."""
        # The words first: on a small terminal they are what must fit.
        t = self.looking_text(c.key)
        t.append(clean(c.author), style="bold")
        t.append(f"  on {clean(c.platform)}")
        if c.channel:
            t.append(f" · {clean(c.channel)}")
        t.append("\n")
        body = c.body
        if limit is not None and len(body) > limit:
            body = body[:limit] + f"… ({len(c.body) - limit:,} more characters: Enter shows it all)"
        t.append(clean(body))
        t.append("\n\n")
        if c.thread_title:
            t.append("Thread: ", style="bold")
            t.append(clean(c.thread_title) + "\n")
        t.append(moment_words(c.published) if c.published else "no date")
        if c.state:
            t.append(f" · on the platform: {c.state}")
        if c.url:
            t.append("\nlink (not opened here): ", style="dim")
            t.append(clean(c.url), style="dim")
        if c.author_url:
            t.append("\nprofile: ", style="dim")
            t.append(clean(c.author_url), style="dim")
        t.append("\n")
        t.append_text(decision_badge(self.pending.get(c.key, c.decision), 0))
        if c.decision:
            t.append(f" by {clean(c.decided_by)} at {c.decided_at}")
            if c.reason:
                t.append(f" — {clean(c.reason)}")
        if (a := self.assignments.get(c.key)) is not None:
            t.append(f"\nassigned to {one_line(a.name, 40)} by {one_line(a.by, 40)}", style="bold")
        reasons = self.inbox.flag_reasons(c)
        if reasons:
            t.append("\n‼ flagged: " + "; ".join(clean(r) for r in reasons), style="bold yellow")
        thread = self.inbox.thread(c)
        if len(thread) > 1:
            t.append("\n\nAround it in the thread:\n", style="bold")
            for other in thread:
                marker = "▶ " if other.key == c.key else "  "
                indent = "   ↳ " if other.in_reply_to else ""
                style = "bold" if other.key == c.key else ""
                t.append(f"{marker}{indent}", style=style)
                t.append(one_line(other.author, 24), style="bold")
                t.append(": " + one_line(other.body, 160) + "\n", style=style)
        feed = next((f for f in self.clp.config.feeds if f.name == c.feed), None)
        source = feed.source if feed else "jsonfeed"
        on_platform = state_words(SOURCES[source].label, c.outbox_state, c.outbox_action, c.outbox_reason)
        if on_platform:  # the outbox's last word on it: pending, applied, failed (why)
            t.append("\n" + clean(on_platform), style="bold red" if c.outbox_state == "failed" else "bold")
        reach = decision_reach(source, bool(feed and feed.apply_decisions), c.platform, feed)
        t.append("\n" + clean(reach), style="dim italic")
        return t

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        c = self.current()
        if c is not None and not self.clp.meeting:
            self.app.push_screen(TextScreen("Comment", self.detail_text(c)))

    def _meeting_summary(self) -> Text:
        t = Text("Moderation in numbers (names and comments are hidden in meeting mode)\n", style="bold")
        for heading, counts in (
            ("By decision", self.inbox.counts_by_decision()),
            ("By platform", self.inbox.counts_by_platform()),
        ):
            t.append(f"\n{heading}\n", style="bold")
            for name, count in sorted(counts.items()):
                t.append(f"  {one_line(name, 20).replace('_', ' '):<20} {count:>7,}\n")
        return t

    # -- decisions ----------------------------------------------------------------------

    def _targets(self, bulk: bool) -> list[Comment]:
        if bulk and self.selected:
            return [self.selected[key] for key in sorted(self.selected)]
        c = self.current()
        return [c] if c else []

    def _decide(self, value: str, *, bulk: bool, reason: str | None = None, confirmed: bool = False) -> None:
        targets = self._targets(bulk)
        if not targets:
            return
        keys = [t.key for t in targets]
        again = lambda: self._decide(value, bulk=bulk, reason=reason, confirmed=True)  # noqa: E731
        if not confirmed and self.ask_first(keys, "moderation", value, again):
            return  # asked first: another officer is on it
        # Optimistic: show the decision and move on at once; the store catches up a
        # moment later, and the reload then finds the anchored comment again.
        for key in keys:
            self.pending[key] = value
        if len(targets) > 1:
            self.selected.clear()
            self.notify(f"{value.replace('_', ' ')}: {plural(len(targets), 'comment')}", timeout=3)
            self.rows.invalidate()
        else:
            self.rows.refresh_row(self.rows.cursor)
            self._step_past_pending()
        self._update_title()
        self.decide(keys, "moderation", value, reason=reason, confirmed=True)

    def _step_past_pending(self) -> None:
        """Move the cursor to the next comment not just decided (the next one to triage)."""
        index = self.rows.cursor + 1
        while index < self.source.total:
            c = self.source.get(index)
            if c is None or c.key not in self.pending:
                break
            index += 1
        if index < self.source.total:
            self.rows.cursor = index

    def write_landed(self, message: WriteLanded) -> None:
        if message.action == "decide":
            self._landed(message.keys)
        else:
            self.refresh_data()
            recount_inbox(self.clp)  # an undo or redo changes the tab's counts

    def write_failed(self, message: WriteFailed) -> None:
        # Not saved: the rows shown as decided go back to what the cache says. (The
        # message goes on to the App, which tells the officer.)
        for key in message.keys:
            self.pending.pop(key, None)
        self.refresh_data()

    def _landed(self, keys: list[tuple[str, str]]) -> None:
        # Saved. While the officer keeps triaging, the optimistic rows stand in; one
        # reload after the burst puts the list in its new order (not one per key).
        self._landed_keys.update(keys)
        if self._reload_timer is not None:
            self._reload_timer.stop()
        self._reload_timer = self.set_timer(LANDED_RELOAD_DELAY, self._reload_after_landing)

    def _reload_after_landing(self) -> None:
        self._reload_timer = None
        for key in self._landed_keys:
            self.pending.pop(key, None)
        self._landed_keys.clear()
        self.refresh_data()
        recount_inbox(self.clp)

    def show_presence(self) -> None:
        self.rows.invalidate()  # the rows' drawings are cached: the initials must be drawn anew
        self._show_detail()

    def refresh_data(self) -> None:
        """Reload, keeping the cursor on the same comment (found near where it was)."""
        anchor = self.current()
        hint = self.rows.cursor
        self.source.reset()
        index = hint
        if anchor is not None:
            found = self.source.find_near(anchor.key, hint)
            if found is not None:
                index = found
        # A sync that changed comments nobody is looking at repaints nothing.
        shown = self.source.in_view(int(self.rows.scroll_y), self.rows.size.height)
        shown += (self.assignments, self.filter.text, self.clp.meeting)  # all drawn in the rows
        changed, self._drawn = shown != self._drawn, shown
        self.rows.reload(keep=index, changed=changed)
        self._update_title()
        self._show_detail()
        if self.clp.meeting:
            from clp_tui.screens.projector import InboxProjector, projector_on  # meeting mode only

            projector_on(self, InboxProjector, "inbox-meeting", after="#inbox-body").show(self.inbox)

    def action_approve(self) -> None:
        self._decide("approved", bulk=True)

    def action_hide(self) -> None:
        self._decide("hidden", bulk=True)

    def action_needs_reply(self) -> None:
        self._decide("needs_reply", bulk=False)

    def action_escalate(self) -> None:
        c = self.current()
        if c is None:
            return
        prompt = Text("Why does this comment go to the Governance and Legal Unit?\n\n", style="")
        prompt.append(one_line(c.author, 30), style="bold")
        prompt.append(": " + one_line(c.body, 200))

        def done(reason: str | None) -> None:
            if reason:
                self._decide("escalated", bulk=False, reason=reason)

        self.app.push_screen(AskText("Escalate to the GLU", prompt, placeholder="reason (required)"), done)

    def action_copy_link(self) -> None:
        """The comment's link to the terminal's clipboard (OSC 52: works over SSH); never opened."""
        c = self.current()
        if c is None or self.clp.meeting:
            return
        if not c.url:
            self.notify("This comment has no link.", timeout=3)
            return
        self.app.copy_to_clipboard(c.url)
        self.notify(f"Copied the link: {one_line(c.url, 60)}", markup=False, timeout=3)

    def action_toggle_select(self) -> None:
        c = self.current()
        if c is None:
            return
        if self.selected.pop(c.key, None) is None:
            self.selected[c.key] = c
        self._anchor = self.rows.cursor
        self.rows.invalidate()
        self._update_title()
        self.rows.cursor = min(self.rows.cursor + 1, max(self.source.total - 1, 0))

    def action_select_range(self) -> None:
        """Select every comment from the last one selected with space to the cursor."""
        start = getattr(self, "_anchor", self.rows.cursor)
        self._select(range(min(start, self.rows.cursor), max(start, self.rows.cursor) + 1))

    def action_select_visible(self) -> None:
        self._select(self.rows.visible_rows())

    def _select(self, indices: range) -> None:
        for index in indices:
            c = self.source.get(index)
            if c is not None:
                self.selected[c.key] = c
        self.rows.invalidate()
        self._update_title()
        self.notify(f"{plural(len(self.selected), 'comment')} selected: a or x decides them all", timeout=3)

    def action_cycle_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self.refresh_data()

    def action_cycle_platform(self) -> None:
        options: list[str | None] = [None, *self.inbox.platforms()]
        position = options.index(self.platform) if self.platform in options else 0
        self.platform = options[(position + 1) % len(options)]
        self.refresh_data()

    def cursor_to(self, key: tuple[str, str]) -> None:
        index = self.inbox.position(key, self.view, self.platform, self.filter)
        if index is not None:
            self.rows.cursor = index

    def item_label(self, key: tuple[str, str]) -> str:
        return label_of(self.clp.store, key, people=not self.clp.meeting)

    def focus_item(self, key: tuple[str, str]) -> None:
        self.view, self.platform = "all", None
        self.query_one("#filter").value = ""  # type: ignore[attr-defined]
        self._set_filter("")
        index = self.inbox.position(key, self.view, self.platform, self.filter)
        if index is not None:
            self.rows.cursor = index
