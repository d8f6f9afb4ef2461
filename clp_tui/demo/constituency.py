"""The made-up constituency every demo feed is about, and the frame each feed shares.

Its names (constituency, candidate, regional office), its polling day, the JSON
Feed 1.1 envelope with the CLP extension every demo feed is served in, and the
small helpers both generators (world.py, bulk.py) use for stamps, weeks and ids.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from clp_tui.clock import stamp

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
CONSTITUENCY = "Fernbridge and Hollowmere"
CANDIDATE = "Priya Okonkwo-Hart"
HOME_PAGE = "https://example.invalid/"
REGIONAL_COMMS = "Owen Latimer (Regional Communications)"

# Polling day must be far enough off for a whole campaign plan to run up to it.
_MIN_DAYS_TO_POLL = 150


# An aware datetime as an RFC 3339 UTC timestamp with a trailing Z: the stored form.
rfc3339 = stamp


def iso_week(day: date) -> str:
    """The ISO week a day falls in, as `YYYY-Www` (e.g. 2026-W48)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def polling_day_after(today: date) -> date:
    """The first Thursday in May at least ~5 months (150 days) after `today`.

    English local and general elections are usually held on the first Thursday in May.
    """
    year = today.year
    while True:
        may_day = date(year, 5, 1)
        thursday = may_day + timedelta(days=(3 - may_day.weekday()) % 7)
        if (thursday - today).days >= _MIN_DAYS_TO_POLL:
            return thursday
        year += 1


def envelope(name: str, title: str, polling_day: date, items: list[dict[str, Any]]) -> dict[str, Any]:
    """A JSON Feed 1.1 document with the CLP extension, as every demo feed is served."""
    return {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": f"{HOME_PAGE}{name}",
        "_clp": {
            "constituency": CONSTITUENCY,
            "polling_day": polling_day.isoformat(),
            "snapshot": True,
        },
        "items": items,
    }


def slug(text: str) -> str:
    """A lower-case, hyphenated form of a name, for ids and URLs."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
