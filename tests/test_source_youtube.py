"""The YouTube source through the real `clp-tui sync`, against a loopback fake of
the YouTube Data API v3 (tests/platforms/youtube.py): every comment and reply,
paging, key-only reads, edits and deletions, and each error in one clear line
with the cache left as it was and the token and key never shown or stored."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from platforms.youtube import EXPIRED, KEY, NO_SCOPE, QUOTA, RATE, TOKEN, YouTubeServer

ALL = {"Ugw1", "Ugw2", "Ugw2.r1", "Ugw2.r2", "Ugw2.r3", "Ugw2.r4", "Ugw3", "Ugw4", "Ugw4.r1", "Ugw5"}
THREADS = "/youtube/v3/commentThreads"


@pytest.fixture
def yt() -> Iterator[YouTubeServer]:
    with YouTubeServer() as server:
        yield server  # type: ignore[misc]


def feed(yt: YouTubeServer, **extra) -> dict:
    url = yt.url(f"{THREADS}?allThreadsRelatedToChannelId=UC123&part=snippet,replies")
    return {"name": "yt", "kind": "comment", "source": "youtube", "url": url, "token_env": "YT_TOKEN", **extra}


def sync(cli, *args: str, env: dict[str, str] | None = None):
    return cli("sync", *args, env={"YT_TOKEN": TOKEN} if env is None else env)


def listed(cli) -> dict[str, dict]:
    result = cli("list", "comments", "--json")
    assert result.returncode == 0, result.stderr
    return {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}


def one_line(result) -> str:
    """The feed's line in sync's output (exactly one line mentions the feed)."""
    lines = [line for line in result.stdout.splitlines() if line.startswith("yt")]
    assert len(lines) == 1, result.stdout
    return lines[0]


def test_every_comment_and_reply_is_taken_byte_for_byte(yt, cli, sql) -> None:
    cli.write_config([feed(yt)])
    result = sync(cli)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "+10 added" in result.stdout
    records = listed(cli)
    assert set(records) == ALL  # Ugw2.r3 and .r4 are beyond the two replies a thread carries inline
    for thread in yt.threads:
        for comment in (thread.top, *thread.replies):
            assert records[comment.id]["content_text"] == comment.text
    reply = records["Ugw2.r4"]
    assert reply["content_text"] == "Agree with Tom 👍"
    assert reply["url"] == "https://www.youtube.com/watch?v=vidHustings1&lc=Ugw2.r4"
    assert reply["authors"] == [{"name": "Ana Clayfield", "url": "http://www.youtube.com/@anaclayfield"}]
    assert reply["date_published"] == "2026-11-21T09:15:00Z"
    assert reply["_clp"]["in_reply_to"] == "Ugw2" and reply["_clp"]["thread_id"] == "Ugw2"
    top = records["Ugw2"]
    assert top["content_text"] == "Will the candidate answer on bus routes?  "  # trailing spaces kept
    assert top["_clp"]["thread_title"] == "video vidHustings1" and "in_reply_to" not in top["_clp"]
    assert top["_clp"]["platform"] == "youtube" and top["_clp"]["channel"] == "UC123"
    assert sql(cli.db, "SELECT count(*) FROM items WHERE feed = 'yt'") == [(10,)]


def test_pages_are_followed_and_each_request_says_what_it_wants(yt, cli) -> None:
    cli.write_config([feed(yt)])
    assert sync(cli).returncode == 0
    threads = yt.log("GET", THREADS)
    assert [r.query.get("pageToken") for r in threads] == [None, "QURTX2", "QURTX4"]
    for r in threads:  # the URL's own parameters are kept
        assert r.query["allThreadsRelatedToChannelId"] == "UC123" and r.query["part"] == "snippet,replies"
        assert r.query["textFormat"] == "plainText" and r.query["maxResults"] == "100"
        assert r.bearer == TOKEN and "key" not in r.query
    replies = yt.log("GET", "/youtube/v3/comments")
    assert [(r.query["parentId"], r.query.get("pageToken")) for r in replies] == [("Ugw2", None), ("Ugw2", "QURTX2")]
    assert all(r.query["part"] == "snippet" for r in replies)  # Ugw4's one reply came inline


def test_an_api_key_alone_reads_and_sends_no_authorization(yt, cli) -> None:
    cli.write_config([_without_token(feed(yt, key_env="YT_KEY"))])
    result = sync(cli, env={"YT_KEY": KEY})
    assert result.returncode == 0, result.stdout
    assert set(listed(cli)) == ALL
    assert listed(cli)["Ugw2.r2"]["content_text"] == "Found it, thanks!\nUseful answer."  # textDisplay, plain
    assert yt.requests and all("authorization" not in r.headers and r.query["key"] == KEY for r in yt.requests)


def _without_token(cfg: dict) -> dict:
    return {k: v for k, v in cfg.items() if k != "token_env"}


def test_no_token_and_no_key_is_one_line_without_a_request(yt, cli) -> None:
    cli.write_config([feed(yt)])
    result = sync(cli, env={})
    assert result.returncode == 1
    assert "YT_TOKEN" in one_line(result) and not yt.requests


def test_a_changed_comment_updates_one_item(yt, cli) -> None:
    cli.write_config([feed(yt)])
    sync(cli)
    yt.edit("Ugw2.r3", "The 42 route — edited: and the 17")
    result = sync(cli, "--json")
    (report,) = map(json.loads, result.stdout.splitlines())
    assert report["counts"] == {"added": 0, "updated": 1, "unchanged": 9, "removed": 0, "skipped": 0}
    assert listed(cli)["Ugw2.r3"]["content_text"] == "The 42 route — edited: and the 17"
    assert listed(cli)["Ugw2.r3"]["date_modified"] == "2026-11-25T12:15:00Z"


def test_a_deleted_comment_vanishes_on_the_next_complete_sync(yt, cli) -> None:
    cli.write_config([feed(yt)])
    sync(cli)
    yt.delete("Ugw2.r4")
    yt.delete("Ugw3")
    result = sync(cli, "--json")
    (report,) = map(json.loads, result.stdout.splitlines())
    assert report["counts"]["removed"] == 2
    assert set(listed(cli)) == ALL - {"Ugw2.r4", "Ugw3"}


def test_a_read_cut_short_by_the_request_budget_keeps_and_removes_nothing(yt, cli) -> None:
    cli.write_config([feed(yt)])
    sync(cli)
    yt.delete("Ugw5")  # on the last page, which a budget of two requests never reaches
    cli.write_config([feed(yt)], {"max_pages": 2})
    result = sync(cli, "--json")
    assert result.returncode == 0, result.stdout
    (report,) = map(json.loads, result.stdout.splitlines())
    assert report["status"] == "ok" and report["counts"]["removed"] == 0
    assert set(listed(cli)) == ALL


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (401, EXPIRED, ["OAuth token", "expired or was revoked", "YT_TOKEN"]),
        (403, NO_SCOPE, ["insufficientPermissions", "youtube.readonly", "youtube.force-ssl"]),
        (400, {"error": {"code": 400, "message": "bad", "errors": [{"reason": "invalidFilters"}]}}, ["channel id"]),
        (404, {"error": {"code": 404, "errors": [{"reason": "channelNotFound"}]}}, ["channelNotFound", "channel id"]),
        (500, {"error": {"code": 500, "message": "Backend Error"}}, ["HTTP 500", "server error"]),
        (200, b'{"items": [{"id": ', ["not valid JSON", "malformed"]),
        (200, {"items": [{"id": "Ugw9", "snippet": {"videoId": "v"}}]}, ["malformed"]),
        (200, {"items": {"id": "x"}}, ["malformed"]),
    ],
)
def test_an_error_is_one_line_and_the_cache_is_unchanged(yt, cli, sql, status, body, words) -> None:
    cli.write_config([feed(yt)])
    sync(cli)
    before = sql(cli.db, "SELECT id, body FROM items ORDER BY id")
    yt.fail_next(status, body, path=THREADS)
    result = sync(cli)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = one_line(result)
    assert all(word in line for word in words), line
    assert "?" not in line and "pageToken" not in line  # no URL query
    assert sql(cli.db, "SELECT id, body FROM items ORDER BY id") == before


def test_an_error_on_a_later_replies_page_keeps_the_cache(yt, cli, sql) -> None:
    cli.write_config([feed(yt)])
    sync(cli)
    yt.delete("Ugw1")
    yt.fail_next(401, EXPIRED, path="/youtube/v3/comments")
    result = sync(cli)
    assert result.returncode == 1 and "expired or was revoked" in one_line(result)
    assert "Ugw1" in listed(cli)  # nothing was taken as deleted


@pytest.mark.parametrize(
    ("status", "body", "headers", "words"),
    [
        (403, QUOTA, {}, ["quotaExceeded", "midnight Pacific"]),
        (403, RATE, {}, ["rateLimitExceeded", "backing off"]),
        (429, None, {"Retry-After": "600"}, ["HTTP 429", "too many requests"]),
    ],
)
def test_quota_and_rate_limits_back_off_until_forced(yt, cli, sql, status, body, headers, words) -> None:
    cli.write_config([feed(yt)])
    yt.fail_next(status, body, headers=headers)
    first = sync(cli, "--json")
    assert first.returncode == 1
    (report,) = map(json.loads, first.stdout.splitlines())
    assert report["http_status"] == 429 and all(word in report["error"] for word in words), report
    assert "\n" not in report["error"]
    ((next_allowed,),) = sql(cli.db, "SELECT next_allowed_at FROM feeds")
    assert next_allowed > time.time() + 30
    if status == 429:
        assert next_allowed < time.time() + 601
    asked = len(yt.requests)
    second = sync(cli)
    assert "deferred" in one_line(second) and "--force" in second.stdout
    assert len(yt.requests) == asked, "a deferred feed asked YouTube anyway"
    forced = sync(cli, "--force")
    assert forced.returncode == 0 and "+10 added" in forced.stdout


def test_the_token_and_key_never_appear_in_output_or_the_cache(yt, cli, tmp_path) -> None:
    echo = {"error": {"code": 401, "message": f"bad credentials {TOKEN} key={KEY}", "errors": [{"reason": TOKEN}]}}
    cli.write_config([{**feed(yt), "key_env": "YT_KEY"}])
    env = {"YT_TOKEN": TOKEN, "YT_KEY": KEY}
    outputs = [sync(cli, env=env), sync(cli, "--json", "--force", env=env)]
    yt.fail_next(401, echo)
    yt.fail_next(500, f"{TOKEN} {KEY}".encode())
    outputs += [sync(cli, "--force", env=env), sync(cli, "--json", "--force", env=env)]
    outputs += [cli("list", "comments", env=env), cli("list", "comments", "--json", env=env)]
    assert outputs[0].returncode == 0 and outputs[2].returncode == 1 and outputs[3].returncode == 1
    for result in outputs:
        for secret in (TOKEN, KEY, "fake-oauth", "FakeKey"):
            assert secret not in result.stdout + result.stderr
    for path in cli.db.parent.glob(cli.db.name + "*"):
        data = path.read_bytes()
        assert b"fake-oauth" not in data and b"FakeKey" not in data, path


def test_a_token_without_a_youtube_scope_is_named(yt, cli) -> None:
    yt.scopes = frozenset({"openid"})
    cli.write_config([feed(yt)])
    result = sync(cli)
    assert result.returncode == 1
    line = one_line(result)
    assert "youtube.readonly" in line and "youtube.force-ssl" in line and TOKEN not in line


def test_the_fake_moderates_only_with_the_oauth_token(yt) -> None:
    """setModerationStatus, for the moderation companion: 204 with the token and
    youtube.force-ssl; a held comment leaves the published listing; rejected stays."""

    def post(query: str, headers: dict[str, str]) -> int:
        url = yt.url(f"/youtube/v3/comments/setModerationStatus?{query}")
        request = urllib.request.Request(url, data=b"", method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return answer.status
        except urllib.error.HTTPError as exc:
            return exc.code

    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert post(f"id=Ugw3&moderationStatus=heldForReview&key={KEY}", {}) == 401
    assert post("id=Ugw3&moderationStatus=heldForReview", bearer) == 204
    assert yt.find("Ugw3").status == "heldForReview"
    assert post("id=Ugw3&moderationStatus=published", bearer) == 204
    assert post("id=Ugw2.r1&moderationStatus=rejected", bearer) == 204
    assert post("id=Ugw2.r1&moderationStatus=published", bearer) == 400
    assert post("id=nope&moderationStatus=published", bearer) == 404
    yt.scopes = frozenset({"youtube.readonly"})
    assert post("id=Ugw3&moderationStatus=heldForReview", bearer) == 403
