"""Waiting on the dashboard instead of sleeping: a test that asserts something did
*not* happen must first know that it had every chance to."""

from __future__ import annotations

import asyncio


async def drained(pilot) -> None:
    """Every write queued so far has landed and reached the screen, and every worker
    (the command palette's search included) but the file watcher has finished."""
    app = pilot.app
    await asyncio.wrap_future(app.writes_done())
    await pilot.pause()
    # The file watcher of a live dashboard runs for the app's life: not waited on.
    # (An empty list would mean "every worker" to wait_for_complete.)
    finite = [w for w in app.workers if w.group != "watch"]
    if finite:
        await app.workers.wait_for_complete(finite)
    await pilot.pause()
