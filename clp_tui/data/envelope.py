"""The feed-level checks of one page: is it UTF-8, JSON, a JSON Feed, and within the
item budget? Anything that fails here refuses the whole page with a `FeedError`
(one line for people); items stay raw for parse.py to take one at a time.
"""

from __future__ import annotations

import codecs
from typing import Any

import msgspec

from clp_tui.data.contract import Feed

_FEED_DECODER = msgspec.json.Decoder(Feed)
_BOM = b"\xef\xbb\xbf"


class FeedError(Exception):
    """The whole feed (or page) is unusable; the message is one line for people."""


def _check_utf8(body: bytes, step: int = 1 << 20) -> None:
    """Refuse a page with invalid UTF-8 anywhere. msgspec checks only the strings it
    decodes: bytes inside items (kept raw) and unknown fields would reach the cache and
    fail whatever reads them later. Checked a slice at a time, so no copy of the page."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(body)
    try:
        for start in range(0, len(body), step):
            decoder.decode(view[start : start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise FeedError(f"not valid UTF-8 (byte {start + exc.start})") from None


class OverBudget(FeedError):
    """More items than a feed may have; `count` is how many this page holds."""

    def __init__(self, count: int, budget: int):
        super().__init__(
            f"{count:,} items, over the budget of {budget:,} items one feed may have "
            "([network] max_items, or the feed's own max_items); nothing taken"
        )
        self.count = count


def decode_envelope(body: bytes, max_items: int | None = None) -> Feed:
    """The envelope of a feed page, items left raw. Raises FeedError. With `max_items`,
    a page with more items than that is refused before any item is looked at."""
    if body.startswith(_BOM):
        body = body[len(_BOM) :]
    _check_utf8(body)
    try:
        feed = _FEED_DECODER.decode(body)
    except RecursionError:
        raise FeedError("JSON is nested too deeply to be a feed") from None
    except UnicodeDecodeError as exc:
        raise FeedError(f"not valid UTF-8 (byte {exc.start})") from None
    except msgspec.ValidationError as exc:
        try:
            msgspec.json.decode(body, type=dict[str, Any])
        except msgspec.ValidationError:
            raise FeedError("not a JSON Feed: the document is not a JSON object") from None
        except (msgspec.DecodeError, RecursionError):
            pass
        raise FeedError(f"not a JSON Feed: {exc}") from None
    except msgspec.DecodeError as exc:
        head = body.lstrip()[:1]
        hint = " (it looks like HTML)" if head == b"<" else ""
        raise FeedError(f"not JSON{hint}: {exc}") from None
    if not feed.version.startswith("https://jsonfeed.org/version/1"):
        raise FeedError(f"not a JSON Feed: version is {feed.version[:60]!r}, expected https://jsonfeed.org/version/1.1")
    if max_items is not None and len(feed.items) > max_items:
        raise OverBudget(len(feed.items), max_items)
    return feed
