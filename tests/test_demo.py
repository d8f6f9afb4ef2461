"""`clp-tui demo`: the fictional CLP's feeds, its spreadsheet and (once a platform
source is there) its Page's comments, served on loopback and synced for real."""

from __future__ import annotations

import csv
import io

from frozen import TODAY

from clp_tui.demo.sheet import DemoSheet


def test_the_demo_syncs_every_feed_and_the_sheet(cli) -> None:
    result = cli("demo", "--print", files=False, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert set(lines) >= {"plan", "activity", "comments", "press", "events-sheet", "page"}
    assert all(" ok " in line for line in lines.values()), result.stdout
    assert "+3 added" in lines["events-sheet"]
    # The Page's comments come through the facebook source, and only through it.
    page = int(lines["page"].split("+")[1].split()[0])
    assert page > 0 and int(lines["comments"].split("+")[1].split()[0]) > 0


def test_the_demo_page_answers_as_the_graph_api_does() -> None:
    import json
    import re

    from clp_tui.demo.graph import API_VERSION, PAGE_ID, DemoGraph
    from clp_tui.demo.world import DemoWorld

    graph = DemoGraph(DemoWorld(TODAY))
    posts = json.loads(graph.answer(f"{API_VERSION}/{PAGE_ID}/posts"))["data"]
    assert posts and all(p["id"].startswith(f"{PAGE_ID}_") for p in posts)
    comments = json.loads(graph.answer(f"{API_VERSION}/{posts[0]['id']}/comments"))["data"]
    assert comments and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000", c["created_time"]) for c in comments)
    assert graph.answer("v21.0/someone-else/posts") is None


def test_an_edit_to_the_sheet_changes_a_cell() -> None:
    sheet = DemoSheet(TODAY)

    def achieved() -> dict[str, str]:
        return {row["id"]: row["achieved"] for row in csv.DictReader(io.StringIO(sheet.csv_bytes().decode()))}

    before = achieved()
    for _ in range(3):
        sheet.tick()
    after = achieved()
    assert int(after["sheet-stalls"]) == int(before["sheet-stalls"]) + 1
    assert after["sheet-hustings"] == before["sheet-hustings"] == ""


def test_a_hide_in_the_demo_reaches_its_page_and_is_read_back(tmp_path, monkeypatch) -> None:
    """The demo's Page applies decisions: the outbox's POST is_hidden=true reaches it
    once, and the next sync reads the comment back as hidden."""
    import asyncio

    from frozen import CLOCK

    from clp_tui.config import parse_config
    from clp_tui.data.decision_log import decide
    from clp_tui.data.outbox import Plan
    from clp_tui.data.outbox_send import send_due
    from clp_tui.data.store import Store
    from clp_tui.data.sync import sync_feeds
    from clp_tui.demo.graph import DemoGraph
    from clp_tui.demo.run import PAGE, PAGE_TOKEN_ENV, demo_config, provider
    from clp_tui.demo.server import FeedServer
    from clp_tui.demo.world import DemoWorld

    monkeypatch.setenv(PAGE_TOKEN_ENV, "demo-page-token")
    world = DemoWorld(TODAY)
    graph = DemoGraph(world)
    with FeedServer(provider(world, DemoSheet(TODAY), graph), poster=graph.moderate) as server:
        config = parse_config(demo_config(server))
        assert config.feed(PAGE).apply_decisions
        store = Store(tmp_path / "demo.db", clock=CLOCK)
        asyncio.run(sync_feeds(store, config, only=[PAGE]))
        [(item_id,)] = store.query(
            "SELECT id FROM items WHERE feed = ? AND state = 'visible' ORDER BY id LIMIT 1", (PAGE,)
        )
        decide(store, [(PAGE, item_id)], "moderation", "hidden", officer="Demo Officer", plan=Plan.of(config))
        [sent] = asyncio.run(send_due(store, config))
        assert sent.outcome.outcome == "applied"
        assert graph.moderated == [(item_id, True)]
        asyncio.run(sync_feeds(store, config, only=[PAGE], force=True))
        assert store.query("SELECT state FROM items WHERE feed = ? AND id = ?", (PAGE, item_id))[0][0] == "hidden"
        store.close()
