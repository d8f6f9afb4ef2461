"""The URL policy of a fetch: origins, URLs fit for a message, and joining.

The token only ever goes to the feed's own `origin`; every URL shown to people is
`redact`ed (secrets.safe_url: no user:password@ nor secret query value; kept
short); `join_url` resolves a Location or next_url and turns a malformed one into
that feed's `FetchError`; `Reach` says where its redirects and pages may lead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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


# Hosts a feed may be sent to by default, by the host it is configured on: Google's
# "Publish to the web → CSV" link redirects from docs.google.com to googleusercontent.com.
DEFAULT_REDIRECT_HOSTS: dict[str, tuple[str, ...]] = {"docs.google.com": ("*.googleusercontent.com",)}


@dataclass(frozen=True, slots=True)
class Reach:
    """Where a feed's redirects and `next_url` pages may lead: its own origin (scheme,
    host and port) and the hosts its config lists in `redirect_hosts` (`host`,
    `*.domain`, or `host:port`; without a port, the scheme's usual one). Never from
    https to plain http; from http to https on the same host is an upgrade, allowed."""

    home: tuple[str, str, int | None]
    hosts: tuple[str, ...] = ()

    @classmethod
    def of(cls, url: str, listed: Iterable[str] = ()) -> Reach:
        home = origin(url)
        return cls(home, (*(h.lower() for h in listed), *DEFAULT_REDIRECT_HOSTS.get(home[1], ())))

    def refusal(self, url: str) -> str | None:
        """Why `url` is out of reach (None: it is within)."""
        scheme, host, port = target = origin(url)
        if target == self.home:
            return None
        if self.home[0] == "https" and scheme != "https":
            return "it would leave https for plain http"
        if host == self.home[1] and scheme == "https" and port == 443 and self.home[2] == 80:
            return None
        default_port = {"http": 80, "https": 443}.get(scheme)
        for entry in self.hosts:
            name, _, listed_port = entry.partition(":")
            wanted = int(listed_port) if listed_port.isdigit() else default_port
            matches = host == name or (name.startswith("*.") and host.endswith(name[1:]))
            if matches and port == wanted:
                return None
        return "another site, not in the feed's redirect_hosts"
