"""Another process's write that changes nothing on screen draws nothing: on a shared
server twenty dashboards see every sync, and each repaint costs CPU (and flickers on
a projector). A write that does change a row in view still repaints it."""

from __future__ import annotations

from appwait import drained

from clp_tui.data.decision_log import decide
from clp_tui.screens.board import BoardScreen
from clp_tui.screens.inbox import InboxScreen

from .conftest import SIZE, row_text, settle
from .test_live import notice


def count_drawn_rows(screen) -> list[int]:
    drawn: list[int] = []
    render = screen.source.render_row
    screen.source.render_row = lambda index, width, height: (drawn.append(index), render(index, width, height))[1]
    return drawn


async def test_a_comment_decided_elsewhere_redraws_no_board_row(env):
    async with env.app().run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, BoardScreen)
        await settle(pilot)
        await drained(pilot)
        drawn = count_drawn_rows(screen)
        key = env.store().query("SELECT feed, id FROM items WHERE kind = 'comment' LIMIT 1")[0]
        officer = env.store()
        decide(officer, [tuple(key)], "moderation", "hidden", officer="Second Officer", reason="spam")
        officer.close()
        before = pilot.app.inbox_counts
        await notice(pilot, lambda: pilot.app.inbox_counts != before)  # the header's counts moved
        await drained(pilot)
        assert drawn == []
        # A milestone's status set elsewhere is drawn again.
        m = screen.current()
        officer = env.store()
        decide(officer, [(m.feed, m.id)], "status", "done", officer="Second Officer", reason="finished")
        officer.close()
        await notice(pilot, lambda: screen.milestones[m.id].rag == "done")
        await drained(pilot)
        assert screen.rows.cursor in drawn


async def test_a_comment_out_of_view_decided_elsewhere_redraws_no_inbox_row(env):
    async with env.app(start="inbox").run_test(size=SIZE) as pilot:
        await pilot.press("3", "f", "f", "f")  # all comments: a decided one stays listed
        screen = pilot.app.screen
        assert isinstance(screen, InboxScreen) and screen.view == "all"
        await settle(pilot, lambda: screen.source.total > 2 * screen.rows.size.height)
        await drained(pilot)
        drawn = count_drawn_rows(screen)
        far = screen.source.get(screen.source.total - 1)  # below the rows in view
        officer = env.store()
        decide(officer, [far.key], "moderation", "hidden", officer="Second Officer", reason="spam")
        officer.close()
        await notice(pilot, lambda: screen.source.get(screen.source.total - 1).decision == "hidden")
        await drained(pilot)
        assert drawn == []
        near = screen.source.get(2)
        officer = env.store()
        decide(officer, [near.key], "moderation", "hidden", officer="Second Officer", reason="spam")
        officer.close()

        def row_of_near() -> int:
            return next(i for i in range(screen.source.total) if screen.source.get(i).key == near.key)

        await notice(pilot, lambda: screen.source.get(row_of_near()).decision == "hidden")
        await drained(pilot)
        assert drawn  # the rows in view were drawn again
        if row_of_near() < screen.rows.size.height:
            assert "⊘ hidden" in row_text(screen.rows, row_of_near())
