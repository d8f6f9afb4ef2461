"""The GLU evidence pack's layout: one escalated comment verbatim (but inert), its thread
and its decision trail, as Markdown or HTML, and the pack's file name."""

from __future__ import annotations

import json
import re

from clp_tui.data.evidence import EvidencePack, PackComment
from clp_tui.data.text import one_line
from clp_tui.documents.html import to_html
from clp_tui.documents.markdown import to_markdown
from clp_tui.documents.model import Block, Code, Facts, Heading, Inline, Para, Safe, Table, Verbatim


def pack_filename(pack: EvidencePack, fmt: str) -> str:
    """A safe file name for the pack: glu-evidence-FEED-ID-YYYYMMDD.md|html."""
    item = re.sub(r"[^A-Za-z0-9_.-]+", "-", pack.comment.id).strip("-.")[:60] or "item"
    extension = "html" if fmt == "html" else "md"
    return f"glu-evidence-{pack.comment.feed}-{item}-{pack.prepared_at:%Y%m%d}.{extension}"


_PLACEHOLDER_NOTE = Safe(
    "The text is exactly as published, except that invisible control characters are shown as "
    "placeholders: ␛ for ESC, ␇ for BEL, ␍ for a carriage return (other ␀–␟ symbols likewise), and "
    "⟨U+202E⟩ and the like for direction overrides and other invisible code points."
)
_INTRO = Safe(
    "This pack holds personal data of a member of the public and of other commenters in the same "
    "thread. Send it only to the Governance and Legal Unit, in the way they ask, and delete local "
    "copies once they have it. clp-tui keeps this comment whole (it is never purged) because this "
    "pack was exported."
)
_EDITED = Safe(
    "The feed changed this comment after it was escalated. Above is what was escalated, from the copy "
    "clp-tui kept at that moment; below is what the feed holds now."
)
_NO_COPY = Safe(
    "This comment was escalated before clp-tui kept a copy of escalated comments, so the text above is "
    "what the cache holds now; if the commenter edited it since, the edit is shown."
)
_PURGED = Safe(
    "The text, name and links of this comment were removed by the retention purge before this pack was made."
)


def _text_block(c: PackComment) -> Block:
    return Para(_PURGED, muted=True) if c.purged else Verbatim(c.text)


def _since_escalated(pack: EvidencePack) -> list[Block]:
    """What the feed holds now, when it differs from what was escalated; and the copies kept."""
    now = pack.comment
    blocks: list[Block] = []
    if pack.original is None:
        blocks.append(Para(_NO_COPY, muted=True))
    elif pack.edited:
        blocks += [
            Heading(3, Safe("Changed upstream since it was escalated: the comment as the feed has it now")),
            Para(_EDITED, muted=True),
            Facts(
                [
                    ("Commenter (now)", Code(now.author_name)),
                    ("Commenter's profile link (now)", Code(now.author_url)),
                    ("Permalink (now)", Code(now.url)),
                ]
            ),
            _text_block(now),
        ]
    if pack.copies:
        kept = "; ".join(
            f"{k['at']} ({'escalated' if k['why'] == 'escalated' else 'pack exported'})" for k in pack.copies
        )
        blocks.append(Para(Safe(f"Copies of this comment kept by clp-tui (UTC): {kept}."), muted=True))
    return blocks


def pack_blocks(pack: EvidencePack) -> list[Block]:
    """The pack as a document: the comment as escalated, its text verbatim, any later edit,
    the thread, the decision trail."""
    c = pack.original or pack.comment
    escalation = next((d for d in reversed(pack.decisions) if d["field"] == "moderation" and d["undoes"] is None), None)
    prepared: list[Inline] = [Safe("Prepared by "), pack.officer]
    if pack.role:
        prepared += [Safe(" ("), pack.role, Safe(")")]
    if pack.constituency:
        prepared += [Safe(" for "), pack.constituency, Safe(" CLP")]
    prepared.append(Safe(f" on {pack.prepared_at:%Y-%m-%d %H:%M} UTC with clp-tui."))
    thread_title = [Code(c.thread_id), Safe(" — "), Code(c.thread_title)] if c.thread_title else Code(c.thread_id)
    blocks: list[Block] = [
        Heading(1, Safe("Evidence pack for the Governance and Legal Unit")),
        Para(prepared, muted=True),
        Para(_INTRO),
        Heading(2, Safe("The comment")),
        Facts(
            [
                ("Item", Code(f"{c.feed}/{c.id}")),
                ("Commenter (as published)", Code(c.author_name)),
                ("Commenter's profile link (as published)", Code(c.author_url)),
                ("Platform", Code(c.platform)),
                ("Channel", Code(c.channel)),
                ("Thread", thread_title),
                ("Permalink", Code(c.url)),
                ("In reply to", Code(c.in_reply_to)),
                ("State on the platform", Code(c.state)),
                ("Published (UTC)", Safe(c.published or "—")),
                ("First seen by clp-tui (UTC)", Safe(c.first_seen or "—")),
                ("Still in the feed", Safe("no (archived)" if c.archived else "yes")),
                ("Escalated", [Safe(f"{escalation['at']} by "), escalation["officer"]] if escalation else Safe("—")),
            ]
        ),
        Heading(3, Safe("Text when escalated, verbatim" if pack.original else "Text, verbatim")),
        Para(_PLACEHOLDER_NOTE, muted=True),
        _text_block(c),
        *_since_escalated(pack),
        Heading(2, Safe("The thread around it")),
    ]
    if not c.thread_id:
        blocks.append(Para(Safe("This comment is not part of a known thread.")))
    else:
        shown = len(pack.thread)
        extra = f", of which the {shown} nearest are shown" if shown < pack.thread_total else ""
        blocks.append(Para(Safe(f"{pack.thread_total} comment(s) from this thread are held{extra}, oldest first.")))
        for n, t in enumerate(pack.thread, start=1):
            marker = Safe(" — THE ESCALATED COMMENT") if t.id == c.id else Safe("")
            blocks.append(Heading(3, [Safe(f"{n}. {t.published or 'undated'}"), marker]))
            about: list[Inline] = [Code(t.author_name), Safe(", item "), Code(t.id)]
            if t.in_reply_to:
                about += [Safe(", in reply to "), Code(t.in_reply_to)]
            about.append(Safe(f"; decision: {t.decision or 'none'}"))
            blocks += [Para(about), _text_block(t)]
    blocks += [
        Heading(2, Safe("Decision trail")),
        Para(Safe("Every decision recorded on this comment, oldest first.")),
        Table(
            ["#", "at (UTC)", "officer", "field", "value", "reason", "undoes"],
            [
                [
                    Safe(str(d["seq"])),
                    Safe(d["at"]),
                    d["officer"],
                    d["field"],
                    json.dumps(d["value"], ensure_ascii=False) if d["value"] is not None else "",
                    d["reason"] or "",
                    Safe(str(d["undoes"] or "")),
                ]
                for d in pack.decisions
            ],
            frozenset({0, 6}),
        ),
    ]
    return blocks


def pack_markdown(pack: EvidencePack) -> str:
    return to_markdown(pack_blocks(pack))


def pack_html(pack: EvidencePack) -> str:
    return to_html(f"GLU evidence pack: {pack.comment.feed}/{one_line(pack.comment.id, 60)}", pack_blocks(pack))
