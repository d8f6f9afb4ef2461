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
    from clp_tui.data.branches import Trend
    from clp_tui.screens.branches import trend_text

    monkeypatch.setenv("NO_COLOR", "1")
    falling = Trend(before=100, after=50)  # not a small number: a real fall, with its arrow
    style = Style.parse(str(trend_text(falling).style))
    assert style.reverse and style.bold
    monkeypatch.delenv("NO_COLOR")
    assert Style.parse(str(trend_text(falling).style)).bold


def _toml(path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _heat_backgrounds(app) -> list[Style]:
    screen = app.screen
    styles = []
    for i in range(screen.row_count()):
        for cell in screen.row_cells(i)[1 : 1 + len(screen.weeks)]:
            style = Style.parse(str(cell.style))
            if style.bgcolor is not None:
                styles.append(style)
    assert styles, "no heat cell with a background"
    return styles


async def test_heat_cells_take_their_colours_from_the_light_theme(env) -> None:
    """Under the light theme the cells used to keep dark backgrounds (grey23, dark_green)."""
    env.with_display_theme("textual-light")
    app = env.app("branches")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
        for style in _heat_backgrounds(app):
            r, g, b = style.bgcolor.get_truecolor()
            assert (r + g + b) / 3 > 110, style  # light cells, dark numbers
            fr, fg, fb = style.color.get_truecolor()
            assert (fr + fg + fb) / 3 < 60, style


async def test_the_ansi_theme_uses_the_terminals_16_colours(env) -> None:
    env.with_display_theme("ansi-dark")
    app = env.app("branches")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert app.current_theme.ansi
        for style in _heat_backgrounds(app):
            assert style.bgcolor.number is not None and style.bgcolor.number < 16, style
            assert style.color is None or style.color.number < 16, style


async def test_a_theme_picked_in_the_dashboard_is_written_to_the_config_and_used_next_time(env) -> None:
    before = env.config_path.read_text(encoding="utf-8")
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = "ansi-dark"
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    after = env.config_path.read_text(encoding="utf-8")
    assert _toml(env.config_path)["display"] == {"theme": "ansi-dark"}
    assert after.startswith(before)  # the officer's own lines are untouched
    from clp_tui.config import load_config

    app = env.app_with(load_config(env.config_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "ansi-dark"


async def test_meeting_mode_does_not_save_its_theme(env) -> None:
    before = env.config_path.read_text(encoding="utf-8")
    app = env.app(meeting=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("M")
        await pilot.press("M")
        await pilot.pause()
        await app.workers.wait_for_complete()
    assert env.config_path.read_text(encoding="utf-8") == before


def test_the_theme_line_is_replaced_in_place_and_comments_kept() -> None:
    from clp_tui.themes import with_theme

    text = '# mine\n[officer]\nname = "Jo"\n\n[display]  # looks\ntheme = "textual-dark"  # old\n\n[board]\nweeks = 4\n'
    new = with_theme(text, "ansi-light")
    assert new == text.replace('theme = "textual-dark"  # old', 'theme = "ansi-light"')
    assert with_theme("[officer]\nname = 'x'", "nord").endswith("name = 'x'\n\n[display]\ntheme = \"nord\"\n")
    with pytest.raises(ValueError):
        with_theme("display = 3\n", "nord")
