"""Waiting on the dashboard instead of sleeping: a test that asserts something did
*not* happen must first know that it had every chance to."""

from __future__ import annotations

import asyncio


async def drained(pilot) -> None:
    """Every write queued so far has landed and reached the screen, and every worker
    (the command palette's search included) has finished."""
    app = pilot.app
    await asyncio.wrap_future(app.writes_done())
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
