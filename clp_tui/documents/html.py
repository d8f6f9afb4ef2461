"""The HTML renderer: a document (see `model`) as one self-contained HTML file.

Untrusted text goes through `html.escape`, only ever as element text, never into an
attribute. The file has inline CSS only, no script, and a Content-Security-Policy that
tells a browser to load nothing from elsewhere.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from clp_tui.data.text import clean, one_line
from clp_tui.documents.model import (
    Block,
    Bullets,
    Code,
    Facts,
    Figure,
    Heading,
    Headline,
    Inline,
    Para,
    Parts,
    Safe,
    Table,
    Tag,
    Verbatim,
    inlines,
)


def h(text: str | None, limit: int | None = None, empty: str = "—") -> str:
    """Feed text as one line of HTML element text."""
    if not text:
        return empty
    return html.escape(one_line(text, limit))


def h_block(text: str | None) -> str:
    """Feed text verbatim, line breaks kept, for inside <pre>."""
    return html.escape(clean(text or ""))


def _h_inline(part: Inline) -> str:
    if isinstance(part, Safe):
        return html.escape(part)
    if isinstance(part, Code):
        return f"<code>{h(part.text)}</code>" if part.text else "—"
    if isinstance(part, Tag):
        return f'<span class="tag {html.escape(part.css)}">{html.escape(part.word)}</span>'
    return h(part)


def _h_parts(parts: Parts) -> str:
    return "".join(_h_inline(p) for p in inlines(parts))


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
