"""The press kanban's data: cards with local moves, consents and sign-offs applied,
and the gates that stop a card going out without them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec

from clp_tui.data.contract import GATED_STAGES, PRESS_STAGES, PressExt
from clp_tui.data.decision_log import local_join, local_or_feed
from clp_tui.data.store import Store

BOARD_STAGES = tuple(s for s in PRESS_STAGES if s != "spiked")
STAGE_LABELS = {
    "idea": "Idea",
    "drafting": "Drafting",
    "candidate_consent": "Candidate consent",
    "regional_review": "Regional review",
    "approved": "Approved",
    "pitched": "Pitched",
    "published": "Published",
    "spiked": "Spiked",
}
_EXT = msgspec.json.Decoder(PressExt)


@dataclass(slots=True)
class Card:
    feed: str
    id: str
    title: str
    body: str
    ext: PressExt
    stage: str
    consent_by: str | None
    consent_at: str | None
    signoff_by: str | None
    signoff_at: str | None
    stage_since: str | None  # when it entered its current stage (see `stage_since`)
    local_stage: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.feed, self.id)

    def days_in_stage(self, now: dt.datetime) -> int | None:
        if not self.stage_since:
            return None
        try:
            since = dt.datetime.fromisoformat(self.stage_since)
        except ValueError:
            return None
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        return max((now - since).days, 0)


def stage_since(local_at: str | None, seen: str | None, edited: str | None) -> str | None:
    """When a card entered its stage. Moved here: the decision log's time. Else `seen`, the
    sync that first showed it at this stage (items.state_since: the one that first read the
    card, or the one that saw the feed change its stage), or the feed's last edit if that
    came before `seen` (the card had this stage when it was last edited, so it has been
    at it since then at least). A later edit does not restart the count, as it did when
    this was the feed's date_modified alone."""
    if local_at:
        return local_at
    if seen and edited:
        return min(seen, edited)  # stored stamps: text order is time order
    return seen or edited


def gate_breached(card: Card) -> bool:
    """Whether `card` stands at a gated stage without both the candidate's consent and the regional sign-off."""
    return card.stage in GATED_STAGES and not (card.consent_by and card.signoff_by)


def gate_problem(card: Card, target: str) -> str | None:
    """Why `card` may not move to `target`, or None if it may."""
    if target not in GATED_STAGES:
        return None
    missing = []
    if not card.consent_by:
        missing.append("the candidate's express consent (press c)")
    if not card.signoff_by:
        missing.append("the regional communications team's sign-off (press g)")
    if not missing:
        return None
    return f"cannot move to {STAGE_LABELS[target]}: it still needs " + " and ".join(missing)


def load_cards(store: Store) -> list[Card]:
    rows = store.query(
        f"""SELECT i.feed, i.id, i.title, i.body, i.ext, coalesce(i.state_since, i.first_seen) AS seen,
                  coalesce(i.modified, i.published) AS edited,
                  st.value AS stage_value, st.at AS stage_at,
                  c.value AS consent, s.value AS signoff
           FROM items i
           {local_join("stage", "st")}
           {local_join("consent", "c")}
           {local_join("signoff", "s")}
           WHERE i.kind = 'press' AND i.archived = 0
           ORDER BY coalesce(i.modified, i.published) DESC, i.id"""
    )
    cards = []
    for r in rows:
        ext = _EXT.decode(r["ext"])
        consent = local_or_feed(r["consent"], None)
        signoff = local_or_feed(r["signoff"], None)
        stage = local_or_feed(r["stage_value"], ext.stage)
        cards.append(
            Card(
                feed=r["feed"],
                id=r["id"],
                title=r["title"] or r["id"],
                body=r["body"] or "",
                ext=ext,
                stage=stage,
                consent_by=(consent or {}).get("by") or (ext.consent.by if ext.consent else None),
                consent_at=(consent or {}).get("at") or (ext.consent.at if ext.consent else None),
                signoff_by=(signoff or {}).get("by") or (ext.regional_signoff.by if ext.regional_signoff else None),
                signoff_at=(signoff or {}).get("at") or (ext.regional_signoff.at if ext.regional_signoff else None),
                stage_since=stage_since(r["stage_at"], r["seen"], r["edited"]),
                local_stage=r["stage_value"] is not None,
            )
        )
    return cards
