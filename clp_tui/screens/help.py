"""The `?` screen: every key that works where the officer is, as currently mapped."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

NOTES = (
    "Filter with / : words match text; field:value matches the start of a field's words.",
    "ctrl+p jumps to any milestone, branch, comment or press card by its text.",
    "Links are never opened on this machine: copy them from the detail pane.",
)


def help_rows(app: App[object], screen_prefix: str) -> list[tuple[str, str, str]]:
    """(keys, what it does, binding id) for every key that works here now, as mapped now:
    this screen's first, then the screen's shared keys, the list's, then everywhere's."""
    found: dict[str, tuple[list[str], str, bool]] = {}
    for active in app.active_bindings.values():
        binding = active.binding
        if not binding.id or not binding.description:
            continue  # Textual's own scrolling and focus keys: not ours to document
        keys, _, _ = found.setdefault(binding.id, ([], binding.description, active.enabled))
        display = app.get_key_display(binding)
        if display not in keys:
            keys.append(display)
    order = {screen_prefix: 0, "screen": 1, "list": 2, "app": 3}
    seen_order = {identifier: n for n, identifier in enumerate(found)}

    def rank(identifier: str) -> tuple[int, int]:
        return (order.get(identifier.split(".")[0], 0), seen_order[identifier])

    rows = []
    for identifier in sorted(found, key=rank):
        keys, description, enabled = found[identifier]
        note = "" if enabled else " (off in meeting mode)"
        rows.append((", ".join(keys), description + note, identifier))
    return rows


def explanations(app: App[object]) -> dict[str, str]:
    """What a key's decision does, in words (its binding's tooltip), by binding id."""
    return {a.binding.id: a.binding.tooltip for a in app.active_bindings.values() if a.binding.id and a.binding.tooltip}


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
    ]

    def __init__(
        self,
        title: str,
        rows: list[tuple[str, str, str]],
        notes: tuple[str, ...] = NOTES,
        explained: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.explained = explained or {}
        self.title_text = title
        self.rows = rows
        self.notes = notes

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, header_style="bold", expand=True, pad_edge=False)
        # Headers as Text: "[keys]" would otherwise be read as markup and vanish.
        table.add_column(Text("Key"), no_wrap=True, style="bold")
        table.add_column(Text("Does"))
        table.add_column(Text("Binding id (remap in [keys])"), style="dim", no_wrap=True)
        for keys, description, binding_id in self.rows:
            why = self.explained.get(binding_id)
            table.add_row(Text(keys), Text(f"{description}: {why}" if why else description), Text(binding_id))
        with VerticalScroll(classes="dialog help"):
            yield Static(Text(f"Keys — {self.title_text}", style="bold"))
            yield Static(table)
            for note in self.notes:
                yield Static(Text(note, style="dim"))
            yield Static(Text("Escape or ? closes this.", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
