"""The flag rules (data/moderation.py): one set of patterns flags a comment at sync
and explains the flag in the inbox, so a flag is never explained by a rule that
did not raise it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from feedserver import FeedServer, comment, config_toml, feed_bytes
from frozen import CLOCK

from clp_tui.config import Moderation, parse_config
from clp_tui.data.inbox import Inbox
from clp_tui.data.moderation import flag_reasons
from clp_tui.data.store import Store
from clp_tui.data.sync import sync_feeds

RULES = Moderation(watch_words=["Traitor"], flag_links=True, repeat_posts=3)


def test_a_watch_word_in_the_title_is_the_reason_given() -> None:
    assert flag_reasons(RULES, "nothing to see", "A TRAITOR in the council", True) == ["watch word 'traitor'"]
    assert flag_reasons(RULES, "see https://x.test", None, True) == ["contains a link"]
    assert flag_reasons(RULES, "nothing", "nothing", True) == ["3+ comments from this name in one day"]
    assert flag_reasons(RULES, "nothing", None, False) == []


def test_sync_and_the_inbox_agree_on_why(server: FeedServer, tmp_path: Path) -> None:
    titled = comment("c1", "I agree with the motion")
    titled["title"] = "Traitor to the town"
    plain = comment("c2", "Lovely leaflet")
    server.route("/feed.json", body=feed_bytes([titled, plain]))
    moderation = {"watch_words": ["traitor"], "flag_links": False, "repeat_posts": 5}
    config = parse_config(
        config_toml([{"name": "page", "url": server.url("/feed.json"), "kind": "comment"}], moderation=moderation)
    )
    store = Store(tmp_path / "cache.db", clock=CLOCK)
    try:
        reports = asyncio.run(sync_feeds(store, config))
        assert [r.status for r in reports] == ["ok"]
        inbox = Inbox(store, config.moderation)
        comments = {c.id: c for c in inbox.page(0, 10)}
        assert comments["c1"].flagged and not comments["c2"].flagged
        assert inbox.flag_reasons(comments["c1"]) == ["watch word 'traitor'"]
        assert inbox.flag_reasons(comments["c2"]) == []
    finally:
        store.close()
