"""Run one child process and measure it: wall time, CPU time and its own peak RSS.

CPU time comes from `os.wait4`, which reports exactly the child it reaped (and
its reaped descendants). Peak RSS cannot come from there: Linux carries the
parent's high-water RSS across fork+exec into the child's ru_maxrss, so every
child of this bench (which holds ~100 MB of generated feeds) would report at
least that. When GNU time is installed the child is started under
`/usr/bin/time -f %M`, a small process whose own footprint is what the child
inherits, and its figure is used; otherwise the inflated wait4 figure is kept
and flagged.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
RSS_TRUSTED = GNU_TIME is not None


@dataclass(slots=True)
class Run:
    seconds: float
    maxrss_mib: float
    cpu_seconds: float
    returncode: int
    stdout: str
    stderr: str


def run(argv: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 300.0) -> Run:
    """Run `argv` to completion; stdout/stderr go to files so a chatty child cannot block."""
    out_path = cwd / ".child.out"
    err_path = cwd / ".child.err"
    rss_path = cwd / ".child.rss"
    rss_path.unlink(missing_ok=True)
    if GNU_TIME:
        argv = [GNU_TIME, "-f", "%M", "-o", str(rss_path), *argv]
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
    maxrss_kib = float(usage.ru_maxrss)  # Linux reports KiB
    with contextlib.suppress(OSError, ValueError, IndexError):
        maxrss_kib = float(rss_path.read_text().split()[-1])
    return Run(
        seconds=seconds,
        maxrss_mib=maxrss_kib / 1024.0,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        returncode=proc.returncode,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
    )
