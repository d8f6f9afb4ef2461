"""`clp-tui decide FEED/ID approve|hide|escalate|needs_reply|undo [--reason TEXT]`:
a moderation decision from a script, recorded exactly as the inbox's key records it
(the same log, the same outbox), then sent to the platform at once when the feed
applies decisions (what could not be sent stays in the outbox for the next sync)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from clp_tui import exits
from clp_tui.commands.common import cache_missing, config_of, db_path_of

VALUES = {"approve": "approved", "hide": "hidden", "escalate": "escalated", "needs_reply": "needs_reply"}
CHOICES = (*VALUES, "undo")


def run(args: argparse.Namespace) -> int:
    from clp_tui.data.decision_log import decide, undo
    from clp_tui.data.evidence import PackError, find_comment
    from clp_tui.data.outbox import Plan
    from clp_tui.data.outbox_send import send_due
    from clp_tui.data.store import Store
    from clp_tui.data.text import one_line

    config = config_of(args)
    db_path = db_path_of(args)
    if cache_missing(db_path):
        return exits.FAILED
    store = Store(db_path)
    try:
        feed, item_id = find_comment(store, args.item)
    except PackError as exc:
        print(f"clp-tui: {exc}", file=sys.stderr)
        return exits.FAILED
    officer = config.officer.name or "officer"
    label = f"{feed}/{one_line(item_id, 60)}"
    if args.decision == "undo":
        latest = store.query(
            """SELECT seq FROM decisions d WHERE feed = ? AND item_id = ? AND field = 'moderation'
                 AND undoes IS NULL AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.seq)
               ORDER BY seq DESC LIMIT 1""",
            (feed, item_id),
        )
        if not latest:
            print(f"clp-tui: {label} has no moderation decision to undo", file=sys.stderr)
            return exits.FAILED
        undo(store, [latest[0][0]], officer=officer)
        print(f"undid the last decision on {label}")
    else:
        if args.decision == "escalate" and not (args.reason or "").strip():
            print("clp-tui: an escalation needs --reason (what the GLU should know)", file=sys.stderr)
            return exits.USAGE
        decide(
            store,
            [(feed, item_id)],
            "moderation",
            VALUES[args.decision],
            officer=officer,
            reason=args.reason,
            plan=Plan.of(config),
        )
        print(f"recorded: {args.decision} {label}")
    sent = asyncio.run(send_due(store, config, feeds={feed}))
    for result in sent:
        print(result.line())
    return exits.FAILED if any(s.outcome.outcome == "failed" for s in sent) else exits.OK
