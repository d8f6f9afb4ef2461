"""A dashboard's upkeep in the background: re-flagging comments when the
moderation rules change, and the daily purge (data/upkeep.py does the work).

Each runs on a worker thread with its own cache connection; when it ends, the
App's one worker handler calls `upkeep_result` to show what it changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.worker import Worker

from clp_tui.data.store import Store
from clp_tui.data.upkeep import daily_purge, reflag_if_rules_changed

if TYPE_CHECKING:
    from clp_tui.app import ClpApp

UPKEEP_GROUPS = ("flags", "purge")


def _start(app: ClpApp, job: Callable[[Store, Any], Any], arg: Any, *, group: str, name: str) -> None:
    def run() -> Any:
        try:
            return job(app.store, arg)
        finally:
            app.store.close()  # the worker thread's own connection

    app.run_worker(run, thread=True, group=group, name=name, exclusive=True, exit_on_error=False)


def start_reflag(app: ClpApp) -> None:
    _start(app, reflag_if_rules_changed, app.config.moderation, group="flags", name="re-flagging comments")


def start_purge(app: ClpApp) -> None:
    _start(app, daily_purge, app.config.moderation.retain_days, group="purge", name="the daily purge")


def upkeep_result(worker: Worker[Any]) -> tuple[bool, str | None]:
    """(did the cache change, what to tell the officer) for a finished upkeep worker."""
    if worker.group not in UPKEEP_GROUPS or not worker.result:
        return False, None
    return True, worker.result if isinstance(worker.result, str) else None
