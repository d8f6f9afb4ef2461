"""When to try a busy server again: its Retry-After header read and clamped, or
exponential backoff with jitter when it said not how long."""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import time

# Retry-After values are clamped into this range: a hostile or broken server
# must not silence a feed for a year, nor make us hammer it.
MIN_RETRY_AFTER = 1.0
MAX_RETRY_AFTER = 6 * 3600.0
BACKOFF_BASE = 60.0


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), clamped."""
    if not value:
        return None
    value = value.strip()
    now = time.time() if now is None else now
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        seconds = when.timestamp() - now
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, MIN_RETRY_AFTER), MAX_RETRY_AFTER)


def backoff_delay(failures: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter for a server that is busy but said not how long."""
    rng = rng or random.Random()
    base = min(BACKOFF_BASE * (2 ** max(failures - 1, 0)), MAX_RETRY_AFTER)
    return base * rng.uniform(0.8, 1.2)
