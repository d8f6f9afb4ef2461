"""Floor for an unchanged re-sync: import httpx and send one conditional GET that gets 304.

python bench/floor_304.py URL ETAG
"""

from __future__ import annotations

import sys

import httpx


def main(url: str, etag: str) -> int:
    response = httpx.get(url, headers={"If-None-Match": etag}, timeout=30)
    if response.status_code != 304:
        print(f"expected 304, got {response.status_code}", file=sys.stderr)
        return 1
    print("not modified")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
