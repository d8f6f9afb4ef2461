"""`clp-tui report`: the report-back for a CLP meeting, as Markdown or one HTML file.

Read from the cache as it stands (no feed is fetched): run `clp-tui sync` first
for the latest figures. Also home to `write_document`, which the export
commands share.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from clp_tui.clock import system_clock
from clp_tui.config import Config

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def format_for(fmt: str | None, output: Path | None) -> str:
    """The --format given, else one the output file's extension implies, else Markdown."""
    if fmt:
        return fmt
    if output is not None and output.suffix.lower() in (".html", ".htm"):
        return "html"
    return "markdown"


def write_document(text: str, output: Path | None, *, private: bool = False) -> bool:
    """Write to `output` (or standard output). `private` files are readable by their owner
    only: they hold personal data. Returns False, having said why, if it could not."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return True
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        fd = os.open(output, flags, 0o600 if private else 0o644)
        if private:
            os.chmod(output, 0o600)  # an existing file keeps its old mode otherwise
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        print(f"clp-tui: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def cache_missing(db_path: Path) -> bool:
    if db_path.exists():
        return False
    print(f"clp-tui: no cache at {db_path}; run `clp-tui sync` first", file=sys.stderr)
    return True


def report_command(
    config: Config,
    db_path: Path,
    *,
    fmt: str | None,
    since: dt.date | None,
    as_of: dt.date | None,
    output: Path | None,
) -> int:
    from clp_tui.data.report import build_report
    from clp_tui.data.store import Store
    from clp_tui.documents.report import render_html, render_markdown

    as_of = as_of or system_clock().date()
    if since is not None and since > as_of:
        print(f"clp-tui: --since {since} is after the report date {as_of}", file=sys.stderr)
        return EXIT_USAGE
    if cache_missing(db_path):
        return EXIT_FAILED
    report = build_report(Store(db_path), config, as_of, since)
    fmt = format_for(fmt, output)
    text = render_html(report) if fmt == "html" else render_markdown(report)
    if not write_document(text, output):
        return EXIT_FAILED
    if output is not None:
        print(f"wrote {output} ({fmt}, {report.since} to {report.as_of})")
    return EXIT_OK
