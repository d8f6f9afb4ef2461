"""How the documents say figures and dates."""

from __future__ import annotations

import datetime as dt

from clp_tui.documents.model import Safe


def num(value: float | None) -> Safe:
    if value is None:
        return Safe("—")
    return Safe(f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}")


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count_words(n: int) -> str:
    """A small count in words ("two"), larger ones in figures."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"
