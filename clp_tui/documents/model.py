"""The small document model the meeting report and the evidence pack are written in.

A document is a list of blocks (Heading, Para, Table, Bullets, Facts, Verbatim, Figure,
Headline) whose parts are `Safe` words of clp-tui's own, `Code`, `Tag` or plain `str`
(feed text, which the renderers in `markdown` and `html` always escape).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


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


def inlines(parts: Parts) -> list[Inline]:
    return [parts] if isinstance(parts, str | Code | Tag) else list(parts)
