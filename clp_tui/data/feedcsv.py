"""`clp-tui feed from-csv`: a spreadsheet a CLP already keeps, as a valid feed.

Column names are documented in docs/feeds.md. Every row becomes one item; a
row that cannot be read is reported with its line number and left out.
"""

from __future__ import annotations

import csv
import io
import math
import re
from typing import Any

import msgspec

from clp_tui.data.contract import EXT_BY_KIND, GATED_STAGES

VERSION = "https://jsonfeed.org/version/1.1"
_LIST_SPLIT = re.compile(r"\s*;\s*")

# Columns that are not metrics in an activity sheet.
_ACTIVITY_FIELDS = {"id", "branch", "ward", "target_ward", "twinned_with", "week", "title"}


class CsvError(Exception):
    """The file is not a usable CSV for this kind (no header, a required column missing)."""


def _text(row: dict[str, str], key: str) -> str | None:
    value = (row.get(key) or "").strip()
    return value or None


def _number(row: dict[str, str], key: str) -> float | int | None:
    value = _text(row, key)
    if value is None:
        return None
    number = float(value.replace(",", ""))
    if not math.isfinite(number):  # "NaN" or "inf" would make the whole feed invalid JSON
        raise ValueError(f"{key} is not a number: {value[:20]!r}")
    if number < 0:
        raise ValueError(f"{key} must not be negative")
    return int(number) if number.is_integer() else number


def _bool(row: dict[str, str], key: str) -> bool:
    return (_text(row, key) or "").lower() in ("1", "true", "yes", "y", "x")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _signoff(row: dict[str, str], prefix: str) -> dict[str, str] | None:
    by = _text(row, f"{prefix}_by")
    if by is None:
        return None
    result = {"by": by}
    at = _text(row, f"{prefix}_at")
    if at:
        result["at"] = at
    return result


def _milestone(row: dict[str, str]) -> dict[str, Any]:
    ext: dict[str, Any] = {"type": "milestone", "due": _text(row, "due")}
    for key in ("strand", "horizon", "owner", "start", "status"):
        if _text(row, key):
            ext[key] = _text(row, key)
    for key in ("target", "achieved"):
        value = _number(row, key)
        if value is not None:
            ext[key] = value
    if _text(row, "depends_on"):
        ext["depends_on"] = _LIST_SPLIT.split(_text(row, "depends_on") or "")
    item = {"id": _text(row, "id"), "title": _text(row, "title"), "_clp": ext}
    if _text(row, "description"):
        item["content_text"] = _text(row, "description")
    return item


def _activity(row: dict[str, str]) -> dict[str, Any]:
    branch, week = _text(row, "branch"), _text(row, "week")
    metrics = {}
    for key in row:
        if key and key not in _ACTIVITY_FIELDS and _text(row, key) is not None:
            metrics[key.strip()] = _number(row, key)
    ext: dict[str, Any] = {"type": "activity", "branch": branch, "week": week, "metrics": metrics}
    if _text(row, "ward"):
        ext["ward"] = _text(row, "ward")
    if _bool(row, "target_ward"):
        ext["target_ward"] = True
    if _text(row, "twinned_with"):
        ext["twinned_with"] = _text(row, "twinned_with")
    item_id = _text(row, "id") or f"{_slug(branch or '')}-{week}"
    return {"id": item_id, "title": f"{branch} {week}", "_clp": ext}


def _press(row: dict[str, str]) -> dict[str, Any]:
    ext: dict[str, Any] = {"type": "press", "format": _text(row, "format"), "stage": _text(row, "stage")}
    for key in ("candidate", "embargo", "owner"):
        if _text(row, key):
            ext[key] = _text(row, key)
    if _text(row, "outlets"):
        ext["outlets"] = _LIST_SPLIT.split(_text(row, "outlets") or "")
    consent, signoff = _signoff(row, "consent"), _signoff(row, "signoff")
    if consent:
        ext["consent"] = consent
    if signoff:
        ext["regional_signoff"] = signoff
    if ext["stage"] in GATED_STAGES and not (consent and signoff):
        raise ValueError(f"stage {ext['stage']} needs consent_by and signoff_by filled in")
    item = {"id": _text(row, "id"), "title": _text(row, "title"), "_clp": ext}
    if _text(row, "description"):
        item["content_text"] = _text(row, "description")
    return item


def _comment(row: dict[str, str]) -> dict[str, Any]:
    """A comment exported from a platform clp-tui cannot read directly (X, Nextdoor)."""
    ext: dict[str, Any] = {"type": "comment"}
    for key in ("platform", "channel", "thread_id", "thread_title", "in_reply_to"):
        if _text(row, key):
            ext[key] = _text(row, key)
    item: dict[str, Any] = {"id": _text(row, "id"), "content_text": _text(row, "text"), "_clp": ext}
    if _text(row, "author"):
        item["authors"] = [{"name": _text(row, "author")}]
    for column, field in (("published", "date_published"), ("url", "url")):
        if _text(row, column):
            item[field] = _text(row, column)
    return item


BUILDERS = {"milestone": _milestone, "activity": _activity, "press": _press, "comment": _comment}
# The contract's own structs, so a row that check-feed would reject is left out here.
_CHECKS = {kind: msgspec.json.Decoder(EXT_BY_KIND[kind]) for kind in BUILDERS}
_HINTS = {
    "Invalid RFC3339 encoded date": "not a date; write dates as YYYY-MM-DD",
    "Invalid RFC3339 encoded datetime": "not a date-time; write e.g. 2030-03-03T09:00:00Z",
}


def _check(item: dict[str, Any], kind: str) -> None:
    """Raise ValueError naming the column if the row breaks the feed contract."""
    try:
        _CHECKS[kind].decode(msgspec.json.encode(item["_clp"]))
    except msgspec.ValidationError as exc:
        reason, sep, where = str(exc).rpartition(" - at `")
        if not sep:
            reason, where = str(exc), ""
        column = where.rstrip("`").removeprefix("$").removeprefix(".")
        reason = _HINTS.get(reason, reason)
        raise ValueError(f"{column}: {reason}" if column else reason) from None


REQUIRED = {
    "milestone": ("id", "title", "due"),
    "activity": ("branch", "week"),
    "press": ("id", "title", "format", "stage"),
    "comment": ("id", "text"),
}


def feed_from_csv(text: str, kind: str, title: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """(the feed, one message per row left out)."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise CsvError("the file is empty or has no header row")
    reader.fieldnames = header
    missing = [c for c in REQUIRED[kind] if c not in header]
    if missing:
        raise CsvError(f"missing column(s) {', '.join(missing)} for a {kind} feed")
    items: list[dict[str, Any]] = []
    errors: list[str] = []
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        absent = [c for c in REQUIRED[kind] if not _text(row, c)]
        if absent:
            errors.append(f"line {line}: {', '.join(absent)} empty; row left out")
            continue
        try:
            item = BUILDERS[kind](row)
            _check(item, kind)
        except ValueError as exc:
            errors.append(f"line {line}: {exc}; row left out")
            continue
        if item["id"] in seen:
            errors.append(f"line {line}: duplicate id {item['id']!r}; row left out")
            continue
        seen.add(item["id"])
        items.append(item)
    feed = {"version": VERSION, "title": title or f"{kind} feed", "items": items}
    return feed, errors
