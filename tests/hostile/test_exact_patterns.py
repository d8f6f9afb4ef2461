"""Finding 13: a trailing newline does not slip past a pattern. Python's `$` also matches
just before a final newline; the patterns now end at `\\Z`.

Before: an activity week of "2026-W48\\n" was accepted (and then never counted in its
week), and a feed named "inbox\\n" passed the config check.
"""

from __future__ import annotations

import json

import pytest
from feedserver import activity, feed_bytes

from clp_tui.config import ConfigError, parse_config
from clp_tui.data.contract import json_schema


def test_a_week_with_a_trailing_newline_is_refused(server, db, sync_now, sql) -> None:
    items = [activity("a-good", week="2026-W48"), activity("a-bad", week="2026-W48\n")]
    feeds = [{"name": "activity", "url": server.feed("activity", feed_bytes(items)), "kind": "activity"}]
    (report,) = sync_now(db, feeds)
    assert sql(db, "SELECT id, week FROM items") == [("a-good", "2026-W48")]
    assert any("week" in p.path and p.item_id == "a-bad" for p in report.problems), report.problems


@pytest.mark.parametrize("name", ["inbox\n", "inbox\r\n", "inbox\n\n"])
def test_a_feed_name_with_a_trailing_newline_is_refused(name: str) -> None:
    text = f"[[feeds]]\nname = {json.dumps(name)}\nurl = 'https://example.org/f.json'\nkind = 'comment'\n"
    with pytest.raises(ConfigError, match=r"feeds\[0\]\.name"):
        parse_config(text)


def test_the_published_schema_keeps_ecma_patterns() -> None:
    """JSON Schema patterns are ECMA-262, which has no `\\Z`: `$` is already exact there."""
    text = json.dumps(json_schema())
    assert "\\\\Z" not in text
    assert '"^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$"' in text
