"""Assignment: `A` gives the item under the cursor to a registered officer from a
picker; it is a decision (logged, exported, undoable); `assigned:me` and
`assigned:NAME` filter by it; the assignee is told when someone else assigns them."""

from __future__ import annotations

from appwait import drained

from clp_tui.data.decision_log import decide, decision_rows
from clp_tui.data.officers import new_officer, save_officer
from clp_tui.screens.dialogs import AskChoice
from clp_tui.screens.inbox import InboxScreen

from .conftest import notifications, settle, type_text


def register(env) -> None:
    store = env.store()
    for name, fp in (("Sam Patel", "SHA256:sam"), ("Ann Lee", "SHA256:ann")):
        save_officer(store, new_officer(store, name, "", fp, "ssh-ed25519"))
    store.close()


async def test_assign_from_the_picker_filter_and_be_told(env) -> None:
    register(env)
    async with env.app(start="inbox", officer_id="sam-patel").run_test(size=(80, 24)) as pilot:
        app = pilot.app
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        first = screen.current()
        await pilot.press("A")
        await settle(pilot, lambda: isinstance(app.screen, AskChoice))
        labels = [label for _, label in app.screen.choices]
        assert labels == ["Ann Lee", "Sam Patel (you)", "Nobody (take the assignment off)"]
        await pilot.press("enter")  # Ann Lee
        await drained(pilot)
        assert any(n.startswith("assign to Ann Lee") for n in notifications(app))
        store = env.store()
        (row,) = [r for r in decision_rows(store) if r["field"] == "assigned"]
        assert (row["item_id"], row["value"], row["officer_id"]) == (
            first.id,
            {"id": "ann-lee", "name": "Ann Lee"},
            "sam-patel",
        )
        assert "assigned to Ann Lee by Test Officer" in str(screen.detail_text(first))

        await pilot.press("f", "f", "f", "slash")  # every comment, filtered by assignee
        await type_text(pilot, "assigned:ann")
        await pilot.press("enter")
        await drained(pilot)
        assert screen.source.total == 1 and screen.current().key == first.key

        # Ann gives Sam another comment from her own dashboard: Sam is told.
        await pilot.press("escape")
        await drained(pilot)
        second = screen.source.get(1)
        decide(
            store,
            [second.key],
            "assigned",
            {"id": "sam-patel", "name": "Sam Patel"},
            officer="Ann Lee",
            officer_id="ann-lee",
        )
        store.close()
        app.data_changed()
        await drained(pilot)
        assert any(n.startswith("Ann Lee assigned you:") for n in notifications(app))
        await pilot.press("slash")
        await type_text(pilot, "assigned:me")
        await pilot.press("enter")
        await drained(pilot)
        assert screen.source.total == 1 and screen.current().key == second.key
