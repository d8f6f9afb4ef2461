#!/usr/bin/env python3
"""Set up and run clp-tui from a fresh clone with nothing but Python 3.11+.

    python3 dev.py demo    # the dashboard on a fictional CLP's live feeds
    python3 dev.py test    # the whole test suite (what CI runs)

It makes `.venv` beside this file on first use and installs clp-tui into it
(editable, with the test extras); later runs reinstall only when
pyproject.toml has changed.
"""

from __future__ import annotations

import hashlib
import os
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
    if sys.version_info < (3, 11):
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
    return subprocess.call([str(PYTHON), "-m", "pytest", "-q", *argv[1:]], cwd=HERE)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
