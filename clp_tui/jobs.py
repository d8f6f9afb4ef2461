"""A dashboard's upkeep in the background: re-flagging comments when the
moderation rules change, and the daily purge (data/upkeep.py does the work);
and what the App does when a worker ends or the config file changes.

Each job runs on a worker thread with its own cache connection; when it ends,
`worker_finished` (the App's one worker handler) shows what it changed, or tells
the officer it failed: a failure is never lost and never fatal.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.worker import Worker, WorkerState

from clp_tui.config import ConfigError, load_config
from clp_tui.data.store import Store
from clp_tui.keymap import apply_keymap

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


# The upkeep (and the moderation rules and retention it loads) is imported when it first
# starts, after the first paint: none of it is needed to draw the first screen.


def start_reflag(app: ClpApp) -> None:
    from clp_tui.data.upkeep import reflag_if_rules_changed

    _start(app, reflag_if_rules_changed, app.config.moderation, group="flags", name="re-flagging comments")


def start_purge(app: ClpApp) -> None:
    from clp_tui.data.upkeep import daily_purge

    _start(app, daily_purge, app.config.moderation.retain_days, group="purge", name="the daily purge")


def upkeep_result(worker: Worker[Any]) -> tuple[bool, str | None]:
    """(did the cache change, what to tell the officer) for a finished upkeep worker."""
    if worker.group not in UPKEEP_GROUPS or not worker.result:
        return False, None
    return True, worker.result if isinstance(worker.result, str) else None


def worker_finished(app: ClpApp, event: Worker.StateChanged) -> None:
    """Every worker's outcome: a failure is told, never fatal; upkeep's changes shown."""
    worker = event.worker
    if event.state == WorkerState.ERROR:
        name = worker.name or "a background job"
        message = f"{name[:1].upper()}{name[1:]} did not finish: {worker.error}"
        app.notify(message, severity="error", markup=False, timeout=10)
    elif event.state == WorkerState.SUCCESS:
        changed, notice = upkeep_result(worker)
        if notice:
            app.notify(notice, markup=False)
        if changed:
            app.data_changed()


def reload_config(app: ClpApp, path: Path) -> None:
    """The config file changed: load it, and hand it to every part that reads it; a
    config with a mistake is refused in a line and the settings in use are kept."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        app.notify(f"{exc}\nKeeping the settings already loaded.", severity="error", markup=False, timeout=10)
        return
    app.config = app.poller.config = config
    app.outbox.configure(config)
    apply_keymap(app, config.keys)
    app.themes.apply()
    start_reflag(app)
    app._watch_files()  # feeds may have been added: watch their folders too
    app.meeting_mode.restart(config.meeting.cycle_seconds)
    app.notify("Settings reloaded.", timeout=2)
    app.data_changed()
