"""All the pages of one feed read as one, within the feed's item budget and the
parse deadline: past either, the whole feed is refused (a `FeedError`) before
anything is written, so a feed of millions of tiny items costs seconds, not
gigabytes, and leaves the cache as it was.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from clp_tui.data.envelope import OverBudget
from clp_tui.data.parse import FeedError, ParsedPage, Problem, parse_page
from clp_tui.data.secrets import scrub

# Defaults, also the config's: well above the 50,000 comments the bench syncs.
MAX_ITEMS = 200_000
PARSE_DEADLINE = 60.0


@dataclass(frozen=True, slots=True)
class ParseLimits:
    max_items: int = MAX_ITEMS
    deadline: float = PARSE_DEADLINE  # seconds for parsing every page of one feed


def parse_pages(
    pages: list[bytes],
    kind: str,
    known: dict[bytes, str] | None = None,
    limits: ParseLimits | None = None,
    secrets: Iterable[str | None] = (),
) -> ParsedPage:
    """All pages of a feed as one: envelope from the first, items from all. What it
    says about them (a refusal, an item's problem) quotes the feed, which may have
    echoed the feed's `secrets`: they are scrubbed out before anyone stores or shows it."""
    secrets = tuple(secrets)
    try:
        parsed = _parse_pages(pages, kind, known, limits or ParseLimits())
    except FeedError as exc:
        raise FeedError(scrub(str(exc), secrets)) from None
    for problem in parsed.problems:
        problem.reason = scrub(problem.reason, secrets)
        problem.path = scrub(problem.path, secrets)
        if problem.item_id is not None:
            problem.item_id = scrub(problem.item_id, secrets)
    return parsed


def _parse_pages(pages: list[bytes], kind: str, known: dict[bytes, str] | None, limits: ParseLimits) -> ParsedPage:
    deadline = time.monotonic() + limits.deadline
    seen: set[str] = set()
    merged: ParsedPage | None = None
    items = 0
    for number, body in enumerate(pages, start=1):
        try:
            page = parse_page(body, kind, known, seen, max_items=limits.max_items - items, deadline=deadline)
        except OverBudget as exc:
            if number == 1:
                raise
            raise FeedError(f"by page {number}: {OverBudget(items + exc.count, limits.max_items)}") from None
        except FeedError as exc:
            message = str(exc).replace("[network] parse_deadline", f"[network] parse_deadline = {limits.deadline:g} s")
            if merged is None or "deadline" in message:
                raise FeedError(f"page {number}: {message}" if len(pages) > 1 else message) from None
            # Paging is optional in JSON Feed: the pages before a broken one are kept, and
            # as the read was incomplete, nothing the feed did not show counts as deleted.
            merged.problems.append(
                Problem(None, "$", f"page {number} refused ({message}); the pages before it were taken", "warning")
            )
            merged.ext.snapshot = False
            break
        items += page.count
        if merged is None:
            merged = page
        else:
            merged.records.extend(page.records)
            merged.unchanged.extend(page.unchanged)
            merged.invalid_ids.extend(page.invalid_ids)
            merged.problems.extend(page.problems)
    assert merged is not None
    return merged
