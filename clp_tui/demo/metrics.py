"""A branch's week of campaigning, as the activity feed reports it.

`METRIC_KEYS` are the numbers every activity row carries; `weekly_metrics` draws
a plausible week of them, for both the demo world and the benchmark feeds.
"""

from __future__ import annotations

import random

METRIC_KEYS = (
    "doors",
    "contacts",
    "leaflets",
    "calls",
    "volunteers",
    "voter_registrations",
    "postal_vote_requests",
)


def weekly_metrics(rng: random.Random, effort: float, ramp: float) -> dict[str, int]:
    """One branch's week of campaigning.

    `effort` is the branch's size (larger for target wards), `ramp` how far the
    campaign has built up that week; contacts are a share of the doors knocked.
    """
    doors = int(rng.uniform(120, 260) * effort * ramp)
    return {
        "doors": doors,
        "contacts": int(doors * rng.uniform(0.28, 0.42)),
        "leaflets": int(rng.uniform(300, 1400) * effort * ramp),
        "calls": int(rng.uniform(20, 120) * effort * ramp),
        "volunteers": max(1, int(rng.uniform(4, 14) * effort * min(1.0, ramp * 1.5))),
        "voter_registrations": int(rng.uniform(0, 12) * effort * ramp),
        "postal_vote_requests": int(rng.uniform(0, 15) * effort * ramp),
    }
