"""The Mastodon source through the real `clp-tui sync` against a loopback instance
(tests/platforms/mastodon.py): every reply, replies of replies included, taken as
comments; their text byte-for-byte as the HTML-to-text helper gives it; paging by
the Link header; edits, deletions, rate limits, failures and the token."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from platforms.mastodon import MastodonServer

from clp_tui.data.html_text import html_to_text
from clp_tui.data.sources.mastodon import next_link
from clp_tui.data.sources.social import wait_until

TOKEN = "masto-tok-5e4d3c2b1a-SECRET"
ACCOUNT = "109"


@pytest.fixture
def masto() -> Iterator[MastodonServer]:
    with MastodonServer() as server:
        server.add_account(ACCOUNT, "hastingslabour", display_name="Hastings Labour")
        server.add_account("201", "ann", display_name="Ann")
        server.add_account("202", "bob", domain="other.example", display_name="Labour Official (not really)")
        yield server


def configure(cli, masto: MastodonServer, **extra) -> None:
    feed = {
        "name": "masto",
        "kind": "comment",
        "source": "mastodon",
        "url": masto.url(f"/api/v1/accounts/{ACCOUNT}/statuses"),
    }
    cli.write_config([{**feed, **extra}])


def sync(cli, env: dict[str, str] | None = None) -> tuple[dict, str]:
    done = cli("sync", "--json", env=env)
    (line,) = done.stdout.splitlines()
    return json.loads(line), done.stdout + done.stderr


def comments(cli) -> dict[str, dict]:
    done = cli("list", "comments", "--json")
    assert done.returncode == 0, done.stderr
    return {c["id"]: c for c in map(json.loads, done.stdout.splitlines())}


def thread(masto: MastodonServer) -> dict[str, str]:
    """A post with a reply, a reply to that reply, and a second reply."""
    post = masto.post(ACCOUNT, "<p>Street stall on Saturday</p><p>Come and help!</p>")["id"]
    r1 = masto.post("201", "<p>I can do 10 till 12</p>", in_reply_to=post)["id"]
    r2 = masto.post("202", "<p>Why bother?</p>", in_reply_to=r1)["id"]
    r3 = masto.post(ACCOUNT, "<p>Thanks Ann!</p>", in_reply_to=r1)["id"]
    return {"post": post, "r1": r1, "r2": r2, "r3": r3}


def test_every_reply_and_reply_of_a_reply_is_a_comment(cli, masto: MastodonServer) -> None:
    ids = thread(masto)
    other = masto.post(ACCOUNT, "<p>Second post</p>")["id"]
    r4 = masto.post("201", "<p>On the second post</p>", in_reply_to=other)["id"]
    masto.post("201", "<p>Ann's own post, not ours</p>")
    configure(cli, masto)
    report, _ = sync(cli)
    assert report["status"] == "ok" and report["counts"]["added"] == 4
    got = comments(cli)
    assert set(got) == {ids["r1"], ids["r2"], ids["r3"], r4}
    r2 = got[ids["r2"]]
    assert r2["authors"] == [{"name": "bob@other.example", "url": "https://other.example/@bob"}]
    assert r2["date_published"] == masto.statuses[ids["r2"]]["created_at"]
    assert r2["url"] == masto.statuses[ids["r2"]]["url"]
    assert r2["_clp"] == {
        "type": "comment",
        "platform": "mastodon",
        "channel": "hastingslabour",
        "thread_id": ids["post"],
        "thread_title": "Street stall on Saturday",
        "in_reply_to": ids["r1"],
    }
    assert got[ids["r1"]]["_clp"]["in_reply_to"] == ids["post"]
    # Public data: no token sent; boosts and replies left out of the timeline request.
    (timeline,) = masto.log(path=f"/api/v1/accounts/{ACCOUNT}/statuses")
    assert timeline.bearer is None
    assert timeline.query["exclude_reblogs"] == "true" and timeline.query["exclude_replies"] == "true"


def test_text_is_byte_for_byte_what_the_html_helper_gives(cli, masto: MastodonServer) -> None:
    post = masto.post(ACCOUNT, "<p>Canvassing</p>")["id"]
    html = (
        "<p>Fish &amp; chips after? &lt;3 &#8212; caf&eacute;</p>"
        '<p>Line one<br>Line two<br />🌹 see <a href="https://example.org/x" rel="nofollow">'
        '<span class="invisible">https://</span>example.org/x</a></p>'
    )
    reply = masto.post("201", html, in_reply_to=post)["id"]
    configure(cli, masto)
    sync(cli)
    text = comments(cli)[reply]["content_text"]
    assert text == html_to_text(html)
    assert text == "Fish & chips after? <3 — café\nLine one\nLine two\n🌹 see https://example.org/x"


def test_the_timeline_is_paged_by_the_link_header(cli) -> None:
    with MastodonServer(page_size=2) as masto:
        masto.add_account(ACCOUNT, "hastingslabour")
        masto.add_account("201", "ann")
        replies = set()
        for n in range(5):
            post = masto.post(ACCOUNT, f"<p>Post {n}</p>")["id"]
            replies.add(masto.post("201", f"<p>Reply {n}</p>", in_reply_to=post)["id"])
        configure(cli, masto)
        report, _ = sync(cli)
        assert report["counts"]["added"] == 5
        assert set(comments(cli)) == replies
        pages = masto.log(path=f"/api/v1/accounts/{ACCOUNT}/statuses")
        assert len(pages) == 3
        assert "max_id" not in pages[0].query and pages[1].query["max_id"] and pages[2].query["max_id"]


def test_a_changed_reply_updates_one_item_and_a_deleted_one_vanishes(cli, masto: MastodonServer) -> None:
    ids = thread(masto)
    configure(cli, masto)
    sync(cli)
    masto.edit(ids["r1"], "<p>I can do 10 till 1 now</p>")
    report, _ = sync(cli)
    assert report["counts"] == {**report["counts"], "added": 0, "updated": 1, "unchanged": 2, "removed": 0}
    got = comments(cli)
    assert got[ids["r1"]]["content_text"] == "I can do 10 till 1 now"
    assert got[ids["r1"]]["date_modified"] == "2026-11-22T09:00:00.000Z"
    masto.delete(ids["r2"])
    report, _ = sync(cli)
    assert report["counts"]["removed"] == 1
    assert set(comments(cli)) == {ids["r1"], ids["r3"]}


def test_a_429_is_one_line_and_the_feed_backs_off_until_the_reset(cli, masto: MastodonServer) -> None:
    ids = thread(masto)
    configure(cli, masto)
    sync(cli)
    reset = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + 600))
    masto.fail_next(429, {"error": "Too many requests"}, path="/api/v1/statuses", headers={"X-RateLimit-Reset": reset})
    before = time.time()
    done = cli("sync")
    assert done.returncode != 0
    (line,) = done.stdout.splitlines()
    assert "Mastodon: too many requests (HTTP 429: Too many requests); backing off" in line
    report, _ = sync(cli)
    assert report["status"] == "deferred"
    assert before + 590 <= report["next_allowed_at"] <= time.time() + 601
    assert set(comments(cli)) == {ids["r1"], ids["r2"], ids["r3"]}


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (500, {"error": "Internal server error"}, "Mastodon: the instance failed (HTTP 500: Internal server error)"),
        (401, {"error": "The access token is invalid"}, "Mastodon: the access token was refused"),
        (403, {"error": "This action is outside the authorized scopes"}, "read:statuses scope"),
        (404, {"error": "Record not found"}, "check the account id in the url"),
        (200, b'[{"id": "1", "content": "<p>cut', "is not valid JSON (a malformed page)"),
        (200, {"error": "not a list"}, "did not answer with a list of posts (a malformed page)"),
    ],
)
def test_a_failure_is_one_line_and_the_cache_is_unchanged(
    cli, masto: MastodonServer, db: Path, status: int, body, words: str
) -> None:
    ids = thread(masto)
    configure(cli, masto)
    sync(cli)
    before = comments(cli)
    masto.edit(ids["r1"], "<p>changed, but the sync fails</p>")
    masto.fail_next(status, body, path=f"/api/v1/accounts/{ACCOUNT}/statuses")
    done = cli("sync")
    assert done.returncode != 0
    (line,) = done.stdout.splitlines()
    assert words in line and "cached items kept" in line
    assert comments(cli) == before
    if status == 500:  # a plain failure does not defer the next sync
        assert sync(cli)[0]["status"] == "ok"


def test_a_malformed_context_page_fails_the_whole_sync(cli, masto: MastodonServer) -> None:
    ids = thread(masto)
    configure(cli, masto)
    sync(cli)
    masto.delete(ids["r2"])
    masto.fail_next(200, {"ancestors": [], "descendants": "oops"}, path="/api/v1/statuses")
    report, _ = sync(cli)
    assert report["status"] == "error" and "are not a list (a malformed page)" in report["error"]
    assert ids["r2"] in comments(cli)  # nothing was taken as deleted


def test_the_token_is_sent_to_the_instance_and_never_shown_or_stored(cli, masto: MastodonServer, db: Path) -> None:
    thread(masto)
    configure(cli, masto, token_env="CLP_MASTO_TOKEN")
    env = {"CLP_MASTO_TOKEN": TOKEN}
    report, _ = sync(cli, env)
    assert report["status"] == "ok"
    assert {r.bearer for r in masto.log()} == {TOKEN}
    masto.fail_next(401, {"error": f"The access token {TOKEN} is invalid"})
    done = cli("sync", env=env)
    assert "the access token was refused" in done.stdout
    assert "[token]" in done.stdout
    shown = done.stdout + done.stderr + cli("list", "comments", "--json", env=env).stdout
    assert TOKEN not in shown
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            assert TOKEN.encode() not in path.read_bytes()


def test_a_next_link_to_another_origin_is_refused(cli, masto: MastodonServer) -> None:
    ids = thread(masto)
    configure(cli, masto)
    sync(cli)
    elsewhere = '<https://evil.example/api/v1/accounts/109/statuses?max_id=1>; rel="next"'
    masto.fail_next(200, [masto.statuses[ids["post"]]], path="/api/v1/accounts", headers={"Link": elsewhere})
    report, _ = sync(cli)
    assert report["status"] == "error"
    assert (
        "Mastodon: a page link leads to another site (https://evil.example/api/v1/accounts/109/statuses)"
        in report["error"]
    )
    assert len(comments(cli)) == 3


def test_a_window_cut_short_by_the_request_budget_removes_nothing(cli) -> None:
    with MastodonServer(page_size=2) as masto:
        masto.add_account(ACCOUNT, "hastingslabour")
        masto.add_account("201", "ann")
        replies = []
        for n in range(5):
            post = masto.post(ACCOUNT, f"<p>Post {n}</p>")["id"]
            replies.append(masto.post("201", f"<p>Reply {n}</p>", in_reply_to=post)["id"])
        configure(cli, masto)
        sync(cli)
        assert set(comments(cli)) == set(replies)
        feed = {"name": "masto", "kind": "comment", "source": "mastodon"}
        cli.write_config([{**feed, "url": masto.url(f"/api/v1/accounts/{ACCOUNT}/statuses")}], {"max_pages": 3})
        masto.requests.clear()
        report, _ = sync(cli)
        assert report["status"] == "ok" and report["counts"]["removed"] == 0
        assert len(masto.requests) == 3  # one page and the two newest posts' replies: within the budget
        assert set(comments(cli)) == set(replies)


def test_the_link_header_and_the_reset_header_are_read_as_mastodon_sends_them() -> None:
    base = "https://social.example/api/v1/accounts/1/statuses"
    header = f'<{base}?max_id=9>; rel="next", <{base}?min_id=12>; rel="prev"'
    assert next_link(header, base) == f"{base}?max_id=9"
    assert next_link(f'<{base}?min_id=12>; rel="prev"', base) is None
    assert next_link("</api/v1/accounts/1/statuses?max_id=3>; rel=next", base) == f"{base}?max_id=3"
    assert next_link(None, base) is None
    now = 1_800_000_000.0
    assert wait_until("2027-01-15T08:05:00.000Z", {}, now) == pytest.approx(300.0)
    assert wait_until(str(int(now) + 90), {}, now) == 90.0
    assert wait_until(None, {"retry-after": "30"}, now) == 30.0
    assert wait_until("soon", {}, now) is None
    assert wait_until("2020-01-01T00:00:00Z", {}, now) == 1.0  # clamped like Retry-After


def test_the_fake_files_a_report_for_the_moderation_work(masto: MastodonServer) -> None:
    ids = thread(masto)
    form = urllib.parse.urlencode({"account_id": "202", "status_ids[]": ids["r2"], "comment": "abuse"}).encode()
    request = urllib.request.Request(masto.url("/api/v1/reports"), data=form, headers={"Authorization": "Bearer t"})
    with urllib.request.urlopen(request) as answer:
        report = json.loads(answer.read())
    assert report["status_ids"] == [ids["r2"]] and report["target_account"]["acct"] == "bob@other.example"
    assert masto.reports == [report]


def test_an_api_redirect_to_another_site_is_refused(cli, masto: MastodonServer) -> None:
    """A paging link may not lead elsewhere, and neither may a redirect (it could carry
    the read to a server that was never configured)."""
    masto.fail_next(
        302,
        b"",
        path=f"/api/v1/accounts/{ACCOUNT}/statuses",
        headers={"Location": "http://127.0.0.2:9/api/v1/accounts/109/statuses"},
    )
    configure(cli, masto)
    result = cli("sync")
    assert result.returncode == 1 and "a redirect to another site" in result.stdout, result.stdout
