"""The `clp-tui` command. Subcommands import only what they need, so `sync`,
`list` and `check-feed` start without loading Textual.

Exit codes: 0 ok; 1 a feed, an item or the cache failed (cached data is kept);
2 bad usage or a bad config.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from clp_tui.config import (
    STARTER,
    Config,
    ConfigError,
    config_warnings,
    default_config_path,
    default_db_path,
    load_config,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
LIST_KINDS = {"milestones": "milestone", "activity": "activity", "comments": "comment", "press": "press"}


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # No %(default)s here: the default is SUPPRESS (so a subcommand does not reset a
    # global --config), and argparse fails on %(default)s for a suppressed default.
    common.add_argument(
        "--config", type=Path, help=f"config file (default: {default_config_path()})", default=argparse.SUPPRESS
    )
    common.add_argument(
        "--db", type=Path, help=f"cache database file (default: {default_db_path()})", default=argparse.SUPPRESS
    )
    parser = argparse.ArgumentParser(
        prog="clp-tui",
        description="A terminal dashboard for CLP officers, fed by shared JSON feeds.",
        epilog="Run with no command to open the dashboard. Exit codes: 0 ok, 1 a feed or item "
        "failed (the cache is kept), 2 bad usage or config.",
        parents=[common],
    )
    parser.add_argument(
        "--meeting", action="store_true", help="open in meeting mode: high contrast, read-only, no names or comments"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", parents=[common], help="write a commented starter config")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")

    p = sub.add_parser("sync", parents=[common], help="fetch every feed once into the cache")
    p.add_argument("--json", action="store_true", help="one JSON object per feed per line")
    p.add_argument("--force", action="store_true", help="ignore a server's request to wait")

    p = sub.add_parser("list", parents=[common], help="print cached items with local decisions applied")
    p.add_argument("what", choices=sorted(LIST_KINDS))
    p.add_argument("--json", action="store_true", help="one JSON object per item per line")

    p = sub.add_parser("check-feed", parents=[common], help="validate a feed against the contract")
    p.add_argument("source", metavar="URL_OR_FILE")
    p.add_argument(
        "--kind", choices=["milestone", "activity", "comment", "press"], help="kind for items without _clp.type"
    )
    p.add_argument("--json", action="store_true", help="problems as JSON lines")

    p = sub.add_parser("schema", parents=[common], help="print the feed JSON Schema")
    p.add_argument(
        "--kind",
        choices=["milestone", "activity", "comment", "press"],
        help="the schema of a feed configured as this kind (stricter)",
    )

    p = sub.add_parser("feed", parents=[common], help="make feeds (see: feed from-csv)")
    feed_sub = p.add_subparsers(dest="feed_command", metavar="ACTION", required=True)
    q = feed_sub.add_parser("from-csv", help="turn a spreadsheet (CSV) into a feed on stdout")
    q.add_argument("--kind", choices=["milestone", "activity", "press"], required=True)
    q.add_argument("--title", help="the feed's title")
    q.add_argument("file", type=Path, metavar="FILE.csv")

    p = sub.add_parser("demo", parents=[common], help="run the dashboard on a fictional CLP's live feeds")
    p.add_argument("--tick", type=float, default=4.0, help="seconds between changes in the demo feeds")
    p.add_argument(
        "--print", dest="print_only", action="store_true", help="sync the demo feeds once, print the result and exit"
    )

    p = sub.add_parser("serve", parents=[common], help="show the dashboard (meeting mode) in a web browser")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    p.add_argument("--port", type=int, default=8000, help="port (default %(default)s)")
    p.add_argument(
        "--i-know-this-is-public",
        dest="public",
        action="store_true",
        help="allow a non-loopback address; there is no login",
    )

    p = sub.add_parser("snapshot", parents=[common], help="render one screen from the cache to an SVG")
    p.add_argument("--screen", choices=["board", "branches", "inbox", "press"], required=True)
    p.add_argument("--size", default="140x45", help="COLUMNSxROWS (default %(default)s)")
    p.add_argument("--output", type=Path, required=True, metavar="FILE.svg")
    p.add_argument("--meeting", action="store_true", help="render as meeting mode shows it")

    p = sub.add_parser("report", parents=[common], help="write the report-back for a CLP meeting")
    p.add_argument(
        "--format", choices=["markdown", "html"], help="default: html if --output ends in .html, else markdown"
    )
    p.add_argument("--since", type=_date_arg, metavar="DATE", help="start of the period (default: 28 days earlier)")
    p.add_argument("--as-of", type=_date_arg, metavar="DATE", help="the report's date (default: today)")
    p.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")

    p = sub.add_parser("export", parents=[common], help="export the decision log or a GLU evidence pack")
    export_sub = p.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    q = export_sub.add_parser("decisions", parents=[common], help="the whole decision log as CSV or JSON")
    q.add_argument("--format", choices=["csv", "json"], default="csv", help="default: %(default)s")
    q.add_argument("--since", type=_date_arg, metavar="DATE", help="only decisions made on or after DATE (UTC)")
    q.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    q = export_sub.add_parser("escalation", parents=[common], help="a GLU evidence pack for one escalated comment")
    q.add_argument("item", metavar="ITEM", help="FEED/ID, or an ID that only one feed uses")
    q.add_argument(
        "--output",
        type=Path,
        required=True,
        metavar="DIR_OR_FILE",
        help="a folder (the file is named for you) or a file",
    )
    q.add_argument(
        "--format", choices=["markdown", "html"], help="default: html if the file ends in .html, else markdown"
    )

    p = sub.add_parser(
        "purge", parents=[common], help="blank personal data of reviewed comments older than [moderation] retain_days"
    )
    p.add_argument("--dry-run", action="store_true", help="only count what would be blanked")
    return parser


def _date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def _config(args: argparse.Namespace) -> Config:
    path = getattr(args, "config", None)
    config = load_config(path)
    for warning in config_warnings(path or default_config_path()):
        print(f"warning: {warning}", file=sys.stderr)
    return config


def _db_path(args: argparse.Namespace) -> Path:
    return getattr(args, "db", None) or default_db_path()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except ConfigError as exc:
        print(f"clp-tui: config error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `clp-tui list | head`: the reader left; stop quietly, without a second error at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except Exception as exc:  # noqa: BLE001 - the last line of defence for people
        from clp_tui.data.store import StoreError

        if isinstance(exc, StoreError):
            print(f"clp-tui: {exc}", file=sys.stderr)
            return EXIT_FAILED
        from clp_tui.crash import report_crash

        print(report_crash(exc), file=sys.stderr)
        return EXIT_FAILED


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command == "init":
        return cmd_init(args)
    if command == "schema":
        from clp_tui.data.contract import json_schema

        print(json.dumps(json_schema(args.kind), indent=2))
        return EXIT_OK
    if command == "check-feed":
        from clp_tui.commands.check import check_feed

        return check_feed(args.source, args.kind, as_json=args.json)
    if command == "feed":
        return cmd_from_csv(args)
    if command == "demo":
        from clp_tui.demo.run import run_demo

        return run_demo(tick=args.tick, print_only=args.print_only)
    if command == "serve":
        from clp_tui.commands.serve import serve

        _config(args)  # a bad config is reported here, not in every browser tab
        return serve(getattr(args, "config", None), _db_path(args), args.host, args.port, public=args.public)
    config = _config(args)
    if command == "sync":
        return cmd_sync(config, _db_path(args), as_json=args.json, force=args.force)
    if command == "list":
        from clp_tui.commands.listing import list_items

        return list_items(config, _db_path(args), LIST_KINDS[args.what], as_json=args.json)
    if command == "snapshot":
        from clp_tui.commands.snapshot import snapshot

        return snapshot(config, _db_path(args), args.screen, args.size, args.output, meeting=args.meeting)
    if command == "report":
        from clp_tui.commands.report import report_command

        return report_command(
            config, _db_path(args), fmt=args.format, since=args.since, as_of=args.as_of, output=args.output
        )
    if command == "export":
        from clp_tui.commands.export import export_decisions, export_escalation

        if args.export_command == "decisions":
            return export_decisions(config, _db_path(args), fmt=args.format, since=args.since, output=args.output)
        return export_escalation(config, _db_path(args), args.item, output=args.output, fmt=args.format)
    if command == "purge":
        from clp_tui.commands.purge import purge_command

        return purge_command(config, _db_path(args), dry_run=args.dry_run)
    from clp_tui.app import run_dashboard

    return run_dashboard(config, _db_path(args), meeting=args.meeting)


def cmd_init(args: argparse.Namespace) -> int:
    path: Path = getattr(args, "config", None) or default_config_path()
    if path.exists() and not args.force:
        print(f"clp-tui: {path} already exists; pass --force to overwrite it", file=sys.stderr)
        return EXIT_USAGE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(STARTER, encoding="utf-8")
    path.chmod(0o600)
    print(f"wrote {path}: edit the [[feeds]] entries, then run `clp-tui sync`")
    return EXIT_OK


def cmd_sync(config: Config, db_path: Path, *, as_json: bool, force: bool) -> int:
    from clp_tui.data.store import Store
    from clp_tui.data.sync import FeedReport, sync_feeds
    from clp_tui.data.text import json_line

    if not config.feeds:
        where = getattr(config, "source", "the config")
        print(f"clp-tui: no feeds configured in {where}; add [[feeds]] (see `clp-tui init`)", file=sys.stderr)
        return EXIT_USAGE
    store = Store(db_path)
    width = max(len(f.name) for f in config.feeds)

    def show(report: FeedReport) -> None:
        if as_json:
            print(json_line(report.as_json()), flush=True)
        else:
            print(format_report(report, width), flush=True)

    reports = asyncio.run(sync_feeds(store, config, force=force, on_report=show))
    return EXIT_FAILED if any(r.failed for r in reports) else EXIT_OK


def format_report(report: Any, width: int) -> str:
    from clp_tui.data.text import one_line

    c = report.counts
    name = report.feed.ljust(width)
    if report.status == "ok":
        line = (
            f"{name}  ok            +{c.added} added  ~{c.updated} updated  ={c.unchanged} unchanged"
            f"  -{c.removed} removed  !{c.skipped} skipped  ({report.seconds:.2f} s)"
        )
        for problem in report.problems[:20]:
            line += "\n    " + one_line(problem.line(report.feed))
        if len(report.problems) > 20:
            line += f"\n    … and {len(report.problems) - 20} more (clp-tui check-feed shows all)"
        return line
    if report.status == "not_modified":
        return f"{name}  not modified  (HTTP 304, {report.seconds:.2f} s)"
    if report.status == "deferred":
        return f"{name}  deferred      {one_line(report.error)}"
    return f"{name}  ERROR         {one_line(report.error)} — cached items kept"


def cmd_from_csv(args: argparse.Namespace) -> int:
    from clp_tui.data.feedcsv import CsvError, feed_from_csv

    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"clp-tui: cannot read {args.file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        feed, errors = feed_from_csv(text, args.kind, args.title or args.file.stem)
    except CsvError as exc:
        print(f"clp-tui: {args.file}: {exc} (see docs/feeds.md for the columns)", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(feed, indent=2, ensure_ascii=False))
    for error in errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    return EXIT_FAILED if errors else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
