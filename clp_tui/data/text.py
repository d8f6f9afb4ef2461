"""The sanitiser: every piece of feed text passes through here on its way to a screen.

Feed text is untrusted. Rich markup is neutralised by the widgets (they are
handed `Text`/`Content` objects, never markup strings); this module deals with
what markup escaping cannot: terminal control sequences and bidi overrides,
which Textual passes to the terminal untouched. Each such character becomes a
visible placeholder, so an officer sees that something was there.
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0 controls become their Unicode "control picture" (U+2400 + code), e.g.
# ESC -> "␛", BEL -> "␇", CR -> "␍". Newline and tab are ordinary text.
_TABLE: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}
_TABLE[0x7F] = "\u2421"  # DEL -> "␡"
# C1 controls (0x80-0x9F) include CSI and OSC as single code points.
_TABLE.update({c: f"\u27e8U+{c:04X}\u27e9" for c in range(0x80, 0xA0)})
# Bidi embeddings, overrides and isolates can reorder what an officer reads.
for _c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)):
    _TABLE[_c] = f"\u27e8U+{_c:04X}\u27e9"
# Line and paragraph separators would break a row in two.
_TABLE[0x2028] = "\u27e8U+2028\u27e9"
_TABLE[0x2029] = "\u27e8U+2029\u27e9"

_ONE_LINE = dict(_TABLE)
_ONE_LINE[0x0A] = " \u23ce "  # "⏎"
_ONE_LINE[0x09] = " "

_NEEDS_WORK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def clean(text: str | None) -> str:
    """Text safe to hand to the terminal: controls shown as placeholders."""
    if not text:
        return ""
    if _NEEDS_WORK.search(text) is None:
        return text
    return text.translate(_TABLE)


# JSON escapes C0 controls itself but leaves these raw (they are legal in a JSON
# string), and a terminal showing the output would obey the C1 ones and the overrides.
_JSON_RAW = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_line(value: Any, indent: int | None = None) -> str:
    """`value` as JSON for a terminal or a file (one line unless `indent`): non-ASCII text
    stays readable, every control character and bidi override is a \\u escape, so the data
    is unchanged."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False, indent=indent))


def one_line(text: str | None, limit: int | None = None) -> str:
    """`clean` for a table cell: newlines and tabs folded, shortened to `limit` characters."""
    if not text:
        return ""
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text.translate(_ONE_LINE)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """ "1 comment", "2 comments", "1,200 comments" ("1 branch", plural("2", "branch", "branches"))."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"
