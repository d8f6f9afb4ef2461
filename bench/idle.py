"""A dashboard left alone: what it costs while nothing changes.

    python bench/idle.py CONFIG DB [--seconds 60] [--screen inbox] [--profile OUT.txt]

Runs the dashboard as `clp-tui` runs it (live: polling, the store check, file
watching), headless at 140x45, on a cache already synced from the config's
feeds, so every poll is answered 304. It waits until the first round of polls
has landed and start-up work has settled, then measures a window of `--seconds`:
the process's CPU seconds (every thread) against wall seconds, the polls that
landed and how they were answered, and how often a screen re-queried (reload,
the store's queries). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

SETTLE_S = 3.0  # after the first round of polls: start-up work (re-flag, purge, GC freeze) is done


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("config", type=Path)
    parser.add_argument("db", type=Path)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--screen", default="inbox")
    parser.add_argument("--profile", type=Path, help="write a pyinstrument profile of the window here")
    args = parser.parse_args()

    from clp_tui.app import ClpApp
    from clp_tui.config import load_config
    from clp_tui.data.store import Store
    from clp_tui.screens.base import DashboardScreen

    counts: Counter[str] = Counter()
    answers: Counter[str] = Counter()
    window = {"open": False}

    ui_thread = threading.get_ident()

    def counting(name: str, original: Any) -> Any:
        def wrapper(*a: Any, **k: Any) -> Any:
            if window["open"]:
                # The polls' own reads (a feed's validators) run on the poll thread: not a re-query.
                counts[name if threading.get_ident() == ui_thread else f"{name} (poll thread)"] += 1
            return original(*a, **k)

        return wrapper

    # The bench's own instruments: which of these run while the dashboard idles.
    DashboardScreen.reload = counting("screen reloads", DashboardScreen.reload)  # type: ignore[method-assign]
    Store.query = counting("store queries", Store.query)  # type: ignore[method-assign]
    original_synced = ClpApp.on_feed_synced

    def on_feed_synced(self: Any, message: Any) -> None:
        for report in message.reports:
            answers[report.status] += 1
        original_synced(self, message)

    ClpApp.on_feed_synced = on_feed_synced  # type: ignore[method-assign]

    config = load_config(args.config)
    app = ClpApp(config, args.db, live=True, mode=args.screen)
    frames = [0]
    display = app._display

    def count_frames(screen: Any, renderable: Any) -> None:
        if renderable is not None and window["open"]:
            frames[0] += 1
        display(screen, renderable)

    app._display = count_frames  # type: ignore[method-assign]
    result: dict[str, Any] = {}

    async def idle(pilot: Any) -> None:
        deadline = time.monotonic() + 30
        while sum(answers.values()) < len(config.feeds) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await pilot.pause()
        await asyncio.sleep(SETTLE_S)
        answers.clear()
        profiler = None
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001, async_mode="disabled")
            profiler.start()
        window["open"] = True
        cpu0, wall0 = time.process_time(), time.monotonic()
        await asyncio.sleep(args.seconds)
        cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
        window["open"] = False
        if profiler is not None:
            profiler.stop()
            args.profile.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
        result.update(
            cpu_seconds=cpu,
            wall_seconds=wall,
            core_percent=100 * cpu / wall,
            answers=dict(answers),
            frames=frames[0],
            **{k.replace(" ", "_"): v for k, v in counts.items()},
            screen=type(app.screen).__name__,
        )
        app.exit()

    app.run(headless=True, size=(140, 45), auto_pilot=idle)
    result.setdefault("screen_reloads", 0)
    result.setdefault("store_queries", 0)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
