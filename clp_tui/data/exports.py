"""Documents that leave the cache: the decision log (CSV or JSON), the GLU evidence pack
for one escalated comment, and the small document model both the pack and the meeting
report are written in, with its Markdown and HTML renderers.

Feed text is untrusted wherever it goes, so the renderers treat every string as
untrusted unless it is marked `Safe` (words and figures clp-tui writes itself).
In Markdown untrusted text is backslash-escaped (it cannot form links, emphasis,
HTML or table cells) or shown in code spans and fences longer than any run of
backticks inside it; in HTML it goes through `html.escape`, only ever as element
text, never into an attribute. Control and bidi characters become the visible
placeholders of `text.clean`. No document carries JavaScript or loads anything
from elsewhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from clp_tui.config import Config
from clp_tui.data.store import Store
from clp_tui.data.text import clean, json_line, one_line

# -- escaping -------------------------------------------------------------------------

# Every ASCII punctuation character except ' " , ; ? % which take no part in Markdown syntax.
_MD_PUNCTUATION = re.compile(r"([!#$&()*+\-./:<=>@\[\\\]^_`{|}~])")


def md(text: str | None, limit: int | None = None, empty: str = "—") -> str:
    """Feed text as one line of inert Markdown: ASCII punctuation backslash-escaped (CommonMark
    allows that for all of it), so no link, autolink, emphasis, HTML, entity or table cell can
    form; control characters shown as placeholders."""
    if not text:
        return empty
    return _MD_PUNCTUATION.sub(r"\\\1", one_line(text, limit))


def md_code(text: str | None, empty: str = "—") -> str:
    """Feed text verbatim on one line, as a code span that cannot be closed from inside."""
    if not text:
        return empty
    flat = one_line(text)
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    return f"{ticks} {flat} {ticks}"


def md_fence(text: str | None) -> str:
    """Feed text verbatim, line breaks kept, in a fenced block longer than any backtick run
    in it, so no line of the text can close the fence."""
    body = clean(text or "")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{body}\n{fence}"


def h(text: str | None, limit: int | None = None, empty: str = "—") -> str:
    """Feed text as one line of HTML element text."""
    if not text:
        return empty
    return html.escape(one_line(text, limit))


def h_block(text: str | None) -> str:
    """Feed text verbatim, line breaks kept, for inside <pre>."""
    return html.escape(clean(text or ""))


# -- the document model -----------------------------------------------------------------


class Safe(str):
    """Words and figures clp-tui writes itself: rendered as they are (HTML still escapes them).
    Any other `str` in a block's parts or cells is taken to be feed text and escaped. (Table
    headers, fact labels and headline figures are always clp-tui's own words.)"""


@dataclass(frozen=True, slots=True)
class Code:
    """Feed text to be shown verbatim on one line (a name, a link as published, an id)."""

    text: str | None


@dataclass(frozen=True, slots=True)
class Tag:
    """A status word of clp-tui's own, highlighted in HTML (css: a class in BASE_CSS)."""

    word: str
    css: str


Inline = str | Code | Tag
Parts = Inline | Sequence[Inline]


@dataclass(slots=True)
class Heading:
    level: int
    parts: Parts


@dataclass(slots=True)
class Para:
    parts: Parts
    muted: bool = False


@dataclass(slots=True)
class Table:
    header: list[str]  # clp-tui's own words, like every label and headline below
    rows: list[list[Parts]]
    numeric: frozenset[int] = frozenset()


@dataclass(slots=True)
class Bullets:
    items: list[Parts]


@dataclass(slots=True)
class Facts:
    """Label: value pairs (a definition list in HTML)."""

    rows: list[tuple[str, Parts]]


@dataclass(slots=True)
class Verbatim:
    """Feed text shown exactly, line breaks kept (a fence in Markdown, <pre> in HTML)."""

    text: str | None


@dataclass(slots=True)
class Figure:
    """An inline SVG drawn from numbers, with the same figures as a table. Markdown shows the table."""

    svg: str
    caption: str
    table: Table


@dataclass(slots=True)
class Headline:
    """A few big figures at the top: (figure, words)."""

    figures: list[tuple[str, str]] = field(default_factory=list)


Block = Heading | Para | Table | Bullets | Facts | Verbatim | Figure | Headline


def _parts(parts: Parts) -> list[Inline]:
    return [parts] if isinstance(parts, str | Code | Tag) else list(parts)


def _md_inline(part: Inline, in_table: bool = False) -> str:
    if isinstance(part, Safe):
        return str(part)
    if isinstance(part, Code):
        # A GFM table splits cells at every unescaped pipe, even inside a code span.
        return md_code(part.text).replace("|", "\\|") if in_table else md_code(part.text)
    if isinstance(part, Tag):
        return part.word
    return md(part)


def _md_parts(parts: Parts, in_table: bool = False) -> str:
    return "".join(_md_inline(p, in_table) for p in _parts(parts))


def to_markdown(blocks: Iterable[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out += ["#" * block.level + " " + _md_parts(block.parts), ""]
        elif isinstance(block, Para):
            out += [_md_parts(block.parts), ""]
        elif isinstance(block, Table | Figure):
            table = block.table if isinstance(block, Figure) else block
            rule = ["---:" if n in table.numeric else "---" for n in range(len(table.header))]
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in table.header) + " |")
            out.append("| " + " | ".join(rule) + " |")
            out += ["| " + " | ".join(_md_parts(c, in_table=True) for c in row) + " |" for row in table.rows]
            out.append("")
        elif isinstance(block, Bullets):
            out += [f"- {_md_parts(item)}" for item in block.items] + [""]
        elif isinstance(block, Facts):
            out += [f"- **{label}:** {_md_parts(value)}" for label, value in block.rows] + [""]
        elif isinstance(block, Verbatim):
            out += [md_fence(block.text), ""]
        elif isinstance(block, Headline):
            out += [f"- **{figure}** {words}" for figure, words in block.figures] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def _h_inline(part: Inline) -> str:
    if isinstance(part, Safe):
        return html.escape(part)
    if isinstance(part, Code):
        return f"<code>{h(part.text)}</code>" if part.text else "—"
    if isinstance(part, Tag):
        return f'<span class="tag {html.escape(part.css)}">{html.escape(part.word)}</span>'
    return h(part)


def _h_parts(parts: Parts) -> str:
    return "".join(_h_inline(p) for p in _parts(parts))


def _h_table(table: Table) -> str:
    def cell(tag: str, n: int, content: str) -> str:
        return f'<{tag} class="num">{content}</{tag}>' if n in table.numeric else f"<{tag}>{content}</{tag}>"

    head = "".join(cell("th", n, html.escape(c)) for n, c in enumerate(table.header))
    rows = "".join(
        "<tr>" + "".join(cell("td", n, _h_parts(c)) for n, c in enumerate(row)) + "</tr>" for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def to_html_body(blocks: Iterable[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            out.append(f"<h{level}>{_h_parts(block.parts)}</h{level}>")
        elif isinstance(block, Para):
            out.append(
                f'<p class="muted">{_h_parts(block.parts)}</p>' if block.muted else f"<p>{_h_parts(block.parts)}</p>"
            )
        elif isinstance(block, Table):
            out.append(_h_table(block))
        elif isinstance(block, Figure):
            out.append(f"<figure>{block.svg}<figcaption>{html.escape(block.caption)}</figcaption></figure>")
            out.append(f"<details><summary>The figures</summary>{_h_table(block.table)}</details>")
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{_h_parts(i)}</li>" for i in block.items) + "</ul>")
        elif isinstance(block, Facts):
            rows = "".join(f"<dt>{html.escape(label)}</dt><dd>{_h_parts(v)}</dd>" for label, v in block.rows)
            out.append(f"<dl>{rows}</dl>")
        elif isinstance(block, Verbatim):
            out.append(f"<pre>{h_block(block.text)}</pre>")
        elif isinstance(block, Headline):
            boxes = "".join(
                f'<div><span class="big">{html.escape(f)}</span><br>{html.escape(w)}</div>' for f, w in block.figures
            )
            out.append(f'<div class="headline">{boxes}</div>')
    return "\n".join(out)


# Inline only: no external resource, no script. The policy tells a browser to refuse
# both even if something slipped through.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
BASE_CSS = """
:root { --ink: #1d1d1b; --muted: #5b5b58; --rule: #c9c9c4; --red: #b3001b; --amber: #8a5a00;
        --green: #1e6b34; --accent: #b3001b; --band: #f4f3ef; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; border-bottom: 4px solid var(--accent); padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .4rem; }
p.meta, .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .93rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { background: var(--band); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.tag { display: inline-block; padding: 0 .4rem; border-radius: .25rem; font-size: .82rem; font-weight: 600;
       border: 1px solid currentColor; white-space: nowrap; }
.overdue, .behind { color: var(--red); } .at_risk { color: var(--amber); }
.on_track, .done { color: var(--green); } .dropped { color: var(--muted); }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--band); border: 1px solid var(--rule);
      padding: .6rem .8rem; font: .9rem/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
code { font: .9rem ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
figure { margin: .5rem 0 1rem; } figcaption { color: var(--muted); font-size: .9rem; }
svg { max-width: 100%; height: auto; } svg text { font: 11px system-ui, Arial, sans-serif; fill: var(--ink); }
details summary { cursor: pointer; color: var(--muted); }
.big { font-size: 2rem; font-weight: 700; }
.headline { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
.headline div { border: 1px solid var(--rule); border-left: 4px solid var(--accent); padding: .4rem .8rem; }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 10.5pt; margin: 0; max-width: none; }
  h2 { break-after: avoid; } table, figure, pre, tr { break-inside: avoid; }
  details > *:not(summary) { display: block; } details summary { display: none; }
  th { background: none; } .tag { border-width: 1px; }
}
"""


def to_html(title: str, blocks: Iterable[Block], css: str = "") -> str:
    """A whole self-contained HTML document: inline CSS, no script, nothing fetched."""
    body = to_html_body(blocks)
    title = html.escape(one_line(title))
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{title}</title>\n<style>{BASE_CSS}{css}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


# -- the decision log -----------------------------------------------------------------

DECISION_COLUMNS = ("seq", "at", "officer", "feed", "item_id", "field", "value", "reason", "undoes")
# A spreadsheet runs a cell that starts with one of these as a formula; item ids and
# reasons can come from outside, so such cells get a leading apostrophe in the CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def decision_rows(store: Store, since: dt.date | None = None) -> list[dict[str, Any]]:
    """The whole decision log (or from `since`, UTC), oldest first, values decoded from JSON."""
    where, params = ("WHERE at >= ?", (since.isoformat(),)) if since else ("", ())
    rows = store.query(f"SELECT {', '.join(DECISION_COLUMNS)} FROM decisions {where} ORDER BY seq", params)
    out = []
    for r in rows:
        record = dict(r)
        record["value"] = json.loads(r["value"]) if r["value"] is not None else None
        out.append(record)
    return out


def csv_safe(cell: Any) -> Any:
    if not isinstance(cell, str):
        return cell
    cell = clean(cell)  # a CSV is often looked at with `cat`: no terminal controls in it
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def decisions_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The log as CSV with a header row; `value` is the JSON of the value (as stored)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(DECISION_COLUMNS)
    for r in rows:
        cells = {**r, "value": None if r["value"] is None else json.dumps(r["value"], ensure_ascii=False)}
        writer.writerow(["" if cells[c] is None else csv_safe(cells[c]) for c in DECISION_COLUMNS])
    return buffer.getvalue()


def decisions_json(rows: Iterable[dict[str, Any]]) -> str:
    """The log as a JSON array of objects, one per decision, in log order."""
    return "[\n" + ",\n".join(json_line(r) for r in rows) + "\n]\n"


# -- the GLU evidence pack ------------------------------------------------------------


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
        "SELECT value FROM decision_state WHERE feed = ? AND item_id = ? AND field = 'moderation'", (feed, item_id)
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
    return EvidencePack(
        comment=comment,
        thread=thread,
        thread_total=total,
        decisions=decisions,
        officer=config.officer.name,
        role=config.officer.role,
        constituency=constituency,
        prepared_at=now or store.clock(),
    )


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
_PURGED = Safe(
    "The text, name and links of this comment were removed by the retention purge before this pack was made."
)


def _text_block(c: PackComment) -> Block:
    return Para(_PURGED, muted=True) if c.purged else Verbatim(c.text)


def pack_blocks(pack: EvidencePack) -> list[Block]:
    """The pack as a document: the comment, its text verbatim, the thread, the decision trail."""
    c = pack.comment
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
        Heading(3, Safe("Text, verbatim")),
        Para(_PLACEHOLDER_NOTE, muted=True),
        _text_block(c),
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
