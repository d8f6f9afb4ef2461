"""The `clp-tui` command line: the arguments, and which module in
`clp_tui/commands/` carries out each command (its `run(args)`). Commands import
only what they need, so `sync`, `list` and `check-feed` start without loading
Textual. Exit codes are in `clp_tui/exits.py`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from importlib import import_module
from pathlib import Path

from clp_tui import collector, exits
from clp_tui.commands.common import IdentityError
from clp_tui.commands.list_kinds import LIST_KINDS
from clp_tui.config import ConfigError, default_config_path, default_db_path
from clp_tui.data.sources import SOURCES
from clp_tui.data.text import clean
from clp_tui.registry import SCREEN_NAMES

# Each command, and the module of clp_tui/commands/ whose `run(args)` carries it out.
COMMANDS = {
    "init": "init",
    "sync": "sync",
    "list": "listing",
    "check-feed": "check",
    "schema": "schema",
    "feed": "feed_csv",
    "demo": "dashboard:run_demo",
    "serve": "serve",
    "snapshot": "snapshot",
    "report": "report",
    "export": "export",
    "purge": "purge",
    "decide": "decide",
    "outbox": "outbox",
    "officers": "officers",
    None: "dashboard",
}
# Commands that start the dashboard's App, which turns the collector back on once
# its first screen is painted (clp_tui/collector.py); the rest get it back at once.
_UI_COMMANDS = {None, "demo", "snapshot"}


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
    common.add_argument(
        "--as",
        dest="as_officer",
        metavar="OFFICER_ID",
        help="act as this registered officer (set by `officers add` in a key's forced command)",
        default=argparse.SUPPRESS,
    )
    parser = argparse.ArgumentParser(
        prog="clp-tui",
        description="A terminal dashboard for CLP officers, fed by shared JSON feeds.",
        epilog=f"Run with no command to open the dashboard. Exit codes: {exits.OK} ok, {exits.FAILED} a feed "
        f"or item failed (the cache is kept), {exits.USAGE} bad usage or config.",
        parents=[common],
    )
    parser.add_argument(
        "--meeting", action="store_true", help="open in meeting mode: high contrast, read-only, no names or comments"
    )
    # What `clp-tui serve` starts for each browser session: meeting mode that cannot be left.
    parser.add_argument("--locked-meeting", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-mouse", dest="no_mouse", action="store_true", help="leave the mouse to the terminal (to select text)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", parents=[common], help="write a commented starter config")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")

    p = sub.add_parser("sync", parents=[common], help="fetch every feed once into the cache")
    p.add_argument("--json", action="store_true", help="one JSON object per feed per line")
    p.add_argument("--force", action="store_true", help="ignore a server's request to wait")
    p.add_argument(
        "--dry-run-actions",
        dest="dry_run_actions",
        action="store_true",
        help="print the moderation actions the outbox would send to platforms; send none",
    )

    p = sub.add_parser("list", parents=[common], help="print cached items with local decisions applied")
    p.add_argument("what", choices=sorted(LIST_KINDS))
    p.add_argument("--json", action="store_true", help="one JSON object per item per line")

    p = sub.add_parser("check-feed", parents=[common], help="validate a feed against the contract")
    p.add_argument("source", metavar="URL_OR_FILE")
    p.add_argument(
        "--kind", choices=["milestone", "activity", "comment", "press"], help="kind for items without _clp.type"
    )
    p.add_argument("--json", action="store_true", help="problems as JSON lines")
    p.add_argument(
        "--source",
        dest="via",
        default="jsonfeed",
        choices=tuple(SOURCES),
        help="read it as this source does: a platform's API, a CSV sheet (default: %(default)s)",
    )
    p.add_argument("--token-env", metavar="VAR", help="the environment variable holding the token")
    p.add_argument("--key-env", metavar="VAR", help="YouTube: the environment variable holding an API key")

    p = sub.add_parser("schema", parents=[common], help="print the feed JSON Schema")
    p.add_argument(
        "--kind",
        choices=["milestone", "activity", "comment", "press"],
        help="the schema of a feed configured as this kind (stricter)",
    )

    p = sub.add_parser("feed", parents=[common], help="make feeds (see: feed from-csv)")
    feed_sub = p.add_subparsers(dest="feed_command", metavar="ACTION", required=True)
    q = feed_sub.add_parser("from-csv", help="turn a spreadsheet (CSV) into a feed on stdout")
    q.add_argument("--kind", choices=["milestone", "activity", "press", "comment"], required=True)
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
    p.add_argument(
        "--max-sessions",
        type=_sessions_arg,
        default=3,
        metavar="N",
        help="browser tabs served at once; each runs its own dashboard (default %(default)s)",
    )

    p = sub.add_parser("snapshot", parents=[common], help="render one screen from the cache to an SVG")
    p.add_argument("--screen", choices=SCREEN_NAMES, required=True)
    p.add_argument("--size", default="140x45", help="COLUMNSxROWS (default %(default)s)")
    p.add_argument("--output", type=Path, required=True, metavar="FILE.svg")
    p.add_argument("--meeting", action="store_true", help="render as meeting mode shows it")
    p.add_argument("--force", action="store_true", help="replace FILE if it already exists")

    p = sub.add_parser("report", parents=[common], help="write the report-back for a CLP meeting")
    p.add_argument(
        "--format", choices=["markdown", "html"], help="default: html if --output ends in .html, else markdown"
    )
    p.add_argument("--since", type=_date_arg, metavar="DATE", help="start of the period (default: 28 days earlier)")
    p.add_argument("--as-of", type=_date_arg, metavar="DATE", help="the report's date (default: today)")
    p.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--force", action="store_true", help="replace FILE if it already exists")

    p = sub.add_parser("export", parents=[common], help="export the decision log or a GLU evidence pack")
    export_sub = p.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    q = export_sub.add_parser("decisions", parents=[common], help="the whole decision log as CSV or JSON")
    q.add_argument("--format", choices=["csv", "json"], default="csv", help="default: %(default)s")
    q.add_argument("--since", type=_date_arg, metavar="DATE", help="only decisions made on or after DATE (UTC)")
    q.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    q.add_argument("--force", action="store_true", help="replace FILE if it already exists")
    q = export_sub.add_parser("escalation", parents=[common], help="a GLU evidence pack for one escalated comment")
    q.add_argument("item", metavar="ITEM", help="FEED/ID, or an ID that only one feed uses")
    q.add_argument(
        "--output",
        required=True,  # a str: Path() would drop the trailing slash that says "a folder"
        metavar="DIR_OR_FILE",
        help="a folder (the file is named for you) or a file",
    )
    q.add_argument(
        "--format", choices=["markdown", "html"], help="default: html if the file ends in .html, else markdown"
    )
    q.add_argument("--force", action="store_true", help="replace FILE if it already exists")

    p = sub.add_parser(
        "purge", parents=[common], help="blank personal data of reviewed comments older than [moderation] retain_days"
    )
    p.add_argument("--dry-run", action="store_true", help="only count what would be blanked")

    p = sub.add_parser(
        "decide", parents=[common], help="record a moderation decision, as the inbox's key does (and send it)"
    )
    p.add_argument("item", metavar="FEED/ID", help="the comment: FEED/ID, or an ID that only one feed uses")
    p.add_argument("decision", choices=["approve", "hide", "escalate", "needs_reply", "undo"])
    p.add_argument("--reason", help="why (required for escalate; an escalation's report carries it)")

    p = sub.add_parser("outbox", parents=[common], help="platform actions pending or failed (retry: send again)")
    p.add_argument("outbox_command", nargs="?", choices=["retry"], metavar="retry", help="retry the failed actions")
    p.add_argument("--json", action="store_true", help="one JSON object per action per line")
    p = sub.add_parser("officers", parents=[common], help="the officers of a shared server, one per SSH key")
    officers_sub = p.add_subparsers(dest="officers_command", metavar="ACTION", required=True)
    q = officers_sub.add_parser("add", parents=[common], help="register an officer and let their key log in as them")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--key", required=True, metavar="PUBKEY_FILE", help="their public key (a .pub file)")
    q.add_argument("--role", help="e.g. 'Communications Officer'")
    q.add_argument("--authorized-keys", metavar="PATH", help="default: ~/.ssh/authorized_keys")
    q = officers_sub.add_parser("list", parents=[common], help="every registered officer")
    q.add_argument("--json", action="store_true", help="one JSON object per officer per line")
    q = officers_sub.add_parser("remove", parents=[common], help="unregister an officer and take out their key")
    q.add_argument("name", metavar="NAME_OR_ID")
    q.add_argument("--authorized-keys", metavar="PATH", help="default: ~/.ssh/authorized_keys")
    return parser


def _sessions_arg(text: str) -> int:
    if text.isascii() and text.isdigit() and 1 <= int(text) <= 64:
        return int(text)
    raise argparse.ArgumentTypeError(f"{clean(text)!r} is not a number of sessions from 1 to 64")


def _date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def main(argv: list[str] | None = None) -> int:
    collector.pause_during_startup()
    try:
        args = _parser().parse_args(argv)
        if getattr(args, "as_officer", None) and args.command is None and "SSH_ORIGINAL_COMMAND" in os.environ:
            args = _over_ssh(args, os.environ.pop("SSH_ORIGINAL_COMMAND"))
            if args is None:
                return exits.USAGE
        if args.command not in _UI_COMMANDS:
            collector.resume_after_startup()
        return _dispatch(args)
    except ConfigError as exc:
        print(f"clp-tui: config error: {clean(str(exc))}", file=sys.stderr)
        return exits.USAGE
    except IdentityError as exc:
        print(f"clp-tui: {clean(str(exc))}", file=sys.stderr)
        return exits.USAGE
    except KeyboardInterrupt:
        return exits.INTERRUPTED
    except BrokenPipeError:
        # `clp-tui list | head`: the reader left; stop quietly, without a second error at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return exits.FAILED
    except Exception as exc:  # noqa: BLE001 - the last line of defence for people
        from clp_tui.data.store import StoreError

        if isinstance(exc, StoreError):
            print(f"clp-tui: {clean(str(exc))}", file=sys.stderr)
            return exits.FAILED
        from clp_tui.crash import report_crash

        print(report_crash(exc), file=sys.stderr)
        return exits.FAILED
    finally:
        collector.resume_after_startup()


def _over_ssh(args: argparse.Namespace, original: str) -> argparse.Namespace | None:
    """Under a key's forced command: the command the officer typed, if it is allowed."""
    from clp_tui.commands.forced import SUMMARY, allowed_argv
    from clp_tui.data.text import one_line

    words = allowed_argv(original)
    if words is None:
        print(
            f"clp-tui: {one_line(original, 60)!r} is not allowed over SSH; allowed: {SUMMARY} (see docs/ssh.md)",
            file=sys.stderr,
        )
        return None
    if not words:
        return args
    files = [x for name in ("config", "db") if (v := getattr(args, name, None)) for x in (f"--{name}", str(v))]
    return _parser().parse_args([*words, "--as", args.as_officer, *files])


def _dispatch(args: argparse.Namespace) -> int:
    module, _, function = COMMANDS[args.command].partition(":")
    return getattr(import_module(f"clp_tui.commands.{module}"), function or "run")(args)


if __name__ == "__main__":
    sys.exit(main())
