"""Name a feed item: its id as the contract reads it, or a best guess for a broken one.

Ids may be published as numbers or booleans (coerced to strings, `true`/`false`) or left out, in which case the
item's url stands in. An item that failed to decode is still named where possible,
so a problem can point at it and a snapshot does not treat it as gone.
"""

from __future__ import annotations

from typing import Any

import msgspec

from clp_tui.data.contract import Item


def id_of(item: Item) -> tuple[str | None, str | None]:
    """(id, warning) following the contract: numbers coerced, url as fallback."""
    raw_id = item.id
    if isinstance(raw_id, bool):  # JSON Feed 1.1: "coerce it to a string"; JSON's spelling
        raw_id = "true" if raw_id else "false"
    elif isinstance(raw_id, float):
        raw_id = str(int(raw_id)) if raw_id.is_integer() else repr(raw_id)
    elif isinstance(raw_id, int):
        raw_id = str(raw_id)
    if raw_id:
        return raw_id, None
    if item.url:
        return item.url, "no id; the item's url is used as its id"
    return None, None


def salvage_id(raw: msgspec.Raw) -> str | None:
    """Best effort at naming an item that failed to decode."""
    try:
        data = msgspec.json.decode(raw, type=dict[str, Any])
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    value = data.get("id")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str | int | float) and str(value):
        return str(value)
    url = data.get("url")
    return url if isinstance(url, str) and url else None
