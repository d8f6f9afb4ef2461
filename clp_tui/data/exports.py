"""Documents that leave the cache: the decision log (CSV or JSON) and the GLU evidence pack
for one escalated comment, plus the escaping every exported document shares.

Feed text is untrusted wherever it goes. In Markdown it is backslash-escaped
(so it cannot form links, emphasis, HTML or tables) or put in code spans and
fences longer than any run of backticks inside it; in HTML it goes through
`html.escape`, only ever as element text, never as an attribute. Control and
bidi characters become the visible placeholders of `text.clean`. No exported
document carries JavaScript or loads anything from elsewhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from clp_tui.config import Config
from clp_tui.data.store import Store
from clp_tui.data.text import clean, one_line

# -- escaping -------------------------------------------------------------------------

_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def md(text: str | None, limit: int | None = None, empty: str = "—") -> str:
    """Feed text as one line of inert Markdown: every ASCII punctuation mark backslash-escaped
    (CommonMark allows that for all of them), so no link, autolink, emphasis, HTML or table
    cell can form; control characters shown as placeholders."""
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
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 10.5pt; margin: 0; max-width: none; }
  h2 { break-after: avoid; } table, figure, pre, tr { break-inside: avoid; }
  details > *:not(summary) { display: block; } details summary { display: none; }
  th { background: none; } .tag { border-width: 1px; }
}
"""


def html_page(title: str, body: str, css: str = "") -> str:
    """A whole self-contained HTML document. `title` and `body` must already be escaped."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
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
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


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
    return "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n"


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
    return PackComment(**{k: r[k] for k in r.keys() if k != "archived"}, archived=bool(r["archived"]))


def find_comment(store: Store, ref: str) -> tuple[str, str]:
    """(feed, id) for `feed/id` or a bare id that only one feed uses. Raises PackError."""
    candidates: set[tuple[str, str]] = set()
    for r in store.query("SELECT feed, id FROM items WHERE kind = 'comment' AND id = ?", (ref,)):
        candidates.add((r[0], r[1]))
    # Ids may contain slashes themselves (URLs), so try every split.
    for at in (m.start() for m in re.finditer("/", ref)):
        feed, item_id = ref[:at], ref[at + 1 :]
        for r in store.query("SELECT feed, id FROM items WHERE kind = 'comment' AND feed = ? AND id = ?",
                             (feed, item_id)):  # fmt: skip
            candidates.add((r[0], r[1]))
    if not candidates:
        raise PackError(f"no comment {one_line(ref, 80)!r} in the cache; give it as FEED/ID "
                        "(see `clp-tui list comments`)")  # fmt: skip
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
        prepared_at=now or dt.datetime.now(dt.UTC),
    )


def pack_filename(pack: EvidencePack, fmt: str) -> str:
    """A safe file name for the pack: glu-evidence-FEED-ID-YYYYMMDD.md|html."""
    item = re.sub(r"[^A-Za-z0-9_.-]+", "-", pack.comment.id).strip("-.")[:60] or "item"
    extension = "html" if fmt == "html" else "md"
    return f"glu-evidence-{pack.comment.feed}-{item}-{pack.prepared_at:%Y%m%d}.{extension}"


_PLACEHOLDER_NOTE = (
    "The text is exactly as published, except that invisible control characters are shown as "
    "placeholders: ␛ for ESC, ␇ for BEL, ␍ for a carriage return (other ␀–␟ symbols likewise), and "
    "⟨U+202E⟩ and the like for direction overrides and other invisible code points."
)
_INTRO = (
    "This pack holds personal data of a member of the public and of other commenters in the same "
    "thread. Send it only to the Governance and Legal Unit, in the way they ask, and delete local "
    "copies once they have it. clp-tui keeps this comment whole (it is never purged) because this "
    "pack was exported."
)


def _purged_note(c: PackComment) -> str | None:
    if c.purged:
        return "The text, name and links of this comment were removed by the retention purge before this pack was made."
    return None


def _facts(pack: EvidencePack) -> list[tuple[str, str | None, bool]]:
    """(label, value, verbatim?) rows for the comment; verbatim values are feed text shown as code."""
    c = pack.comment
    decision = next((d for d in reversed(pack.decisions) if d["field"] == "moderation" and d["undoes"] is None), None)
    return [
        ("Item", f"{c.feed}/{c.id}", True),
        ("Commenter (as published)", c.author_name, True),
        ("Commenter's profile link (as published)", c.author_url, True),
        ("Platform", c.platform, True),
        ("Channel", c.channel, True),
        ("Thread", " — ".join(x for x in (c.thread_id, c.thread_title) if x) or None, True),
        ("Permalink", c.url, True),
        ("In reply to", c.in_reply_to, True),
        ("State on the platform", c.state, True),
        ("Published", c.published, False),
        ("First seen by clp-tui", c.first_seen, False),
        ("Still in the feed", "no (archived)" if c.archived else "yes", False),
        ("Escalated", f"{decision['at']} by {decision['officer']}" if decision else None, False),
    ]


def pack_markdown(pack: EvidencePack) -> str:
    c = pack.comment
    out = ["# Evidence pack for the Governance and Legal Unit", ""]
    where = f" for {md(pack.constituency)} CLP" if pack.constituency else ""
    who = md(pack.officer) + (f" ({md(pack.role)})" if pack.role else "")
    out += [f"Prepared by {who}{where} on {pack.prepared_at:%Y-%m-%d %H:%M} UTC with clp-tui.", "", _INTRO, ""]
    out += ["## The comment", ""]
    for label, value, verbatim in _facts(pack):
        out.append(f"- **{label}:** {md_code(value) if verbatim else md(value)}")
    out += ["", "### Text, verbatim", "", _PLACEHOLDER_NOTE, ""]
    note = _purged_note(c)
    out += [note, ""] if note else [md_fence(c.text), ""]
    out += ["## The thread around it", ""]
    if not c.thread_id:
        out += ["This comment is not part of a known thread.", ""]
    else:
        shown = len(pack.thread)
        extra = f", of which the {shown} nearest are shown" if shown < pack.thread_total else ""
        out += [f"{pack.thread_total} comment(s) from this thread are held{extra}, oldest first. "
                "Same placeholders as above.", ""]  # fmt: skip
        for n, t in enumerate(pack.thread, start=1):
            marker = " — **THE ESCALATED COMMENT**" if t.id == c.id else ""
            reply = f", in reply to {md_code(t.in_reply_to)}" if t.in_reply_to else ""
            out.append(f"### {n}. {md(t.published)}{marker}")
            out.append("")
            out.append(f"{md_code(t.author_name)}, item {md_code(t.id)}{reply}; "
                       f"decision: {md(t.decision, empty='none')}")  # fmt: skip
            out.append("")
            note = _purged_note(t)
            out += [note, ""] if note else [md_fence(t.text), ""]
    out += ["## Decision trail", "", "Every decision recorded on this comment, oldest first.", ""]
    out += ["| # | at (UTC) | officer | field | value | reason | undoes |", "| ---: | --- | --- | --- | --- | --- | ---: |"]
    for d in pack.decisions:
        value = json.dumps(d["value"], ensure_ascii=False) if d["value"] is not None else None
        out.append(
            f"| {d['seq']} | {md(d['at'])} | {md(d['officer'])} | {md(d['field'])} | {md(value)} "
            f"| {md(d['reason'])} | {d['undoes'] or ''} |"
        )
    return "\n".join(out) + "\n"


def pack_html(pack: EvidencePack) -> str:
    c = pack.comment
    body = ["<h1>Evidence pack for the Governance and Legal Unit</h1>"]
    where = f" for {h(pack.constituency)} CLP" if pack.constituency else ""
    who = h(pack.officer) + (f" ({h(pack.role)})" if pack.role else "")
    body.append(f'<p class="meta">Prepared by {who}{where} on {pack.prepared_at:%Y-%m-%d %H:%M} UTC with clp-tui.</p>')
    body.append(f"<p>{html.escape(_INTRO)}</p>")
    body.append("<h2>The comment</h2>\n<dl>")
    for label, value, verbatim in _facts(pack):
        shown = f"<code>{h(value)}</code>" if verbatim and value else h(value)
        body.append(f"<dt>{html.escape(label)}</dt><dd>{shown}</dd>")
    body.append("</dl>\n<h3>Text, verbatim</h3>")
    body.append(f'<p class="muted">{html.escape(_PLACEHOLDER_NOTE)}</p>')
    note = _purged_note(c)
    body.append(f"<p><em>{html.escape(note)}</em></p>" if note else f"<pre>{h_block(c.text)}</pre>")
    body.append("<h2>The thread around it</h2>")
    if not c.thread_id:
        body.append("<p>This comment is not part of a known thread.</p>")
    else:
        shown = len(pack.thread)
        extra = f", of which the {shown} nearest are shown" if shown < pack.thread_total else ""
        body.append(f"<p>{pack.thread_total} comment(s) from this thread are held{extra}, oldest first.</p>\n<ol>")
        for t in pack.thread:
            marker = " — <strong>THE ESCALATED COMMENT</strong>" if t.id == c.id else ""
            reply = f", in reply to <code>{h(t.in_reply_to)}</code>" if t.in_reply_to else ""
            note = _purged_note(t)
            text = f"<p><em>{html.escape(note)}</em></p>" if note else f"<pre>{h_block(t.text)}</pre>"
            body.append(
                f"<li><p>{h(t.published)}{marker}<br><code>{h(t.author_name)}</code>, item <code>{h(t.id)}</code>"
                f"{reply}; decision: {h(t.decision, empty='none')}</p>{text}</li>"
            )
        body.append("</ol>")
    body.append("<h2>Decision trail</h2>\n<p>Every decision recorded on this comment, oldest first.</p>")
    body.append(
        '<table><thead><tr><th class="num">#</th><th>at (UTC)</th><th>officer</th><th>field</th><th>value</th>'
        '<th>reason</th><th class="num">undoes</th></tr></thead><tbody>'
    )
    for d in pack.decisions:
        value = json.dumps(d["value"], ensure_ascii=False) if d["value"] is not None else None
        body.append(
            f'<tr><td class="num">{d["seq"]}</td><td>{h(d["at"])}</td><td>{h(d["officer"])}</td>'
            f"<td>{h(d['field'])}</td><td>{h(value)}</td><td>{h(d['reason'])}</td>"
            f'<td class="num">{d["undoes"] or ""}</td></tr>'
        )
    body.append("</tbody></table>")
    title = f"GLU evidence pack: {h(c.feed)}/{h(c.id, 60)}"
    return html_page(title, "\n".join(body))
