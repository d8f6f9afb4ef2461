"""Child Python processes for the adversarial suite: a private HOME and XDG folders,
the repo importable, and (for a root child) file permissions that bite."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"


def child_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """An environment for a child Python: private HOME and XDG folders, the repo importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "CLP_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PYTHONPATH=os.pathsep.join([str(REPO), str(TESTS)]),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra or {})
    return env


def run_python(
    script: str,
    home: Path,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `script` in a fresh interpreter (argv[1:] = args) with a private HOME."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=child_env(home, env),
        cwd=home,
        timeout=timeout,
        preexec_fn=preexec,
    )


_PR_CAPBSET_DROP = 24
# CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER: what lets root ignore file modes.
_DAC_CAPS = (1, 2, 3)


def mere_mortal() -> None:
    """preexec_fn: make a root child obey file permissions (drop the capabilities that
    bypass them from the bounding set, so the exec'd interpreter never has them)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _DAC_CAPS:
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            os._exit(97)


def permissions_bite(tmp_path: Path) -> bool:
    """Whether a child started with `mere_mortal` is refused a write to a read-only file."""
    probe = tmp_path / "probe-readonly"
    probe.write_text("x")
    probe.chmod(0o444)
    result = subprocess.run(
        [sys.executable, "-c", f"open({str(probe)!r}, 'a')"], capture_output=True, preexec_fn=mere_mortal, timeout=30
    )
    probe.chmod(0o644)
    return result.returncode == 1 and b"PermissionError" in result.stderr
