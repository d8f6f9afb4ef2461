"""A feed's body, read within the size cap: decoded a bounded amount at a time.

We decompress ourselves (gzip, including several members, and deflate), never
producing more than the cap, so a gzip bomb is stopped at the cap; a `file:`
feed is read with the same cap (`read_file`).
"""

from __future__ import annotations

import asyncio
import os
import stat
import zlib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from clp_tui.data.fetch_errors import FetchError

CHUNK = 256 * 1024


class BodyDecoder:
    """Decodes a response body chunk by chunk, never producing more than the cap."""

    def __init__(self, encoding: str, cap: int):
        encoding = encoding.strip().lower()
        self._gzip = False
        if encoding in ("", "identity"):
            self._z = None
        elif encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._gzip = True
        elif encoding == "deflate":
            self._z = zlib.decompressobj(zlib.MAX_WBITS + 32)
        else:
            raise FetchError(f"the server used Content-Encoding {encoding[:30]!r}, which is not supported")
        self.remaining = cap
        self.parts: list[bytes] = []

    def _take(self, data: bytes) -> None:
        if len(data) > self.remaining:
            raise FetchError("the feed is larger than the size cap")
        self.remaining -= len(data)
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self._z is None:
            self._take(chunk)
            return
        try:
            while chunk:
                out = self._z.decompress(chunk, min(self.remaining + 1, CHUNK))
                self._take(out)
                while self._z.unconsumed_tail:
                    out = self._z.decompress(self._z.unconsumed_tail, min(self.remaining + 1, CHUNK))
                    self._take(out)
                chunk = b""
                if self._gzip and self._z.eof and self._z.unused_data:
                    # A gzip body may be several members one after another (RFC 1952,
                    # 2.2), as `cat a.gz b.gz` makes; each is decoded in turn.
                    chunk = self._z.unused_data
                    self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        except zlib.error as exc:
            raise FetchError(f"the compressed body is corrupt ({exc})") from None

    def finish(self) -> bytes:
        if self._z is not None:
            if not self._z.eof:
                raise FetchError("the compressed body ended early (truncated)")
            self._take(self._z.flush())
        return b"".join(self.parts)


def read_capped(path: Path, budget: int) -> bytes:
    # O_NONBLOCK: if the file was swapped for a FIFO after it was checked, opening it does
    # not wait for a writer (and the read then finds nothing).
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        body = handle.read(budget + 1)
    if len(body) > budget:
        raise FetchError(f"{path} is over the size cap")
    return body


async def read_file(
    url: str, budget: int, cap: int, etag: str | None, on_body: Callable[[], None] | None
) -> tuple[int, bytes, dict[str, str]]:
    """A `file:` feed page as (status, body, headers), as an HTTP answer would be: a 304
    when `etag` still matches. `on_body` (see Fetcher.fetch) is called before a read."""
    path = Path(url2pathname(urlsplit(url).path))
    try:
        info = await asyncio.to_thread(os.stat, path)
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        # A FIFO or a device would block the read past any deadline (a thread cannot be cut off).
        raise FetchError(f"{path} is not a regular file (a pipe, a device or a folder); a feed must be a file")
    # A file has no ETag; its size and modification time serve as one.
    stamp = f'"file-{info.st_mtime_ns}-{info.st_size}"'
    if etag == stamp:
        return 304, b"", {"etag": stamp}
    if info.st_size > budget:
        raise FetchError(f"{path} is {info.st_size:,} bytes, over the {cap:,}-byte cap")
    if on_body is not None:
        on_body()
    try:
        body = await asyncio.to_thread(read_capped, path, budget)
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from None
    return 200, body, {"etag": stamp}
