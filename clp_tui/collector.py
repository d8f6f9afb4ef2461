"""Garbage-collector settings for a dashboard that lives for hours.

Everything made at start-up (modules, widgets, styles) lives as long as the app:
frozen out of the collector's sight, a full collection takes a few ms, not
40-70 ms in the middle of a keypress. A keypress makes thousands of short-lived
objects, so with CPython's default thresholds a full collection came every
second or two of typing; these make young collections rarer and full ones far
rarer (docs/performance.md). After a sync that changed data, memory the parse
used goes back to the system.

Before that, while the dashboard starts, the collector is off altogether: the
command line pauses it (`pause_during_startup`) before importing Textual, and the
App resumes it once its first screen is painted (`freeze_startup`). Start-up makes
a hundred thousand long-lived objects and next to no garbage, and the full
collections CPython's thresholds would run over them cost ~40 ms of the time to the
first picture.

The C heap is set up when a dashboard starts polling (`tune_malloc`, called by
live.py before its threads start): glibc gives each thread that allocates an arena of
its own, and raises its threshold for serving a large block from the heap each time
one is freed, so a parsed feed's large blocks stayed in a fragmented heap that
malloc_trim could not hand back. Fixing the threshold and capping the arenas took
2-3 MiB off the dashboard polling for everyone (docs/performance.md, issue 13).
Dashboards that never poll never load ctypes (~6 ms of a start).
"""

from __future__ import annotations

import contextlib
import gc
from functools import cache
from typing import Any

THRESHOLDS = (10_000, 20, 50)  # CPython 3.11 defaults: (700, 10, 10)

_paused = False  # by pause_during_startup, not yet resumed


M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8  # glibc's mallopt parameters (malloc.h)
MMAP_THRESHOLD = 256 * 1024  # blocks this big (a feed's body, its pages) are mapped, and unmapped when freed
ARENAS = 2  # the UI thread's and one shared by the others (the poll, presence, the writer)


@cache
def _libc() -> Any:
    """The C library, loaded once and only when asked for (ctypes costs ~6 ms to import);
    None where it cannot be loaded."""
    import ctypes

    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def tune_malloc() -> None:
    """Fix glibc's mmap threshold (setting it turns off the dynamic raise) and cap its
    arenas, so large and short-lived blocks go back to the system when freed. Elsewhere
    than glibc this does nothing."""
    with contextlib.suppress(AttributeError):
        libc = _libc()
        if libc is not None:
            libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
            libc.mallopt(M_ARENA_MAX, ARENAS)


def pause_during_startup() -> None:
    """No collection until `resume_after_startup` (the command line, before a UI starts)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_after_startup() -> None:
    """Undo `pause_during_startup` (and nothing else: a collector off for other reasons stays off)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()


def give_back_memory() -> None:
    """After a large parse (a synced feed): collect, then hand the C heap's free pages back
    to the system (glibc's malloc_trim), so a dashboard that polled keeps no high-water
    mark; twenty of them share one small server (docs/ssh.md)."""
    gc.collect()
    with contextlib.suppress(AttributeError):
        libc = _libc()
        if libc is not None:
            libc.malloc_trim(0)


class CollectorTuning:
    def __init__(self) -> None:
        self._saved = gc.get_threshold()

    def apply(self) -> None:
        self._saved = gc.get_threshold()
        gc.set_threshold(*THRESHOLDS)

    @staticmethod
    def freeze_startup() -> None:
        """Call once the first screen is drawn."""
        gc.freeze()
        resume_after_startup()

    def restore(self) -> None:
        """A process that runs several apps (the tests) lets each one go."""
        gc.unfreeze()
        gc.set_threshold(*self._saved)
        resume_after_startup()
