"""How the documents say figures and dates."""

from __future__ import annotations

import datetime as dt

from clp_tui.data.datewords import day_words, moment_words
from clp_tui.documents.model import Safe


def num(value: float | None) -> Safe:
    if value is None:
        return Safe("—")
    return Safe(f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}")


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count_words(n: int) -> str:
    """A small count in words ("two"), larger ones in figures."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


NBSP = "\u00a0"


def date_text(day: dt.date | None) -> str:
    """A day in the one date style (data/datewords.py), its spaces non-breaking so that a
    printed or narrow report never wraps it mid-date."""
    return day_words(day).replace(" ", NBSP)


def moment_text(moment: dt.datetime | str | None) -> str:
    """A moment ("23 Nov 2026 14:05 UTC"), kept on one line like `date_text`."""
    return moment_words(moment).replace(" ", NBSP)
