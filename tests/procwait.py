"""Waiting for child processes a test started together: every one is waited for (or
killed if the test gives up), so a failing test never leaves a sync running."""

from __future__ import annotations

import subprocess
from collections.abc import Callable


def finish_all(
    procs: list[subprocess.Popen], timeout: float = 60, first: Callable[[], object] | None = None
) -> list[tuple[int, str, str]]:
    """(exit code, stdout, stderr) of each, in order, after `first()` if given (what the
    test does while they run); any still running after the wait or an error is killed
    and reaped before this returns."""
    try:
        if first is not None:
            first()
        return [(p.wait(timeout=timeout), *p.communicate()) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
