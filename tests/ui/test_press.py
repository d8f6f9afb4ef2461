"""The press kanban: ], [, the consent/sign-off gate, c, g, n, x, z, h/l."""

from __future__ import annotations

import json

from appwait import drained
from textual.widgets import Input

from clp_tui.screens.dialogs import AskText
from clp_tui.screens.press import PressScreen

from .conftest import OFFICER, SIZE, decisions, notifications, plain, settle, state, type_text


async def open_press(pilot) -> PressScreen:
    if not isinstance(pilot.app.screen, PressScreen):
        await pilot.press("4")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PressScreen)
    return screen


async def go_to(pilot, screen: PressScreen, stage: str) -> None:
    for _ in range(len(screen.stages)):
        if screen.focused_stage() == stage:
            return
        await pilot.press("l")
    raise AssertionError(f"could not reach the {stage} column")


def stages(env) -> dict:
    return state(env.db, "stage")


def column(screen: PressScreen, stage: str) -> list[tuple[str, str]]:
    return [c.key for c in screen.sources[stage].cards]


async def test_columns_and_h_l(env):
    async with env.app(start="press").run_test(size=SIZE) as pilot:
        screen = await open_press(pilot)
        assert screen.focused_stage() == "idea"
        counts = {s: len(src.cards) for s, src in screen.sources.items()}
        assert counts == {
            "idea": 3,
            "drafting": 4,
            "candidate_consent": 3,
            "regional_review": 3,
            "approved": 3,
            "pitched": 3,
            "published": 4,
            "spiked": 2,
        }
        await pilot.press("l")
        assert screen.focused_stage() == "drafting"
        await pilot.press("l")
        assert screen.focused_stage() == "candidate_consent"
        await pilot.press("h", "h")
        assert screen.focused_stage() == "idea"
        await pilot.press("h")  # wraps round to the last column
        await pilot.pause()
        assert screen.focused_stage() == "published"
        await pilot.press("l")
        assert screen.focused_stage() == "idea"
        # the detail pane follows the focused column
        await pilot.press("l")
        assert screen.current().title in plain(screen.query_one("#press-detail"))


async def test_left_and_right_arrows_change_column(env):
    """The help screen and press.py bind right/left to next/previous column; nothing in
    the board may take the arrows for scrolling instead."""
    async with env.app(start="press").run_test(size=SIZE) as pilot:
        screen = await open_press(pilot)
        await pilot.press("right")
        assert screen.focused_stage() == "drafting"
        await pilot.press("right")
        assert screen.focused_stage() == "candidate_consent"
        await pilot.press("left")
        assert screen.focused_stage() == "drafting"


async def test_brackets_move_a_card_forward_and_back(env):
    async with env.app(start="press").run_test(size=SIZE) as pilot:
        screen = await open_press(pilot)
        card = screen.current()
        assert card.stage == "idea"
        await pilot.press("right_square_bracket")
        await settle(pilot, lambda: card.key in stages(env) and card.key in column(screen, "drafting"))
        assert stages(env) == {card.key: "drafting"}
        [row] = decisions(env.db, "stage")
        assert row["officer"] == OFFICER and row["reason"] == "moved forward"
        assert card.key not in column(screen, "idea")
        # focus follows the card into its new column
        assert screen.focused_stage() == "drafting" and screen.current().key == card.key

        await pilot.press("left_square_bracket")
        await settle(pilot, lambda: stages(env).get(card.key) == "idea" and card.key in column(screen, "idea"))
        assert decisions(env.db, "stage")[-1]["reason"] == "moved back"
        assert screen.focused_stage() == "idea" and screen.current().key == card.key
        # in the first column it goes no further back
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert len(decisions(env.db, "stage")) == 2
        assert any("first column" in n for n in notifications(pilot.app))


async def test_gate_refuses_approved_until_g_records_signoff(env):
    async with env.app(start="press").run_test(size=SIZE) as pilot:
        screen = await open_press(pilot)
        await go_to(pilot, screen, "regional_review")
        card = screen.current()
        assert card.consent_by and not card.signoff_by
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert decisions(env.db) == []
        assert card.key in column(screen, "regional_review")
        said = " ".join(notifications(pilot.app))
        assert "cannot move to Approved" in said and "sign-off" in said
        assert "consent" not in said.split("needs", 1)[1]  # consent is there already

        await pilot.press("g")
        ask = pilot.app.screen
        assert isinstance(ask, AskText) and "regional communications team" in ask.prompt.plain
        await pilot.press("enter")  # who signed it off is required
        await pilot.pause()
        assert pilot.app.screen is ask and decisions(env.db) == []
        await type_text(pilot, "Regional Comms Team")
        await pilot.press("enter")
        await settle(pilot, lambda: bool(state(env.db, "signoff")) and screen.current().signoff_by is not None)
        value = state(env.db, "signoff")[card.key]
        assert value["by"] == "Regional Comms Team" and value["at"] == "2026-11-23T12:00:00Z"
        assert "✓ regional sign-off by Regional Comms Team" in plain(screen.query_one("#press-detail"))
        await pilot.press("right_square_bracket")
        await settle(pilot, lambda: card.key in column(screen, "approved"))
        assert stages(env) == {card.key: "approved"}


async def test_gate_names_what_is_missing_and_c_g_open_it(env):
    async with env.app(start="press").run_test(size=SIZE) as pilot:
        screen = await open_press(pilot)
        await go_to(pilot, screen, "candidate_consent")
        card = screen.current()
        assert not card.consent_by and not card.signoff_by
        await pilot.press("right_square_bracket")  # to regional review: not gated
        await settle(pilot, lambda: card.key in column(screen, "regional_review"))
        assert screen.current().key == card.key
        await pilot.press("right_square_bracket")  # to approved: gated, both missing
        await settle(pilot)
        assert stages(env) == {card.key: "regional_review"}
        said = " ".join(notifications(pilot.app))
        assert "express consent" in said and "sign-off" in said

        await pilot.press("c")
        ask = pilot.app.screen
        assert isinstance(ask, AskText)
        assert ask.query_one(Input).value == "Priya Okonkwo-Hart"  # the card's candidate
        await pilot.press("enter")
        await settle(pilot, lambda: bool(state(env.db, "consent")) and screen.current().consent_by is not None)
        assert state(env.db, "consent")[card.key]["by"] == "Priya Okonkwo-Hart"
        assert decisions(env.db, "consent")[0]["officer"] == OFFICER
        assert "✓ consent from Priya Okonkwo-Hart" in plain(screen.query_one("#press-detail"))

        await pilot.press("g")
        await type_text(pilot, "R. Comms")
        await pilot.press("enter")
        await settle(pilot, lambda: screen.current().signoff_by is not None)
        for stage in ("approved", "pitched", "published"):
            await pilot.press("right_square_bracket")
            await settle(pilot, lambda stage=stage: card.key in column(screen, stage))
            assert screen.current().key == card.key
        assert [json.loads(r["value"]) for r in decisions(env.db, "stage")] == [
            "regional_review",
            "approved",
            "pitched",
            "published",
        ]
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert len(decisions(env.db, "stage")) == 4
        assert any("as far as it goes" in n for n in notifications(pilot.app))


async def test_n_creates_a_local_idea(env):
    async with env.app(start="press").run_test(size=SIZE) as pilot:
        screen = await open_press(pilot)
        await pilot.press("n")
        assert isinstance(pilot.app.screen, AskText)
        await type_text(pilot, "Winter fuel drop-in")
        await pilot.press("enter")
        await settle(pilot, lambda: len(screen.sources["idea"].cards) == 4)
        titles = [c.title for c in screen.sources["idea"].cards]
        assert "Winter fuel drop-in" in titles
        store = env.store()
        rows = [dict(r) for r in store.query("SELECT feed, title, stage, owner FROM items WHERE feed = 'local'")]
        store.close()
        assert rows == [{"feed": "local", "title": "Winter fuel drop-in", "stage": "idea", "owner": OFFICER}]
        [create] = decisions(env.db, "create")
        assert create["officer"] == OFFICER


async def test_n_twice_creates_two_ideas(env):
    """Two ideas in a row must both be saved; the card id is built from app.now() alone,
    so two ideas made at the same clock reading collide (UNIQUE constraint)."""
    async with env.app(start="press").run_test(size=SIZE) as pilot:
        screen = await open_press(pilot)
        for title in ("First idea", "Second idea"):
            await pilot.press("n")
            await type_text(pilot, title)
            await pilot.press("enter")
            await settle(pilot)
        await drained(pilot)
        await settle(pilot, lambda: len(screen.sources["idea"].cards) >= 4)
        titles = {c.title for c in screen.sources["idea"].cards}
        assert {"First idea", "Second idea"} <= titles, notifications(pilot.app)


async def test_x_spikes_with_a_reason_and_z_shows_the_spiked_column(env):
    async with env.app(start="press").run_test(size=SIZE) as pilot:
        screen = await open_press(pilot)
        card = screen.current()
        assert "spiked" not in screen.kanban.keys
        await pilot.press("x")
        ask = pilot.app.screen
        assert isinstance(ask, AskText) and card.title in ask.prompt.plain
        await pilot.press("enter")  # a reason is required
        await pilot.pause()
        assert pilot.app.screen is ask and decisions(env.db) == []
        await type_text(pilot, "story went stale")
        await pilot.press("enter")
        await settle(pilot, lambda: card.key in column(screen, "spiked"))
        assert stages(env) == {card.key: "spiked"}
        assert decisions(env.db, "stage")[0]["reason"] == "story went stale"
        assert card.key not in column(screen, "idea")

        await pilot.press("z")
        assert screen.kanban.keys[-1] == "spiked"
        assert "spiked" in screen.stages
        assert len(column(screen, "spiked")) == 3
        # h from the first column wraps round to the spiked one; [ brings a card back
        await pilot.press("h")
        assert screen.focused_stage() == "spiked"
        back = screen.current()
        await pilot.press("left_square_bracket")
        await settle(pilot, lambda: back.key in column(screen, "idea"))
        assert stages(env)[back.key] == "idea"

        await pilot.press("z")
        assert "spiked" not in screen.kanban.keys
        assert "spiked" not in screen.stages


async def test_hiding_the_spiked_column_keeps_focus_on_a_visible_column(env):
    async with env.app(start="press").run_test(size=SIZE) as pilot:
        screen = await open_press(pilot)
        await pilot.press("z", "h")
        assert screen.focused_stage() == "spiked"
        await pilot.press("z")
        # The board keeps the focus, on a column it shows (the last one before Spiked).
        assert screen.focused is screen.kanban
        assert screen.focused_stage() in screen.stages
        assert screen.focused_stage() == "published"


def kanban_lines(screen: PressScreen) -> list[str]:
    """The kanban as drawn, line by line (what a user sees, less colour)."""
    kanban = screen.kanban
    return [kanban.render_line(y).text for y in range(kanban.content_size.height)]


async def test_a_narrow_board_shows_the_focused_column_and_says_how_many_are_off_screen(env):
    async with env.app(start="press").run_test(size=(80, 24)) as pilot:
        screen = await open_press(pilot)
        header = kanban_lines(screen)[0]
        assert header.startswith("Idea (3)") and header.rstrip().endswith("3▶")  # 4 of 7 columns fit
        for _ in range(4):
            await pilot.press("l")
        assert screen.focused_stage() == "approved"
        header = kanban_lines(screen)[0]
        assert header.startswith("◀1 ") and "Approved (3)" in header and header.rstrip().endswith("2▶")
        await pilot.press("l", "l")
        header = kanban_lines(screen)[0]
        assert header.startswith("◀3 ") and "Published (4)" in header and "▶" not in header
        # the card under the cursor is the one the detail pane describes
        assert screen.current().title in plain(screen.query_one("#press-detail"))


async def test_each_column_keeps_its_own_cursor_and_scrolls_to_it(env):
    async with env.app(start="press").run_test(size=(120, 16)) as pilot:  # room for one card a column
        screen = await open_press(pilot)
        await go_to(pilot, screen, "drafting")
        drafting = column(screen, "drafting")
        await pilot.press("end")
        assert screen.current().key == drafting[-1]
        assert any(screen.current().title[:10] in line for line in kanban_lines(screen)[2:])  # scrolled to it
        await pilot.press("h", "j")
        assert screen.focused_stage() == "idea" and screen.current().key == column(screen, "idea")[1]
        await pilot.press("l")
        assert screen.current().key == drafting[-1]
        await pilot.press("home")
        assert screen.current().key == drafting[0]


async def test_clicking_a_card_selects_it_and_its_column(env):
    async with env.app(start="press").run_test(size=SIZE) as pilot:
        screen = await open_press(pilot)
        layout = {key: (x, w) for key, x, w in screen.kanban._layout()}
        x, _ = layout["regional_review"]
        # the border is one cell; the second card of a column starts at line 2 + 4
        await pilot.click("#kanban", offset=(1 + x + 3, 1 + 2 + 4))
        await pilot.pause()
        assert screen.focused_stage() == "regional_review"
        assert screen.current().key == column(screen, "regional_review")[1]
        assert screen.current().title in plain(screen.query_one("#press-detail"))
