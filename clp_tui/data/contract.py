"""The feed contract (v1) as one typed definition.

These msgspec structs are the single source of truth: `parse.py` validates
feeds with them, `clp-tui schema` prints the JSON Schema generated from them,
and docs/feeds.md describes the same fields. Change the contract here first.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec

KINDS: tuple[str, ...] = ("milestone", "activity", "comment", "press")
Kind = Literal["milestone", "activity", "comment", "press"]

Horizon = Literal["short", "medium", "long"]
MilestoneStatus = Literal["not_started", "on_track", "at_risk", "behind", "done", "dropped"]
CommentState = Literal["visible", "hidden", "removed"]
PressFormat = Literal[
    "press_release",
    "photo_call",
    "op_ed",
    "public_letter",
    "story_idea",
    "broadcast_bid",
    "statement",
]
PressStage = Literal[
    "idea",
    "drafting",
    "candidate_consent",
    "regional_review",
    "approved",
    "pitched",
    "published",
    "spiked",
]
PRESS_STAGES: tuple[str, ...] = PressStage.__args__  # type: ignore[attr-defined]
# Stages a card may only reach with both the candidate's consent and regional sign-off.
GATED_STAGES: frozenset[str] = frozenset({"approved", "pitched", "published"})

NonNegative = Annotated[float, msgspec.Meta(ge=0)]
# \Z, not $: `$` also matches before a final newline, and "2026-W48\n" is not a week.
IsoWeek = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])\Z")]
# Ids are keys: long enough for any URL-shaped id, short enough to keep rows small.
MAX_ID_LENGTH = 2048


class _Ext(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Fields every item's `_clp` object may carry."""

    type: Kind | None = None
    deleted: bool = False


class Signoff(msgspec.Struct, omit_defaults=True):
    """Who gave a consent or a sign-off, and when."""

    by: str
    # A date or an RFC 3339 date-time; kept as written.
    at: str | None = None


class MilestoneExt(_Ext, kw_only=True):
    """`_clp` of a campaign-plan milestone."""

    due: dt.date
    strand: str | None = None
    horizon: Horizon | None = None
    owner: str | None = None
    start: dt.date | None = None
    status: MilestoneStatus | None = None
    target: NonNegative | None = None
    achieved: NonNegative | None = None
    depends_on: list[str] = []
    needs_imprint: bool = False


class ActivityExt(_Ext, kw_only=True):
    """`_clp` of one branch's activity in one ISO week."""

    branch: Annotated[str, msgspec.Meta(min_length=1)]
    week: IsoWeek
    metrics: dict[str, NonNegative]
    ward: str | None = None
    target_ward: bool = False
    twinned_with: str | None = None


class CommentExt(_Ext, kw_only=True):
    """`_clp` of a comment awaiting moderation."""

    platform: str | None = None
    channel: str | None = None
    thread_id: str | None = None
    thread_title: str | None = None
    in_reply_to: str | None = None
    state: CommentState | None = None


class PressExt(_Ext, kw_only=True):
    """`_clp` of a card on the press kanban."""

    format: PressFormat
    stage: PressStage
    candidate: str | None = None
    consent: Signoff | None = None
    regional_signoff: Signoff | None = None
    outlets: list[str] = []
    embargo: dt.datetime | None = None
    owner: str | None = None
    needs_imprint: bool = False


EXT_BY_KIND: dict[str, type[_Ext]] = {
    "milestone": MilestoneExt,
    "activity": ActivityExt,
    "comment": CommentExt,
    "press": PressExt,
}


class TypeOnly(msgspec.Struct):
    """Just enough of `_clp` to learn an item's declared type and whether it is a tombstone."""

    type: str | None = None
    deleted: bool = False


class Author(msgspec.Struct, omit_defaults=True):
    name: str | None = None
    url: str | None = None
    avatar: str | None = None


class Item(msgspec.Struct, kw_only=True):
    """A JSON Feed item. `_clp` is kept raw and decoded by kind afterwards."""

    id: str | int | float | bool | None = None  # numbers and booleans are coerced to text
    url: str | None = None
    external_url: str | None = None
    title: str | None = None
    content_text: str | None = None
    content_html: str | None = None
    summary: str | None = None
    # Strings, not datetimes: a bad date in these optional fields costs the
    # field (with a warning), not the whole item. See parse.parse_timestamp.
    date_published: str | None = None
    date_modified: str | None = None
    authors: list[Author] | None = None
    author: Author | None = None
    tags: list[str] | None = None
    # msgspec cannot decode `Raw | None`; an absent `_clp` is an empty Raw (see clp_raw).
    clp: msgspec.Raw = msgspec.field(default=msgspec.Raw(b""), name="_clp")

    def clp_raw(self) -> msgspec.Raw | None:
        """The `_clp` object as published, or None when it is absent or null."""
        raw = bytes(self.clp)
        return None if raw in (b"", b"null") else self.clp


class _TypedItem(Item, kw_only=True):
    """An item whose `_clp` is decoded with it, for the common case of an item of its
    feed's own kind: one decode instead of three. `parse.py` falls back to `Item` (and
    its exact error messages) for anything this does not fit."""


TYPED_ITEMS: dict[str, type[Item]] = {
    kind: msgspec.defstruct(
        f"{kind.title()}Item", [("clp", ext, msgspec.field(name="_clp"))], bases=(_TypedItem,), kw_only=True
    )
    for kind, ext in EXT_BY_KIND.items()
}


class FeedExt(msgspec.Struct, kw_only=True):
    polling_day: dt.date | None = None
    constituency: str | None = None
    snapshot: bool = False


class Feed(msgspec.Struct, kw_only=True):
    """A JSON Feed envelope; items stay raw so one bad item costs only itself."""

    version: str
    title: str
    items: list[msgspec.Raw]
    # Optional links, used only when they are text: a wrong type costs the link (with a
    # warning), not the feed (feedparser's JSON cases: tests/conformance/feedparser).
    next_url: Any = None
    home_page_url: Any = None
    clp: FeedExt | None = msgspec.field(default=None, name="_clp")


# The schema shown to publishers describes fully-typed items, not raw ones.
class MilestoneItem(Item, kw_only=True):
    """An item of a `milestone` feed."""

    clp: MilestoneExt | None = msgspec.field(default=None, name="_clp")


class ActivityItem(Item, kw_only=True):
    """An item of an `activity` feed."""

    clp: ActivityExt | None = msgspec.field(default=None, name="_clp")


class CommentItem(Item, kw_only=True):
    """An item of a `comment` feed."""

    clp: CommentExt | None = msgspec.field(default=None, name="_clp")


class PressItem(Item, kw_only=True):
    """An item of a `press` feed."""

    clp: PressExt | None = msgspec.field(default=None, name="_clp")


def _ecma(node: Any) -> Any:
    """A schema with Python's end-of-text `\\Z` in each pattern written as ECMA-262's `$`
    (JSON Schema patterns are ECMA-262, where `$` already means the very end)."""
    if isinstance(node, dict):
        return {
            k: v[:-2] + "$" if k == "pattern" and isinstance(v, str) and v.endswith("\\Z") else _ecma(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_ecma(v) for v in node]
    return node


def json_schema(kind: str | None = None) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a feed, generated from the structs above.

    Without `kind`, an item may be of any kind, and an item that names its
    `_clp.type` must satisfy that kind's rules. With `kind` (the kind a feed is
    configured as), every item must be an item of that kind.
    """
    item_types = [MilestoneItem, ActivityItem, CommentItem, PressItem]
    _, components = msgspec.json.schema_components([Feed, *item_types], ref_template="#/$defs/{name}")
    envelope = components.pop("Feed")
    components.pop("Item", None)
    # Each kind's `_clp.type` may only name that kind: a typed item matches one branch.
    for item_kind, ext in EXT_BY_KIND.items():
        components[ext.__name__]["properties"]["type"] = {
            "anyOf": [{"const": item_kind}, {"type": "null"}],
            "default": None,
        }
    if kind is None:
        # msgspec cannot express "one of several untagged structs"; spell it out.
        items: dict[str, Any] = {"anyOf": [{"$ref": f"#/$defs/{t.__name__}"} for t in item_types]}
    else:
        name = f"{kind.capitalize()}Item"
        items = {"$ref": f"#/$defs/{name}"}
        if kind in ("milestone", "activity"):
            # These kinds have required `_clp` fields, so the object itself is required.
            components[name]["required"] = sorted({*components[name].get("required", []), "_clp"})
    envelope["properties"]["items"] = {"type": "array", "items": items}
    envelope["properties"]["version"]["pattern"] = r"^https://jsonfeed\.org/version/1"
    components = _ecma(components)
    for link in ("next_url", "home_page_url"):  # read leniently (see Feed), published as text
        envelope["properties"][link] = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
    title = "clp-tui feed: JSON Feed 1.1 with the _clp extension"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **envelope,
        "title": title if kind is None else f"{title} ({kind} feed)",
        "description": "A feed for clp-tui. See docs/feeds.md.",
        "$defs": components,
    }
