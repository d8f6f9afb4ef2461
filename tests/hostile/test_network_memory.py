"""Memory, measured in a child process, stays bounded while an endless body, a gzip
bomb or a deflate bomb is cut at the size cap."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from feedserver import FeedServer

from .children import run_python
from .fast_fetch import GOOD

# Peak RSS in KiB. getrusage's ru_maxrss survives fork and exec, so a child of a big
# pytest process starts with the parent's peak and shows no growth at all; Linux's
# VmHWM belongs to this process image alone. Elsewhere, ru_maxrss is the best there is.
_MEASURE = r"""
import asyncio, json, resource, sys
from clp_tui.data.fetch import Fetcher, Limits

def peak_kb():
    try:
        with open("/proc/self/status") as status:
            return int(next(l for l in status if l.startswith("VmHWM:")).split()[1])
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

async def main():
    async with Fetcher(Limits(connect_timeout=2, read_timeout=2, deadline=30)) as fetcher:
        warm = await fetcher.fetch(sys.argv[2])  # imports and buffers of an ordinary fetch
        assert warm.status == "ok", warm.error
        before = peak_kb()
        result = await fetcher.fetch(sys.argv[1])
        after = peak_kb()
    print(json.dumps({"status": result.status, "error": result.error, "grown_kb": after - before}))

asyncio.run(main())
"""


def _gzip_bomb(inflated: int) -> bytes:
    """A gzip stream of `inflated` zero bytes (~1000:1), built without inflating it."""
    block = 1 << 20
    zeros = bytes(block)
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    head = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    unit = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)  # identical for every later block
    tail = comp.flush()[:-8]
    count = inflated // block
    crc = zlib.crc32(zeros)
    for _ in range(count - 1):
        crc = zlib.crc32(zeros, crc)
    return (
        head + unit * (count - 1) + tail + (crc.to_bytes(4, "little") + (count * block % 2**32).to_bytes(4, "little"))
    )


@pytest.mark.parametrize("shape", ["endless", "gzip-bomb", "deflate-bomb"])
def test_memory_stays_bounded_while_a_hostile_body_is_cut_at_the_cap(
    server: FeedServer, home: Path, shape: str
) -> None:
    server.route("/warm", body=GOOD)
    if shape == "endless":
        server.route("/evil", endless=b'{"items":["' + b"x" * 65_000 + b'",')
    elif shape == "gzip-bomb":
        bomb = _gzip_bomb(200 << 20)
        assert len(bomb) < 300_000, len(bomb)  # ~200 KB on the wire for 200 MB inflated
        server.route("/evil", body=bomb, headers={"Content-Encoding": "gzip"})
    else:
        raw = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS)
        bomb = b"".join(raw.compress(bytes(1 << 20)) for _ in range(64)) + raw.flush()
        server.route("/evil", body=bomb, headers={"Content-Encoding": "deflate"})
    run = run_python(_MEASURE, home, server.url("/evil"), server.url("/warm"), timeout=60)
    assert run.returncode == 0, run.stderr
    outcome = json.loads(run.stdout)
    assert outcome["status"] == "error" and "cap" in outcome["error"], outcome
    # The default cap is 20 MiB of decoded body; allow for it twice over plus buffers.
