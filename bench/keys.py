"""Keypress -> repaint latency in the inbox, in-process with Textual's Pilot.

    python bench/keys.py CONFIG DB [--j 200] [--a 50]

Prints one JSON object: per key, every latency in milliseconds. Run as its own
process so the bench can read its peak RSS too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from clp_tui.app import ClpApp
from clp_tui.config import load_config


async def measure(config_path: Path, db: Path, j_presses: int, a_presses: int) -> dict[str, object]:
    app = ClpApp(load_config(config_path), db, live=False)
    result: dict[str, object] = {}
    async with app.run_test(headless=True, size=(140, 45)) as pilot:
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        await pilot.pause(0.2)  # let the first detail pane render; not timed
        screen = app.screen
        result["screen"] = type(screen).__name__
        result["rows"] = getattr(getattr(screen, "source", None), "total", None)

        timings: list[float] = []
        for _ in range(j_presses):
            started = time.perf_counter()
            await pilot.press("j")
            await pilot.pause()
            timings.append((time.perf_counter() - started) * 1000)
        result["j"] = timings

        # `a` is answered in two steps: the key queues the decision on the writer
        # thread (press + pause), and the list repaints when the write has landed.
        pressed: list[float] = []
        landed: list[float] = []
        for _ in range(a_presses):
            before = len(app._undo)
            started = time.perf_counter()
            await pilot.press("a")
            await pilot.pause()
            pressed.append((time.perf_counter() - started) * 1000)
            while len(app._undo) == before and time.perf_counter() - started < 5:
                await asyncio.sleep(0.0005)
            await pilot.pause()
            landed.append((time.perf_counter() - started) * 1000)
        result["a"] = pressed
        result["a_landed"] = landed
        result["decisions"] = len(app._undo)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("config", type=Path)
    parser.add_argument("db", type=Path)
    parser.add_argument("--j", type=int, default=200)
    parser.add_argument("--a", type=int, default=50)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.config, args.db, args.j, args.a))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
