"""`clp-tui check-feed`: tell a publisher everything wrong with a feed.

Exit codes: 0 clean (warnings allowed), 1 problems found (a next_url that could not
be followed among them), 2 the feed could not be read at all.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from clp_tui import exits
from clp_tui.config import FeedConfig
from clp_tui.data.fetch import Fetcher, Limits
from clp_tui.data.pages import parse_pages
from clp_tui.data.parse import FeedError, Problem
from clp_tui.data.secrets import safe_url
from clp_tui.data.sources import SOURCES
from clp_tui.data.sources.read import read_feed, secrets_of
from clp_tui.data.text import json_line, one_line


def _read(
    source: str, kind: str | None, via: str, token_env: str | None, key_env: str | None
) -> tuple[list[bytes] | None, str | None, list[str]]:
    """(pages, None, notes) for a feed that was read, (None, why, []) for one that was not."""
    try:
        scheme = urlsplit(source).scheme.lower()
    except ValueError as exc:  # e.g. a broken IPv6 host
        return None, f"{source}: not a valid URL ({exc})", []
    if scheme not in ("http", "https", "file"):
        path = Path(source)
        if path.exists() and not path.is_file():
            return None, f"{source} is not a regular file (a pipe, a device or a folder); a feed must be a file", []
        if not path.is_file():
            return None, f"{source}: no such file, and not an http(s):// or file:// URL", []
        source = path.resolve().as_uri()
    info = SOURCES[via]
    feed = FeedConfig(
        name="check",
        url=source,
        kind=kind if kind in info.kinds else info.kinds[0],  # type: ignore[arg-type]
        source=via,  # type: ignore[arg-type]
        token_env=token_env,
        key_env=key_env,
    )

    async def fetch() -> tuple[list[bytes] | None, str | None, list[str]]:
        async with Fetcher(Limits()) as fetcher:
            result = await read_feed(fetcher, feed)
        return (result.pages, None, result.notes) if result.status == "ok" else (None, result.error, [])

    return asyncio.run(fetch())


def check_feed(
    source: str,
    kind: str | None,
    *,
    as_json: bool = False,
    via: str = "jsonfeed",
    token_env: str | None = None,
    key_env: str | None = None,
) -> int:
    """Read `source` as the `via` source would (a platform's API, a sheet, a JSON Feed)
    and describe what the contract makes of it."""
    if kind is not None and kind not in SOURCES[via].kinds:
        print(f"clp-tui: a {SOURCES[via].label} source gives {' or '.join(SOURCES[via].kinds)} items", file=sys.stderr)
        return exits.USAGE
    pages, error, notes = _read(source, kind, via, token_env, key_env)
    if pages is None:
        print(f"clp-tui: cannot read the feed: {one_line(error)}", file=sys.stderr)
        return exits.USAGE
    try:
        secrets = secrets_of(
            FeedConfig(name="check", url="file:///", kind="comment", token_env=token_env, key_env=key_env)
        )
        parsed = parse_pages(pages, kind or "comment", secrets=secrets)
    except FeedError as exc:
        problems = [Problem(None, "$", str(exc))]
        return _report(source, None, 0, problems, kind, as_json)
    # A read cut short (a next_url refused, a broken later page): sync keeps what it
    # read with a warning; for the publisher it is an error to fix (exit 1, not 2).
    parsed.problems[:0] = [Problem(None, "$", note, "error" if via == "jsonfeed" else "warning") for note in notes]
    taken = sum(1 for r in parsed.records if not r.deleted)
    # `ext` keeps `type` only when the item declared it (the struct omits defaults).
    guessed = kind is None and any(b'"type"' not in r.ext for r in parsed.records if not r.deleted)
    return _report(
        source,
        parsed.title,
        taken,
        parsed.problems,
        "comment" if guessed else kind,
        as_json,
        len(pages),
        guessed=guessed,
    )


def _report(
    source: str,
    title: str | None,
    taken: int,
    problems: list[Problem],
    kind: str | None,
    as_json: bool,
    pages: int = 1,
    *,
    guessed: bool = False,
) -> int:
    counts = Counter(p.severity for p in problems)
    errors, warnings = counts["error"], counts["warning"]
    if as_json:
        for p in problems:
            print(json_line({"item_id": p.item_id, "path": p.path, "reason": p.reason, "severity": p.severity}))
        print(
            json_line(
                {
                    "summary": True,
                    "title": title,
                    "items_taken": taken,
                    "errors": errors,
                    "warnings": warnings,
                    "pages": pages,
                }
            )
        )
    else:
        head = f"{one_line(title)!s}" if title is not None else "(not a feed)"
        print(f"{one_line(safe_url(source))}: {head}")
        print(f"  {taken} item(s) taken over {pages} page(s); {errors} error(s), {warnings} warning(s)")
        if guessed:
            print("  items without _clp.type were read as comments; pass --kind to say otherwise")
        for p in problems:
            label = "error  " if p.severity == "error" else "warning"
            item = p.item_id if p.item_id is not None else "-"
            print(f"  {label} {one_line(item, 60)} {p.path}: {one_line(p.reason)}")
        if not problems:
            print("  the feed follows the contract")
    return exits.FAILED if errors else exits.OK


def run(args: argparse.Namespace) -> int:
    return check_feed(
        args.source, args.kind, as_json=args.json, via=args.via, token_env=args.token_env, key_env=args.key_env
    )
