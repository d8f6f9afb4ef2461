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
"""

from __future__ import annotations

import contextlib
import gc

THRESHOLDS = (10_000, 20, 50)  # CPython 3.11 defaults: (700, 10, 10)

_paused = False  # by pause_during_startup, not yet resumed


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
    import ctypes  # here, not at the top: ~6 ms of every dashboard's start, before its first paint
    import ctypes.util

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


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
