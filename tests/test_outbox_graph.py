"""The moderation outbox against the loopback Graph API (tests/platforms/graph.py):
`clp-tui decide` and `clp-tui sync` as officers run them, real SQLite, real HTTP.

One request per decision, with the right method, path, parameter and token; undo
sends the reverse once (or nothing, when the action never left); a 500 or a rate
limit leaves the action pending and a later run applies it once; an expired token
fails it with the platform's reason and a hint; nothing is sent for a feed that
does not apply decisions; `--dry-run-actions` sends nothing.
"""

from __future__ import annotations

import json

import pytest
from platforms.graph import EXPIRED_TOKEN, FB_TOKEN, IG_TOKEN, IG_USER, PAGE_ID, RATE_LIMITS, GraphServer, graph_error

ENV = {"FB_PAGE_TOKEN": FB_TOKEN, "IG_TOKEN": IG_TOKEN}
LATER = {"CLP_TUI_NOW": "2026-11-23T13:00:00Z"}  # past any backoff of the suite's noon
VISIBLE = "5002_7003"  # "Which streets are you covering?"


@pytest.fixture
def graph():
    with GraphServer() as server:
        yield server


def page_feed(graph: GraphServer, **extra) -> dict:
    return {
        "name": "page",
        "kind": "comment",
        "source": "facebook",
        "url": graph.url(f"/v21.0/{PAGE_ID}/posts"),
        "token_env": "FB_PAGE_TOKEN",
        "apply_decisions": True,
        **extra,
    }


def ig_feed(graph: GraphServer) -> dict:
    return {
        "name": "insta",
        "kind": "comment",
        "source": "instagram",
        "url": graph.url(f"/v21.0/{IG_USER}/media"),
        "token_env": "IG_TOKEN",
        "apply_decisions": True,
    }


def ready(cli, graph: GraphServer, *feeds: dict) -> None:
    cli.write_config(list(feeds) or [page_feed(graph)])
    result = cli("sync", env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def posts(graph: GraphServer) -> list:
    return graph.log("POST")


def outbox(cli, env: dict | None = None) -> list[dict]:
    result = cli("outbox", "--json", env=env or ENV)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def states(sql, db) -> list[tuple]:
    return sql(db, "SELECT action, state FROM outbox ORDER BY id")


def test_a_hide_sends_exactly_one_graph_request_with_the_token(cli, graph, sql) -> None:
    ready(cli, graph)
    result = cli("decide", f"page/{VISIBLE}", "hide", env=ENV)
    assert result.returncode == 0, result.stderr
    assert "recorded: hide page/5002_7003" in result.stdout and "hide page/5002_7003: applied" in result.stdout
    [request] = posts(graph)
    assert request.path == f"/v21.0/{VISIBLE}" and request.form == {"is_hidden": "true"}
    assert request.bearer == FB_TOKEN and "access_token" not in request.raw_query
    assert graph.world.comments[VISIBLE].hidden is True
    assert states(sql, cli.db) == [("hide", "applied")]
    assert outbox(cli) == []
    # A later sync finds nothing left to send.
    assert cli("sync", env=ENV).returncode == 0
    assert len(posts(graph)) == 1


def test_instagram_hides_with_its_own_parameter(cli, graph) -> None:
    ready(cli, graph, ig_feed(graph))
    assert cli("decide", "insta/17900000000000201", "hide", env=ENV).returncode == 0
    [request] = posts(graph)
    assert request.path == "/v21.0/17900000000000201" and request.form == {"hide": "true"}
    assert request.bearer == IG_TOKEN
    assert graph.world.comments["17900000000000201"].hidden is True


def test_undo_sends_the_reverse_once(cli, graph, sql) -> None:
    ready(cli, graph)
    assert cli("decide", f"page/{VISIBLE}", "hide", env=ENV).returncode == 0
    result = cli("decide", f"page/{VISIBLE}", "undo", env=ENV)
    assert result.returncode == 0, result.stderr
    assert "unhide page/5002_7003: applied" in result.stdout
    assert [r.form for r in posts(graph)] == [{"is_hidden": "true"}, {"is_hidden": "false"}]
    assert graph.world.comments[VISIBLE].hidden is False
    assert cli("sync", env=ENV).returncode == 0
    assert len(posts(graph)) == 2
    assert states(sql, cli.db) == [("hide", "applied"), ("unhide", "applied")]


def test_approving_a_comment_the_platform_hid_unhides_it_and_undo_hides_it_again(cli, graph) -> None:
    ready(cli, graph)
    assert cli("decide", "page/5002_7004", "approve", env=ENV).returncode == 0  # hidden on Facebook
    assert cli("decide", "page/5002_7004", "undo", env=ENV).returncode == 0
    assert [r.form for r in posts(graph)] == [{"is_hidden": "false"}, {"is_hidden": "true"}]
    assert graph.world.comments["5002_7004"].hidden is True


def test_a_decision_undone_before_it_left_sends_nothing(cli, graph, sql) -> None:
    ready(cli, graph)
    graph.fail_next(503, graph_error(2, "Service temporarily unavailable"), method="POST")
    assert cli("decide", f"page/{VISIBLE}", "hide", env=ENV).returncode == 0  # pending after the 503
    graph.requests.clear()
    result = cli("decide", f"page/{VISIBLE}", "undo", env=ENV)
    assert result.returncode == 0, result.stderr
    assert cli("sync", env={**ENV, **LATER}).returncode == 0
    assert posts(graph) == []
    assert states(sql, cli.db) == [("hide", "cancelled")]
    assert graph.world.comments[VISIBLE].hidden is False


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (500, graph_error(1, "An unknown error occurred", kind="OAuthException"), "the platform failed"),
        (403, graph_error(4, RATE_LIMITS[4]), "rate limit"),
        (429, None, "rate limit"),
    ],
)
def test_a_failing_platform_leaves_it_pending_and_a_later_sync_applies_it_once(cli, graph, sql, status, body, said):
    ready(cli, graph)
    graph.fail_next(status, body, method="POST")
    result = cli("decide", f"page/{VISIBLE}", "hide", env=ENV)
    assert result.returncode == 0, result.stderr
    assert "still pending" in result.stdout and said in result.stdout
    [listed] = outbox(cli)
    assert listed["state"] == "pending" and listed["attempts"] == 1 and said in listed["reason"]
    assert graph.world.comments[VISIBLE].hidden is False
    # Not due yet at the same moment: backoff.
    assert cli("sync", env=ENV).returncode == 0
    assert len(posts(graph)) == 1
    result = cli("sync", env={**ENV, **LATER})
    assert result.returncode == 0, result.stderr
    assert "outbox: hide page/5002_7003: applied" in result.stdout
    assert len(posts(graph)) == 2 and graph.world.comments[VISIBLE].hidden is True
    assert cli("sync", env={**ENV, **LATER}).returncode == 0
    assert len(posts(graph)) == 2
    assert states(sql, cli.db) == [("hide", "applied")]


def test_an_expired_token_fails_with_the_reason_and_a_hint_then_retry_applies_it(cli, graph, sql) -> None:
    ready(cli, graph)
    expired = {"FB_PAGE_TOKEN": EXPIRED_TOKEN}
    result = cli("decide", f"page/{VISIBLE}", "hide", env=expired)
    assert result.returncode == 1
    assert "recorded: hide" in result.stdout
    assert "access token has expired" in result.stdout and "FB_PAGE_TOKEN" in result.stdout
    assert "clp-tui outbox retry" in result.stdout and EXPIRED_TOKEN not in result.stdout + result.stderr
    [listed] = outbox(cli)
    assert listed["state"] == "failed" and "expired" in listed["reason"]
    cli("sync", env={**expired, **LATER})  # the read fails too; a failed action waits for `outbox retry`
    assert len(posts(graph)) == 1
    result = cli("outbox", "retry", env=ENV)
    assert result.returncode == 0, result.stderr
    assert "1 failed action queued again" in result.stdout and "applied" in result.stdout
    assert graph.world.comments[VISIBLE].hidden is True
    assert states(sql, cli.db) == [("hide", "applied")]


def test_nothing_is_sent_for_a_feed_that_does_not_apply_decisions(cli, graph, sql) -> None:
    ready(cli, graph, page_feed(graph, apply_decisions=False))
    result = cli("decide", f"page/{VISIBLE}", "hide", env=ENV)
    assert result.returncode == 0 and result.stdout.strip() == "recorded: hide page/5002_7003"
    assert posts(graph) == [] and sql(cli.db, "SELECT count(*) FROM outbox") == [(0,)]


def test_dry_run_actions_prints_the_request_and_sends_nothing(cli, graph) -> None:
    ready(cli, graph)
    graph.fail_next(500, graph_error(1, "An unknown error occurred"), method="POST")
    assert cli("decide", f"page/{VISIBLE}", "hide", env=ENV).returncode == 0
    graph.requests.clear()
    result = cli("sync", "--dry-run-actions", env={**ENV, **LATER})
    assert result.returncode == 0, result.stderr
    assert f"would send: hide page/{VISIBLE} on Facebook: POST {graph.url(f'/v21.0/{VISIBLE}')} is_hidden=true" in (
        result.stdout
    )
    assert posts(graph) == [] and graph.world.comments[VISIBLE].hidden is False


def test_an_unknown_item_is_one_clear_line_and_exit_1(cli, graph) -> None:
    ready(cli, graph)
    result = cli("decide", "page/no-such-comment", "hide", env=ENV)
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "no comment 'page/no-such-comment' in the cache" in line
    assert posts(graph) == []


def test_an_undo_sends_nothing_while_another_officers_same_decision_stands(cli, graph, sql) -> None:
    ready(cli, graph)
    assert cli("decide", f"page/{VISIBLE}", "hide", env=ENV).returncode == 0  # Sam
    assert cli("decide", f"page/{VISIBLE}", "hide", env=ENV).returncode == 0  # Jo, on another screen
    assert len(posts(graph)) == 1  # one hide for two decisions
    assert cli("decide", f"page/{VISIBLE}", "undo", env=ENV).returncode == 0  # Jo takes hers back
    assert len(posts(graph)) == 1 and graph.world.comments[VISIBLE].hidden is True
    assert cli("decide", f"page/{VISIBLE}", "undo", env=ENV).returncode == 0  # and then Sam his
    assert [r.form for r in posts(graph)] == [{"is_hidden": "true"}, {"is_hidden": "false"}]
    assert graph.world.comments[VISIBLE].hidden is False
