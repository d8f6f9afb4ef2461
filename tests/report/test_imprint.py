"""Imprints: which press cards and milestones must carry `[campaign] imprint`, and which lack it."""

from __future__ import annotations

import msgspec
import pytest

from clp_tui.config import Campaign, Config
from clp_tui.data.decision_log import add_local_item, decide
from clp_tui.data.imprint import MISSING, NO_IMPRINT, carries_imprint, imprint_problems, press_needs_imprint
from clp_tui.data.store import Store

from .conftest import IMPRINT, OFFICER


def flagged(store: Store, config: Config) -> dict[str, str]:
    return {p.id: p.reason for p in imprint_problems(store, config)}


def test_flags_follow_stage_format_and_the_feed(store: Store, config: Config) -> None:
    by_id = {
        r["title"]: r["id"] for r in store.query("SELECT id, title FROM items WHERE kind IN ('press', 'milestone')")
    }
    problems = flagged(store, config)
    # Pitched and published cards, digital formats from approval, and the feed's own flag.
    for title in (
        "Saltgate action day",
        "Buses are a lifeline, not a luxury",
        "Twinned branches: Kingsley Moor and Millbrook",
        "500 new voters registered in student halls",
        "Digital ad run on social media",
    ):
        assert problems[by_id[title]] == MISSING, title
    # Not yet out: an approved photo call, drafts, ideas; never: spiked cards.
    for title in (
        "Priya at the Hollowmere youth club",
        "GP surgery petition passes 2,000 signatures",
        "Response to the opposition's leaflet",
        "Candidate's column on buses, with imprint",
    ):
        assert by_id[title] not in problems, title
    assert all(p.kind in ("press", "milestone") for p in imprint_problems(store, config))


def test_needs_imprint_on_a_card_at_any_stage(store: Store, config: Config) -> None:
    ext = {"format": "story_idea", "stage": "idea", "needs_imprint": True}
    add_local_item(store, "press", "idea-1", "Sponsored post about the 42 bus", ext, officer=OFFICER)
    problem = next(p for p in imprint_problems(store, config) if p.id == "idea-1")
    assert (problem.feed, problem.stage, problem.reason) == ("local", "idea", MISSING)
    assert problem.needs_because == "the feed marks it as needing an imprint"


def test_a_local_move_counts(store: Store, config: Config) -> None:
    photo_call = "p-15"  # "Priya at the Hollowmere youth club", approved in the feed
    assert photo_call not in flagged(store, config)
    decide(store, [("press", photo_call)], "stage", "pitched", officer=OFFICER)
    assert flagged(store, config)[photo_call] == MISSING
    decide(store, [("press", photo_call)], "stage", "spiked", officer=OFFICER)
    assert photo_call not in flagged(store, config)


def test_no_imprint_configured(store: Store, config: Config) -> None:
    bare = msgspec.structs.replace(config, campaign=Campaign())
    problems = imprint_problems(store, bare)
    assert problems and {p.reason for p in problems} == {NO_IMPRINT}
    # With nothing to look for, even the card that carries the imprint is flagged.
    assert "p-imprinted" in {p.id for p in problems}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (IMPRINT, True),
        ("Column text.\n" + IMPRINT.upper().replace(" ", "\n  "), True),
        (IMPRINT.replace("Sam Agent", "Someone Else"), False),
        ("", False),
    ],
)
def test_matching_ignores_case_and_whitespace(text: str, found: bool) -> None:
    assert carries_imprint(text, IMPRINT) is found
    assert carries_imprint(text, "   ") is False


def test_rules() -> None:
    assert press_needs_imprint("published", "photo_call", False)
    assert press_needs_imprint("approved", "statement", False)
    assert press_needs_imprint("approved", "photo_call", False) is None
    assert press_needs_imprint("drafting", "op_ed", True)
    assert press_needs_imprint("spiked", "op_ed", True) is None
