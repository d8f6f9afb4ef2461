"""The Markdown renderer: a document (see `model`) as CommonMark/GFM, feed text made inert.

Untrusted text is backslash-escaped (it cannot form links, emphasis, HTML or table
cells) or shown in code spans and fences longer than any run of backticks inside it.
"""

from __future__ import annotations

import re
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
    return "".join(_md_inline(p, in_table) for p in inlines(parts))


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
