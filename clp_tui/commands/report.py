"""`clp-tui report`: the report-back for a CLP meeting, as Markdown or one HTML file.

Read from the cache as it stands (no feed is fetched): run `clp-tui sync` first
for the latest figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from clp_tui import exits
from clp_tui.clock import system_clock
from clp_tui.commands.common import cache_missing, config_of, db_path_of, format_for, write_document
from clp_tui.config import Config


def report_command(
    config: Config,
    db_path: Path,
    *,
    fmt: str | None,
    since: dt.date | None,
    as_of: dt.date | None,
    output: Path | None,
    replace: bool = False,
) -> int:
    from clp_tui.data.report import build_report
    from clp_tui.data.store import Store
    from clp_tui.documents.report import render_html, render_markdown

    as_of = as_of or system_clock().date()
    if since is not None and since > as_of:
        print(f"clp-tui: --since {since} is after the report date {as_of}", file=sys.stderr)
        return exits.USAGE
    if cache_missing(db_path):
        return exits.FAILED
    report = build_report(Store(db_path), config, as_of, since)
    fmt = format_for(fmt, output)
    text = render_html(report) if fmt == "html" else render_markdown(report)
    if not write_document(text, output, replace=replace):
        return exits.FAILED
    if output is not None:
        print(f"wrote {output} ({fmt}, {report.since} to {report.as_of})")
    return exits.OK


def run(args: argparse.Namespace) -> int:
    return report_command(
        config_of(args),
        db_path_of(args),
        fmt=args.format,
        since=args.since,
        as_of=args.as_of,
        output=args.output,
        replace=args.force,
    )
