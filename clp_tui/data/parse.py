"""Turn the bytes of one feed page into validated item records, or say why not.

Feed-level problems (not JSON, not a JSON Feed, nested too deep, over the item
budget: envelope.py; past the parse deadline) raise `FeedError` with a one-line
reason and the whole page is refused. Item-level
problems skip that item with a `Problem` naming its id and JSON path; the rest
of the page is still taken. Validation is done by the structs in contract.py;
dates are read by timestamps.py and ids by item_ids.py.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FeedError", "ItemRecord", "ParsedPage", "Problem", "parse_page"]

import msgspec

from clp_tui.data.contract import (
    EXT_BY_KIND,
    GATED_STAGES,
    KINDS,
    MAX_ID_LENGTH,
    TYPED_ITEMS,
    FeedExt,
    Item,
    TypeOnly,
)
from clp_tui.data.envelope import BadEscape, FeedError, decode_envelope, repair_surrogates
from clp_tui.data.html_text import html_to_text
from clp_tui.data.item_ids import id_of, salvage_id
from clp_tui.data.timestamps import canonical, parse_timestamp

_ITEM_DECODER = msgspec.json.Decoder(Item)
_TYPED_DECODERS = {kind: msgspec.json.Decoder(typed) for kind, typed in TYPED_ITEMS.items()}
_TYPE_DECODER = msgspec.json.Decoder(TypeOnly)
_EXT_DECODERS = {kind: msgspec.json.Decoder(ext) for kind, ext in EXT_BY_KIND.items()}
_ENCODER = msgspec.json.Encoder()
# The columns each kind lifts out of `_clp` into the items table, named as in `_clp`.
LIFTED_BY_KIND: dict[str, tuple[str, ...]] = {
    "comment": ("platform", "channel", "thread_id", "in_reply_to", "state"),
    "activity": ("branch", "week"),
    "press": ("stage", "owner"),
    "milestone": ("owner", "due"),
}


@dataclass(slots=True)
class Problem:
    """Something wrong with one item (or a warning about it)."""

    item_id: str | None
    path: str
    reason: str
    severity: str = "error"  # "error": the item was skipped; "warning": taken anyway

    def line(self, feed: str) -> str:
        item = f"item {self.item_id!r}" if self.item_id is not None else "item without id"
        return f"{feed}: {item} at {self.path}: {self.reason}"


class ItemRecord(msgspec.Struct, gc=False):
    """One validated item, shaped as the store keeps it. A msgspec Struct: a sync makes
    one per changed item (50,000 at a first sync), and these are made four times faster
    than a dataclass; they hold only strings and bytes, so the cycle collector need not
    track them."""

    id: str
    kind: str
    hash: bytes
    raw: bytes
    deleted: bool = False
    title: str | None = None
    body: str | None = None
    url: str | None = None
    author_name: str | None = None
    author_url: str | None = None
    published: str | None = None
    modified: str | None = None
    ext: bytes = b"{}"
    # Columns the screens filter and sort on, lifted out of `ext`.
    platform: str | None = None
    channel: str | None = None
    thread_id: str | None = None
    in_reply_to: str | None = None
    state: str | None = None
    branch: str | None = None
    week: str | None = None
    stage: str | None = None
    owner: str | None = None
    due: str | None = None
    # Set by sync from the moderation rules (the words of a comment only).
    flagged: int = 0


@dataclass(slots=True)
class ParsedPage:
    title: str
    version: str
    next_url: str | None
    ext: FeedExt
    records: list[ItemRecord] = field(default_factory=list)
    # Ids of items whose bytes match what the cache already holds.
    unchanged: list[str] = field(default_factory=list)
    # Ids present in the feed but skipped as invalid: not "gone" for snapshots.
    invalid_ids: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    count: int = 0  # the items the page holds, valid or not


_HASH_BASE = {kind: hashlib.blake2b(kind.encode(), digest_size=16) for kind in KINDS}


def _path(index: int, message: str, within: str = "") -> tuple[str, str]:
    """Split a msgspec message into (JSON path within the feed, reason)."""
    reason, sep, where = message.rpartition(" - at `")
    base = f"$.items[{index}]{within}"
    if not sep:
        return base, message
    return base + where.rstrip("`")[1:], reason


def parse_page(
    body: bytes,
    kind: str,
    known: Mapping[bytes, str] | None = None,
    seen: set[str] | None = None,
    *,
    max_items: int | None = None,
    deadline: float | None = None,
) -> ParsedPage:
    """Validate one page. `known` maps cached item hashes to ids (skipped unread);
    `seen` carries ids across pages so duplicates on later pages are caught.
    `max_items`: more items than this refuse the page before any is read;
    `deadline` (a `time.monotonic()` moment): still reading then refuses it."""
    surrogates = 0
    try:
        feed = decode_envelope(body, max_items)
    except BadEscape:
        body, surrogates = repair_surrogates(body)
        if not surrogates:
            raise
        feed = decode_envelope(body, max_items)
    page = ParsedPage(
        title=feed.title,
        version=feed.version,
        next_url=feed.next_url if isinstance(feed.next_url, str) else None,
        ext=feed.clp or FeedExt(),
        count=len(feed.items),
    )
    if feed.next_url is not None and not isinstance(feed.next_url, str):
        page.problems.append(Problem(None, "$.next_url", "next_url is not text; not followed", "warning"))
    if surrogates:
        note = f"{surrogates:,} lone surrogate escape(s) (such as \\ud800) read as U+FFFD (�)"
        page.problems.append(Problem(None, "$", note, "warning"))
    known = known or {}
    seen = set() if seen is None else seen
    base = _HASH_BASE.get(kind) or hashlib.blake2b(kind.encode(), digest_size=16)
    typed = _TYPED_DECODERS.get(kind)
    for index, raw in enumerate(feed.items):
        if not index & 1023 and deadline is not None and time.monotonic() > deadline:
            raise FeedError(
                f"reading the items took longer than its deadline (stopped at item {index:,}; "
                "[network] parse_deadline); nothing taken"
            )
        # The content hash of the item as published, salted with the kind it is read as.
        h = base.copy()
        h.update(raw)
        digest = h.digest()
        cached_id = known.get(digest)
        if cached_id is not None and cached_id not in seen:
            seen.add(cached_id)
            page.unchanged.append(cached_id)
            continue
        # Nearly every item: its feed's own kind, a string id, nothing odd. One decode.
        try:
            item = typed.decode(raw) if typed is not None else None
        except msgspec.ValidationError:
            item = None
        if item is not None:
            item_id, ext = item.id, item.clp
            if (
                type(item_id) is str
                and item_id
                and len(item_id) <= MAX_ID_LENGTH
                and item_id not in seen
                and not ext.deleted
                and (ext.type is None or ext.type == kind)
            ):
                seen.add(item_id)
                page.records.append(_record(item, ext, item_id, kind, digest, raw, index, page.problems))
                continue
        # Anything else, with the exact reason when something is wrong.
        record = _parse_item(index, raw, digest, kind, page.problems, seen)
        if record is None:
            continue
        if isinstance(record, str):
            page.invalid_ids.append(record)
        else:
            page.records.append(record)
    return page


def _parse_item(
    index: int,
    raw: msgspec.Raw,
    digest: bytes,
    feed_kind: str,
    problems: list[Problem],
    seen: set[str],
) -> ItemRecord | str | None:
    """A record, or the id of an invalid item (str), or None when it has no id."""
    try:
        item = _ITEM_DECODER.decode(raw)
    except msgspec.ValidationError as exc:
        path, reason = _path(index, str(exc))
        salvaged = salvage_id(raw)
        problems.append(Problem(salvaged[:80] if salvaged else None, path, reason))
        # Still present in the feed: a snapshot must not treat it as gone.
        return salvaged
    item_id, warning = id_of(item)
    if item_id is None:
        problems.append(Problem(None, f"$.items[{index}].id", "no id and no url; skipped"))
        return None
    if len(item_id) > MAX_ID_LENGTH:
        problems.append(
            Problem(
                item_id[:40] + "…",
                f"$.items[{index}].id",
                f"id is {len(item_id)} characters long (limit {MAX_ID_LENGTH}); skipped",
            )
        )
        return None
    if item_id in seen:
        problems.append(Problem(item_id, f"$.items[{index}].id", "duplicate id; the first one is kept"))
        return None
    seen.add(item_id)
    if warning:
        problems.append(Problem(item_id, f"$.items[{index}].id", warning, "warning"))

    kind = feed_kind
    deleted = False
    clp = item.clp_raw()
    ext = None
    if clp is not None:
        # The common case in one decode: `_clp` is the feed's own kind (or untyped).
        # Anything else (another type, a tombstone, an error) takes the full path
        # below, which says exactly what is wrong.
        try:
            ext = _EXT_DECODERS[feed_kind].decode(clp)
        except msgspec.ValidationError:
            ext = None
        else:
            if ext.deleted or (ext.type is not None and ext.type != feed_kind):
                ext = None
    if clp is not None and ext is None:
        try:
            head = _TYPE_DECODER.decode(clp)
        except msgspec.ValidationError as exc:
            path, reason = _path(index, str(exc), "._clp")
            problems.append(Problem(item_id, path, reason))
            return item_id
        if head.type is not None:
            if head.type not in KINDS:
                problems.append(
                    Problem(
                        item_id,
                        f"$.items[{index}]._clp.type",
                        f"unknown type {head.type[:40]!r}; expected one of {', '.join(KINDS)}",
                    )
                )
                return item_id
            kind = head.type
        deleted = head.deleted
    if deleted:
        return ItemRecord(id=item_id, kind=kind, hash=digest, raw=bytes(raw), deleted=True)

    if ext is None:
        try:
            ext = _decode_ext(kind, clp)
        except msgspec.ValidationError as exc:
            path, reason = _path(index, str(exc), "._clp")
            if clp is None:
                reason = f"{reason}: {'an' if kind[0] in 'aeiou' else 'a'} {kind} item needs a _clp object"
                path = f"$.items[{index}]._clp"
            problems.append(Problem(item_id, path, reason))
            return item_id
    return _record(item, ext, item_id, kind, digest, raw, index, problems, has_clp=clp is not None)


def _record(
    item: Item,
    ext: Any,
    item_id: str,
    kind: str,
    digest: bytes,
    raw: msgspec.Raw,
    index: int,
    problems: list[Problem],
    has_clp: bool = True,
) -> ItemRecord:
    """The record of a valid item whose `_clp` has been decoded as `kind` (or defaulted:
    a plain feed read as press has no gate to break)."""
    if item.content_text is not None:
        body = item.content_text
    elif item.content_html is not None:
        body = html_to_text(item.content_html)
    else:
        body = item.summary
    author = (item.authors or [None])[0] or item.author
    # Timestamps already in the stored form (nearly all, nearly always) skip parsing.
    published = value = item.date_published
    if value is not None and not canonical(value):
        published = _timestamp(value, item_id, index, "date_published", problems)
    modified = value = item.date_modified
    if value is not None and not canonical(value):
        modified = _timestamp(value, item_id, index, "date_modified", problems)
    if kind == "press" and has_clp and ext.stage in GATED_STAGES:
        missing = [
            name
            for name, value in (("consent", ext.consent), ("regional_signoff", ext.regional_signoff))
            if value is None
        ]
        if missing:
            problems.append(
                Problem(
                    item_id,
                    f"$.items[{index}]._clp.stage",
                    f"stage {ext.stage} without {' and '.join(missing)}: the gate says a card "
                    "gets there only with both; shown flagged",
                    "warning",
                )
            )
    record = ItemRecord(
        id=item_id,
        kind=kind,
        hash=digest,
        raw=bytes(raw),
        title=item.title,
        body=body,
        url=item.url or item.external_url,
        author_name=_shared(author.name) if author is not None else None,
        author_url=_shared(author.url) if author is not None else None,
        published=published if published is not None else modified,
        modified=modified,
        ext=_ENCODER.encode(ext),
    )
    _lift_columns(record, kind, ext)
    return record


def _timestamp(value: str, item_id: str, index: int, name: str, problems: list[Problem]) -> str | None:
    stamp, note = parse_timestamp(value)
    if note:
        problems.append(Problem(item_id, f"$.items[{index}].{name}", note, "warning"))
    return stamp


def _decode_ext(kind: str, clp: msgspec.Raw | None) -> Any:
    if clp is not None:
        return _EXT_DECODERS[kind].decode(clp)
    if kind == "press":
        # A plain feed read as press (e.g. a CLP website's news) is already out.
        return _EXT_DECODERS[kind].decode(b'{"format":"press_release","stage":"published"}')
    return _EXT_DECODERS[kind].decode(b"{}")


def _shared(value: str | None) -> str | None:
    """One copy of a string many items repeat (a platform, a channel, a thread, a name):
    a 50,000-item sync keeps every record until its write, and repeats cost ~15 MiB."""
    return value if value is None else sys.intern(value)


def _lift_columns(record: ItemRecord, kind: str, ext: Any) -> None:
    for name in LIFTED_BY_KIND[kind]:
        value = getattr(ext, name)
        setattr(record, name, sys.intern(value) if type(value) is str else value)
    if kind == "milestone":
        record.due = ext.due.isoformat()
