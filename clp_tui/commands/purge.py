"""`clp-tui purge`: blank the personal data of reviewed comments older than
`[moderation] retain_days`, keeping rows, decisions and exported evidence.
Prints counts only. See docs/privacy.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from clp_tui import exits
from clp_tui.commands.common import cache_missing, config_of, db_path_of
from clp_tui.config import Config


def purge_command(config: Config, db_path: Path, *, dry_run: bool) -> int:
    from clp_tui.data.retention import describe, purge_comments
    from clp_tui.data.store import Store

    if cache_missing(db_path):
        return exits.FAILED
    result = purge_comments(Store(db_path), config.moderation.retain_days, dry_run=dry_run)
    if dry_run:
        print("dry run: nothing was changed")
    for line in describe(result):
        print(line)
    return exits.OK


def run(args: argparse.Namespace) -> int:
    return purge_command(config_of(args), db_path_of(args), dry_run=args.dry_run)
