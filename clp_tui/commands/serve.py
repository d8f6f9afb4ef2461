"""`clp-tui serve`: the dashboard in meeting mode in a web browser, via textual-serve.

For a meeting laptop with a browser but no terminal. textual-serve has no login,
so it binds to loopback unless told, explicitly, that a public address is meant.
Reach it from elsewhere through an SSH tunnel (docs/meetings.md). Each session is
a dashboard in locked meeting mode (meeting.py); serve_gate.py refuses a foreign
page's websocket and sessions past `--max-sessions`.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys
from pathlib import Path

from clp_tui import exits

PUBLIC_FLAG = "--i-know-this-is-public"


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(config_path: Path | None, db_path: Path, host: str, port: int, *, public: bool, max_sessions: int = 3) -> int:
    if not is_loopback(host) and not public:
        print(
            f"clp-tui: refusing to serve on {host}: anyone who can reach it would see the dashboard "
            f"(textual-serve has no login). Use 127.0.0.1 and an SSH tunnel, or pass {PUBLIC_FLAG}.",
            file=sys.stderr,
        )
        return exits.USAGE
    try:
        from clp_tui.commands.serve_gate import GuardedServer
    except ImportError:
        print("clp-tui: serving needs textual-serve: pip install textual-serve", file=sys.stderr)
        return exits.FAILED
    command = [sys.executable, "-m", "clp_tui.cli", "--locked-meeting", "--db", str(db_path)]
    if config_path is not None:
        command += ["--config", str(config_path)]
    print(
        f"Serving the dashboard in meeting mode at http://{host}:{port}/, at most {max_sessions} browser "
        "tab(s) at once (ctrl+c stops it)",
        flush=True,
    )
    title = "clp-tui (meeting mode)"
    GuardedServer(shlex.join(command), host=host, port=port, title=title, max_sessions=max_sessions).serve()
    return exits.OK


def run(args: argparse.Namespace) -> int:
    from clp_tui.commands.common import config_of, db_path_of

    config_of(args)  # a bad config is reported here, not in every browser tab
    return serve(
        getattr(args, "config", None),
        db_path_of(args),
        args.host,
        args.port,
        public=args.public,
        max_sessions=args.max_sessions,
    )
