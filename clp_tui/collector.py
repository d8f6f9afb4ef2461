"""Garbage-collector settings for a dashboard that lives for hours.

Everything made at start-up (modules, widgets, styles) lives as long as the app:
frozen out of the collector's sight, a full collection takes a few ms, not
40-70 ms in the middle of a keypress. A keypress makes thousands of short-lived
objects, so with CPython's default thresholds a full collection came every
second or two of typing; these make young collections rarer and full ones far
rarer (docs/performance.md).
"""

from __future__ import annotations

import gc

THRESHOLDS = (10_000, 20, 50)  # CPython 3.11 defaults: (700, 10, 10)


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

    def restore(self) -> None:
        """A process that runs several apps (the tests) lets each one go."""
        gc.unfreeze()
        gc.set_threshold(*self._saved)
