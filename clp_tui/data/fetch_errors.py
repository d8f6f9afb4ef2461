"""Why a fetch failed, in a message fit to store and print.

`FetchError` carries the one-line reason (and the HTTP status and Retry-After
when the server gave them); `scrub` blanks a feed's token out of any message a
hostile server could have echoed it into, and `reason` shortens an exception.
"""

from __future__ import annotations

import re


class FetchError(Exception):
    def __init__(self, message: str, http_status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.http_status = http_status
        self.retry_after = retry_after


def scrub(text: str, secret: str | None) -> str:
    """`text` with `secret` blanked out, written plainly or percent-encoded (in any mix)."""
    if not secret:
        return text
    forms = ("".join(f"%{byte:02x}" for byte in char.encode()) for char in secret)
    pattern = "".join(f"(?:{re.escape(char)}|{form})" for char, form in zip(secret, forms, strict=True))
    return re.sub(pattern, "[token]", text, flags=re.IGNORECASE)


def reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
