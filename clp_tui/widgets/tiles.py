"""Projector pieces for meeting mode: big-number tiles (Textual's `Digits`, three lines
high, the nearest a terminal has to large type) and a roomy list, one entry every
other line. They show what they are given; the screens decide what that is."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static


class Tile(Vertical):
    """One big number with its label underneath, like the report's tiles."""

    DEFAULT_CSS = """
    Tile {
        width: 1fr;
        height: 7;
        border: round $primary;
        padding: 0 1;
        align: center top;
    }
    Tile > Digits { width: auto; }
    Tile > .tile-label { width: 100%; content-align-horizontal: center; text-style: bold; }
    Tile.-warn { border: heavy $error; }
    Tile.-warn > .tile-label { text-style: bold reverse; }
    """

    def compose(self) -> ComposeResult:
        yield Digits("0")
        yield Static(classes="tile-label", markup=False)

    def show(self, label: str, value: int, warn: bool) -> None:
        self.query_one(Digits).update(f"{value:,}")
        self.query_one(".tile-label", Static).update(Text(label))
        self.set_class(warn and value > 0, "-warn")


class Tiles(Horizontal):
    """A row of tiles: (label, number, is it a warning when not zero)."""

    DEFAULT_CSS = """
    Tiles { height: 7; margin: 1 0; }
    """

    def __init__(self, count: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.count = count

    def compose(self) -> ComposeResult:
        for _ in range(self.count):
            yield Tile()

    def show(self, tiles: list[tuple[str, int, bool]]) -> None:
        for tile, (label, value, warn) in zip(self.query(Tile), tiles, strict=True):
            tile.show(label, value, warn)


def roomy(heading: str, rows: list[Text], empty: str) -> Text:
    """A heading and its rows with a blank line between each, readable from the back."""
    t = Text()
    t.append(heading + "\n\n", style="bold underline")
    if not rows:
        t.append(empty, style="bold")
    for row in rows:
        t.append_text(row)
        t.append("\n\n")
    return t


def counts(heading: str, values: dict[str, int]) -> Text:
    """Counts by name, largest first, in a roomy list."""
    rows = []
    for name, n in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
        row = Text()
        row.append(f"{n:>7,}  ", style="bold")
        row.append(name.replace("_", " "))
        rows.append(row)
    return roomy(heading, rows, "none")
