"""`clp-tui` with no command: the dashboard (and `clp-tui demo`, the dashboard on a
fictional CLP's live feeds)."""

from __future__ import annotations

import argparse
import sys

from clp_tui import exits
from clp_tui.commands.common import config_of, db_path_of


def run(args: argparse.Namespace) -> int:
    from clp_tui import terminal_env

    if getattr(args, "as_officer", None) and not sys.stdin.isatty():
        print("clp-tui: the dashboard needs a terminal: log in with `ssh -t HOST`", file=sys.stderr)
        return exits.USAGE

    terminal_env.prepare()  # before Textual is imported: it reads these once
    from clp_tui.app import ClpApp

    config, db_path = config_of(args), db_path_of(args)
    locked = getattr(args, "locked_meeting", False)  # a `clp-tui serve` session
    app = ClpApp(
        config,
        db_path,
        meeting=args.meeting or locked,
        locked_meeting=locked,
        officer_id=getattr(args, "officer_id", None),
    )
    terminal_env.save_screenshots_where_possible(app, db_path)
    app.run(mouse=not getattr(args, "no_mouse", False))
    return app.return_code or 0  # 1 after a crash (Textual sets it), so scripts can tell


def run_demo(args: argparse.Namespace) -> int:
    from clp_tui.demo.run import run_demo

    return run_demo(tick=args.tick, print_only=args.print_only)
