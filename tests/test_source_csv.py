"""The `csv` source: a published spreadsheet read straight into the cache, as a
Google Sheet's "Publish to the web → CSV" link serves it (redirect included)."""

from __future__ import annotations

import json
from pathlib import Path

from feedserver import FeedServer

PLAN = """\
id,title,due,strand,owner,status,target,achieved
doors-1,Knock 5000 doors,2030-04-30,doorstep,Organiser,on_track,5000,2100
leaflets-1,Leaflet round 1,2030-03-01,leaflets,Leaflet lead,done,12000,12000
postal,Postal vote drive,2030-04-10,postal_votes,Agent,,,
"""


def sheet(server: FeedServer, text: str, **route: object) -> str:
    server.route("/pub.csv", body=text.encode(), headers={"Content-Type": "text/csv"}, **route)
    return server.url("/pub.csv")


def plan_feed(url: str, **extra: object) -> dict[str, object]:
    return {"name": "plan", "kind": "milestone", "source": "csv", "url": url, **extra}


def milestones(cli) -> dict[str, dict]:
    result = cli("list", "milestones", "--json")
    assert result.returncode == 0, result.stderr
    return {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}


def test_every_row_of_a_sheet_is_a_milestone(server: FeedServer, cli) -> None:
    cli.write_config([plan_feed(sheet(server, PLAN))])
    result = cli("sync")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "+3 added" in result.stdout
    rows = milestones(cli)
    assert set(rows) == {"doors-1", "leaflets-1", "postal"}
    assert rows["doors-1"]["title"] == "Knock 5000 doors" and rows["doors-1"]["achieved"] == 2100


def test_a_changed_cell_updates_one_item_and_an_unchanged_sheet_writes_nothing(server: FeedServer, cli, sql) -> None:
    url = sheet(server, PLAN)
    cli.write_config([plan_feed(url)])
    assert cli("sync").returncode == 0
    # The server gives no ETag or Last-Modified: a hash of the sheet stands in.
    again = cli("sync")
    assert "not modified" in again.stdout, again.stdout
    assert sql(cli.db, "SELECT count(*) FROM sync_log")[0][0] == 1
    sheet(server, PLAN.replace("5000,2100", "5000,2600"))
    changed = cli("sync")
    assert "~1 updated" in changed.stdout and "=2 unchanged" in changed.stdout, changed.stdout
    assert milestones(cli)["doors-1"]["achieved"] == 2600


def test_a_sheet_with_an_etag_is_asked_conditionally(server: FeedServer, cli) -> None:
    url = sheet(server, PLAN, etag='"rev-7"')
    cli.write_config([plan_feed(url)])
    assert cli("sync").returncode == 0
    assert "not modified" in cli("sync").stdout
    assert server.requests_for("/pub.csv")[-1].headers.get("if-none-match") == '"rev-7"'


def test_a_row_deleted_from_the_sheet_leaves_the_plan(server: FeedServer, cli) -> None:
    url = sheet(server, PLAN)
    cli.write_config([plan_feed(url)])
    cli("sync")
    sheet(server, "\n".join(line for line in PLAN.splitlines() if not line.startswith("postal")) + "\n")
    result = cli("sync")
    assert "-1 removed" in result.stdout, result.stdout
    assert set(milestones(cli)) == {"doors-1", "leaflets-1"}


def test_googles_published_csv_redirect_is_followed_and_the_token_stays_home(
    server: FeedServer, other_server: FeedServer, cli
) -> None:
    """docs.google.com answers a published sheet with a redirect to googleusercontent.com
    (allowed by default: tests/hostile/test_reach.py); here two loopback origins stand in
    for the pair, the second listed in the feed's redirect_hosts."""
    target = sheet(other_server, PLAN)
    server.route("/spreadsheets/d/e/KEY/pub", status=307, headers={"Location": target})
    url = server.url("/spreadsheets/d/e/KEY/pub")
    hosts = [f"127.0.0.1:{other_server.port}"]
    cli.write_config([plan_feed(url, token_env="SHEET_TOKEN", redirect_hosts=hosts)])
    result = cli("sync", env={"SHEET_TOKEN": "sheet-secret-123"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(milestones(cli)) == {"doors-1", "leaflets-1", "postal"}
    assert all("authorization" not in r.headers for r in other_server.requests_for("/pub.csv"))


def test_a_sheet_that_is_not_a_plan_is_one_line_and_the_cache_is_kept(server: FeedServer, cli) -> None:
    url = sheet(server, PLAN)
    cli.write_config([plan_feed(url)])
    cli("sync")
    sheet(server, "name,phone\nJo,0123\n")
    result = cli("sync")
    assert result.returncode == 1
    assert "missing column(s)" in result.stdout and "cached items kept" in result.stdout
    assert len(result.stdout.strip().splitlines()) == 1
    assert set(milestones(cli)) == {"doors-1", "leaflets-1", "postal"}


def test_a_sheet_that_is_not_utf8_says_so(server: FeedServer, cli) -> None:
    server.route("/pub.csv", body=PLAN.encode("utf-16"))
    cli.write_config([plan_feed(server.url("/pub.csv"))])
    result = cli("sync")
    assert result.returncode == 1 and "not UTF-8" in result.stdout


def test_a_sheet_from_a_file(tmp_path: Path, cli) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(PLAN, encoding="utf-8")
    cli.write_config([plan_feed(path.as_uri())])
    assert cli("sync").returncode == 0
    assert len(milestones(cli)) == 3


def test_a_platform_source_for_plans_is_a_config_error(server: FeedServer, cli) -> None:
    cli.write_config([{"name": "plan", "kind": "milestone", "source": "facebook", "url": server.url("/x")}])
    result = cli("sync")
    assert result.returncode == 2
    assert "a Facebook source gives comment items, not 'milestone'" in result.stderr


def test_comments_exported_from_x_come_in_as_a_sheet(server: FeedServer, cli) -> None:
    """X and Nextdoor get no adapter (docs/sources.md): their exports come in as CSV."""
    export = (
        "id,text,author,published,platform,channel,thread_id,url\n"
        '1801,"Great turnout, well done all",Pat Q,2026-11-20T18:30:00Z,x,@FernbridgeLab,1800,https://x.com/a/status/1801\n'
        "1802,Where is the polling station?,Sam R,2026-11-20T19:00:00Z,x,@FernbridgeLab,1800,\n"
    )
    cli.write_config([{"name": "x", "kind": "comment", "source": "csv", "url": sheet(server, export)}])
    assert cli("sync").returncode == 0
    rows = {r["id"]: r for r in map(json.loads, cli("list", "comments", "--json").stdout.splitlines())}
    assert rows["1801"]["content_text"] == "Great turnout, well done all"
    assert rows["1802"]["_clp"]["platform"] == "x" and rows["1802"]["authors"] == [{"name": "Sam R"}]
