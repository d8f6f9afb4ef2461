"""Small modal dialogs: ask for a reason, a number, a name, or one of a few choices."""

from __future__ import annotations

import math

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option


class AskText(ModalScreen[str | None]):
    """One line of text. Enter submits (if valid), Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(
        self,
        title: str,
        prompt: Text | str,
        *,
        value: str = "",
        placeholder: str = "",
        required: bool = True,
        number: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        # Prompts may quote feed text: always plain Text, never markup.
        self.prompt = prompt if isinstance(prompt, Text) else Text(prompt)
        self.value = value
        self.placeholder = placeholder
        self.required = required
        self.number = number

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"), markup=False)
            yield Label(self.prompt, markup=False, classes="dialog-prompt")
            yield Input(value=self.value, placeholder=self.placeholder, type="number" if self.number else "text")
            yield Label(Text("Enter to save · Escape to cancel", style="dim"), markup=False, id="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if self.required and not value:
            self.query_one("#dialog-hint", Label).update(Text("This cannot be empty.", style="bold red"))
            return
        if self.number:
            try:
                number = float(value)
                if not math.isfinite(number) or number < 0:
                    raise ValueError
            except ValueError:
                self.query_one("#dialog-hint", Label).update(Text("Enter a number, 0 or more.", style="bold red"))
                return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AskChoice(ModalScreen[str | None]):
    """Pick one of a few options with the arrow keys or j/k, Enter to choose."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("j", "down", "Down", show=False, id="dialog.down"),
        Binding("k", "up", "Up", show=False, id="dialog.up"),
    ]

    def __init__(
        self, title: str, prompt: Text | str, choices: list[tuple[str, str]], current: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt if isinstance(prompt, Text) else Text(prompt)
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"), markup=False)
            yield Label(self.prompt, markup=False, classes="dialog-prompt")
            yield OptionList(*(Option(Text(label), id=value) for value, label in self.choices))
            yield Label(Text("Enter to choose · Escape to cancel", style="dim"), markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [v for v, _ in self.choices]
        if self.current in values:
            options.highlighted = values.index(self.current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextScreen(ModalScreen[None]):
    """A long text (a whole comment and its thread), scrollable; Escape closes."""

    BINDINGS = [
        Binding("escape,enter,q", "close", "Close", id="text.close"),
        Binding("j,down", "scroll_down", "Down", show=False, id="text.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="text.up"),
    ]

    def __init__(self, title: str, text: Text) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog text-screen"):
            yield Label(Text(self.title_text, style="bold"), markup=False)
            yield Static(self.text, markup=False)
            yield Label(Text("Escape closes · j/k scroll", style="dim"), markup=False)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one(VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one(VerticalScroll).scroll_up()
