"""The one clock, and the one way a moment is written down.

Everything that stamps or compares time (the store, decisions, reports, purge,
the dashboard) takes a `Clock`, a function returning an aware UTC datetime, so
tests can freeze it. `system_clock` is the real one; it honours
`CLP_TUI_NOW=2026-11-23T12:00:00Z`, which freezes it for a whole process (the
test suite's subprocesses, or re-making a report as of a past moment).

`stamp` is the stored form of a moment: RFC 3339, UTC, whole seconds, `Z`;
`CANONICAL_STAMP` matches exactly that form.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable

Clock = Callable[[], dt.datetime]
STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# What `STAMP_FORMAT` writes, as a pattern: the one form timestamps are stored in.
CANONICAL_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")
FROZEN_ENV = "CLP_TUI_NOW"


def system_clock() -> dt.datetime:
    """Now, in UTC; or the moment `CLP_TUI_NOW` names, when it is set."""
    frozen = os.environ.get(FROZEN_ENV)
    if frozen:
        return parse_frozen(frozen)
    return dt.datetime.now(dt.UTC)


def parse_frozen(text: str) -> dt.datetime:
    """`CLP_TUI_NOW`'s value as an aware datetime (a date alone means noon UTC)."""
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(12), dt.UTC)
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{FROZEN_ENV}={text!r} is not a moment like 2026-11-23T12:00:00Z") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def fixed_clock(moment: dt.datetime) -> Clock:
    """A clock that always says `moment` (tests, and reports made as of a date)."""
    return lambda: moment


def stamp(moment: dt.datetime) -> str:
    """A moment in the stored form, e.g. 2026-11-23T12:00:00Z."""
    return moment.astimezone(dt.UTC).strftime(STAMP_FORMAT)
