"""The collision prompt: deciding what another officer decided in the last ten minutes,
or is looking at now, asks first; No records nothing, Yes records it as this officer."""

from __future__ import annotations

from appwait import drained

from clp_tui.data.decision_log import decide
from clp_tui.data.presence import PresenceBoard
from clp_tui.screens.dialogs import AskChoice
from clp_tui.screens.inbox import InboxScreen

from .conftest import decisions, plain, settle


def question(app) -> str:
    dialog = app.screen
    assert isinstance(dialog, AskChoice), type(dialog)
    return dialog.prompt.plain


async def test_contradicting_a_recent_decision_asks_first(env) -> None:
    async with env.app(start="inbox", officer_id="sam-patel").run_test(size=(100, 30)) as pilot:
        app = pilot.app
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        await pilot.press("f", "f", "f")  # the "all" view: a decided comment stays where it is
        assert screen.view == "all"
        first = screen.current()
        other = env.store()
        decide(other, [first.key], "moderation", "approved", officer="Ann Lee", officer_id="ann-lee")
        other.close()
        await pilot.press("x")
        await settle(pilot, lambda: isinstance(app.screen, AskChoice))
        assert question(app) == "Ann Lee approved this just now — hide anyway?"
        await pilot.press("enter")  # the highlighted answer is No
        await drained(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert [(d["officer_id"], d["value"]) for d in decisions(env.db, "moderation")] == [("ann-lee", '"approved"')]
        await pilot.press("x")
        await settle(pilot, lambda: isinstance(app.screen, AskChoice))
        await pilot.press("j", "enter")  # Yes
        await drained(pilot)
        log = [(d["officer_id"], d["value"], d["item_id"]) for d in decisions(env.db, "moderation")]
        assert log == [("ann-lee", '"approved"', first.id), ("sam-patel", '"hidden"', first.id)]


async def test_the_same_decision_or_ones_own_never_ask(env) -> None:
    async with env.app(start="inbox", officer_id="sam-patel").run_test(size=(100, 30)) as pilot:
        app = pilot.app
        first = app.screen.current()
        other = env.store()
        decide(other, [first.key], "moderation", "approved", officer="Ann Lee", officer_id="ann-lee")
        other.close()
        await pilot.press("a")  # agreeing with Ann: no question
        await drained(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert [d["officer_id"] for d in decisions(env.db, "moderation")] == ["ann-lee", "sam-patel"]


async def test_an_item_another_officer_is_looking_at_asks_first(env) -> None:
    async with env.app(start="inbox", officer_id="sam-patel").run_test(size=(100, 30)) as pilot:
        app = pilot.app
        screen = app.screen
        await pilot.press("j")
        second = screen.current()
        ann = PresenceBoard(env.db, session="ann-1", officer_id="ann-lee", name="Ann Lee")
        ann.beat("InboxScreen", second.key)
        app.presence.tick()
        await settle(pilot, lambda: bool(app.presence.looking_at(second.key)))
        await pilot.press("a")
        await settle(pilot, lambda: isinstance(app.screen, AskChoice))
        assert question(app) == "Ann Lee is looking at this now — approve anyway?"
        await pilot.press("escape")
        await drained(pilot)
        assert decisions(env.db, "moderation") == []
        assert "nothing recorded" in " ".join(
            plain(n) if hasattr(n, "content") else str(n.message) for n in app._notifications
        )
        ann.leave()
