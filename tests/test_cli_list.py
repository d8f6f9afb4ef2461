"""`clp-tui list` as a user runs it (subprocesses, private HOME): --json prints every
field as published with the local decision, stage and RAG; text output shows control
characters instead of obeying them; archived items are left out; a closed pipe is no crash."""

from __future__ import annotations

import datetime as dt
import json

from feedserver import FeedServer, activity, comment, feed_bytes, milestone, press
from feedserver import feed_cfg as cfg
from frozen import TODAY

from clp_tui.data.decision_log import decide
from clp_tui.data.store import Store

HOSTILE = "[bold]x[/] \x1b[2J\x1b]0;owned\x07 \u202eevil\u202c <b>tag</b> \\n"


def _every_field_comment(item_id: str) -> dict:
    return {
        "id": item_id,
        "url": "https://facebook.example/post/1#c1",
        "external_url": "https://elsewhere.example/",
        "title": HOSTILE,
        "content_text": HOSTILE + "\nsecond line",
        "content_html": "<p>ignored when there is text</p>",
        "summary": "sum",
        "date_published": "2025-03-01T10:00:00+01:00",
        "date_modified": "2025-03-02T10:00:00Z",
        "authors": [{"name": "Pat \x1b[5mBlink", "url": "https://facebook.example/pat", "avatar": "https://a/x.png"}],
        "tags": ["housing", "[i]x[/i]"],
        "_clp": {
            "type": "comment",
            "platform": "facebook_group",
            "channel": "Anytown Matters",
            "thread_id": "t1",
            "thread_title": "Bins",
            "in_reply_to": "c0",
            "state": "visible",
        },
        "_other_extension": {"kept": True},
    }


def test_list_json_prints_every_field_and_the_decision_byte_for_byte(server: FeedServer, cli, sync_now) -> None:
    item = _every_field_comment("c1")
    server.route("/c", body=feed_bytes([item, comment("c2", "plain")]))
    cli.write_config([cfg(server, "inbox", "comment", "/c")])
    assert [r.status for r in sync_now(cli.db, [cfg(server, "inbox", "comment", "/c")])] == ["ok"]
    store = Store(cli.db)
    decide(store, [("inbox", "c1")], "moderation", "hide", officer="Sam", reason="abuse")
    store.close()
    result = cli("list", "comments", "--json")
    assert result.returncode == 0, result.stderr
    records = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert set(records) == {"c1", "c2"}
    listed = records["c1"]
    assert listed == {**item, "feed": "inbox", "decision": "hide"}  # every field, exactly as published
    assert listed["content_text"] == HOSTILE + "\nsecond line"
    assert records["c2"]["decision"] is None


def test_list_json_shows_the_press_stage_with_local_moves_applied(server: FeedServer, cli, sync_now) -> None:
    consent = {"by": "Jo", "at": "2025-03-01"}
    server.route("/p", body=feed_bytes([press("p1", stage="drafting", consent=consent), press("p2", stage="idea")]))
    cli.write_config([cfg(server, "press", "press", "/p")])
    assert [r.status for r in sync_now(cli.db, [cfg(server, "press", "press", "/p")])] == ["ok"]
    store = Store(cli.db)
    decide(store, [("press", "p1")], "stage", "candidate_consent", officer="Sam")
    store.close()
    records = {r["id"]: r for r in map(json.loads, cli("list", "press", "--json").stdout.splitlines())}
    assert records["p1"]["stage"] == "candidate_consent"
    assert records["p1"]["_clp"] == {
        "type": "press",
        "format": "press_release",
        "stage": "drafting",
        "consent": consent,
    }
    assert records["p2"]["stage"] == "idea"


def test_list_json_shows_each_milestones_rag(server: FeedServer, cli, sync_now) -> None:
    today = TODAY
    items = [
        milestone("late", due=str(today - dt.timedelta(days=1))),
        milestone("fine", due=str(today + dt.timedelta(days=30))),
        milestone(
            "behind",
            due=str(today + dt.timedelta(days=10)),
            start=str(today - dt.timedelta(days=90)),
            target=1000,
            achieved=100,
        ),  # 90% of the time gone, 10% done
        milestone("done", due=str(today - dt.timedelta(days=1)), status="done"),
    ]
    server.route("/m", body=feed_bytes(items))
    cli.write_config([cfg(server, "plan", "milestone", "/m")])
    assert [r.status for r in sync_now(cli.db, [cfg(server, "plan", "milestone", "/m")])] == ["ok"]
    records = {r["id"]: r for r in map(json.loads, cli("list", "milestones", "--json").stdout.splitlines())}
    assert {k: r["rag"] for k, r in records.items()} == {
        "late": "overdue",
        "fine": "on_track",
        "behind": "behind",
        "done": "done",
    }
    assert records["behind"]["_clp"]["target"] == 1000


def test_list_json_prints_activity_rows_as_published(server: FeedServer, cli, sync_now) -> None:
    row = activity("a1", branch="Northside", week="2025-W10", metrics={"doors": 310, "leaflets": 1200.5})
    server.route("/a", body=feed_bytes([row]))
    assert [r.status for r in sync_now(cli.db, [cfg(server, "grid", "activity", "/a")])] == ["ok"]
    cli.write_config([])
    (line,) = cli("list", "activity", "--json").stdout.splitlines()
    assert json.loads(line) == {**row, "feed": "grid"}


def test_list_text_shows_control_characters_instead_of_obeying_them(server: FeedServer, cli, sync_now) -> None:
    server.route("/c", body=feed_bytes([_every_field_comment("c1")]))
    cli.write_config([cfg(server, "inbox", "comment", "/c")])
    assert [r.status for r in sync_now(cli.db, [cfg(server, "inbox", "comment", "/c")])] == ["ok"]
    result = cli("list", "comments")
    assert result.returncode == 0
    (line,) = result.stdout.splitlines()
    assert line.startswith("inbox/c1  facebook_group")
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    assert "␛[2J" in line and "[bold]x[/]" in line


def test_list_leaves_out_archived_items(server: FeedServer, cli, sync_now) -> None:
    server.route("/c", body=feed_bytes([comment("c1"), comment("c2")], _clp={"snapshot": True}))
    feeds = [cfg(server, "inbox", "comment", "/c")]
    cli.write_config(feeds)
    assert [r.status for r in sync_now(cli.db, feeds)] == ["ok"]
    store = Store(cli.db)
    decide(store, [("inbox", "c1")], "moderation", "hide", officer="Sam")
    store.close()
    server.route("/c", body=feed_bytes([comment("c2")], _clp={"snapshot": True}))
    assert [r.status for r in sync_now(cli.db, feeds)] == ["ok"]
    ids = [json.loads(line)["id"] for line in cli("list", "comments", "--json").stdout.splitlines()]
    assert ids == ["c2"]


def test_list_into_a_closed_pipe_is_not_a_crash(server: FeedServer, cli, sync_now) -> None:
    """`clp-tui list comments | head -1`: the reader leaves early; that is not a bug to report."""
    server.route("/c", body=feed_bytes([comment(f"c{i}", "x" * 100) for i in range(1200)]))  # well over a pipe buffer
    assert [r.status for r in sync_now(cli.db, [cfg(server, "inbox", "comment", "/c")])] == ["ok"]
    cli.write_config([])
    for args in (["list", "comments"], ["list", "comments", "--json"]):
        proc = cli.popen(*args)
        assert proc.stdout.readline().startswith(("inbox/", "{"))
        proc.stdout.close()  # like `head -1` exiting
        err = proc.stderr.read()
        proc.stderr.close()
        proc.wait(timeout=30)
        assert "went wrong" not in err and "Traceback" not in err, err
    state = cli.home / ".local" / "state" / "clp-tui"
    assert not state.exists() or list(state.iterdir()) == [], "a crash report was written"
