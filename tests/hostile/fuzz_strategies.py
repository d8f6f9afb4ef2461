"""Hypothesis strategies and settings shared by the property tests: any JSON at all,
feed-shaped documents, items that follow the contract with extreme but valid values,
and the same with one field swapped for anything."""

from __future__ import annotations

from typing import Any

import msgspec
from feedserver import JSONFEED
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from clp_tui.data.contract import EXT_BY_KIND, KINDS, Item

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=25,
)

ITEM_KEYS = [f.encode_name for f in msgspec.structs.fields(Item)]
EXT_KEYS = sorted({f.encode_name for ext in EXT_BY_KIND.values() for f in msgspec.structs.fields(ext)})
plausible = json_values | st.sampled_from(
    [
        "2026-11-23",
        "2026-W47",
        "2026-11-23T10:00:00Z",
        "9999-12-31",
        "0001-01-01T00:00:00+23:59",
        *KINDS,
        "drafting",
        "published",
        "press_release",
        "visible",
        1e308,
        -1,
        0,
        "",
    ]
)
clp_objects = st.dictionaries(st.sampled_from(EXT_KEYS), plausible, max_size=8) | json_values
items = st.dictionaries(st.sampled_from(ITEM_KEYS), plausible, max_size=8).flatmap(
    lambda item: st.builds(lambda clp: {**item, "_clp": clp}, clp_objects) | st.just(item)
)
# Items that follow the contract, with extreme but valid values: far dates, huge and tiny
# numbers, hostile text. Then the same with one field swapped for anything at all.
small_text = st.text(max_size=12) | st.sampled_from(["[bold]x[/]", "\x1b[2J", "\u202e", "=1+1", "a" * 3000])
dates = st.dates().map(str)
stamps = st.sampled_from(
    [
        "2026-11-23T10:00:00Z",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+23:59",
        "1970-01-01T00:00:00Z",
        "Mon, 23 Nov 2026 10:00:00 GMT",
        "soon",
        "",
    ]
)
amounts = st.floats(min_value=0, max_value=1e308, allow_nan=False) | st.integers(min_value=0, max_value=2**60)
weeks = st.builds("{:04d}-W{:02d}".format, st.integers(0, 9999), st.integers(1, 53))
signoff = st.fixed_dictionaries({"by": small_text}, optional={"at": st.none() | small_text})
common = {
    "title": small_text,
    "content_text": small_text,
    "url": small_text,
    "date_published": stamps,
    "date_modified": stamps,
    "authors": st.lists(st.fixed_dictionaries({}, optional={"name": small_text}), max_size=2),
}
clp_by_kind = {
    "milestone": st.fixed_dictionaries(
        {"type": st.just("milestone"), "due": dates},
        optional={
            "start": dates,
            "target": amounts,
            "achieved": amounts,
            "strand": st.sampled_from(["doorstep", "x"]),
            "status": st.sampled_from(["done", "dropped", "at_risk", "behind"]),
            "owner": small_text,
            "depends_on": st.lists(st.sampled_from(["m0", "m1", "m2"]), max_size=3),
        },
    ),
    "activity": st.fixed_dictionaries(
        {
            "type": st.just("activity"),
            "branch": small_text.filter(bool),
            "week": weeks,
            "metrics": st.dictionaries(st.sampled_from(["doors", "calls", "x"]) | small_text, amounts, max_size=3),
        },
        optional={"ward": small_text, "target_ward": st.booleans(), "twinned_with": small_text},
    ),
    "comment": st.fixed_dictionaries(
        {"type": st.just("comment")},
        optional={
            "platform": small_text,
            "channel": small_text,
            "thread_id": st.sampled_from(["t1", "t2"]),
            "thread_title": small_text,
            "in_reply_to": small_text,
            "state": st.sampled_from(["visible", "hidden", "removed"]),
        },
    ),
    "press": st.fixed_dictionaries(
        {
            "type": st.just("press"),
            "format": st.sampled_from(["statement", "op_ed"]),
            "stage": st.sampled_from(["idea", "drafting", "approved", "published", "spiked"]),
        },
        optional={
            "candidate": small_text,
            "consent": signoff,
            "regional_signoff": signoff,
            "owner": small_text,
            "outlets": st.lists(small_text, max_size=2),
            "embargo": stamps.filter(lambda s: "T" in s),
        },
    ),
}


def _valid_item(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    ids = st.sampled_from([f"{kind[0]}{n}" for n in range(4)]) | st.integers(-5, 5) | small_text
    return st.builds(
        lambda item, clp: {**item, "_clp": clp}, st.fixed_dictionaries({"id": ids}, optional=common), clp_by_kind[kind]
    )


def _mutated(item: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    def swap(pair: tuple[dict[str, Any], tuple[str, Any]]) -> dict[str, Any]:
        base, (key, value) = pair
        inner = key not in ITEM_KEYS
        out = {**base, "_clp": {**base["_clp"]}}
        (out["_clp"] if inner else out)[key] = value
        return out

    return st.tuples(item, st.tuples(st.sampled_from(ITEM_KEYS + EXT_KEYS), plausible)).map(swap)


valid_items = st.sampled_from(KINDS).flatmap(_valid_item)
items = valid_items | valid_items | _mutated(valid_items) | items


# Mostly a valid envelope (so the items are reached), sometimes not.
feeds = st.fixed_dictionaries(
    {
        "version": st.sampled_from([JSONFEED] * 8 + ["https://jsonfeed.org/version/1", "2.0"]),
        "title": st.text(max_size=20) | st.text(max_size=20) | st.text(max_size=20) | json_values,
        "items": st.lists(items, max_size=6),
    },
    optional={
        "next_url": st.none() | json_values,
        "_clp": st.dictionaries(st.sampled_from(["polling_day", "constituency", "snapshot"]), plausible) | json_values,
    },
)

valid_feeds = st.fixed_dictionaries(
    {
        "version": st.just(JSONFEED),
        "title": small_text,
        "items": st.lists(valid_items | _mutated(valid_items), max_size=8),
    },
    optional={"_clp": st.fixed_dictionaries({}, optional={"polling_day": dates, "constituency": small_text})},
)
