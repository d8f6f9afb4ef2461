"""What bench/run.py and its cases share: paths, the small statistics, writing
configs and copying caches, and the result types (a Series of runs, a Row of the table).
"""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proc import Run

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

PY = sys.executable
CLP = str(Path(sys.executable).parent / "clp-tui")
SIZE = "140x45"
MAX_BYTES = 50 * 1024 * 1024
RSS_LIMIT_MIB = 250.0
LANDED_NOTE = "0.15 s after the last decision of a burst, on purpose"
KEY_LIMIT_MS = 16.0  # one frame at 60 Hz (issue 16)
SYNC_RSS_LIMIT_MIB = 150.0
RESYNC_LIMIT = 0.4  # 1 % changed re-sync against the cold sync
SNAPSHOT_LIMIT = 1.25  # the inbox's first screen against the bare app


# -- small helpers ----------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(int(-(-95 * len(ordered) // 100)), 1)  # ceil(0.95 n)
    return ordered[rank - 1]


def say(text: str) -> None:
    print(text, flush=True)


def machine() -> dict[str, Any]:
    import textual

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "textual": textual.__version__,
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def child_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["HOME"] = str(home)
    # A pip-installed clp-tui has compiled bytecode; an editable checkout in an
    # environment with PYTHONDONTWRITEBYTECODE=1 would recompile every module in
    # every process. Cache bytecode outside the source tree for every child alike.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    env["TERM"] = env.get("TERM", "xterm-256color")
    # The `clp-tui` script (CLP) is the environment's: with an editable install it imports
    # the checkout the environment was installed from, not necessarily this one. The
    # children import clp_tui from the checkout this bench is in.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def write_config(path: Path, feeds: list[tuple[str, str, str]]) -> Path:
    lines = []
    for name, url, kind in feeds:
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', f'kind = "{kind}"', ""]
    lines += ["[network]", f"max_bytes = {MAX_BYTES}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_db(src: Path, dst: Path) -> Path:
    """A copy of a cache, flushed to disk: otherwise the first checkpoint of the run that
    uses it (an fsync of the file) pays for writing out the whole copy, a cost of the
    bench's copying and not of the command timed (it doubled the 1 % re-sync's wall time)."""
    remove_db(dst)
    shutil.copyfile(src, dst)
    fd = os.open(dst, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return dst


def check(r: Run, what: str) -> Run:
    if r.returncode != 0:
        raise SystemExit(f"{what} failed (exit {r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-4000:]}")
    return r


# -- results ------------------------------------------------------------------------------


@dataclass
class Series:
    """Timed runs of one command."""

    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def cpu(self) -> list[float]:
        return [r.cpu_seconds for r in self.runs]

    @property
    def rss(self) -> float:
        return max((r.maxrss_mib for r in self.runs), default=float("nan"))

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "wall": self.wall,
            "cpu": self.cpu,
            "median_wall": median(self.wall),
            "median_cpu": median(self.cpu),
            "max_rss_mib": self.rss,
        }


@dataclass
class Row:
    case: str
    measured: str
    floor: str
    value: float
    limit: float | None
    unit: str  # "x" ratio, "MiB", "ms", "" (yes/no)
    note: str = ""
    passed: bool | None = None

    def verdict(self) -> str:
        if self.passed is None:
            if self.limit is None:
                return "info"
            self.passed = self.value <= self.limit
        return "PASS" if self.passed else "FAIL"
