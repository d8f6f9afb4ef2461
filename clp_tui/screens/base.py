"""What every dashboard screen shares: the status header, the `/` filter, the footer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Input, Static

from clp_tui.data.assignments import Assignment
from clp_tui.data.filters import Filter, parse_filter
from clp_tui.data.health import missing_feed
from clp_tui.data.jump import label_of
from clp_tui.data.store import StoreError
from clp_tui.data.text import one_line
from clp_tui.registry import SCREENS
from clp_tui.screens.assign import pick_assignee
from clp_tui.widgets.footer import Footer
from clp_tui.widgets.status import StatusHeader
from clp_tui.writer import WriteFailed, WriteLanded

if TYPE_CHECKING:
    from clp_tui.app import ClpApp


class DashboardScreen(Screen[None]):
    """A screen of the dashboard. Subclasses compose a body and reload from the store."""

    TITLE: ClassVar[str] = ""
    FILTER_FIELDS: ClassVar[set[str]] = set()
    FILTER_HINT: ClassVar[str] = ""
    # Actions that change data; disabled in meeting mode.
    DECISION_ACTIONS: ClassVar[set[str]] = set()

    BINDINGS = [
        Binding("slash", "start_filter", "Filter", id="screen.filter"),
        Binding("u", "undo", "Undo", show=False, id="screen.undo"),
        Binding("U", "redo", "Redo", show=False, id="screen.redo"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="screen.clear_filter"),
        Binding("F", "feed_status", "Feed status", show=False, id="screen.feed_status"),
        Binding("A", "assign", "Assign", show=False, id="screen.assign"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""
        self.filter = Filter()
        self._decided: tuple[str, Any] = ("", None)  # the last decision asked for here
        self.assignments: dict[tuple[str, str], Assignment] = {}  # read with every reload

    @property
    def clp(self) -> ClpApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield from self.compose_body()
        yield Static(id="filter-line", markup=False)
        yield Input(id="filter", placeholder=f"filter: words, or field:value ({self.FILTER_HINT})")
        yield Footer()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def refresh_data(self) -> None:
        """Re-read what this screen shows from the store, keeping cursor and filter."""
        raise NotImplementedError

    # -- decisions --------------------------------------------------------------------

    def decide(
        self,
        items: Iterable[tuple[str, str]],
        field: str,
        value: Any,
        *,
        reason: str | None = None,
        confirmed: bool = False,
    ) -> None:
        """Record a decision on the writer thread; this screen hears back with WriteLanded
        or WriteFailed. Meeting mode is read-only. Another officer on the item asks first."""
        if self.clp.meeting:
            self.notify("Meeting mode is read-only.", severity="warning")
            return
        items = list(items)
        if not confirmed and self.ask_first(
            items, field, value, lambda: self.decide(items, field, value, reason=reason, confirmed=True)
        ):
            return
        self._decided = (field, value)
        self.clp.writer.decide(
            self,
            items,
            field,
            value,
            officer=self.clp.officer_name,
            reason=reason,
            scope=self.scope,
            officer_id=self.clp.officer_id,
        )

    def ask_first(self, keys: list[tuple[str, str]], field: str, value: Any, go_on: Callable[[], None]) -> bool:
        """If another officer decided one of these lately, or is looking at it now, ask
        ("Sam Patel approved this 2 min ago — hide anyway?") and return True; `go_on`
        runs on yes. False: nobody else is on them, decide at once."""
        # Imported at the first decision, not before the first paint (as in _confirm, row_mark).
        from clp_tui.screens.collide import collision
        from clp_tui.screens.confirm import decision_words
        from clp_tui.screens.dialogs import AskChoice

        question = collision(self.clp, keys, field, value)
        if question is None:
            return False
        choices = [("no", "No, leave it"), ("yes", f"Yes, {decision_words(field, value)}")]

        def answered(choice: str | None) -> None:
            if choice == "yes":
                go_on()
            else:
                self.notify("Left as it was; nothing recorded.", timeout=3)

        self.app.push_screen(AskChoice("Another officer is on this", question, choices, current="no"), answered)
        return True

    @property
    def scope(self) -> str:
        """Undo and redo act on this screen's own decisions."""
        return type(self).__name__

    def action_undo(self) -> None:
        """Undo the last decision made on this screen."""
        if not self.clp.meeting:
            self.clp.writer.undo(self, officer=self.clp.officer_name, scope=self.scope, officer_id=self.clp.officer_id)

    def action_redo(self) -> None:
        """Make the last undone decision of this screen again."""
        if not self.clp.meeting:
            self.clp.writer.redo(self, officer=self.clp.officer_name, scope=self.scope, officer_id=self.clp.officer_id)

    def assigned_words(self, key: tuple[str, str]) -> str | None:
        """What `assigned:NAME` matches for an item: the assignee's name and id."""
        a = self.assignments.get(key)
        return f"{a.name} {a.officer_id}" if a else None

    def action_assign(self) -> None:
        """Assign the item under the cursor to a registered officer."""
        if not self.clp.meeting:
            pick_assignee(self)

    def action_feed_status(self) -> None:
        """Every feed's age, last error and next try, in a panel of its own."""
        from clp_tui.screens.feeds import FeedStatusScreen

        self.app.push_screen(FeedStatusScreen())

    def empty_text(self, otherwise: str) -> Text:
        """What an empty detail pane says: the missing feed and how to add it, else `otherwise`."""
        kind = next((s.item_kind for s in SCREENS if s.class_name == type(self).__name__), "")
        missing = missing_feed(self.clp.config, kind) if kind else None
        return Text(missing, style="bold") if missing else Text(otherwise, style="dim")

    @staticmethod
    def show_in(panel: Static, content: Text, *, layout: bool = True) -> None:
        """Put `content` in a panel unless it shows exactly that already: a reload after
        another process's write that changed nothing here costs no frame."""
        now = panel.content
        if isinstance(now, Text) and now == content and now.style == content.style:
            return
        panel.update(content, layout=layout)

    def item_label(self, key: tuple[str, str]) -> str:
        """What an item is called on this screen, for a confirmation line."""
        return label_of(self.clp.store, key)

    def cursor_to(self, key: tuple[str, str]) -> None:
        """Put the cursor on an item in the list as it stands (after an undo or redo)."""

    def presence_key(self) -> tuple[str, str] | None:
        """The item under the cursor, as other officers' dashboards are told."""
        current = getattr(self, "current", None)
        item = current() if callable(current) else None
        key = getattr(item, "key", None)
        if key is None and item is not None and hasattr(item, "feed") and hasattr(item, "id"):
            key = (item.feed, item.id)
        return key

    def show_presence(self) -> None:
        """Other officers moved: mark the rows they are on (the header is redrawn already)."""

    def looking_text(self, key: tuple[str, str]) -> Text:
        """The preview's first line(s): "Sam Patel is looking at this", for each other officer there."""
        text = Text()
        for seen in self.clp.presence.looking_at(key):
            text.append(f"◉ {one_line(seen.name, 40)} is looking at this\n", style="bold cyan")
        return text

    def row_mark(self, key: tuple[str, str], selected: bool) -> Text:
        """A row's first two cells: ◆ when selected, else the initials of another officer
        whose cursor is on it, else blank."""
        here = [] if selected else self.clp.presence.looking_at(key)
        if here:
            from clp_tui.data.officers import initials_of

            return Text(f"{initials_of(here[0].name):<2.2}", style="bold reverse cyan")
        return Text("◆ " if selected else "  ", style="bold magenta")

    # Textual calls a message's handler on every class of the MRO, so subclasses
    # override these two methods rather than the handlers.

    def on_write_landed(self, message: WriteLanded) -> None:
        if message.action != "write":  # an assignment made here shows at once
            self.assignments = self.clp.assignment_watch.read(self)
        self.write_landed(message)  # and the message bubbles on to the App
        self._confirm(message)

    def _confirm(self, message: WriteLanded) -> None:
        from clp_tui.screens.confirm import confirmation

        if message.action == "write":
            return
        if message.result is None:
            self.notify(f"Nothing to {message.action} on this screen.", timeout=3)
            return
        if message.action == "decide":
            field, value = self._decided
        else:
            field, value = message.result[0].field, message.result[0].value
            self.cursor_to(message.keys[0])
        labels = [self.item_label(key) for key in message.keys[:1]] if len(message.keys) == 1 else message.keys
        self.notify(confirmation(message.action, field, value, [str(x) for x in labels]), markup=False, timeout=4)

    def on_write_failed(self, message: WriteFailed) -> None:
        self.write_failed(message)  # and the App tells the officer

    def write_landed(self, message: WriteLanded) -> None:
        """A write asked for here is in the cache: show it."""
        self.refresh_data()

    def write_failed(self, message: WriteFailed) -> None:
        """A write asked for here was not saved: anything shown in advance goes back."""

    def focus_item(self, key: tuple[str, str]) -> None:
        """Put the cursor on an item (from the command palette)."""

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self._show_filter_line()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Header and data again; a cache that cannot be read is a message, never a crash."""
        if not self.is_mounted:
            return  # still being built (or already taken down): it loads itself when shown
        self.update_header()
        try:
            self.assignments = self.clp.assignment_watch.read(self)
            self.refresh_data()
        except StoreError as exc:
            self.notify(f"{exc}\nShowing what was already on screen.", severity="error", markup=False, timeout=10)
        except NoMatches:
            pass  # the screen's widgets are being built or taken down: it loads itself when shown

    def update_header(self) -> None:
        # A poll can land while the screen is still being built: its header shows it when mounted.
        for header in self.query(StatusHeader):
            header.show(self.clp.headline(self.TITLE))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Meeting mode is read-only: decision keys are switched off, not just hidden.
        return not (action in self.DECISION_ACTIONS and self.clp.meeting)

    # -- filter -------------------------------------------------------------------------

    def action_start_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.value = self.filter_text
        box.focus()

    def action_clear_filter(self) -> None:
        if self.filter_text:
            self.query_one("#filter", Input).value = ""
            self._set_filter("")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self._set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self._close_filter_box()

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        box = self.query_one("#filter", Input)
        if event.key == "escape" and box.has_focus:
            event.stop()
            box.value = ""
            self._set_filter("")
            self._close_filter_box()

    def _close_filter_box(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = False
        self.focus_body()

    def focus_body(self) -> None:
        self.focus_next()

    def _set_filter(self, text: str) -> None:
        self.filter_text = text
        self.filter = parse_filter(text)
        if "assigned" in self.filter.fields:  # assigned:me is whoever is logged in
            me = self.clp.officer_id or self.clp.officer_name.lower()
            self.filter.fields["assigned"] = [me if v == "me" else v for v in self.filter.fields["assigned"]]
        self._show_filter_line()
        self.reload()

    def _show_filter_line(self) -> None:
        line = self.query_one("#filter-line", Static)
        unknown = self.filter.unknown_fields(self.FILTER_FIELDS)
        if not self.filter_text:
            line.display = False
            return
        line.display = True
        text = Text(" filter: ", style="bold")
        text.append(self.filter_text)
        if unknown:
            text.append(
                f"   unknown field(s) {', '.join(unknown)} ignored; try {', '.join(sorted(self.FILTER_FIELDS))}",
                style="bold yellow",
            )
        text.append("   (/ to edit, Escape to clear)", style="dim")
        line.update(text)
