"""`clp-tui snapshot`: render one screen from the cache to an SVG and exit.

For newsletters, the members' WhatsApp channel and the benchmarks. No feed is
fetched: the picture is of the cache as it stands.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path

from clp_tui import exits
from clp_tui.commands.common import cache_missing, config_of, db_path_of, write_document
from clp_tui.config import Config


def parse_size(size: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{2,3})x(\d{2,3})", size.strip().lower())
    if not match:
        return None
    columns, rows = int(match.group(1)), int(match.group(2))
    if not (40 <= columns <= 400 and 10 <= rows <= 200):
        return None
    return columns, rows


async def render_svg(
    config: Config, db_path: Path, screen: str, size: tuple[int, int], *, meeting: bool = False
) -> str:
    from clp_tui.app import ClpApp

    app = ClpApp(config, db_path, meeting=meeting, live=False, mode=screen)
    async with app.run_test(headless=True, size=size) as pilot:
        await pilot.pause()
        return app.export_screenshot(title=f"clp-tui {screen}")


def snapshot(
    config: Config, db_path: Path, screen: str, size: str, output: Path, *, meeting: bool = False, replace: bool = False
) -> int:
    dimensions = parse_size(size)
    if dimensions is None:
        print(f"clp-tui: --size {size!r} should look like 140x45 (columns 40-400, rows 10-200)", file=sys.stderr)
        return exits.USAGE
    if cache_missing(db_path):
        return exits.FAILED
    svg = asyncio.run(render_svg(config, db_path, screen, dimensions, meeting=meeting))
    if not write_document(svg, output, replace=replace):  # exclusive, never through a symlink
        return exits.FAILED
    print(f"wrote {output}")
    return exits.OK


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    return snapshot(
        config, db_path_of(args), args.screen, args.size, args.output, meeting=args.meeting, replace=args.force
    )
