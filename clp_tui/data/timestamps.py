"""Read a feed's date-times into the stored form (`clock.stamp`), or say why not.

Nearly every timestamp of every feed is already in the stored form and is taken as
it is (`canonical`, called from the parser's hot path); anything else goes through
`parse_timestamp`, which normalises it to UTC or drops it with a warning.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from clp_tui.clock import CANONICAL_STAMP, stamp

_from_iso = dt.datetime.fromisoformat
# RFC 3339 allows a lower-case `t` and `z`, and a leap second (`23:59:60`).
_LOWER_T_Z = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:)(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _rfc3339(value: str) -> str:
    """`value` as Python reads it: `T` and `Z` upper-case, a leap second read as :59
    (the stored form has whole seconds; the instant a second later is the next minute)."""
    match = _LOWER_T_Z.match(value)
    if match is None:
        return value
    day, hour_minute, second, fraction, zone = match.groups()
    second = "59" if second == "60" else second
    return f"{day}T{hour_minute}{second}{fraction or ''}{zone.upper()}"


def canonical(value: str) -> bool:
    """Already what we store (nearly every timestamp of every feed): the exact form
    and a real moment (no 13th month, no 30 February)."""
    if CANONICAL_STAMP.match(value) is None:
        return False
    try:
        _from_iso(value)
    except ValueError:
        return False
    return True


def parse_timestamp(value: str) -> tuple[str | None, str | None]:
    """(normalised UTC timestamp or None, warning or None) for an RFC 3339 string.

    RFC 822 dates (common in feeds converted from RSS) are read with a warning;
    anything else is dropped with a warning rather than costing the item.
    """
    if canonical(value):  # already what we store: most feeds, every time
        return value, None
    value = _rfc3339(value)
    warning = None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None, f"not an RFC 3339 date-time: {value[:40]!r}; ignored"
        warning = f"RFC 822 date {value[:40]!r} read, but the contract asks for RFC 3339"
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
        warning = warning or f"date-time {value[:40]!r} has no time zone; read as UTC"
    try:
        return stamp(when), warning
    except (OverflowError, ValueError):
        return None, f"date-time {value[:40]!r} is out of range; ignored"
