"""Marking where the `/` filter's words appear in a list row, so the officer sees why
each row matched. Bold reverse, so it shows without colour (NO_COLOR) and on the cursor row."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.text import Text

MATCH_STYLE = "bold reverse"


def highlight_matches(text: Text, words: Iterable[str], *, start: int = 0) -> Text:
    """Style every case-insensitive occurrence of each word in `text` from `start` on (in place)."""
    plain = text.plain
    for word in words:
        if word:
            for match in re.finditer(re.escape(word), plain[start:], re.IGNORECASE):
                text.stylize(MATCH_STYLE, start + match.start(), start + match.end())
    return text
