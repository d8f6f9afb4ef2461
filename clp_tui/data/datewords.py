"""How every screen and document writes a date or a moment: one style, the zone named.

A day is "23 Nov 2026"; a moment is "23 Nov 2026 14:05 UTC", shown in UTC (the zone
the cache stores) so two officers in a meeting read the same time. The report's HTML
keeps a date on one line (documents/html.py).
"""

from __future__ import annotations

import datetime as dt

NO_DATE = "–"


def day_words(day: dt.date | dt.datetime | None) -> str:
    """A day as "23 Nov 2026" ("–" for none)."""
    if day is None:
        return NO_DATE
    if isinstance(day, dt.datetime):
        day = _utc(day).date()
    return f"{day.day} {day:%b} {day.year}"


def moment_words(moment: dt.datetime | str | None) -> str:
    """A moment as "23 Nov 2026 14:05 UTC"; a stored stamp or RFC 3339 text is read first,
    a bare date gives the day alone, and text that is no date comes back as it was."""
    if moment is None or moment == "":
        return NO_DATE
    if isinstance(moment, str):
        text = moment.strip()
        if len(text) == 10:
            try:
                return day_words(dt.date.fromisoformat(text))
            except ValueError:
                return text
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
    utc = _utc(moment)
    zone = "UTC" if utc.utcoffset() == dt.timedelta(0) else utc.tzname() or "UTC"
    return f"{day_words(utc.date())} {utc:%H:%M} {zone}"


def _utc(moment: dt.datetime) -> dt.datetime:
    """`moment` in UTC (a naive one is taken as UTC); as given, its own zone named, when
    UTC would leave the calendar (a feed may write 0001-01-01T00:00+01:00)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        return moment


def day_count(days: int) -> str:
    """A count of days in words: "1 day", "12 days"."""
    return f"{days} day" if abs(days) == 1 else f"{days} days"
