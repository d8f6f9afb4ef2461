"""The URL policy of a fetch: origins, URLs fit for a message, and joining.

The token only ever goes to the feed's own `origin`; every URL shown to people is
`redact`ed (secrets.safe_url: no user:password@, no secret query value; kept short); `join_url` resolves a Location or
next_url and turns a malformed one into that feed's `FetchError`.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from clp_tui.data.fetch_errors import FetchError
from clp_tui.data.secrets import safe_url


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


def redact(url: str) -> str:
    """A URL fit for a message: user:password@ and secret query values removed, kept short."""
    shown = safe_url(url)
    return shown if len(shown) <= 120 else shown[:117] + "…"


def join_url(base: str, ref: str, what: str) -> str:
    """`ref` resolved against `base`. A malformed URL from a server (a bad port, a
    broken IPv6 host) is that feed's error, not a ValueError that ends the sync."""
    try:
        target = urljoin(base, ref) if base else ref
        urlsplit(target).port  # noqa: B018 - raises ValueError for a bad port or host
    except ValueError:
        raise FetchError(f"{what} {ref[:80]!r} is not a valid URL") from None
    return target
