"""`clp-tui init`: write a commented starter config for a new CLP."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clp_tui import exits
from clp_tui.config import default_config_path, starter_text


def run(args: argparse.Namespace) -> int:
    path: Path = getattr(args, "config", None) or default_config_path()
    if path.exists() and not args.force:
        print(f"clp-tui: {path} already exists; pass --force to overwrite it", file=sys.stderr)
        return exits.USAGE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(starter_text(), encoding="utf-8")
    path.chmod(0o600)
    print(f"wrote {path}: every feed in it is commented out; add yours (docs/configuration.md), then `clp-tui sync`")
    return exits.OK
