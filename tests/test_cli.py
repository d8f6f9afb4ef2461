"""The `clp-tui` commands as a user runs them (subprocesses, private HOME):
sync, list, check-feed and init; their output, exit codes and what they never print."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest
from feedserver import FeedServer, activity, comment, feed_bytes, milestone, press
from frozen import TODAY

from clp_tui.config import parse_config
from clp_tui.data.decision_log import decide
from clp_tui.data.store import Store

HOSTILE = "[bold]x[/] \x1b[2J\x1b]0;owned\x07 \u202eevil\u202c <b>tag</b> \\n"


def cfg(server: FeedServer, name: str, kind: str, path: str, **extra) -> dict:
    return {"name": name, "url": server.url(path), "kind": kind, **extra}


# -- sync --------------------------------------------------------------------------------


def test_sync_prints_one_line_per_feed_and_exits_0(server: FeedServer, cli) -> None:
    server.route("/c", body=feed_bytes([comment("c1"), comment("c2")]))
    server.route("/p", body=feed_bytes([press("p1")]))
    cli.write_config([cfg(server, "inbox", "comment", "/c"), cfg(server, "press", "press", "/p")])
    result = cli("sync")
    assert result.returncode == 0, result.stderr
    lines = sorted(result.stdout.splitlines())
    assert len(lines) == 2
    assert lines[0].startswith("inbox  ok") and "+2 added" in lines[0] and "!0 skipped" in lines[0]
    assert lines[1].startswith("press  ok") and "+1 added" in lines[1]
    assert result.stderr == ""


def test_sync_of_an_unchanged_feed_says_not_modified(server: FeedServer, cli) -> None:
    server.route("/c", body=feed_bytes([comment("c1")]), etag='"abc"')
    cli.write_config([cfg(server, "inbox", "comment", "/c")])
    assert cli("sync").returncode == 0
    observer = sqlite3.connect(cli.db)
    try:
        version = observer.execute("PRAGMA data_version").fetchone()[0]
        log_rows = observer.execute("SELECT count(*) FROM sync_log").fetchone()[0]
        result = cli("sync")
        assert observer.execute("PRAGMA data_version").fetchone()[0] == version, "the 304 run wrote to the cache"
        assert observer.execute("SELECT count(*) FROM sync_log").fetchone()[0] == log_rows
    finally:
        observer.close()
    assert result.returncode == 0
    assert "not modified  (HTTP 304" in result.stdout
    assert server.requests_for("/c")[1].status == 304


def test_sync_exits_1_when_a_feed_fails_and_keeps_the_cache(server: FeedServer, cli) -> None:
    server.route("/c", body=feed_bytes([comment("c1")]))
    server.route("/gone", status=404)
    cli.write_config([cfg(server, "inbox", "comment", "/c"), cfg(server, "gone", "press", "/gone")])
    result = cli("sync")
    assert result.returncode == 1
    gone = next(line for line in result.stdout.splitlines() if line.startswith("gone"))
    assert "ERROR" in gone and "HTTP 404 Not Found" in gone and "cached items kept" in gone
    assert "Traceback" not in result.stderr


def test_sync_exits_1_for_skipped_items_and_names_them_safely(server: FeedServer, cli) -> None:
    bad_id = "evil\x1b[31m"
    server.route("/c", body=feed_bytes([comment("ok"), comment(bad_id, state="shadowbanned")]))
    cli.write_config([cfg(server, "inbox", "comment", "/c")])
    result = cli("sync")
    assert result.returncode == 1
    assert "inbox: item 'evil" in result.stdout and "$.items[1]._clp.state" in result.stdout
    assert "\x1b" not in result.stdout  # the id's escape sequence is shown, not obeyed


def test_sync_json_prints_one_object_per_feed(server: FeedServer, cli) -> None:
    server.route("/c", body=feed_bytes([comment("c1"), {"title": "no id"}]))
    server.route("/x", body=b"<html>")
    cli.write_config([cfg(server, "inbox", "comment", "/c"), cfg(server, "broken", "comment", "/x")])
    result = cli("sync", "--json")
    assert result.returncode == 1
    reports = {r["feed"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert reports["inbox"]["status"] == "ok"
    assert reports["inbox"]["counts"] == {"added": 1, "updated": 0, "unchanged": 0, "removed": 0, "skipped": 1}
    assert reports["inbox"]["problems"] == [
        {"item_id": None, "path": "$.items[1].id", "reason": "no id and no url; skipped", "severity": "error"}
    ]
    assert reports["broken"]["status"] == "error" and reports["broken"]["error"].startswith("not JSON")


def test_a_deferral_is_stored_and_the_next_run_respects_it_unless_forced(server: FeedServer, cli, sql) -> None:
    # (the HTTP-date form of Retry-After is stored the same way: see test_sync.py)
    server.route("/c", status=429, headers={"Retry-After": "900"})
    cli.write_config([cfg(server, "inbox", "comment", "/c")])
    first = cli("sync")
    assert first.returncode == 1 and "HTTP 429" in first.stdout
    ((next_allowed,),) = sql(cli.db, "SELECT next_allowed_at FROM feeds")
    assert time.time() + 880 < next_allowed < time.time() + 901

    server.route("/c", body=feed_bytes([comment("c1")]))
    second = cli("sync")
    assert "deferred" in second.stdout and "--force" in second.stdout
    assert len(server.log()) == 1, "the second run asked the server anyway"

    forced = cli("sync", "--force")
    assert forced.returncode == 0 and "+1 added" in forced.stdout
    assert len(server.log()) == 2


def test_the_token_is_sent_but_never_printed_nor_stored(server: FeedServer, other_server: FeedServer, cli) -> None:
    token = "tok-1234567890-abcdefSECRET"
    server.route("/c", body=feed_bytes([comment("c1")]))
    server.route("/moved", status=307, headers={"Location": other_server.url("/c")})
    server.route("/fails", status=401)
    other_server.route("/c", body=feed_bytes([comment("o1")]))
    cli.write_config(
        [
            cfg(server, "own", "comment", "/c", token_env="FEED_TOKEN"),
            cfg(server, "moved", "comment", "/moved", token_env="FEED_TOKEN"),
            cfg(server, "fails", "comment", "/fails", token_env="FEED_TOKEN"),
        ]
    )
    for args in (("sync",), ("sync", "--json"), ("list", "comments", "--json")):
        result = cli(*args, env={"FEED_TOKEN": token})
        assert token not in result.stdout + result.stderr, args
    assert {r.headers.get("authorization") for r in server.log()} == {f"Bearer {token}"}
    assert all("authorization" not in r.headers for r in other_server.log())
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{cli.db}{suffix}")
        if path.exists():
            assert token.encode() not in path.read_bytes()


def test_a_token_with_a_stray_line_break_is_trimmed(server: FeedServer, cli) -> None:
    # e.g. FEED_TOKEN="$(cat token.txt)" where the file was saved with Windows line endings
    server.route("/c", body=feed_bytes([comment("c1")]))
    cli.write_config([cfg(server, "own", "comment", "/c", token_env="FEED_TOKEN")])
    result = cli("sync", env={"FEED_TOKEN": "tok-123456789\r\n"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert server.log()[0].headers["authorization"] == "Bearer tok-123456789"


@pytest.mark.parametrize("token", ["SECRET-tok\nen-123456", "SECRÉT-token-123456"])
def test_a_token_no_header_can_carry_fails_that_feed_only_and_is_not_shown(server: FeedServer, cli, token: str) -> None:
    server.route("/c", body=feed_bytes([comment("c1")]))
    cli.write_config(
        [
            cfg(server, "own", "comment", "/c", token_env="FEED_TOKEN"),
            cfg(server, "open", "comment", "/c"),
        ]
    )
    result = cli("sync", env={"FEED_TOKEN": token})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "went wrong" not in result.stderr
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert lines["own"].startswith("ERROR") and "token" in lines["own"]
    assert lines["open"].startswith("ok")
    assert "SECR" not in result.stdout + result.stderr
    for suffix in ("", "-wal"):
        path = Path(f"{cli.db}{suffix}")
        if path.exists():
            assert b"SECR" not in path.read_bytes()


def test_sync_without_feeds_is_a_usage_error(cli) -> None:
    cli.write_config([])
    result = cli("sync")
    assert result.returncode == 2
    assert "no feeds configured" in result.stderr and str(cli.config) in result.stderr


def test_an_unusable_cache_path_is_one_line_and_exit_1(server: FeedServer, cli, tmp_path: Path) -> None:
    server.route("/c", body=feed_bytes([comment("c1")]))
    cli.write_config([cfg(server, "inbox", "comment", "/c")])
    cli.db.mkdir()  # a folder where the cache file should be
    result = cli("sync")
    assert result.returncode == 1
    assert result.stderr.startswith("clp-tui: ") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


# -- list --------------------------------------------------------------------------------


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


# -- check-feed --------------------------------------------------------------------------


def test_check_feed_passes_a_clean_feed(server: FeedServer, cli) -> None:
    url = server.route("/p", body=feed_bytes([press("p1"), press("p2", stage="idea")]))
    result = cli("check-feed", url, "--kind", "press", files=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 item(s) taken over 1 page(s); 0 error(s), 0 warning(s)" in result.stdout
    assert "the feed follows the contract" in result.stdout


def test_check_feed_lists_every_problem_and_exits_1(server: FeedServer, cli) -> None:
    url = server.route(
        "/m",
        body=feed_bytes(
            [
                milestone("m1", due="soon"),
                milestone("m1"),
                {"url": "https://x/1", "_clp": {"type": "milestone", "due": "2030-01-01"}},
            ]
        ),
    )
    result = cli("check-feed", url, "--kind", "milestone", "--json", files=False)
    assert result.returncode == 1
    *problems, summary = map(json.loads, result.stdout.splitlines())
    # The second m1 is a duplicate even though the first was invalid: which one is meant is unknowable.
    assert [(p["item_id"], p["path"], p["severity"]) for p in problems] == [
        ("m1", "$.items[0]._clp.due", "error"),
        ("m1", "$.items[1].id", "error"),
        ("https://x/1", "$.items[2].id", "warning"),
    ]
    assert summary == {"summary": True, "title": "Test feed", "items_taken": 1, "errors": 2, "warnings": 1, "pages": 1}


def test_check_feed_on_something_that_is_not_a_feed_exits_1_with_the_reason(server: FeedServer, cli) -> None:
    url = server.route("/x", body=b"<!doctype html><p>sign in</p>")
    result = cli("check-feed", url, files=False)
    assert result.returncode == 1
    assert "(not a feed)" in result.stdout and "it looks like HTML" in result.stdout


def test_check_feed_on_an_unreachable_feed_exits_2(server: FeedServer, cli, tmp_path: Path) -> None:
    result = cli("check-feed", server.route("/gone", status=404), files=False)
    assert result.returncode == 2 and "HTTP 404" in result.stderr
    missing = cli("check-feed", str(tmp_path / "nope.json"), files=False)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert "Traceback" not in result.stderr + missing.stderr
    broken = cli("check-feed", "http://127.0.0.1:99999/feed.json", files=False)
    assert broken.returncode == 2 and "not a valid URL" in broken.stderr, broken.stderr


def test_check_feed_reads_a_local_file_and_follows_its_pages(cli, tmp_path: Path) -> None:
    (tmp_path / "p2.json").write_bytes(feed_bytes([comment("c2")]))
    (tmp_path / "p1.json").write_bytes(feed_bytes([comment("c1")], next_url="p2.json"))
    result = cli("check-feed", str(tmp_path / "p1.json"), "--kind", "comment", files=False)
    assert result.returncode == 0
    assert "2 item(s) taken over 2 page(s)" in result.stdout


# -- init --------------------------------------------------------------------------------


def test_init_writes_a_private_starter_config_that_parses(cli) -> None:
    result = cli("init", "--config", str(cli.config), files=False)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(cli.config).st_mode) == 0o600
    config = parse_config(cli.config.read_text(), str(cli.config))
    assert config.feeds == [] and "commented out" in result.stdout
    # The first sync after init asks for a feed; it does not fail on a placeholder address.
    first = cli("sync", "--config", str(cli.config), "--db", str(cli.db), files=False)
    assert first.returncode == 2 and "no feeds configured" in first.stderr
    again = cli("init", "--config", str(cli.config), files=False)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert cli("init", "--config", str(cli.config), "--force", files=False).returncode == 0


def test_the_default_config_lives_under_home(cli) -> None:
    result = cli("init", files=False)
    assert result.returncode == 0
    assert (cli.home / ".config" / "clp-tui" / "config.toml").is_file()


# -- help --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["sync"]])
def test_help_works(cli, command: list[str]) -> None:
    result = cli(*command, "--help", files=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: clp-tui") and "--config" in result.stdout
    assert "Traceback" not in result.stderr
