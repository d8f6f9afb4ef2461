"""The outbox when things go wrong between the decision and the platform: a real
`clp-tui decide` killed with SIGKILL while its request is in flight, and several
processes deciding and sending at once. No action is lost; none is applied twice."""

from __future__ import annotations

import asyncio

import pytest
from feedserver import config_toml
from frozen import CLOCK
from platforms.graph import FB_TOKEN, GraphServer
from test_outbox_graph import ENV, VISIBLE, page_feed, posts, ready

from clp_tui.config import parse_config
from clp_tui.data.decision_log import decide
from clp_tui.data.outbox import Plan
from clp_tui.data.store import Store


@pytest.fixture
def graph():
    with GraphServer() as server:
        yield server


def test_killed_before_the_platform_got_it_the_next_sync_applies_it_once(cli, graph, sql) -> None:
    ready(cli, graph)
    graph.stall("POST", f"/v21.0/{VISIBLE}")
    proc = cli.popen("decide", f"page/{VISIBLE}", "hide", env=ENV)
    try:
        assert graph.stalled.wait(30), "the decide process never sent its request"
    finally:
        proc.kill()
        proc.wait(30)
    graph.release(drop=True)  # the request dies with the process: Facebook never saw it
    assert sql(cli.db, "SELECT value FROM decision_state WHERE item_id = ?", (VISIBLE,)) == [('"hidden"',)]
    assert sql(cli.db, "SELECT action, state FROM outbox") == [("hide", "sending")]
    result = cli("sync", env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "outbox: hide page/5002_7003: applied" in result.stdout
    # It looked first (the last try may have landed), then sent the one hide.
    assert [r.query.get("fields") for r in graph.log("GET", f"/v21.0/{VISIBLE}")] == ["id,is_hidden"]
    [request] = posts(graph)
    assert request.form == {"is_hidden": "true"} and request.bearer == FB_TOKEN
    assert graph.world.comments[VISIBLE].hidden is True
    assert sql(cli.db, "SELECT state FROM outbox") == [("applied",)]


def test_killed_after_the_platform_applied_it_nothing_is_sent_again(cli, graph, sql) -> None:
    ready(cli, graph)
    graph.stall("POST", f"/v21.0/{VISIBLE}", after=True)  # applied, but the answer never comes
    proc = cli.popen("decide", f"page/{VISIBLE}", "hide", env=ENV)
    try:
        assert graph.stalled.wait(30)
    finally:
        proc.kill()
        proc.wait(30)
    graph.release()
    assert graph.world.comments[VISIBLE].hidden is True
    result = cli("sync", env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hide page/5002_7003: applied (Facebook already showed it hidden; nothing sent)" in result.stdout
    assert len(posts(graph)) == 1  # the one from the killed process
    assert sql(cli.db, "SELECT state FROM outbox") == [("applied",)]


def test_two_processes_deciding_the_same_comment_send_one_action(cli, graph, sql) -> None:
    ready(cli, graph)
    graph.stall("POST", f"/v21.0/{VISIBLE}", after=True)  # the first sender waits for its answer
    first = cli.popen("decide", f"page/{VISIBLE}", "hide", env=ENV)
    assert graph.stalled.wait(30)
    second = cli("decide", f"page/{VISIBLE}", "hide", env=ENV)  # while the first is still sending
    assert second.returncode == 0, second.stderr
    graph.release()
    assert first.wait(30) == 0
    assert sql(cli.db, "SELECT count(*) FROM decisions WHERE item_id = ?", (VISIBLE,)) == [(2,)]
    assert len(posts(graph)) == 1
    assert sql(cli.db, "SELECT action, state FROM outbox") == [("hide", "applied")]


def test_two_syncs_at_once_send_each_action_once(cli, graph, sql) -> None:
    ready(cli, graph)
    config = parse_config(config_toml([page_feed(graph)]))
    store = Store(cli.db, clock=CLOCK)
    targets = ["5002_7001", "5002_7003", "5002_7005", "5003_7101", "5003_7102"]
    decide(store, [("page", t) for t in targets], "moderation", "hidden", officer="Sam", plan=Plan.of(config))
    store.close()
    runs = [cli.popen("sync", env=ENV) for _ in range(3)]
    for run in runs:
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, out + err
    assert sorted(r.path.rsplit("/", 1)[1] for r in posts(graph)) == sorted(targets)
    assert all(graph.world.comments[t].hidden for t in targets)
    assert sql(cli.db, "SELECT DISTINCT state FROM outbox") == [("applied",)]


def test_in_process_senders_racing_claim_each_action_once(cli, graph, sql, monkeypatch) -> None:
    """The same, in one process: four senders on four connections, at once."""
    from clp_tui.data.outbox_send import send_due

    ready(cli, graph)
    config = parse_config(config_toml([page_feed(graph)]))
    store = Store(cli.db, clock=CLOCK)
    targets = ["5002_7001", "5002_7003", "5002_7005"]
    decide(store, [("page", t) for t in targets], "moderation", "hidden", officer="Sam", plan=Plan.of(config))

    for name, value in ENV.items():
        monkeypatch.setenv(name, value)

    async def race() -> list:
        stores = [Store(cli.db, clock=CLOCK) for _ in range(4)]
        return await asyncio.gather(*(asyncio.to_thread(asyncio.run, send_due(s, config)) for s in stores))

    results = asyncio.run(race())
    assert sorted(s.action.item_id for batch in results for s in batch) == sorted(targets)
    assert len(posts(graph)) == 3
