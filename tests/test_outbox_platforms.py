"""The outbox's requests to YouTube and Mastodon (loopback fakes in tests/platforms/):
the documented method, path and parameters, the token as a Bearer header, one request
per decision; YouTube's quota and a rejected comment that cannot be published again;
Mastodon's report filed only for an escalation and only with report_escalations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from platforms.mastodon import MastodonServer
from platforms.youtube import QUOTA, TOKEN, YouTubeServer

YT_ENV = {"YT_TOKEN": TOKEN}
MASTO_TOKEN = "masto-tok-5e4d3c2b1a-SECRET"
LATER = {"CLP_TUI_NOW": "2026-11-23T13:00:00Z"}
SET_STATUS = "/youtube/v3/comments/setModerationStatus"


@pytest.fixture
def yt() -> Iterator[YouTubeServer]:
    with YouTubeServer() as server:
        yield server  # type: ignore[misc]


def yt_feed(yt: YouTubeServer, **extra) -> dict:
    url = yt.url("/youtube/v3/commentThreads?allThreadsRelatedToChannelId=UC123&part=snippet,replies")
    return {
        "name": "yt",
        "kind": "comment",
        "source": "youtube",
        "url": url,
        "token_env": "YT_TOKEN",
        "apply_decisions": True,
        **extra,
    }


def ready(cli, feed: dict, env: dict) -> None:
    cli.write_config([feed])
    result = cli("sync", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_youtube_hide_holds_the_comment_for_review_and_undo_publishes_it(cli, yt, sql) -> None:
    ready(cli, yt_feed(yt), YT_ENV)
    result = cli("decide", "yt/Ugw3", "hide", env=YT_ENV)
    assert result.returncode == 0, result.stderr
    assert "hold for review yt/Ugw3: applied" in result.stdout
    [request] = yt.log("POST")
    assert request.path == SET_STATUS and request.bearer == TOKEN
    assert request.query == {"id": "Ugw3", "moderationStatus": "heldForReview"}
    assert yt.find("Ugw3").status == "heldForReview"
    assert cli("decide", "yt/Ugw3", "undo", env=YT_ENV).returncode == 0
    assert [r.query["moderationStatus"] for r in yt.log("POST")] == ["heldForReview", "published"]
    assert yt.find("Ugw3").status == "published"


def test_youtube_hide_rejects_when_configured_and_a_rejected_comment_cannot_be_published(cli, yt, sql) -> None:
    ready(cli, yt_feed(yt, youtube_hide="rejected"), YT_ENV)
    assert cli("decide", "yt/Ugw5", "hide", env=YT_ENV).returncode == 0
    assert yt.log("POST")[0].query == {"id": "Ugw5", "moderationStatus": "rejected"}
    # Undoing a rejection sends nothing: YouTube cannot publish it again.
    assert cli("decide", "yt/Ugw5", "undo", env=YT_ENV).returncode == 0
    assert len(yt.log("POST")) == 1
    # An approval asks, and YouTube refuses: failed, saying why.
    result = cli("decide", "yt/Ugw5", "approve", env=YT_ENV)
    assert result.returncode == 1
    assert "a rejected comment cannot be published again" in result.stdout
    assert yt.find("Ugw5").status == "rejected"
    assert sql(cli.db, "SELECT action, state FROM outbox ORDER BY id") == [("reject", "applied"), ("approve", "failed")]


def test_youtube_quota_leaves_it_pending_until_a_later_sync(cli, yt) -> None:
    ready(cli, yt_feed(yt), YT_ENV)
    yt.fail_next(403, QUOTA, method="POST")
    result = cli("decide", "yt/Ugw1", "hide", env=YT_ENV)
    assert result.returncode == 0 and "still pending" in result.stdout and "quota" in result.stdout
    assert yt.find("Ugw1").status == "published"
    listed = cli("outbox", env=YT_ENV).stdout
    assert listed.startswith("pending  hold for review yt/Ugw1") and "quota" in listed
    # The quota resets at midnight Pacific: the backoff waits at least until then.
    assert cli("sync", env={**YT_ENV, **LATER}).returncode == 0
    assert len(yt.log("POST")) == 1
    assert cli("sync", env={**YT_ENV, "CLP_TUI_NOW": "2026-11-25T12:00:00Z"}).returncode == 0
    assert len(yt.log("POST")) == 2 and yt.find("Ugw1").status == "heldForReview"


@pytest.fixture
def masto() -> Iterator[MastodonServer]:
    with MastodonServer() as server:
        server.add_account("109", "hastingslabour", display_name="Hastings Labour")
        server.add_account("202", "bob", domain="other.example", display_name="Bob")
        yield server


def masto_feed(masto: MastodonServer, **extra) -> dict:
    return {
        "name": "masto",
        "kind": "comment",
        "source": "mastodon",
        "token_env": "MASTO_TOKEN",
        "url": masto.url("/api/v1/accounts/109/statuses"),
        "apply_decisions": True,
        **extra,
    }


def test_an_escalation_files_one_mastodon_report_with_the_reason(cli, masto) -> None:
    post = masto.post("109", "<p>Street stall on Saturday</p>")["id"]
    reply = masto.post("202", "<p>Something nasty</p>", in_reply_to=post)["id"]
    env = {"MASTO_TOKEN": MASTO_TOKEN}
    ready(cli, masto_feed(masto, report_escalations=True), env)
    assert cli("decide", f"masto/{reply}", "hide", env=env).returncode == 0  # no hide on Mastodon
    assert masto.log("POST") == []
    result = cli("decide", f"masto/{reply}", "escalate", "--reason", "threatening language", env=env)
    assert result.returncode == 0, result.stderr
    assert "file a report" in result.stdout and "applied" in result.stdout
    [request] = masto.log("POST")
    assert request.path == "/api/v1/reports" and request.bearer == MASTO_TOKEN
    assert request.form["account_id"] == "202" and request.form["status_ids[]"] == reply
    assert request.form["comment"] == "threatening language"
    assert [r["target_account"]["id"] for r in masto.reports] == ["202"]
    # A report cannot be withdrawn: undo sends nothing.
    assert cli("decide", f"masto/{reply}", "undo", env=env).returncode == 0
    assert len(masto.log("POST")) == 1


def test_without_report_escalations_mastodon_records_only(cli, masto, sql) -> None:
    post = masto.post("109", "<p>Hello</p>")["id"]
    reply = masto.post("202", "<p>Hmm</p>", in_reply_to=post)["id"]
    env = {"MASTO_TOKEN": MASTO_TOKEN}
    ready(cli, masto_feed(masto), env)
    assert cli("decide", f"masto/{reply}", "escalate", "--reason", "spam", env=env).returncode == 0
    assert masto.log("POST") == [] and sql(cli.db, "SELECT count(*) FROM outbox") == [(0,)]


def test_a_comment_held_on_youtube_stays_in_the_inbox_as_hidden(cli, yt, sql) -> None:
    ready(cli, yt_feed(yt), YT_ENV)
    assert cli("decide", "yt/Ugw3", "hide", env=YT_ENV).returncode == 0
    assert cli("sync", env=YT_ENV).returncode == 0
    held = [r for r in yt.log("GET", "/youtube/v3/commentThreads") if r.query.get("moderationStatus")]
    assert held and all(r.query["moderationStatus"] == "heldForReview" and r.bearer == TOKEN for r in held)
    assert sql(cli.db, "SELECT state, archived FROM items WHERE id = 'Ugw3'") == [("hidden", 0)]
    assert sql(cli.db, "SELECT state FROM items WHERE id = 'Ugw1'") == [("visible",)]
    assert cli("decide", "yt/Ugw3", "undo", env=YT_ENV).returncode == 0
    assert cli("sync", env=YT_ENV).returncode == 0
    assert sql(cli.db, "SELECT state, archived FROM items WHERE id = 'Ugw3'") == [("visible", 0)]


def test_without_apply_decisions_youtube_reads_published_comments_only(cli, yt) -> None:
    ready(cli, yt_feed(yt, apply_decisions=False), YT_ENV)
    assert not [r for r in yt.log("GET") if "moderationStatus" in r.query]
