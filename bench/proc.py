"""Run one child process and measure it: wall time and its own peak RSS.

`os.wait4` returns the resource usage of exactly the child it reaped, so the
peak RSS is that process's alone (RUSAGE_CHILDREN would be the maximum over
every child the bench has ever waited for).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(slots=True)
class Run:
    seconds: float
    maxrss_mib: float
    returncode: int
    stdout: str
    stderr: str


def run(argv: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 300.0) -> Run:
    """Run `argv` to completion; stdout/stderr go to files so a chatty child cannot block."""
    out_path = cwd / ".child.out"
    err_path = cwd / ".child.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keep Popen from waiting again
    return Run(
        seconds=seconds,
        maxrss_mib=usage.ru_maxrss / 1024.0,  # Linux reports KiB
        returncode=proc.returncode,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
    )
