"""The gate in front of `clp-tui serve`'s websocket, where each browser session starts
its own dashboard: only this server's own page may open one (a web page elsewhere,
whose Origin is another site, is refused), and only so many at once.

textual-serve checks neither; its Server is subclassed here and nothing else changed.
A refusal is an HTTP answer with one line saying why, and the same line on the
server's output (the Origin quoted there is a stranger's text, so it is cleaned).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

from clp_tui.commands.serve import is_loopback
from clp_tui.data.text import one_line

# Addresses that listen on every interface: the Host a browser used is then the server's own.
WILDCARDS = frozenset({"0.0.0.0", "::", ""})


def origin_refusal(origin: str | None, host_header: str | None, bound: str) -> str | None:
    """Why a websocket from `origin` is refused; None when it comes from this server's own page.

    Its own page has the origin of the address the browser asked for (the Host header),
    and that address must be one this server answers to: the one it was bound to, or
    any loopback name when bound to loopback (a name that merely resolves to this
    machine, as a rebinding attack arranges, is not)."""
    if not origin:
        return "no Origin header; only this server's own page may open a dashboard"
    try:
        parts = urlsplit(origin)
        name = parts.hostname or ""
    except ValueError:
        parts, name = None, ""
    foreign = f"a page from {one_line(origin, 100)!r} is not this server's own"
    if parts is None or parts.scheme not in ("http", "https") or parts.netloc.lower() != (host_header or "").lower():
        return foreign
    if bound in WILDCARDS or name == bound.strip("[]").lower() or (is_loopback(bound) and is_loopback(name)):
        return None
    return foreign


class GuardedServer(Server):
    """textual-serve's Server with an Origin check and a cap on concurrent sessions."""

    def __init__(self, command: str, *, host: str, port: int, title: str, max_sessions: int) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.max_sessions = max_sessions
        self.sessions = 0

    def refusal(self, origin: str | None, host_header: str | None) -> tuple[int, str] | None:
        """(HTTP status, why) for a session that may not start, else None."""
        if (why := origin_refusal(origin, host_header, self.host)) is not None:
            return 403, why
        if self.sessions >= self.max_sessions:
            return 503, (
                f"already showing {self.sessions} dashboard(s), the most --max-sessions allows; "
                "close a browser tab showing it, or restart `clp-tui serve` with a higher --max-sessions"
            )
        return None

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        refused = self.refusal(request.headers.get("Origin"), request.headers.get("Host"))
        if refused is not None:
            status, why = refused
            print(f"clp-tui serve: refused a browser session: {why}", flush=True)
            return web.Response(status=status, text=f"clp-tui serve: {why}\n")
        self.sessions += 1  # no await before this: two sessions cannot both take the last place
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions -= 1
