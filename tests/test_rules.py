"""Each house rule is one function in `clp_tui.data`, which the screens and the report both call.
These check those functions directly, without a store or a screen."""

from __future__ import annotations

import datetime as dt

from clp_tui.data.board import Milestone, is_late
from clp_tui.data.branches import QUIET_WEEKS, BranchRow, last_weeks
from clp_tui.data.contract import MilestoneExt, PressExt
from clp_tui.data.imprint import FEED_SAYS, card_lacks_imprint, imprint_configured, milestone_lacks_imprint
from clp_tui.data.press import Card, gate_breached

IMPRINT = "Promoted by A. Agent on behalf of P. Candidate"
TODAY = dt.date(2026, 5, 6)


def milestone(
    status: str | None = None, needs_imprint: bool = True, text: str = "", rag: str = "on_track"
) -> Milestone:
    ext = MilestoneExt(due=TODAY, needs_imprint=needs_imprint)
    return Milestone("f", "m-1", "Leaflet", text, ext, status, None, rag=rag)


def card(stage: str, fmt: str = "photo_call", needs_imprint: bool = False, body: str = "", **gates: str) -> Card:
    ext = PressExt(format=fmt, stage=stage, needs_imprint=needs_imprint)  # type: ignore[arg-type]
    return Card(
        "f", "p-1", "Title", body, ext, stage, gates.get("consent"), None, gates.get("signoff"), None, None, False
    )


def test_imprint_configured_ignores_whitespace() -> None:
    assert imprint_configured(IMPRINT)
    assert not imprint_configured("")
    assert not imprint_configured(" \n\t ")


def test_a_milestone_lacks_the_imprint_when_its_feed_asks_and_it_is_not_dropped() -> None:
    assert milestone_lacks_imprint(milestone(), IMPRINT) == FEED_SAYS
    assert milestone_lacks_imprint(milestone(), "") == FEED_SAYS
    assert milestone_lacks_imprint(milestone(status="done"), IMPRINT) == FEED_SAYS
    assert milestone_lacks_imprint(milestone(status="dropped"), IMPRINT) is None
    assert milestone_lacks_imprint(milestone(needs_imprint=False), IMPRINT) is None
    assert milestone_lacks_imprint(milestone(text="Text.\n" + IMPRINT.upper()), IMPRINT) is None


def test_a_card_lacks_the_imprint_by_stage_format_and_feed() -> None:
    assert card_lacks_imprint(card("published"), IMPRINT) == "it is published"
    assert card_lacks_imprint(card("approved", "statement"), IMPRINT) == "a statement goes out online once approved"
    assert card_lacks_imprint(card("approved"), IMPRINT) is None
    assert card_lacks_imprint(card("idea", needs_imprint=True), IMPRINT) == FEED_SAYS
    assert card_lacks_imprint(card("spiked", "op_ed", needs_imprint=True), IMPRINT) is None
    assert card_lacks_imprint(card("pitched", body=IMPRINT), IMPRINT) is None
    # Nothing to look for: every card that needs the imprint lacks it.
    assert card_lacks_imprint(card("pitched", body=IMPRINT), "  ") == "it is pitched"


def test_quiet_is_nothing_recorded_in_the_last_quiet_weeks() -> None:
    window = last_weeks(TODAY, 8)
    row = BranchRow("Millbrook", weeks={w: {"doors": 10.0} for w in window[:-QUIET_WEEKS]})
    assert row.quiet(window)
    assert row.quiet(last_weeks(TODAY, QUIET_WEEKS))
    # Any one of the last QUIET_WEEKS weeks with something in it is enough; zeros are nothing.
    row.weeks[window[-QUIET_WEEKS]] = {"doors": 1.0}
    assert not row.quiet(window)
    row.weeks[window[-QUIET_WEEKS]] = {"doors": 0.0}
    assert row.quiet(window)
    row.weeks[window[-1]] = {"calls": 3.0}
    assert not row.quiet(window)
    assert not row.quiet(last_weeks(TODAY, QUIET_WEEKS))


def test_late_means_overdue_or_behind() -> None:
    late = {
        rag for rag in ("overdue", "behind", "at_risk", "on_track", "done", "dropped") if is_late(milestone(rag=rag))
    }
    assert late == {"overdue", "behind"}


def test_a_gate_is_breached_at_a_gated_stage_without_both_clearances() -> None:
    both = {"consent": "P. Candidate", "signoff": "Region"}
    for stage in ("approved", "pitched", "published"):
        assert gate_breached(card(stage))
        assert gate_breached(card(stage, consent="P. Candidate"))
        assert gate_breached(card(stage, signoff="Region"))
        assert not gate_breached(card(stage, **both))
    for stage in ("idea", "drafting", "candidate_consent", "regional_review", "spiked"):
        assert not gate_breached(card(stage))
