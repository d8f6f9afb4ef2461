"""Floor for a snapshot: a bare Textual app (Header, a 45-row DataTable, Footer)
saving its SVG screenshot at the same size clp-tui snapshot uses. It runs as an
application runs, `App.run(headless=True)`, with an auto-pilot that waits for the
first steady frame, saves the SVG and exits (`run_test` is slower, and would flatter
a product measured against it).

    python bench/floor_textual.py OUTPUT.svg [COLUMNSxROWS]
    python bench/floor_textual.py --app     # run it in the terminal (the floor of bench/paint.py)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class Bare(App[None]):
    BINDINGS = [("q", "quit", "Quit"), ("j", "cursor_down", "Down")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("decision", "platform", "when", "author", "comment")
        for n in range(45):
            table.add_row(
                "unreviewed",
                "facebook",
                f"11-{n % 28 + 1:02d} 09:{n:02d}",
                f"Person {n}",
                f"Comment number {n} about the 42 bus and the library site",
            )


def render(size: tuple[int, int]) -> str:
    app = Bare()
    shot: list[str] = []

    async def save(pilot: Any) -> None:
        await pilot.pause()
        shot.append(app.export_screenshot(title="floor"))
        app.exit()

    app.run(headless=True, size=size, auto_pilot=save)
    return shot[0]


def main(output: str, size: str = "140x45") -> int:
    if output == "--app":
        Bare().run()
        return 0
    columns, rows = (int(v) for v in size.split("x"))
    Path(output).write_text(render((columns, rows)), encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
