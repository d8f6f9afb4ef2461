"""Why a fetch failed, in a message fit to store and print.

`FetchError` carries the one-line reason (and the HTTP status and Retry-After
when the server gave them), and `reason` shortens an exception. Secrets are taken
out of every message by `secrets.scrub`.
"""

from __future__ import annotations


class FetchError(Exception):
    def __init__(self, message: str, http_status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.http_status = http_status
        self.retry_after = retry_after


def reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
