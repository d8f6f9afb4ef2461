"""The feed-level checks of one page: is it UTF-8, JSON, a JSON Feed, and within the
item budget? Anything that fails here refuses the whole page with a `FeedError`
(one line for people); items stay raw for parse.py to take one at a time.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

import msgspec

from clp_tui.data.contract import Feed

_FEED_DECODER = msgspec.json.Decoder(Feed)


class _Skipped(msgspec.Struct, gc=False):
    """An object item, its contents skipped unread."""


class _Count(msgspec.Struct):
    # What tiny items can be, each made in ~8-24 bytes (a Raw takes ~60): for counting.
    items: list[_Skipped | int | float | str | bool | None]


_COUNT_DECODER = msgspec.json.Decoder(_Count)
_BOM = b"\xef\xbb\xbf"
# What a body that is not UTF-8 JSON tends to start with, and what to call it.
_NOT_UTF8 = (
    (b"\x1f\x8b", "the feed is a gzip file, not JSON: serve it with Content-Encoding: gzip, or unpack it"),
    (b"\xff\xfe\x00\x00", "not UTF-8: the feed is UTF-32 (little-endian, with a byte-order mark); save it as UTF-8"),
    (b"\x00\x00\xfe\xff", "not UTF-8: the feed is UTF-32 (big-endian, with a byte-order mark); save it as UTF-8"),
    (b"\xff\xfe", "not UTF-8: the feed is UTF-16 (little-endian, with a byte-order mark); save it as UTF-8"),
    (b"\xfe\xff", "not UTF-8: the feed is UTF-16 (big-endian, with a byte-order mark); save it as UTF-8"),
)
# A \uD800-\uDFFF escape. One that is not half of a pair refuses the whole document
# in msgspec; JSON Feed text may not hold one either, so each becomes U+FFFD.
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LOW = re.compile(rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_BLANK = re.compile(rb"[ \t\r\n]*")
_LONE_SURROGATE = re.compile(
    rb"(?<!\\)((?:\\\\)*)(?:\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<![dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2})"
)


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


class BadEscape(FeedError):
    """Refused for an escape msgspec cannot read: perhaps a lone surrogate (repairable)."""


class OverBudget(FeedError):
    """More items than a feed may have; `count` is how many this page holds."""

    def __init__(self, count: int, budget: int):
        super().__init__(
            f"{count:,} items, over the budget of {budget:,} items one feed may have "
            "([network] max_items, or the feed's own max_items); nothing taken"
        )
        self.count = count


def repair_surrogates(body: bytes) -> tuple[bytes, int]:
    """`body` with each lone surrogate escape (`\\ud800`) made `\\ufffd`, and how many.
    Called only when msgspec has refused a page for a bad escape (`BadEscape`)."""
    parts: list[bytes] = []
    copied = paired_until = count = 0
    for match in _SURROGATE.finditer(body):
        start = match.start()
        if start < paired_until:
            continue  # the low half of a pair just kept
        run = start
        while run and body[run - 1] == 0x5C:  # a backslash
            run -= 1
        if (start - run) % 2:
            continue  # `\\ud800`: an escaped backslash, then text
        if body[start + 3] in b"89abAB" and _LOW.match(body, start + 6):
            paired_until = start + 12
            continue
        parts += (body[copied:start], b"\\ufffd")
        copied = start + 6
        count += 1
    return b"".join([*parts, body[copied:]]) if count else body, count


def _what_it_is(body: bytes) -> str | None:
    """What a body that cannot be a UTF-8 JSON Feed is, when its first bytes say."""
    if _BLANK.fullmatch(body):
        return "the feed is empty (0 bytes)" if not body else f"the feed is empty ({len(body):,} bytes, all blank)"
    for head, message in _NOT_UTF8:
        if body.startswith(head):
            return message
    # No byte-order mark: JSON starts with an ASCII character, so the zero bytes around it say.
    nul = [byte == 0 for byte in body[:4]]
    guess = {
        (False, True, True, True): "UTF-32 (little-endian)",
        (True, True, True, False): "UTF-32 (big-endian)",
    }.get(tuple(nul)) or {(False, True): "UTF-16 (little-endian)", (True, False): "UTF-16 (big-endian)"}.get(
        tuple(nul[:2])
    )
    return f"not UTF-8: the feed looks like {guess}; save it as UTF-8" if guess else None


def _count_items(body: bytes) -> int | None:
    """How many items the page holds, or None when the quick count cannot say."""
    try:
        return len(_COUNT_DECODER.decode(body).items)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None  # items of another shape, or no feed at all: the full decode says


def decode_envelope(body: bytes, max_items: int | None = None) -> Feed:
    """The envelope of a feed page, items left raw. Raises FeedError. With `max_items`,
    a page with more items than that is refused before any item is looked at. (A page
    refused for a lone surrogate escape is the caller's to repair: `repair_surrogates`.)"""
    if body.startswith(_BOM):
        body = body[len(_BOM) :]
    if (what := _what_it_is(body)) is not None:
        raise FeedError(what)
    _check_utf8(body)
    if max_items is not None and body.count(b",") >= 4 * max_items:
        # Perhaps millions of tiny items: count them cheaply before making each a Raw.
        # (At 4 commas an item or more, a feed within its budget skips this: the bench's
        # 50,000 comments have about 11 each, and a count costs ~20 ms.)
        count = _count_items(body)
        if count is not None and count > max_items:
            raise OverBudget(count, max_items)
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
        if "escape" in str(exc) and _SURROGATE.search(body):
            raise BadEscape(f"not JSON: {exc}") from None
        head = body.lstrip()[:1]
        hint = " (it looks like HTML)" if head == b"<" else ""
        raise FeedError(f"not JSON{hint}: {exc}") from None
    if not feed.version.strip().startswith("https://jsonfeed.org/version/1"):  # spaces around: still it
        raise FeedError(f"not a JSON Feed: version is {feed.version[:60]!r}, expected https://jsonfeed.org/version/1.1")
    if max_items is not None and len(feed.items) > max_items:
        raise OverBudget(len(feed.items), max_items)
    return feed
