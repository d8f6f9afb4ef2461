"""Real-world JSON Feeds nobody here wrote (tests/conformance/, with their licence):
each is synced over a loopback server as a `comment` feed and as a `press` feed,
and `check-feed` describes each without a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from feedserver import FeedServer

CONFORMANCE = Path(__file__).resolve().parent / "conformance"
SAMPLES = ["jsonfeed_elastic_1.1.json", "jsonfeed_example_1.json", "jsonfeed_spec_1.json"]


def expected_ids(doc: dict) -> list[str]:
    """What the contract says the keys are: the id, else the url."""
    return sorted(str(item.get("id") or item["url"]) for item in doc["items"])


def test_every_sample_in_the_folder_is_covered() -> None:
    assert CONFORMANCE.is_dir(), f"{CONFORMANCE} is missing: the conformance samples are part of the repository"
    assert sorted(p.name for p in CONFORMANCE.glob("*.json")) == SAMPLES


@pytest.mark.parametrize("sample", SAMPLES)
def test_a_real_world_feed_syncs_as_comments_and_as_press(sample: str, server: FeedServer, cli, sql) -> None:
    body = (CONFORMANCE / sample).read_bytes()
    doc = json.loads(body)
    url = server.route("/feed.json", body=body)
    cli.write_config(
        [
            {"name": "mentions", "url": url, "kind": "comment"},
            {"name": "news", "url": url, "kind": "press"},
        ]
    )
    result = cli("sync", "--json")
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    reports = {r["feed"]: r for r in map(json.loads, result.stdout.splitlines())}
    for name in ("mentions", "news"):
        assert reports[name]["status"] == "ok"
        assert reports[name]["counts"]["added"] == len(doc["items"])
        assert [p for p in reports[name]["problems"] if p["severity"] == "error"] == []

    for feed, kind in (("mentions", "comment"), ("news", "press")):
        got = sql(cli.db, "SELECT id FROM items WHERE feed = ? AND kind = ? ORDER BY id", (feed, kind))
        assert [row[0] for row in got] == expected_ids(doc)
    # A plain feed read as press is news already out.
    assert {row[0] for row in sql(cli.db, "SELECT stage FROM items WHERE feed = 'news'")} == {"published"}
    # Bodies are plain text: content_html has its tags removed, never rendered.
    by_id = {str(i.get("id") or i["url"]): i for i in doc["items"]}
    for item_id, body_text in sql(cli.db, "SELECT id, body FROM items WHERE feed = 'mentions'"):
        item = by_id[item_id]
        if "content_text" in item:
            assert body_text == item["content_text"]
        elif "content_html" in item:
            assert body_text and "<p>" not in body_text and "</" not in body_text
        else:
            assert body_text is None  # a title-only item
    # Singular JSON Feed 1.0 `author` is read as the author.
    for item_id, author in sql(cli.db, "SELECT id, author_name FROM items WHERE feed = 'mentions'"):
        item = by_id[item_id]
        want = (item.get("authors") or [None])[0] or item.get("author")
        assert author == (want or {}).get("name")


@pytest.mark.parametrize("kind", ["comment", "press"])
@pytest.mark.parametrize("sample", SAMPLES)
def test_check_feed_describes_a_real_world_feed(sample: str, kind: str, server: FeedServer, cli) -> None:
    body = (CONFORMANCE / sample).read_bytes()
    items = len(json.loads(body)["items"])
    url = server.route("/feed.json", body=body)
    result = cli("check-feed", url, "--kind", kind, files=False)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{items} item(s) taken over 1 page(s); 0 error(s)" in result.stdout
    if sample == "jsonfeed_elastic_1.1.json":  # items with no id: the url stands in, with a warning
        assert "no id; the item's url is used as its id" in result.stdout
