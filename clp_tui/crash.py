"""What people see when clp-tui itself fails: a short message and a report file.

Tracebacks are written without local variables (they may hold a feed's token)
and the report is written to a file only the user can read.
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from pathlib import Path

import platformdirs


def report_crash(exc: BaseException) -> str:
    """Write the traceback (no locals) to a private file; return a line for people."""
    folder = Path(platformdirs.user_state_dir("clp-tui"))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    # TracebackException without capture_locals: frames, never their variables.
    text = "".join(traceback.TracebackException.from_exception(exc).format())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}-{os.getpid()}.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        where = f"details in {path}"
    except OSError:
        where = "the details could not be saved"
    return (
        f"clp-tui: something went wrong inside clp-tui ({type(exc).__name__}); {where}. "
        "Your cached data and decisions are safe. Please report this."
    )
