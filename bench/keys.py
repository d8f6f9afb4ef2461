"""Keypress -> repaint latency, in-process with Textual's Pilot.

    python bench/keys.py inbox CONFIG DB [--j 200] [--a 50] [--frames 100] [--a-frames 100]
    python bench/keys.py floor [--j 200] [--frames 40]

Prints one JSON object of latencies in milliseconds. Run as its own process so
the bench can also read its peak RSS. Two measures per key:

* "pilot": `await pilot.press(key)` + `await pilot.pause()`, as a test would
  write it. Pilot decides the app is idle by sleeping in 20 ms steps
  (textual._wait.wait_for_idle) three times per press+pause, so this measure
  cannot go below about 60 ms even for an empty app; the `floor` mode runs the
  same loop on a bare DataTable app to show that part.
* "frame": `await pilot.press(key)`, and the time from the press to the first
  frame the screen renders afterwards, read from a hook on `App._display`;
  "settled" is the time to the last frame before the app is idle again (for the
  inbox that includes the preview pane). Each frame-timed press is followed by
  a quiet gap so presses do not overlap.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from textual.app import App

QUIET = 0.15  # seconds of quiet after a frame-timed press, so presses never overlap


class FrameClock:
    """Records when the app hands a rendered frame of the current screen to the driver."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.frames: list[float] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                self.frames.append(time.perf_counter())
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]


async def pilot_loop(pilot: Any, keys: list[str], count: int) -> list[float]:
    timings = []
    for n in range(count):
        started = time.perf_counter()
        await pilot.press(keys[n % len(keys)])
        await pilot.pause()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


async def frame_loop(
    app: App[Any],
    pilot: Any,
    clock: FrameClock,
    keys: list[str],
    count: int,
    done: Any = None,
    cpu: list[float] | None = None,
) -> tuple[list[float], list[float]]:
    """(first frame, last frame) after each key, in ms. `done()` says the key's work has landed.

    `cpu`, if given, collects the process CPU time each press cost (ms), a figure that
    a busy neighbour on the machine disturbs far less than wall time.
    """
    first: list[float] = []
    last: list[float] = []
    for n in range(count):
        key = keys[n % len(keys)]
        await pilot.pause()
        await asyncio.sleep(QUIET)
        await pilot.pause()
        marker = len(clock.frames)
        cpu_started = time.process_time()
        started = time.perf_counter()
        # Pilot posts the key event to the app's driver, as a terminal would, and waits
        # for idle; the repaint it caused is read off the frame clock, not off the wait.
        await pilot.press(key)
        deadline = started + 5
        while done is not None and not done() and time.perf_counter() < deadline:
            await asyncio.sleep(0.0005)
        await pilot.pause()
        await asyncio.sleep(QUIET)
        await pilot.pause()
        if cpu is not None:
            cpu.append((time.process_time() - cpu_started) * 1000)
        frames = [t for t in clock.frames[marker:] if t >= started]
        if frames:
            first.append((frames[0] - started) * 1000)
            last.append((frames[-1] - started) * 1000)
    return first, last


async def measure_inbox(config_path: Path, db: Path, j: int, a: int, frames: int, a_frames: int) -> dict[str, Any]:
    from clp_tui.app import ClpApp
    from clp_tui.config import load_config

    app = ClpApp(load_config(config_path), db, live=False)
    result: dict[str, Any] = {}
    async with app.run_test(headless=True, size=(140, 45)) as pilot:
        clock = FrameClock(app)
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        await pilot.pause(0.3)
        result["screen"] = type(app.screen).__name__
        result["rows"] = getattr(getattr(app.screen, "source", None), "total", None)
        result["pilot_j"] = await pilot_loop(pilot, ["j"], j)
        result["pilot_a"] = await pilot_loop(pilot, ["a"], a)
        result["cpu_j"] = []
        result["frame_j"], result["settled_j"] = await frame_loop(app, pilot, clock, ["j"], frames, cpu=result["cpu_j"])

        # `a` repaints only once the decision has been written on the writer thread.
        def landed_factory() -> Any:
            before = app.writer.undoable("InboxScreen")
            return lambda: app.writer.undoable("InboxScreen") > before

        first: list[float] = []
        last: list[float] = []
        result["cpu_a"] = []
        for _ in range(a_frames):
            f, s = await frame_loop(app, pilot, clock, ["a"], 1, landed_factory(), cpu=result["cpu_a"])
            first += f
            last += s
        result["frame_a"], result["settled_a"] = first, last
        result["decisions"] = app.writer.undoable("InboxScreen")
    return result


async def measure_floor(j: int, frames: int) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from floor_textual import Bare

    app = Bare()
    result: dict[str, Any] = {}
    async with app.run_test(headless=True, size=(140, 45)) as pilot:
        clock = FrameClock(app)
        await pilot.pause()
        await pilot.pause(0.3)
        # 45 rows: go down and up so the cursor always moves.
        result["pilot_j"] = await pilot_loop(pilot, ["down"] * 20 + ["up"] * 20, j)
        result["cpu_j"] = []
        result["frame_j"], result["settled_j"] = await frame_loop(
            app, pilot, clock, ["down"] * 20 + ["up"] * 20, frames, cpu=result["cpu_j"]
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["inbox", "floor"])
    parser.add_argument("config", type=Path, nargs="?")
    parser.add_argument("db", type=Path, nargs="?")
    parser.add_argument("--j", type=int, default=200)
    parser.add_argument("--a", type=int, default=50)
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--a-frames", type=int, default=40)
    args = parser.parse_args()
    if args.mode == "inbox":
        result = asyncio.run(measure_inbox(args.config, args.db, args.j, args.a, args.frames, args.a_frames))
    else:
        result = asyncio.run(measure_floor(args.j, args.frames))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
