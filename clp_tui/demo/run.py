"""`clp-tui demo`: a fictional CLP served live over loopback HTTP, and the dashboard on it.

The whole real path runs: the demo world is served with ETags by a local HTTP
server, changes every few seconds, and the dashboard syncs it into a throwaway
database like any other feed. Beside the JSON Feeds, the events officer's
spreadsheet is served as CSV and read by the `csv` source, and the CLP's Facebook
Page answers as the Graph API does, read by the `facebook` source, with
`apply_decisions = true`: a hide in the inbox is sent to the Page and read back.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from clp_tui.clock import system_clock
from clp_tui.config import parse_config
from clp_tui.demo.graph import API_VERSION, PAGE_ID, DemoGraph
from clp_tui.demo.server import FeedServer
from clp_tui.demo.sheet import DemoSheet
from clp_tui.demo.world import FEEDS, DemoWorld

REFRESH = {"plan": 10, "activity": 10, "comments": 5, "press": 10}
SHEET = "events-sheet"  # the events officer's spreadsheet, read by the csv source
PAGE = "page"  # the CLP's Facebook Page, Graph-shaped, read by the facebook source
PAGE_TOKEN_ENV = "CLP_TUI_DEMO_PAGE_TOKEN"  # the demo Page takes any token; a real one never does


def demo_config(server: FeedServer) -> str:
    lines = [
        "[officer]",
        'name = "Demo Officer"',
        'role = "Communications & Social Media Officer"',
        "[moderation]",
        'watch_words = ["locked up", "traitor", "address"]',
    ]
    for name, kind in FEEDS:
        lines += [
            "[[feeds]]",
            f'name = "{name}"',
            f'url = "{server.url(name)}"',
            f'kind = "{kind}"',
            f"refresh = {REFRESH[name]}",
        ]
    lines += [
        "[[feeds]]",
        f'name = "{SHEET}"',
        f'url = "{server.url(SHEET).removesuffix(".json")}"',
        'kind = "milestone"',
        'source = "csv"',
        "refresh = 10",
        "[[feeds]]",
        f'name = "{PAGE}"',
        f'url = "http://{server.host}:{server.port}/{API_VERSION}/{PAGE_ID}/posts"',
        'kind = "comment"',
        'source = "facebook"',
        f'token_env = "{PAGE_TOKEN_ENV}"',
        "apply_decisions = true",  # a hide in the inbox reaches the (loopback) Page
        "refresh = 5",
    ]
    return "\n".join(lines) + "\n"


def provider(world: DemoWorld, sheet: DemoSheet, graph: DemoGraph) -> Callable[[str], bytes | None]:
    """What the demo server answers for each name: the feeds, the sheet, the Graph-shaped Page."""

    def provide(name: str) -> bytes | None:
        if name == SHEET:
            return sheet.csv_bytes()
        if "/" in name:
            return graph.answer(name)
        doc = world.feed(name)
        if name == "comments":  # the Page's comments come through the facebook source instead
            doc["items"] = [i for i in doc["items"] if i.get("_clp", {}).get("platform") != "facebook"]
        return json.dumps(doc).encode()

    return provide


def run_demo(*, tick: float = 4.0, print_only: bool = False) -> int:
    world = DemoWorld(system_clock().date())
    sheet = DemoSheet(system_clock().date())

    graph = DemoGraph(world)
    os.environ.setdefault(PAGE_TOKEN_ENV, "demo-page-token")
    provide = provider(world, sheet, graph)
    with (
        tempfile.TemporaryDirectory(prefix="clp-tui-demo-") as folder,
        FeedServer(provide, poster=graph.moderate) as server,
    ):
        config_path = Path(folder) / "config.toml"
        config_path.write_text(demo_config(server), encoding="utf-8")
        config = parse_config(config_path.read_text(encoding="utf-8"), str(config_path))
        db_path = Path(folder) / "demo.db"
        if print_only:
            return _print_once(config, db_path)
        stop = threading.Event()

        def ticker() -> None:
            while not stop.wait(tick):
                world.tick()
                sheet.tick()

        thread = threading.Thread(target=ticker, name="demo-ticker", daemon=True)
        thread.start()
        try:
            from clp_tui.app import ClpApp

            ClpApp(config, db_path).run()
        finally:
            stop.set()
    return 0


def _print_once(config, db_path: Path) -> int:  # type: ignore[no-untyped-def]
    from clp_tui.commands.sync import format_report
    from clp_tui.data.store import Store
    from clp_tui.data.sync import sync_feeds

    store = Store(db_path)
    reports = asyncio.run(sync_feeds(store, config))
    width = max(len(r.feed) for r in reports)
    for report in reports:
        print(format_report(report, width))
    return 1 if any(r.failed for r in reports) else 0
