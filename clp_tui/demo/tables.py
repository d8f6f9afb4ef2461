"""The demo CLP's hand-written tables, read once from world.json beside this file.

The campaign plan, the branches, the comment threads and texts, the names
commenters are drawn from and the press cards: the story world.py tells with
them. Every person named in them is invented.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Day:
    """A plan date relative to today or to polling day, so the plan moves with the calendar."""

    days: int
    from_poll: bool = False

    def resolve(self, today: date, polling_day: date) -> date:
        return (polling_day if self.from_poll else today) + timedelta(days=self.days)


_DAY = re.compile(r"(today|poll)([+-][0-9]+)\Z")


def _day(text: str) -> Day:
    """A `Day` from world.json's form: `today-185`, `today+30`, `poll-28`, `poll+0`."""
    match = _DAY.match(text)
    if match is None:
        raise ValueError(f"world.json: {text!r} is not a day like today-185 or poll+0")
    return Day(int(match[2]), from_poll=match[1] == "poll")


class Milestone(NamedTuple):
    key: str  # a name for `depends_on` in this table; items get ids m-001…
    title: str
    strand: str
    horizon: str
    owner: str
    start: Day
    due: Day
    status: str
    target: int | None
    achieved: int | None
    depends_on: tuple[str, ...]
    text: str


class Branch(NamedTuple):
    name: str
    ward: str
    target_ward: bool
    twinned_with: str | None
    scale: float  # rough size of the branch's campaigning, 1.0 a typical branch


class Thread(NamedTuple):
    thread_id: str
    platform: str
    channel: str
    title: str


class PressCard(NamedTuple):
    title: str
    format: str
    stage: str
    owner: str
    outlets: tuple[str, ...]
    created: int  # days before today the card was opened
    consent: int | None  # days before today the candidate consented
    signoff: int | None  # days before today the regional team signed off
    embargo: int | None  # days after today it may run, from 00:01
    text: str


_TABLES: dict[str, Any] = json.loads(files(__package__).joinpath("world.json").read_text(encoding="utf-8"))

# Hand-written so the board shows every case a co-ordinator meets: finished work,
# overdue and behind items, optimistic statuses the dashboard's own RAG should
# contradict, dependencies, a dropped item and the long run-up to polling day.
PLAN: tuple[Milestone, ...] = tuple(
    Milestone(**{**row, "start": _day(row["start"]), "due": _day(row["due"]), "depends_on": tuple(row["depends_on"])})
    for row in _TABLES["plan"]
)
# Three safe branches each help one target ward; the fourth target ward is on its own.
BRANCHES: tuple[Branch, ...] = tuple(Branch(**row) for row in _TABLES["branches"])
THREADS: tuple[Thread, ...] = tuple(Thread(**row) for row in _TABLES["threads"])
# Cards past the gate carry both consent and sign-off, as the contract requires;
# regional_review cards have consent only; earlier ones neither.
PRESS: tuple[PressCard, ...] = tuple(PressCard(**{**row, "outlets": tuple(row["outlets"])}) for row in _TABLES["press"])

SUPPORTIVE: tuple[str, ...] = tuple(_TABLES["supportive"])
QUESTIONS: tuple[str, ...] = tuple(_TABLES["questions"])
COMPLAINTS: tuple[str, ...] = tuple(_TABLES["complaints"])
SPAM: tuple[str, ...] = tuple(_TABLES["spam"])
ABUSIVE: tuple[str, ...] = tuple(_TABLES["abusive"])
REPLIES: tuple[str, ...] = tuple(_TABLES["replies"])
# Each of these appears exactly once among the first comments: moderators must
# see them, and the app must show them literally, never as markup, links,
# actions or terminal control sequences.
DOXXING: str = _TABLES["doxxing"]
HOSTILE_TEXT: tuple[str, ...] = tuple(_TABLES["hostile_text"])

FIRST_NAMES: tuple[str, ...] = tuple(_TABLES["first_names"])
SURNAMES: tuple[str, ...] = tuple(_TABLES["surnames"])
