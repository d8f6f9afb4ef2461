"""Small pieces the Mastodon and Bluesky adapters share: how long a rate limit
asks us to wait, a platform's own words cut to fit one line, a post's first line
as a thread title, and a URL's query read back."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from clp_tui.data.fetch_retry import MAX_RETRY_AFTER, MIN_RETRY_AFTER, parse_retry_after

# Posts read per sync, newest first: each costs one more request for its replies,
# and every request comes out of `[network] max_pages` (at most 50).
MAX_POSTS = 40
TITLE_LENGTH = 120


def wait_until(reset: str | None, headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds until a rate limit resets, from a reset time (ISO 8601 or Unix seconds),
    else from Retry-After; clamped like Retry-After. None: the server said nothing usable."""
    now = time.time() if now is None else now
    value = (reset or "").strip()
    when: float | None = None
    if re.fullmatch(r"\d{9,11}(\.\d+)?", value):
        when = float(value)
    elif value:
        try:
            stamp = dt.datetime.fromisoformat(value)
        except ValueError:
            stamp = None
        if stamp is not None:
            when = (stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)).timestamp()
    if when is None:
        return parse_retry_after(headers.get("retry-after"), now)
    return min(max(when - now, MIN_RETRY_AFTER), MAX_RETRY_AFTER)


def said(text: object, limit: int = 160) -> str:
    """A platform's own error words as a short single line (they are not trusted)."""
    if not isinstance(text, str):
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def first_line(text: str | None) -> str | None:
    """A post's first non-empty line, shortened: the thread's title in the inbox."""
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"
    return None


def query_of(url: str) -> dict[str, str]:
    """A URL's query parameters (the last value of each)."""
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}
