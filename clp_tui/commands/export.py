"""`clp-tui export decisions` (the decision log as CSV or JSON) and
`clp-tui export escalation ITEM` (a GLU evidence pack for one escalated comment)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from clp_tui import exits
from clp_tui.commands.common import cache_missing, config_of, db_path_of, format_for, write_document
from clp_tui.config import Config


def export_decisions(
    config: Config, db_path: Path, *, fmt: str, since: dt.date | None, output: Path | None, replace: bool = False
) -> int:
    from clp_tui.data.decision_log import decision_rows
    from clp_tui.data.store import Store
    from clp_tui.documents.decisions import decisions_csv, decisions_json

    if cache_missing(db_path):
        return exits.FAILED
    rows = decision_rows(Store(db_path), since)
    text = decisions_json(rows) if fmt == "json" else decisions_csv(rows)
    # Officers' names and reasons (which may quote a comment) are in it: owner-only.
    if not write_document(text, output, private=True, replace=replace):
        return exits.FAILED
    if output is not None:
        print(f"wrote {output}: {len(rows)} decision(s) as {fmt.upper()}")
    return exits.OK


def is_folder(output: str) -> bool:
    """An existing folder, or one written with a trailing slash (made if need be)."""
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


def _pack_path(output: str, default_name: str) -> Path:
    """A folder gets the default name inside it; anything else is the file to write."""
    if is_folder(output):
        Path(output).mkdir(parents=True, exist_ok=True)
        return Path(output) / default_name
    return Path(output)


def export_escalation(
    config: Config, db_path: Path, ref: str, *, output: str | Path, fmt: str | None, replace: bool = False
) -> int:
    from clp_tui.data.evidence import PackError, build_pack
    from clp_tui.data.packs import record_exported_pack
    from clp_tui.data.store import Store
    from clp_tui.data.text import one_line
    from clp_tui.documents.pack import pack_filename, pack_html, pack_markdown

    if cache_missing(db_path):
        return exits.FAILED
    store = Store(db_path)
    try:
        pack = build_pack(store, config, ref)
    except PackError as exc:
        print(f"clp-tui: {exc}", file=sys.stderr)
        return exits.FAILED
    output = str(output)
    fmt = format_for(fmt, None if is_folder(output) else Path(output))
    try:
        target = _pack_path(output, pack_filename(pack, fmt))
    except OSError as exc:
        print(f"clp-tui: cannot create the folder {output}: {exc.strerror or exc}", file=sys.stderr)
        return exits.FAILED
    text = pack_html(pack) if fmt == "html" else pack_markdown(pack)
    if not write_document(text, target, private=True, replace=replace):
        return exits.FAILED
    c = pack.comment
    record_exported_pack(store, c.feed, c.id, officer=config.officer.name, fmt=fmt, path=str(target.resolve()))
    print(
        f"wrote {target}: GLU evidence pack for {c.feed}/{one_line(c.id, 80)} ({fmt}); it holds personal data, "
        "so send it only to the GLU. `clp-tui purge` will keep this comment."
    )
    return exits.OK


def run(args: argparse.Namespace) -> int:
    config, db_path = config_of(args), db_path_of(args)
    if args.export_command == "decisions":
        return export_decisions(
            config, db_path, fmt=args.format, since=args.since, output=args.output, replace=args.force
        )
    return export_escalation(config, db_path, args.item, output=args.output, fmt=args.format, replace=args.force)
