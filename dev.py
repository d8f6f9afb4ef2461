#!/usr/bin/env python3
"""Set up and run clp-tui from a fresh clone with nothing but Python 3.11+.

    python3 dev.py demo    # the dashboard on a fictional CLP's live feeds
    python3 dev.py test    # ruff, import contracts, then the whole test suite (what CI runs)

It makes `.venv` beside this file on first use and installs clp-tui into it
(editable, with the test extras); later runs reinstall only when
pyproject.toml has changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".clp-tui-installed"


def ensure_env() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under whatever python3 is there
        sys.exit(f"clp-tui needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((HERE / "pyproject.toml").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print("Creating .venv …", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installing clp-tui and its test tools into .venv …", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f"{HERE}[test]"], check=True)
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test"):
        print(__doc__)
        return 2
    ensure_env()
    if argv[0] == "demo":
        return subprocess.call([str(BIN / "clp-tui"), "demo", *argv[1:]])
    return run_checks(argv[1:])


def ensure_ssh_tools() -> None:
    """The officers' SSH tests need a real OpenSSH server and tmux (tests/officers/sshd.py).
    Installed from the system's packages when missing and we are root; otherwise those
    tests skip and say how to enable them."""
    missing = [pkg for pkg, tool in (("openssh-server", "/usr/sbin/sshd"), ("tmux", "tmux")) if not shutil.which(tool)]
    if not missing:
        return
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"note: {', '.join(missing)} missing: the SSH tests will be skipped (install them, run as root)")
        return
    print(f"Installing {', '.join(missing)} for the SSH tests …", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}
    if subprocess.call(["apt-get", "install", "-y", "-q", *missing], **quiet) != 0:
        subprocess.call(["apt-get", "update", "-q"], **quiet)
        subprocess.call(["apt-get", "install", "-y", "-q", *missing], **quiet)


def run_checks(pytest_args: list[str]) -> int:
    """The house rules first (fast, and each names what to fix), then the suite."""
    ensure_ssh_tools()
    checks = [
        ("ruff check", [str(BIN / "ruff"), "check", "."]),
        ("ruff format --check", [str(BIN / "ruff"), "format", "--check", "."]),
        ("lint-imports", [str(BIN / "lint-imports")]),
    ]
    failed = []
    for name, command in checks:
        print(f"== {name}", flush=True)
        if subprocess.call(command, cwd=HERE) != 0:
            failed.append(name)
    print("== pytest", flush=True)
    code = subprocess.call([str(PYTHON), "-m", "pytest", "-q", *pytest_args], cwd=HERE)
    if failed:
        print(f"failed: {', '.join(failed)} (fix with `.venv/bin/ruff format .` or see docs/architecture.md)")
        return code or 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
