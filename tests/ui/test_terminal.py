"""Every terminal: warnings that stand out without colour (NO_COLOR), an ANSI theme that
uses the terminal's own 16 colours, heat cells coloured by the theme, and the chosen
theme kept in the config."""

from __future__ import annotations

import tomllib

import pytest
from rich.console import Console
from rich.style import Style
from rich.text import Text

from clp_tui.widgets.rowlist import RowList


def _style_of(lines: list[Text], word: str) -> Style:
    """The style the terminal gets for the first character of `word` in these lines."""
    console = Console(width=400, color_system="truecolor")
    for line in lines:
        for segment in line.render(console):
            if word in segment.text:
                return segment.style or Style()
    raise AssertionError(f"{word!r} not in {[line.plain for line in lines]}")


def _rows(app) -> list[Text]:
    rows = app.screen.query_one(RowList)
    return [line for i in range(rows.source.row_count()) for line in rows.source.render_row(i, 160, 1)]


@pytest.mark.parametrize(("screen", "word"), [("board", "BEHIND"), ("branches", "QUIET")])
async def test_with_no_color_warnings_are_reverse_video(env, monkeypatch, screen, word) -> None:
    """In monochrome red is a dark grey: a warning in bold red was the dimmest thing on screen."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = env.app(screen)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert app.no_color  # Textual read it too
        style = _style_of(_rows(app), word)
        assert style.reverse and style.bold, style
        assert not style.dim


@pytest.mark.parametrize(("screen", "word"), [("board", "BEHIND"), ("branches", "QUIET")])
async def test_with_colour_warnings_keep_their_colour_and_bold(env, monkeypatch, screen, word) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = env.app(screen)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        style = _style_of(_rows(app), word)
        assert style.bold and style.color is not None and not style.reverse


def test_a_falling_trend_is_bold_and_reverse_without_colour(monkeypatch) -> None:
    from clp_tui.screens.branches import trend_text

    monkeypatch.setenv("NO_COLOR", "1")
    style = Style.parse(str(trend_text(-0.5).style))
    assert style.reverse and style.bold
    monkeypatch.delenv("NO_COLOR")
    assert Style.parse(str(trend_text(-0.5).style)).bold


def _toml(path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))
