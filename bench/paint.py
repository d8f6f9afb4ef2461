"""Process start to first paint, in a real pseudo-terminal.

    python bench/paint.py MARKER COLUMNSxROWS -- ARGV...

Starts ARGV on a pty of the given size (as an officer's terminal over SSH would
be), reads what it writes, and stops the clock when MARKER (text the first screen
shows once its data is drawn, e.g. the inbox's comment count) has been written.
The child is then killed. Prints one JSON object: seconds to the marker, the CPU
seconds the child used until then (from wait4, after the kill) and the bytes read.

Used for both the product (`clp-tui`, the dashboard) and the floor (the bare
Textual app run normally), so both pay for the same terminal.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import signal
import struct
import sys
import termios
import time

# Textual writes a line as segments with escape sequences between them; text inside
# one segment is contiguous. The marker is matched with escapes removed too.
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[PX^_].*?\x1b\\|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]")


def first_paint(argv: list[str], marker: str, size: tuple[int, int], timeout: float = 60.0) -> dict[str, float]:
    columns, rows = size
    started = time.perf_counter()
    pid, fd = os.forkpty()
    if pid == 0:  # the child: the pty is its terminal
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        os.execvpe(argv[0], argv, os.environ)
    wanted = marker.encode()
    seen = b""
    total = 0
    found_at = None
    deadline = started + timeout
    try:
        while found_at is None and time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                break  # the child closed the terminal
            if not chunk:
                break
            total += len(chunk)
            seen += chunk
            if wanted in seen or wanted in ESCAPES.sub(b"", seen):
                found_at = time.perf_counter()
    finally:
        os.kill(pid, signal.SIGKILL)
        _, _, usage = os.wait4(pid, 0)
        os.close(fd)
    if found_at is None:
        tail = ESCAPES.sub(b"", seen)[-600:].decode("utf-8", "replace")
        raise SystemExit(f"no {marker!r} on screen within {timeout:g} s; the screen ended with: {tail!r}")
    return {
        "seconds": found_at - started,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "bytes": float(total),
    }


def main(argv: list[str]) -> int:
    marker, size = argv[0], argv[1]
    command = argv[argv.index("--") + 1 :]
    columns, rows = (int(v) for v in size.split("x"))
    print(json.dumps(first_paint(command, marker, (columns, rows))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
