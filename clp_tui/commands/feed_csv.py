"""`clp-tui feed from-csv`: a spreadsheet (CSV) as a valid feed on standard output."""

from __future__ import annotations

import argparse
import sys

from clp_tui import exits


def run(args: argparse.Namespace) -> int:
    from clp_tui.data.feedcsv import CsvError, feed_from_csv
    from clp_tui.data.text import json_line, one_line

    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"clp-tui: cannot read {args.file}: {exc}", file=sys.stderr)
        return exits.USAGE
    try:
        feed, errors = feed_from_csv(text, args.kind, args.title or args.file.stem)
    except CsvError as exc:
        print(f"clp-tui: {args.file}: {one_line(str(exc))} (see docs/feeds.md for the columns)", file=sys.stderr)
        return exits.USAGE
    print(json_line(feed, indent=2))  # C1 controls and bidi overrides as \u escapes, never raw
    for error in errors:
        print(f"{args.file}: {one_line(error)}", file=sys.stderr)
    return exits.FAILED if errors else exits.OK
