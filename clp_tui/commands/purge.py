"""`clp-tui purge`: blank the personal data of reviewed comments older than
`[moderation] retain_days`, keeping rows, decisions and exported evidence.
Prints counts only. See docs/privacy.md."""

from __future__ import annotations

from pathlib import Path

from clp_tui.commands.report import EXIT_FAILED, EXIT_OK, cache_missing
from clp_tui.config import Config


def purge_command(config: Config, db_path: Path, *, dry_run: bool) -> int:
    from clp_tui.data.retention import describe, purge_comments
    from clp_tui.data.store import Store

    if cache_missing(db_path):
        return EXIT_FAILED
    result = purge_comments(Store(db_path), config.moderation.retain_days, dry_run=dry_run)
    if dry_run:
        print("dry run: nothing was changed")
    for line in describe(result):
        print(line)
    return EXIT_OK
