"""`clp-tui sync`: fetch every feed once into the cache, one line (or JSON object) per feed;
then send the moderation outbox (or, with --dry-run-actions, print what it would send)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from clp_tui import exits
from clp_tui.commands.common import config_of, db_path_of
from clp_tui.config import Config


def run(args: argparse.Namespace) -> int:
    return sync_command(
        config_of(args),
        db_path_of(args),
        as_json=args.json,
        force=args.force,
        dry_run_actions=getattr(args, "dry_run_actions", False),
    )


def sync_command(config: Config, db_path: Path, *, as_json: bool, force: bool, dry_run_actions: bool = False) -> int:
    from clp_tui.data.presence import tell_heard_by_sync
    from clp_tui.data.store import Store
    from clp_tui.data.sync import FeedReport, sync_feeds
    from clp_tui.data.text import json_line

    if not config.feeds:
        where = getattr(config, "source", "the config")
        print(f"clp-tui: no feeds configured in {where}; add [[feeds]] (see `clp-tui init`)", file=sys.stderr)
        return exits.USAGE
    store = Store(db_path)
    width = max(len(f.name) for f in config.feeds)

    def show(report: FeedReport) -> None:
        print(json_line(report.as_json()) if as_json else format_report(report, width), flush=True)

    reports = asyncio.run(sync_feeds(store, config, force=force, on_report=show))
    heard_at = store.clock().timestamp()
    tell_heard_by_sync(db_path, {r.feed: heard_at for r in reports if r.status in ("ok", "not_modified")})
    actions_failed = send_outbox(store, config, as_json=as_json, dry_run=dry_run_actions)
    return exits.FAILED if any(r.failed for r in reports) or actions_failed else exits.OK


def send_outbox(store: Any, config: Config, *, as_json: bool, dry_run: bool) -> bool:
    """The outbox after the sync: sent (a line per action), or only shown. True if one failed."""
    from clp_tui.data.outbox_send import send_due, would_send
    from clp_tui.data.text import json_line

    if dry_run:
        lines = would_send(store, config)
        for line in lines:
            print(json_line({"would_send": line}) if as_json else f"would send: {line}")
        if not lines and not as_json:
            print("would send: nothing (the outbox has no pending actions)")
        return False
    sent = asyncio.run(send_due(store, config))
    for result in sent:
        print(json_line(result.as_json()) if as_json else f"outbox: {result.line()}", flush=True)
    return any(s.outcome.outcome == "failed" for s in sent)


def format_report(report: Any, width: int) -> str:
    """One feed's outcome as a line for people (problems indented under it)."""
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
