"""Untrusted feed text is shown exactly as written: never markup, never terminal control."""

from __future__ import annotations

import html
import re

from textual.command import CommandList

from clp_tui.screens.inbox import InboxScreen

from .conftest import SIZE, plain, row_text, settle, type_text

BODY = "[bold red]x[/] \x1b[2J"
NAME = "[@click=app.quit]"


def evil_feed() -> dict:
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Hostile comments",
        "items": [
            {
                "id": "evil-1",
                "content_text": BODY,
                "date_published": "2026-11-23T11:59:00Z",
                "authors": [{"name": NAME}],
                "_clp": {"type": "comment", "platform": "evilnet", "channel": "[reverse]chan[/]"},
            }
        ],
    }


def screen_text(svg: str) -> str:
    """The characters an SVG screenshot draws, tags dropped, entities decoded."""
    text = re.sub(r"<[^>]+>", "", svg)
    return html.unescape(text).replace("\xa0", " ")


async def open_evil(pilot) -> InboxScreen:
    await pilot.press("3", "slash")
    await type_text(pilot, "feed:evil")
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InboxScreen)
    assert screen.source.total == 1
    return screen


async def test_markup_and_escape_sequences_show_literally(make_env):
    env = make_env(extra={"evil": ("comment", evil_feed())})
    app = env.app(start="inbox")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_evil(pilot)
        row = row_text(screen.rows, 0)
        assert "[bold red]x[/]" in row
        assert "␛[2J" in row
        assert "[@click=app.q" in row  # shortened to the column's width, still literal
        assert "\x1b" not in row

        # what is actually painted: the list's lines and the preview
        painted = "".join(seg.text for y in range(screen.rows.size.height) for seg in screen.rows.render_line(y))
        assert "[bold red]x[/]" in painted and "␛[2J" in painted and "\x1b" not in painted
        detail = plain(screen.query_one("#inbox-detail"))
        assert "[bold red]x[/] ␛[2J" in detail and NAME in detail and "[reverse]chan[/]" in detail

        svg = app.export_screenshot()
        assert "\x1b[2J" not in svg and "\x1b" not in svg
        drawn = screen_text(svg)
        assert "[bold red]x[/]" in drawn
        assert "␛[2J" in drawn
        assert NAME in drawn


async def test_click_markup_in_a_name_does_not_quit(make_env):
    env = make_env(extra={"evil": ("comment", evil_feed())})
    app = env.app(start="inbox")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_evil(pilot)
        row = row_text(screen.rows, 0)
        column = row.index("[@click")
        # click the name in the list (inside the round border) and in the preview pane
        await pilot.click("#inbox-list", offset=(1 + column + 3, 1))
        await pilot.pause()
        await pilot.click("#inbox-detail", offset=(3, 0))
        await pilot.pause()
        await pilot.click("#inbox-detail", offset=(3, 1))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, InboxScreen)
        # the escalate dialog quotes the name too
        await pilot.press("e")
        await pilot.pause()
        prompt = app.screen.query_one(".dialog-prompt")
        assert NAME in plain(prompt)
        await pilot.click(".dialog-prompt", offset=(plain(prompt).splitlines()[-1].index(NAME) + 2, 2))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        await pilot.press("escape")


async def test_palette_shows_hostile_text_literally(make_env):
    env = make_env(extra={"evil": ("comment", evil_feed())})
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "bold red")
        results = app.screen.query_one(CommandList)
        await settle(pilot, lambda: results.option_count > 0)
        prompts = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
        hit = next(p for p in prompts if "x[/]" in p)
        assert "[bold red]x[/]" in hit and "\x1b" not in hit
        assert "\x1b" not in app.export_screenshot()
        await pilot.press("escape")
