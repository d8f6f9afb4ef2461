"""What the GLU evidence pack holds for one escalated comment: the comment as it was when
escalated (its evidence copy) beside what the feed says now, the thread around it and
every decision taken on it. `documents.pack` lays it out."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from clp_tui.config import Config
from clp_tui.data.decision_log import DECISION_COLUMNS
from clp_tui.data.evidence_copies import copies_of
from clp_tui.data.store import Store
from clp_tui.data.text import one_line


class PackError(Exception):
    """No pack can be made for this item; the message says why and what to do."""


@dataclass(slots=True)
class PackComment:
    feed: str
    id: str
    author_name: str | None
    author_url: str | None
    body: str | None
    title: str | None
    platform: str | None
    channel: str | None
    thread_id: str | None
    thread_title: str | None
    in_reply_to: str | None
    state: str | None
    url: str | None
    published: str | None
    first_seen: str | None
    decision: str | None
    archived: bool

    @property
    def text(self) -> str | None:
        return self.body if self.body is not None else self.title

    @property
    def purged(self) -> bool:
        return self.body is None and self.title is None and self.author_name is None and self.url is None


@dataclass(slots=True)
class EvidencePack:
    comment: PackComment
    thread: list[PackComment]  # in time order, the comment itself included
    thread_total: int  # comments held for this thread (the list may be a window of it)
    decisions: list[dict[str, Any]]  # every decision on this comment, in log order
    officer: str
    role: str
    constituency: str | None
    prepared_at: dt.datetime
    # The comment as it was when escalated (its evidence copy); None for an escalation
    # made before clp-tui kept copies, when only the cache's current words are known.
    original: PackComment | None = None
    copies: list[dict[str, Any]] = field(default_factory=list)  # every copy kept, oldest first

    @property
    def edited(self) -> bool:
        """The feed changed the comment's words (or the purge removed them) after it was escalated."""
        o = self.original
        return o is not None and any(getattr(o, f) != getattr(self.comment, f) for f in _COMPARED)


_COMPARED = ("body", "title", "author_name", "author_url", "url", "thread_title")


_PACK_COLUMNS = """i.feed, i.id, i.author_name, i.author_url, i.body, i.title, i.platform, i.channel,
    i.thread_id, json_extract(i.ext, '$.thread_title') AS thread_title, i.in_reply_to, i.state, i.url,
    i.published, i.first_seen, i.decision, i.archived"""
# How many comments either side of the escalated one the thread section shows.
THREAD_AROUND = 15


def _pack_comment(r: Any) -> PackComment:
    fields = dict(r)
    fields["archived"] = bool(fields["archived"])
    return PackComment(**fields)


def find_comment(store: Store, ref: str) -> tuple[str, str]:
    """(feed, id) for `feed/id` or a bare id that only one feed uses. Raises PackError."""
    candidates: set[tuple[str, str]] = set()
    for r in store.query("SELECT feed, id FROM items WHERE kind = 'comment' AND id = ?", (ref,)):
        candidates.add((r[0], r[1]))
    # Ids may contain slashes themselves (URLs), so try every split.
    for at in (m.start() for m in re.finditer("/", ref)):
        feed, item_id = ref[:at], ref[at + 1 :]
        for r in store.query(
            "SELECT feed, id FROM items WHERE kind = 'comment' AND feed = ? AND id = ?", (feed, item_id)
        ):
            candidates.add((r[0], r[1]))
    if not candidates:
        raise PackError(
            f"no comment {one_line(ref, 80)!r} in the cache; give it as FEED/ID (see `clp-tui list comments`)"
        )
    if len(candidates) > 1:
        names = ", ".join(sorted(f"{f}/{one_line(i, 60)}" for f, i in candidates))
        raise PackError(f"{one_line(ref, 80)!r} matches more than one comment ({names}); give it as FEED/ID")
    return candidates.pop()


def build_pack(store: Store, config: Config, ref: str, now: dt.datetime | None = None) -> EvidencePack:
    """Everything the GLU needs about one escalated comment. Raises PackError if the
    comment is not in the cache or its current moderation decision is not 'escalated'."""
    feed, item_id = find_comment(store, ref)
    rows = store.query(f"SELECT {_PACK_COLUMNS} FROM items i WHERE i.feed = ? AND i.id = ?", (feed, item_id))
    comment = _pack_comment(rows[0])
    state = store.query(
        "SELECT value, seq FROM decision_state WHERE feed = ? AND item_id = ? AND field = 'moderation'",
        (feed, item_id),
    )
    current = json.loads(state[0][0]) if state and state[0][0] else None
    if current != "escalated":
        now_is = f"its current decision is {current!r}" if current else "it has no moderation decision"
        raise PackError(
            f"{feed}/{one_line(item_id, 80)} is not escalated ({now_is}); only escalated comments get a "
            "GLU evidence pack: escalate it in the inbox first"
        )
    thread, total = [comment], 1
    if comment.thread_id:
        everyone = [
            _pack_comment(r)
            for r in store.query(
                f"""SELECT {_PACK_COLUMNS} FROM items i WHERE i.kind = 'comment' AND i.feed = ? AND i.thread_id = ?
                    ORDER BY coalesce(i.published, i.first_seen), i.id""",
                (feed, comment.thread_id),
            )
        ]
        total = len(everyone)
        here = next(n for n, c in enumerate(everyone) if c.id == item_id)
        thread = everyone[max(here - THREAD_AROUND, 0) : here + THREAD_AROUND + 1]
    decisions = [
        {**dict(r), "value": json.loads(r["value"]) if r["value"] is not None else None}
        for r in store.query(
            f"SELECT {', '.join(DECISION_COLUMNS)} FROM decisions WHERE feed = ? AND item_id = ? ORDER BY seq",
            (feed, item_id),
        )
    ]
    constituency = next((r[0] for r in store.query("SELECT constituency FROM feeds") if r[0]), None)
    copies = copies_of(store, feed, item_id)
    # The copy the standing escalation made; else (escalated, undone, escalated again
    # before copies were kept) the oldest one there is.
    kept = next((k for k in copies if k["decision_seq"] == state[0][1]), copies[0] if copies else None)
    original = replace(comment, **{f: kept[f] for f in (*_COMPARED, "published")}) if kept else None
    if original is not None:
        thread = [original if t.id == item_id else t for t in thread]
    return EvidencePack(
        comment=comment,
        thread=thread,
        thread_total=total,
        decisions=decisions,
        officer=config.officer.name,
        role=config.officer.role,
        constituency=constituency,
        prepared_at=now or store.clock(),
        original=original,
        copies=copies,
    )
