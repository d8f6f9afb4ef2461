"""The `?` screen: every key that works where the officer is, as currently mapped."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
    ]

    def __init__(self, title: str, rows: list[tuple[str, str, str]], notes: list[str]) -> None:
        super().__init__()
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
            table.add_row(Text(keys), Text(description), Text(binding_id))
        with VerticalScroll(classes="dialog help"):
            yield Static(Text(f"Keys — {self.title_text}", style="bold"))
            yield Static(table)
            for note in self.notes:
                yield Static(Text(note, style="dim"))
            yield Static(Text("Escape or ? closes this.", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
