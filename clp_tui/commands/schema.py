"""`clp-tui schema`: the feed format as JSON Schema (stricter with --kind)."""

from __future__ import annotations

import argparse
import json

from clp_tui import exits


def run(args: argparse.Namespace) -> int:
    from clp_tui.data.contract import json_schema

    print(json.dumps(json_schema(args.kind), indent=2))
    return exits.OK
