"""The Bluesky source through the real `clp-tui sync` against a loopback AppView
(tests/platforms/bluesky.py): every reply in a thread, to any depth, taken as a
comment with its text byte-for-byte; deleted and blocked nodes passed over;
cursor paging; edits, deletions, rate limits, XRPC errors and the token."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from platforms.bluesky import BlueskyServer

TOKEN = "bsky-tok-0a9b8c7d6e-SECRET"
HANDLE = "hastingslabour.bsky.social"


@pytest.fixture
def bsky() -> Iterator[BlueskyServer]:
    with BlueskyServer() as server:
        server.add_profile(HANDLE, "Hastings Labour")
        server.add_profile("ann.bsky.social", "Ann")
        server.add_profile("bob.example.com", "")
        yield server


def configure(cli, bsky: BlueskyServer, actor: str = HANDLE, **extra) -> None:
    url = bsky.url(f"/xrpc/app.bsky.feed.getAuthorFeed?actor={actor}")
    cli.write_config([{"name": "bsky", "kind": "comment", "source": "bluesky", "url": url, **extra}])


def sync(cli, env: dict[str, str] | None = None) -> dict:
    done = cli("sync", "--json", env=env)
    (line,) = done.stdout.splitlines()
    return json.loads(line)


def comments(cli) -> dict[str, dict]:
    done = cli("list", "comments", "--json")
    assert done.returncode == 0, done.stderr
    return {c["id"]: c for c in map(json.loads, done.stdout.splitlines())}


def thread(bsky: BlueskyServer) -> dict[str, str]:
    """A post; a reply; a reply to it; a reply to that (depth 3); a deleted reply with a reply below it."""
    post = bsky.post(HANDLE, "Street stall on Saturday\nCome and help!")
    r1 = bsky.post("ann.bsky.social", "I can do 10 till 12", reply_to=post)
    r2 = bsky.post("bob.example.com", "Why bother?", reply_to=r1)
    r3 = bsky.post(HANDLE, "Because it matters, Bob", reply_to=r2)
    gone = bsky.post("bob.example.com", "deleted on Bluesky", reply_to=post)
    bsky.post("ann.bsky.social", "under a deleted reply", reply_to=gone)
    bsky.gone.add(gone)
    return {"post": post, "r1": r1, "r2": r2, "r3": r3}


def test_every_reply_to_any_depth_is_a_comment_and_missing_nodes_are_skipped(cli, bsky: BlueskyServer) -> None:
    ids = thread(bsky)
    other = bsky.post(HANDLE, "Second post")
    r4 = bsky.post("ann.bsky.social", "On the second post", reply_to=other)
    blocked = bsky.post("bob.example.com", "blocked reply", reply_to=other)
    bsky.blocked.add(blocked)
    foreign = bsky.post("ann.bsky.social", "Ann's own post")
    bsky.reposts.append((HANDLE, foreign))  # a repost: not our thread
    bsky.post("bob.example.com", "reply on Ann's post", reply_to=foreign)
    configure(cli, bsky)
    report = sync(cli)
    assert report["status"] == "ok" and report["counts"]["added"] == 4
    got = comments(cli)
    assert set(got) == {ids["r1"], ids["r2"], ids["r3"], r4}
    r2 = got[ids["r2"]]
    rkey = ids["r2"].rsplit("/", 1)[-1]
    assert r2["url"] == f"https://bsky.app/profile/bob.example.com/post/{rkey}"
    assert r2["authors"] == [{"name": "bob.example.com"}]
    assert r2["date_published"] == bsky.posts[ids["r2"]]["record"]["createdAt"]
    assert r2["_clp"] == {
        "type": "comment",
        "platform": "bluesky",
        "channel": HANDLE,
        "thread_id": ids["post"],
        "thread_title": "Street stall on Saturday",
        "in_reply_to": ids["r1"],
    }
    assert got[ids["r3"]]["_clp"]["in_reply_to"] == ids["r2"]
    threads = bsky.log(path="/xrpc/app.bsky.feed.getPostThread")
    assert {r.query["uri"] for r in threads} == {ids["post"], other}  # not the repost's thread
    assert all(r.query["depth"] == "1000" and r.bearer is None for r in threads)


def test_text_is_byte_for_byte(cli, bsky: BlueskyServer) -> None:
    post = bsky.post(HANDLE, "Canvassing")
    text = "Fish & chips after? <3 — café 🌹\nsecond line\n\n  indented &amp; <b>not html</b> https://example.org/x"
    reply = bsky.post("ann.bsky.social", text, reply_to=post)
    configure(cli, bsky)
    sync(cli)
    assert comments(cli)[reply]["content_text"] == text


def test_the_author_feed_is_paged_by_cursor(cli) -> None:
    with BlueskyServer(page_size=2) as bsky:
        bsky.add_profile(HANDLE)
        bsky.add_profile("ann.bsky.social")
        replies = set()
        for n in range(5):
            post = bsky.post(HANDLE, f"Post {n}")
            replies.add(bsky.post("ann.bsky.social", f"Reply {n}", reply_to=post))
        configure(cli, bsky)
        assert sync(cli)["counts"]["added"] == 5
        assert set(comments(cli)) == replies
        pages = bsky.log(path="/xrpc/app.bsky.feed.getAuthorFeed")
        assert [p.query.get("cursor") for p in pages] == [None, "c2", "c4"]
        assert all(p.query["filter"] == "posts_no_replies" and p.query["actor"] == HANDLE for p in pages)


def test_a_changed_reply_updates_one_item_and_a_deleted_one_vanishes(cli, bsky: BlueskyServer) -> None:
    ids = thread(bsky)
    configure(cli, bsky)
    sync(cli)
    bsky.edit(ids["r1"], "I can do 10 till 1 now")
    report = sync(cli)
    assert (report["counts"]["added"], report["counts"]["updated"], report["counts"]["unchanged"]) == (0, 1, 2)
    assert comments(cli)[ids["r1"]]["content_text"] == "I can do 10 till 1 now"
    bsky.gone.add(ids["r3"])
    assert sync(cli)["counts"]["removed"] == 1
    assert set(comments(cli)) == {ids["r1"], ids["r2"]}


def test_a_429_is_one_line_and_the_feed_backs_off_until_the_reset(cli, bsky: BlueskyServer) -> None:
    ids = thread(bsky)
    configure(cli, bsky)
    sync(cli)
    reset = str(int(time.time()) + 600)
    body = {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
    bsky.fail_next(429, body, path="/xrpc/app.bsky.feed.getPostThread", headers={"ratelimit-reset": reset})
    before = time.time()
    done = cli("sync")
    (line,) = done.stdout.splitlines()
    assert "Bluesky: too many requests (HTTP 429: RateLimitExceeded: Rate Limit Exceeded); backing off" in line
    report = sync(cli)
    assert report["status"] == "deferred"
    assert before + 590 <= report["next_allowed_at"] <= time.time() + 601
    assert set(comments(cli)) == {ids["r1"], ids["r2"], ids["r3"]}


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (500, {"error": "InternalServerError", "message": "Internal Server Error"}, "Bluesky: the AppView failed"),
        (400, {"error": "InvalidRequest", "message": "Profile not found"}, "Profile not found; check the actor"),
        (200, b'{"feed": [{"post": ', "is not valid JSON (a malformed page)"),
        (200, {"cursor": "c9"}, "did not answer with a feed (a malformed page)"),
    ],
)
def test_a_failure_is_one_line_and_the_cache_is_unchanged(cli, bsky: BlueskyServer, status: int, body, words) -> None:
    ids = thread(bsky)
    configure(cli, bsky)
    sync(cli)
    before = comments(cli)
    bsky.edit(ids["r1"], "changed, but the sync fails")
    bsky.fail_next(status, body, path="/xrpc/app.bsky.feed.getAuthorFeed")
    done = cli("sync")
    assert done.returncode != 0
    (line,) = done.stdout.splitlines()
    assert words in line and "cached items kept" in line
    assert comments(cli) == before


def test_a_malformed_thread_fails_the_whole_sync(cli, bsky: BlueskyServer) -> None:
    ids = thread(bsky)
    configure(cli, bsky)
    sync(cli)
    bsky.gone.add(ids["r3"])
    bsky.fail_next(200, {"thread": "oops"}, path="/xrpc/app.bsky.feed.getPostThread")
    report = sync(cli)
    assert report["status"] == "error" and "is not a thread (a malformed page)" in report["error"]
    assert ids["r3"] in comments(cli)


def test_an_actor_given_as_a_did_finds_the_same_posts(cli, bsky: BlueskyServer) -> None:
    ids = thread(bsky)
    configure(cli, bsky, actor=bsky.profiles[HANDLE]["did"])
    sync(cli)
    assert set(comments(cli)) == {ids["r1"], ids["r2"], ids["r3"]}


def test_a_token_is_never_shown_or_stored(cli, bsky: BlueskyServer, db: Path) -> None:
    thread(bsky)
    configure(cli, bsky, token_env="CLP_BSKY_TOKEN")
    env = {"CLP_BSKY_TOKEN": TOKEN}
    assert sync(cli, env)["status"] == "ok"
    assert {r.bearer for r in bsky.log()} == {TOKEN}  # to the AppView's own origin only
    bsky.fail_next(401, {"error": "ExpiredToken", "message": f"Token {TOKEN} has expired"})
    done = cli("sync", env=env)
    assert "ExpiredToken" in done.stdout and "[token]" in done.stdout
    assert TOKEN not in done.stdout + done.stderr + cli("list", "comments", "--json").stdout
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            assert TOKEN.encode() not in path.read_bytes()


def test_a_reply_deeper_than_the_default_depth_is_taken(cli, bsky: BlueskyServer) -> None:
    parent = bsky.post(HANDLE, "A long argument")
    chain = []
    for n in range(10):  # getPostThread's default depth is 6
        parent = bsky.post("ann.bsky.social" if n % 2 else "bob.example.com", f"level {n + 1}", reply_to=parent)
        chain.append(parent)
    configure(cli, bsky)
    sync(cli)
    got = comments(cli)
    assert set(got) == set(chain)
    assert got[chain[-1]]["_clp"]["in_reply_to"] == chain[-2]
