"""`clp-tui outbox [--json]`: the platform actions not yet applied (pending, and failed
with the platform's reason); `clp-tui outbox retry`: the failed ones queued again and
sent now."""

from __future__ import annotations

import argparse
import asyncio

from clp_tui import exits
from clp_tui.commands.common import cache_missing, config_of, db_path_of


def run(args: argparse.Namespace) -> int:
    from clp_tui.data.outbox import listing, retry_failed
    from clp_tui.data.outbox_words import WORDS
    from clp_tui.data.store import Store
    from clp_tui.data.text import json_line, one_line

    config = config_of(args)
    db_path = db_path_of(args)
    if cache_missing(db_path):
        return exits.FAILED
    store = Store(db_path)
    if args.outbox_command == "retry":
        from clp_tui.data.outbox_send import send_due

        count = retry_failed(store)
        print(f"{count} failed action{'s' if count != 1 else ''} queued again")
        sent = asyncio.run(send_due(store, config))
        for result in sent:
            print(result.line())
        return exits.FAILED if any(s.outcome.outcome == "failed" for s in sent) else exits.OK
    actions = listing(store)
    for a in actions:
        if args.json:
            print(
                json_line(
                    {
                        "action": a.action,
                        "feed": a.feed,
                        "id": a.item_id,
                        "state": a.state,
                        "attempts": a.attempts,
                        "next_at": a.next_at if a.state == "pending" else None,
                        "reason": a.reason,
                    }
                )
            )
            continue
        line = f"{a.state:<8} {WORDS.get(a.action, a.action)} {a.feed}/{a.item_id}"
        if a.state == "pending" and a.attempts:
            line += f"  (tried {a.attempts}x, next try {a.next_at})"
        if a.reason:
            line += f"  {a.reason}"
        print(one_line(line, 400))
    if not actions and not args.json:
        print("the outbox is empty: every decision that reaches a platform has been applied")
    return exits.OK
