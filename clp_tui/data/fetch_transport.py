"""The sync's HTTP transport: TLS is set up the first time an https:// URL is fetched.

httpx makes its SSL context when a client is made, loading certifi's certificate bundle:
~35 ms of every `clp-tui sync` and of a dashboard's first poll, spent even when every
feed is http:// or file:// (a server on the same machine, the demo, the bench). This
transport sends http:// requests through a connection pool whose SSL context trusts no
certificate at all (so were it ever asked for TLS, it would refuse), and https://
requests through httpx's own transport, made at the first one exactly as the client made
it before: certifi's certificates verified, the environment's SSL settings ignored.
"""

from __future__ import annotations

import ssl

import httpx


class LazyTLSTransport(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self._plain: httpx.AsyncHTTPTransport | None = None
        self._tls: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme == "https":
            if self._tls is None:
                self._tls = httpx.AsyncHTTPTransport(trust_env=False)  # verify=True: certifi's bundle
            return await self._tls.handle_async_request(request)
        if self._plain is None:
            # PROTOCOL_TLS_CLIENT verifies certificates and host names by default, and
            # with no certificate loaded it trusts none: never used, and safe if it were.
            self._plain = httpx.AsyncHTTPTransport(verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), trust_env=False)
        return await self._plain.handle_async_request(request)

    async def aclose(self) -> None:
        for transport in (self._plain, self._tls):
            if transport is not None:
                await transport.aclose()
