"""`clp-tui check-feed --source …` reads a platform's API (or a sheet) exactly as
`sync` would, so an officer can test a configuration before adding it."""

from __future__ import annotations

from platforms.bluesky import BlueskyServer
from platforms.graph import FB_TOKEN, PAGE_ID, GraphServer
from platforms.mastodon import MastodonServer
from platforms.youtube import TOKEN, YouTubeServer


def check(cli, *args: str, env: dict[str, str] | None = None):
    result = cli("check-feed", *args, files=False, env=env)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_check_feed_reads_a_facebook_page_with_its_token(cli) -> None:
    with GraphServer() as graph:
        url = graph.url(f"/v21.0/{PAGE_ID}/posts")
        result = check(cli, "--source", "facebook", "--token-env", "FB", url, env={"FB": FB_TOKEN})
        assert result.returncode == 0, result.stdout + result.stderr
        assert "item(s) taken" in result.stdout and "0 error(s)" in result.stdout
        assert FB_TOKEN not in result.stdout + result.stderr
        expired = check(cli, "--source", "facebook", "--token-env", "FB", url, env={"FB": "expired"})
        assert expired.returncode == 2 and "cannot read the feed" in expired.stderr


def test_check_feed_reads_youtube_mastodon_and_bluesky(cli) -> None:
    with YouTubeServer() as yt:
        url = yt.url("/youtube/v3/commentThreads?allThreadsRelatedToChannelId=UC123&part=snippet,replies")
        result = check(cli, "--source", "youtube", "--token-env", "YT", url, env={"YT": TOKEN})
        assert result.returncode == 0 and "10 item(s) taken" in result.stdout, result.stdout + result.stderr
    with MastodonServer() as masto:
        masto.add_account("109", "ourclp")
        masto.add_account("201", "ann")
        post = masto.post("109", "<p>Canvassing on Saturday</p>")["id"]
        masto.post("201", "<p>Count me in</p>", in_reply_to=post)
        result = check(cli, "--source", "mastodon", masto.url("/api/v1/accounts/109/statuses"))
        assert result.returncode == 0 and "1 item(s) taken" in result.stdout, result.stdout + result.stderr
    with BlueskyServer() as bsky:
        bsky.add_profile("ourclp.bsky.social", "Our CLP")
        bsky.add_profile("ann.bsky.social", "Ann")
        root = bsky.post("ourclp.bsky.social", "Canvassing on Saturday")
        bsky.post("ann.bsky.social", "Count me in", reply_to=root)
        url = bsky.url("/xrpc/app.bsky.feed.getAuthorFeed?actor=ourclp.bsky.social")
        result = check(cli, "--source", "bluesky", url)
        assert result.returncode == 0 and "1 item(s) taken" in result.stdout, result.stdout + result.stderr


def test_a_kind_the_source_cannot_give_is_refused(cli) -> None:
    result = check(cli, "--source", "facebook", "--kind", "milestone", "https://graph.facebook.com/v21.0/1/posts")
    assert result.returncode == 2 and "a Facebook source gives comment items" in result.stderr
