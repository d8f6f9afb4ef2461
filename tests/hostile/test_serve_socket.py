"""Finding 1, over the wire: `clp-tui serve` driven through its real websocket, as a
browser (or a hostile page, or another local user) would drive it.

Before: a websocket with `Origin: http://evil.example` was accepted; `M` then `3`
showed commenters' names and words and `a` recorded a decision; every websocket
started its own dashboard, with no limit. The server here is the real command in
a subprocess; the client is aiohttp's, which textual-serve itself is built on.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import time
from collections.abc import Iterator

import aiohttp
import pytest
from feedserver import comment, feed_bytes

NAME = "Pellinore Quagmire-4471"
WORDS = "xylophone-marmalade-9902 is my complaint"
HANG_GUARD = 45  # seconds: only so that a broken server fails the test instead of hanging it


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(server, cli, sync_now) -> Iterator:
    """Start `clp-tui serve` (with extra arguments) on a free loopback port, over a cache
    holding one comment with a name and words that must never reach the page."""
    item = comment("c-1", WORDS)
    item["authors"] = [{"name": NAME}]
    feeds = [{"name": "comments", "url": server.feed("comments", feed_bytes([item])), "kind": "comment"}]
    cli.write_config(feeds, officer={"name": "Test Officer"})
    sync_now(cli.db, feeds)
    procs: list[subprocess.Popen[str]] = []

    def start(*extra: str) -> int:
        port = _free_port()
        proc = cli.popen("serve", "--port", str(port), *extra)
        procs.append(proc)
        deadline = time.monotonic() + HANG_GUARD
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return port
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
        raise AssertionError("serve never listened")

    yield start
    for proc in procs:
        proc.terminate()
        proc.communicate(timeout=30)


async def _screen_until(ws: aiohttp.ClientWebSocketResponse, *markers: str) -> str:
    """Everything the dashboard drew, until one of `markers` is on it."""
    seen = b""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HANG_GUARD
    while not any(m in seen.decode("utf-8", "replace") for m in markers):
        if loop.time() > deadline:
            raise AssertionError(f"none of {markers} on the page: {seen.decode('utf-8', 'replace')[-2000:]!r}")
        try:
            message = await ws.receive(timeout=1)
        except TimeoutError:
            continue
        assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
        if message.type == aiohttp.WSMsgType.BINARY:
            seen += message.data
    return seen.decode("utf-8", "replace")


async def _keys(ws: aiohttp.ClientWebSocketResponse, *keys: str) -> None:
    for key in keys:
        await ws.send_str(json.dumps(["stdin", key]))


def _origin(port: int, host: str = "127.0.0.1") -> dict[str, str]:
    return {"Origin": f"http://{host}:{port}"}


async def test_no_key_over_the_websocket_leaves_meeting_mode(served, cli, sql) -> None:
    port = served()
    async with aiohttp.ClientSession() as session:
        url = f"http://127.0.0.1:{port}/ws?width=120&height=36"
        async with session.ws_connect(url, headers=_origin(port)) as ws:
            await ws.send_str(json.dumps(["resize", {"width": 120, "height": 36}]))
            await _screen_until(ws, "clp-tui")
            await _keys(ws, "M")
            shown = await _screen_until(ws, "Meeting mode stays on", "Meeting mode off")
            assert "Meeting mode off" not in shown
            await _keys(ws, "3", "a", "x", "\r", "?")  # the inbox, approve, hide, open; then help
            shown += await _screen_until(ws, "Keys — ")
    assert NAME not in shown and "xylophone" not in shown
    assert sql(cli.db, "SELECT count(*) FROM decisions") == [(0,)]


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "http://evil.example:{port}",
        "http://127.0.0.1:1",
        "null",
        "https://127.0.0.1:{port}.evil",
    ],
)
async def test_a_page_from_another_origin_is_refused(served, origin: str) -> None:
    port = served()
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(f"http://127.0.0.1:{port}/ws", headers={"Origin": origin.format(port=port)})
        assert refused.value.status == 403
        # The same refusal, readable: what a person trying it by hand sees.
        async with session.get(f"http://127.0.0.1:{port}/ws", headers={"Origin": origin.format(port=port)}) as answer:
            assert answer.status == 403
            assert "is not this server's own" in await answer.text()


async def test_a_rebound_name_is_not_loopback(served) -> None:
    """DNS rebinding: a page from evil.example, its name pointed at 127.0.0.1, sends a
    matching Host; the server was bound to loopback, so that name is not its own."""
    port = served()
    headers = {"Origin": f"http://evil.example:{port}", "Host": f"evil.example:{port}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/ws", headers=headers) as answer,
    ):
        assert answer.status == 403


async def test_no_origin_is_refused_and_the_own_page_is_not(served) -> None:
    port = served()
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await session.ws_connect(f"http://127.0.0.1:{port}/ws", headers={"Origin": ""})
        for host in ("127.0.0.1", "localhost"):
            headers = {**_origin(port, host), "Host": f"{host}:{port}"}
            async with session.ws_connect(f"http://127.0.0.1:{port}/ws", headers=headers) as ws:
                await _screen_until(ws, "clp-tui")


async def test_sessions_past_the_cap_are_refused_with_a_reason(served) -> None:
    port = served("--max-sessions", "2")
    url = f"http://127.0.0.1:{port}/ws?width=80&height=24"
    async with aiohttp.ClientSession() as session:
        first = await session.ws_connect(url, headers=_origin(port))
        second = await session.ws_connect(url, headers=_origin(port))
        await _screen_until(first, "clp-tui")
        await _screen_until(second, "clp-tui")
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(url, headers=_origin(port))
        assert refused.value.status == 503
        async with session.get(url, headers=_origin(port)) as answer:
            assert "--max-sessions" in await answer.text()
        await first.close()
        # Its place is free once its dashboard has stopped.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + HANG_GUARD
        while True:
            try:
                third = await session.ws_connect(url, headers=_origin(port))
                break
            except aiohttp.WSServerHandshakeError:
                assert loop.time() < deadline
                await asyncio.sleep(0.2)
        await _screen_until(third, "clp-tui")
        await third.close()
        await second.close()


def test_max_sessions_must_be_a_small_number(cli) -> None:
    result = cli("serve", "--max-sessions", "0")
    assert result.returncode == 2
    assert "not a number of sessions" in result.stderr
