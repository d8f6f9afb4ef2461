"""Imprints: which press cards and milestones must carry the campaign's imprint, and which lack it.

Election material has to say who promoted it and on whose behalf (the
`[campaign] imprint` in the config). An item needs the imprint when:

- it is a press card that is going out or has gone out: stage `pitched` or
  `published` (its current stage, local moves included);
- it is a press card in a format that is published online — a press release,
  op-ed, statement or public letter goes on the CLP's website and social
  accounts — from the moment it is `approved`, so the text can be put right
  before it is pitched;
- its feed says so: `_clp.needs_imprint` is true on a milestone or a press card.

Spiked cards and dropped milestones will not go out and are never flagged.
An item that needs the imprint is flagged when its title and text together do
not contain the configured imprint (whitespace runs and case ignored); with no
imprint configured every such item is flagged "no imprint configured".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from clp_tui.config import Config
from clp_tui.data.board import Milestone, load_milestones
from clp_tui.data.store import Store

if TYPE_CHECKING:
    from clp_tui.data.press import Card

# data/press.py is imported where press cards are looked at, not here at the top: the
# board, which asks only about milestones, starts without it.

OUT_STAGES = frozenset({"pitched", "published"})
DIGITAL_FORMATS = frozenset({"press_release", "op_ed", "statement", "public_letter"})
DIGITAL_FROM_STAGES = frozenset({"approved", "pitched", "published"})
FORMAT_LABELS = {
    "press_release": "press release",
    "photo_call": "photo call",
    "op_ed": "op-ed",
    "public_letter": "public letter",
    "story_idea": "story idea",
    "broadcast_bid": "broadcast bid",
    "statement": "statement",
}
FEED_SAYS = "the feed marks it as needing an imprint"
NO_IMPRINT = "no imprint configured"
MISSING = "the text does not include the imprint"


@dataclass(frozen=True, slots=True)
class ImprintProblem:
    feed: str
    id: str
    kind: str  # "press" or "milestone"
    title: str
    stage: str  # the press stage or the milestone's status, for showing beside it
    needs_because: str  # why this item must carry the imprint
    reason: str  # NO_IMPRINT or MISSING

    @property
    def key(self) -> tuple[str, str]:
        return (self.feed, self.id)


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def imprint_configured(imprint: str) -> bool:
    """Whether there is an imprint to look for (whitespace alone is none)."""
    return bool(normalise(imprint))


def carries_imprint(text: str, imprint: str) -> bool:
    wanted = normalise(imprint)
    return bool(wanted) and wanted in normalise(text)


def press_needs_imprint(stage: str, fmt: str, flagged_by_feed: bool) -> str | None:
    """Why a press card at `stage` in format `fmt` must carry the imprint, or None."""
    if stage == "spiked":
        return None
    if flagged_by_feed:
        return FEED_SAYS
    if stage in OUT_STAGES:
        from clp_tui.data.press import STAGE_LABELS

        return f"it is {STAGE_LABELS[stage].lower()}"
    if fmt in DIGITAL_FORMATS and stage in DIGITAL_FROM_STAGES:
        return f"a {FORMAT_LABELS.get(fmt, fmt)} goes out online once approved"
    return None


def card_lacks_imprint(card: Card, imprint: str) -> str | None:
    """Why `card` must carry the imprint, when it must and its title and text do not; else None."""
    why = press_needs_imprint(card.stage, card.ext.format, card.ext.needs_imprint)
    if why is None or carries_imprint(f"{card.title}\n{card.body}", imprint):
        return None
    return why


def milestone_lacks_imprint(m: Milestone, imprint: str) -> str | None:
    """Why milestone `m` must carry the imprint (its feed says so and it is not dropped),
    when it must and its title and description do not; else None."""
    if not m.ext.needs_imprint or m.status == "dropped":
        return None
    if carries_imprint(f"{m.title}\n{m.description}", imprint):
        return None
    return FEED_SAYS


def imprint_problems(store: Store, config: Config) -> list[ImprintProblem]:
    """Every item that needs the imprint and lacks it: press cards first, then milestones."""
    imprint = config.campaign.imprint
    reason = MISSING if imprint_configured(imprint) else NO_IMPRINT
    from clp_tui.data.press import load_cards

    problems: list[ImprintProblem] = []
    for card in load_cards(store):
        if why := card_lacks_imprint(card, imprint):
            problems.append(ImprintProblem(card.feed, card.id, "press", card.title, card.stage, why, reason))
    # RAG plays no part here, so any date will do for loading.
    for m in load_milestones(store, store.clock().date()):
        if why := milestone_lacks_imprint(m, imprint):
            problems.append(ImprintProblem(m.feed, m.id, "milestone", m.title, m.status or "not_started", why, reason))
    return problems
