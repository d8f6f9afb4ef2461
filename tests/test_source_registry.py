"""The sources registry: every `source` the config accepts has an adapter, the
capability map says what a decision does on each platform, and the inbox says so
before a key is pressed."""

from __future__ import annotations

import importlib

import pytest

from clp_tui.config import ConfigError, parse_config
from clp_tui.data.sources import SOURCES, decision_reach


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_source_has_an_adapter(name: str) -> None:
    module = importlib.import_module(f"clp_tui.data.sources.{name}") if name != "jsonfeed" else None
    assert name == "jsonfeed" or callable(module.read)


def test_the_inbox_says_what_a_decision_does_where_the_comment_is() -> None:
    assert "does not change anything on facebook" in decision_reach("jsonfeed", False, "facebook")
    assert "apply_decisions off (Facebook can: hide, unhide)" in decision_reach("facebook", False, "facebook")
    assert "Recorded here only: Bluesky has no hide" in decision_reach("bluesky", False, "bluesky")
    yt = '[[feeds]]\nname = "y"\nkind = "comment"\nsource = "youtube"\nurl = "https://www.googleapis.com/x"\n'
    held = parse_config(yt + "apply_decisions = true\n").feeds[0]
    assert "Hide holds it for review on YouTube, Approve publishes it" in decision_reach("youtube", True, "yt", held)
    rejected = parse_config(yt + 'apply_decisions = true\nyoutube_hide = "rejected"\n').feeds[0]
    assert "a rejected comment cannot be published again" in decision_reach("youtube", True, "yt", rejected)


def test_a_source_that_cannot_act_refuses_apply_decisions() -> None:
    feed = '[[feeds]]\nname = "b"\nkind = "comment"\nsource = "bluesky"\nurl = "https://public.api.bsky.app/x"\n'
    with pytest.raises(ConfigError, match="apply_decisions: Bluesky has no hide"):
        parse_config(feed + "apply_decisions = true\n")
    assert parse_config(feed).feeds[0].source == "bluesky"


def test_an_unknown_source_names_the_ones_there_are() -> None:
    text = '[[feeds]]\nname = "t"\nkind = "comment"\nsource = "tiktok"\nurl = "https://example.org/x"\n'
    with pytest.raises(ConfigError, match="'tiktok' is not a source; use one of jsonfeed, csv, facebook"):
        parse_config(text)
