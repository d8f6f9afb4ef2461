"""A fictional Constituency Labour Party whose four feeds change as the demo runs.

`DemoWorld` builds the campaign plan, the branch activity grid, the social-media
comment inbox and the press pipeline of "Fernbridge and Hollowmere", a made-up
constituency, as JSON Feed 1.1 documents in the shape of the CLP feed contract.
`tick()` moves it on one step so a dashboard pointed at it has something new to
show on every refresh.

Everything is derived from `(today, seed)` through one `random.Random`, never
the wall clock, so a demo, a screenshot test or a bug report can be replayed.
The hand-written tables it draws on (plan, branches, threads, comment texts,
names, press cards) are in world.json, read by tables.py; the constituency's
names and the feed envelope are in constituency.py. Every person named is invented.
"""

from __future__ import annotations

import copy
import random
import threading
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from clp_tui.demo.constituency import (
    CANDIDATE,
    HOME_PAGE,
    REGIONAL_COMMS,
    envelope,
    iso_week,
    polling_day_after,
    rfc3339,
    slug,
)
from clp_tui.demo.metrics import METRIC_KEYS, weekly_metrics
from clp_tui.demo.tables import (
    ABUSIVE,
    BRANCHES,
    COMPLAINTS,
    DOXXING,
    FIRST_NAMES,
    HOSTILE_TEXT,
    PLAN,
    PRESS,
    QUESTIONS,
    REPLIES,
    SPAM,
    SUPPORTIVE,
    SURNAMES,
    THREADS,
    Branch,
    Day,
    Thread,
)

# (feed name, the `_clp.type` of its items), in the order the dashboard lists them.
FEEDS: list[tuple[str, str]] = [
    ("plan", "milestone"),
    ("activity", "activity"),
    ("comments", "comment"),
    ("press", "press"),
]

_FEED_TITLES = {
    "plan": "Fernbridge and Hollowmere CLP: campaign plan",
    "activity": "Fernbridge and Hollowmere CLP: branch activity",
    "comments": "Fernbridge and Hollowmere CLP: social media comments",
    "press": "Fernbridge and Hollowmere CLP: press pipeline",
}

_ACTIVITY_WEEKS = 12
# Two branches gone quiet, each shown a different way the contract allows:
# rows of zeros, or no rows at all.
_ZERO_BRANCH, _ZERO_WEEKS = "Otterdale", 3
_SILENT_BRANCH, _SILENT_WEEKS = "St Aldwyn's", 2
_QUIET = {_ZERO_BRANCH, _SILENT_BRANCH}
_TARGET_WARD_EFFORT = 1.8

# How often each kind of comment turns up, out of 100.
_TEXT_KINDS = ("supportive", "question", "complaint", "spam", "abusive")
_TEXT_WEIGHTS = (42, 20, 22, 9, 7)
_TEXT_POOLS = {
    "supportive": SUPPORTIVE,
    "question": QUESTIONS,
    "complaint": COMPLAINTS,
    "spam": SPAM,
    "abusive": ABUSIVE,
}
_INITIAL_COMMENTS = 200
_COMMENT_DAYS = 21
_REPLY_SHARE = 0.25
_COMMENTERS = 90

# Cards still on their way through the pipeline: the ones a tick may edit.
_PRESS_MOVING_STAGES = {
    "idea",
    "drafting",
    "candidate_consent",
    "regional_review",
    "approved",
    "pitched",
}


class DemoWorld:
    """The fictional CLP's four feeds, advanced one step at a time by `tick()`.

    Safe to share between threads: a feed server may read while the app ticks.
    """

    def __init__(self, today: date, seed: int = 7) -> None:
        self.today = today
        self.polling_day = polling_day_after(today)
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        # The demo's own clock: every change made by tick() is stamped with it.
        self._clock = datetime.combine(today, time(9, 0), tzinfo=UTC)
        self._milestones = self._build_plan()
        self._activity = self._build_activity()
        self._commenters = self._build_commenters()
        self._comments: list[dict[str, Any]] = []
        # Each thread's comment ids, oldest first: what a reply may point at.
        self._thread_comments: dict[str, list[str]] = {}
        self._build_comments()
        self._press = self._build_press()

    @property
    def clock(self) -> datetime:
        """The demo clock: today 09:00 UTC plus a few minutes for every tick."""
        return self._clock

    def feed(self, name: str) -> dict[str, Any]:
        """The JSON Feed document for one of `FEEDS`; raises KeyError for any other name.

        Returns a deep copy, so the caller may keep or change it while the world ticks.
        """
        with self._lock:
            if name == "plan":
                items = self._milestones
            elif name == "activity":
                items = self._activity
            elif name == "comments":
                # Newest first, as feed readers expect.
                items = self._comments[::-1]
            elif name == "press":
                items = self._press
            else:
                raise KeyError(f"no demo feed called {name!r}")
            return envelope(name, _FEED_TITLES[name], self.polling_day, copy.deepcopy(items))

    def tick(self) -> None:
        """Advance the world one step: new comments, doorstep numbers, progress and press edits."""
        with self._lock:
            rng = self._rng
            self._clock += timedelta(minutes=rng.randint(2, 6))
            self._add_comments(rng.randint(1, 3))
            self._bump_activity(rng.randint(1, 3))
            if rng.random() < 0.4:
                self._advance_milestone()
            if rng.random() < 0.2:
                self._touch_press()

    # --- building ---

    def _day(self, when: Day) -> date:
        return when.resolve(self.today, self.polling_day)

    def _earlier(self, max_days: int) -> str:
        """A timestamp up to `max_days` before the demo clock starts."""
        seconds = self._rng.randint(600, max_days * 86400)
        return rfc3339(self._clock - timedelta(seconds=seconds))

    def _build_plan(self) -> list[dict[str, Any]]:
        ids = {m.key: f"m-{n:03d}" for n, m in enumerate(PLAN, start=1)}
        items = []
        for m in PLAN:
            clp: dict[str, Any] = {
                "type": "milestone",
                "strand": m.strand,
                "horizon": m.horizon,
                "owner": m.owner,
                "start": self._day(m.start).isoformat(),
                "due": self._day(m.due).isoformat(),
                "status": m.status,
            }
            if m.target is not None:
                clp["target"] = m.target
                clp["achieved"] = m.achieved
            if m.depends_on:
                clp["depends_on"] = [ids[key] for key in m.depends_on]
            items.append(
                {
                    "id": ids[m.key],
                    "title": m.title,
                    "content_text": m.text,
                    "url": f"{HOME_PAGE}plan/{m.key}",
                    "date_modified": self._earlier(14),
                    "_clp": clp,
                }
            )
        return items

    def _build_activity(self) -> list[dict[str, Any]]:
        rng = self._rng
        this_monday = self.today - timedelta(days=self.today.weekday())
        # The current week is only part done, in proportion to the days gone.
        share_of_this_week = (self.today.weekday() + 1) / 7
        items = []
        for branch in BRANCHES:
            effort = branch.scale * (_TARGET_WARD_EFFORT if branch.target_ward else 1.0)
            for weeks_ago in range(_ACTIVITY_WEEKS - 1, -1, -1):
                if branch.name == _SILENT_BRANCH and weeks_ago < _SILENT_WEEKS:
                    continue
                monday = this_monday - timedelta(weeks=weeks_ago)
                if branch.name == _ZERO_BRANCH and weeks_ago < _ZERO_WEEKS:
                    metrics = dict.fromkeys(METRIC_KEYS, 0)
                else:
                    # Campaigning ramps up towards the present; some weeks are washouts.
                    ramp = 0.6 + 0.4 * (_ACTIVITY_WEEKS - weeks_ago) / _ACTIVITY_WEEKS
                    if rng.random() < 0.08:
                        ramp *= 0.4
                    if weeks_ago == 0:
                        ramp *= share_of_this_week
                    metrics = weekly_metrics(rng, effort, ramp)
                if weeks_ago == 0:
                    modified = datetime.combine(self.today, time(8, 0), tzinfo=UTC)
                else:
                    modified = datetime.combine(monday + timedelta(days=6), time(21, 0), tzinfo=UTC)
                items.append(self._activity_item(branch, monday, metrics, modified))
        return items

    def _activity_item(
        self, branch: Branch, monday: date, metrics: dict[str, int], modified: datetime
    ) -> dict[str, Any]:
        week = iso_week(monday)
        clp: dict[str, Any] = {
            "type": "activity",
            "branch": branch.name,
            "ward": branch.ward,
            "target_ward": branch.target_ward,
            "week": week,
            "metrics": metrics,
        }
        if branch.twinned_with:
            clp["twinned_with"] = branch.twinned_with
        return {
            "id": f"a-{slug(branch.name)}-{week}",
            "title": f"{branch.name}, {week}",
            "date_published": rfc3339(datetime.combine(monday, time(8, 0), tzinfo=UTC)),
            "date_modified": rfc3339(modified),
            "_clp": clp,
        }

    def _build_commenters(self) -> list[dict[str, str]]:
        rng = self._rng
        people = []
        for n in range(_COMMENTERS):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            people.append({"name": name, "url": f"https://example.invalid/profile/{slug(name)}-{n + 101}"})
        return people

    def _build_comments(self) -> None:
        rng = self._rng
        texts: list[tuple[str, str]] = [(text, "hostile_text") for text in HOSTILE_TEXT]
        texts.append((DOXXING, "abusive"))
        for kind in rng.choices(_TEXT_KINDS, _TEXT_WEIGHTS, k=_INITIAL_COMMENTS - len(texts)):
            texts.append((rng.choice(_TEXT_POOLS[kind]), kind))
        rng.shuffle(texts)
        # Each thread's post went up some time in the last three weeks; its
        # comments follow it, so replies can only point at earlier comments.
        start = self._clock - timedelta(days=_COMMENT_DAYS)
        posted = {t.thread_id: start + timedelta(seconds=rng.randint(0, (_COMMENT_DAYS - 2) * 86400)) for t in THREADS}
        placed = []
        for text, kind in texts:
            thread = rng.choice(THREADS)
            span = int((self._clock - posted[thread.thread_id]).total_seconds())
            when = posted[thread.thread_id] + timedelta(seconds=rng.randint(60, span - 60))
            placed.append((when, thread, text, kind))
        placed.sort(key=lambda entry: entry[0])
        for when, thread, text, kind in placed:
            state = "hidden" if kind in {"spam", "abusive"} and rng.random() < 0.4 else "visible"
            self._append_comment(thread, text, when, state)

    def _append_comment(self, thread: Thread, text: str, when: datetime, state: str) -> None:
        rng = self._rng
        comment_id = f"c-{len(self._comments) + 1:04d}"
        clp: dict[str, Any] = {
            "type": "comment",
            "platform": thread.platform,
            "channel": thread.channel,
            "thread_id": thread.thread_id,
            "thread_title": thread.title,
            "state": state,
        }
        earlier = self._thread_comments.setdefault(thread.thread_id, [])
        if earlier and rng.random() < _REPLY_SHARE:
            clp["in_reply_to"] = rng.choice(earlier)
        earlier.append(comment_id)
        self._comments.append(
            {
                "id": comment_id,
                "url": f"https://example.invalid/{thread.platform}/{thread.thread_id}/{comment_id}",
                "content_text": text,
                "date_published": rfc3339(when),
                "authors": [rng.choice(self._commenters)],
                "_clp": clp,
            }
        )

    def _build_press(self) -> list[dict[str, Any]]:
        start_of_day = datetime.combine(self.today, time(0, 0), tzinfo=UTC)
        items = []
        for n, p in enumerate(PRESS, start=1):
            created = self._clock - timedelta(days=p.created, hours=self._rng.randint(1, 8))
            clp: dict[str, Any] = {
                "type": "press",
                "format": p.format,
                "stage": p.stage,
                "candidate": CANDIDATE,
                "owner": p.owner,
                "outlets": list(p.outlets),
            }
            latest = created
            if p.consent is not None:
                latest = self._clock - timedelta(days=p.consent, hours=self._rng.randint(1, 6))
                clp["consent"] = {"by": CANDIDATE, "at": rfc3339(latest)}
            if p.signoff is not None:
                latest = self._clock - timedelta(days=p.signoff, hours=self._rng.randint(1, 6))
                clp["regional_signoff"] = {"by": REGIONAL_COMMS, "at": rfc3339(latest)}
            if p.embargo is not None:
                clp["embargo"] = rfc3339(start_of_day + timedelta(days=p.embargo, minutes=1))
            items.append(
                {
                    "id": f"p-{n:02d}",
                    "title": p.title,
                    "content_text": p.text,
                    "url": f"{HOME_PAGE}press/{slug(p.title)}",
                    "date_published": rfc3339(created),
                    "date_modified": rfc3339(latest),
                    "_clp": clp,
                }
            )
        return items

    # --- ticking ---

    def _add_comments(self, count: int) -> None:
        rng = self._rng
        # Spread within the step just taken; the last lands on the clock itself.
        offsets = sorted((rng.randint(1, 90) for _ in range(count - 1)), reverse=True) + [0]
        for offset in offsets:
            thread = rng.choice(THREADS)
            if rng.random() < 0.15:
                text = rng.choice(REPLIES)
            else:
                text = rng.choice(_TEXT_POOLS[rng.choices(_TEXT_KINDS, _TEXT_WEIGHTS)[0]])
            self._append_comment(thread, text, self._clock - timedelta(seconds=offset), "visible")

    def _bump_activity(self, count: int) -> None:
        rng = self._rng
        week = iso_week(self.today)
        current = [a for a in self._activity if a["_clp"]["week"] == week and a["_clp"]["branch"] not in _QUIET]
        for item in rng.sample(current, min(count, len(current))):
            metrics = item["_clp"]["metrics"]
            doors = rng.randint(4, 30)
            metrics["doors"] += doors
            metrics["contacts"] += round(doors * rng.uniform(0.25, 0.45))
            metrics["leaflets"] += rng.randint(0, 80)
            metrics["calls"] += rng.randint(0, 12)
            metrics["volunteers"] += int(rng.random() < 0.2)
            metrics["voter_registrations"] += int(rng.random() < 0.3)
            metrics["postal_vote_requests"] += int(rng.random() < 0.3)
            item["date_modified"] = rfc3339(self._clock)

    def _advance_milestone(self) -> None:
        rng = self._rng
        today = self.today.isoformat()
        in_progress = [
            m
            for m in self._milestones
            if m["_clp"]["status"] not in {"done", "dropped"}
            and "target" in m["_clp"]
            and m["_clp"]["achieved"] < m["_clp"]["target"]
            and m["_clp"]["start"] <= today
        ]
        if not in_progress:
            return
        milestone = rng.choice(in_progress)
        clp = milestone["_clp"]
        step = max(1, round(clp["target"] * rng.uniform(0.002, 0.01)))
        clp["achieved"] = min(clp["target"], clp["achieved"] + step)
        if clp["achieved"] == clp["target"]:
            clp["status"] = "done"
        milestone["date_modified"] = rfc3339(self._clock)

    def _touch_press(self) -> None:
        moving = [p for p in self._press if p["_clp"]["stage"] in _PRESS_MOVING_STAGES]
        self._rng.choice(moving)["date_modified"] = rfc3339(self._clock)
