"""Large, deterministic feeds for benchmarks and tests.

Each function builds a JSON Feed 1.1 document (a dict ready for `json.dumps`) of
any size in the shape of the CLP feed contract, the same for the same arguments.
They favour speed over storytelling: 50,000 comments (about 22 MB of JSON) take a
fraction of a second, so a benchmark measures the dashboard, not the generator.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from clp_tui.clock import STAMP_FORMAT
from clp_tui.demo.constituency import CANDIDATE, REGIONAL_COMMS, envelope, iso_week, polling_day_after, rfc3339, slug
from clp_tui.demo.metrics import weekly_metrics
from clp_tui.demo.tables import ABUSIVE, COMPLAINTS, FIRST_NAMES, HOSTILE_TEXT, QUESTIONS, SPAM, SUPPORTIVE, SURNAMES

_DEFAULT_TODAY = date(2026, 11, 23)

# (platform, channel): where the comments were made.
_CHANNELS = (
    ("facebook", "Fernbridge Labour"),
    ("facebook_group", "Fernbridge & Hollowmere Community Noticeboard"),
    ("x", "@FernbridgeLab"),
    ("instagram", "fernbridgelabour"),
    ("youtube", "Fernbridge Labour"),
    ("nextdoor", "Hollowmere North"),
    ("website", "fernbridgelabour.example.invalid"),
)
_THREAD_TOPICS = (
    "Surgery dates",
    "Save the 42 bus",
    "Action day photos",
    "Bin collections",
    "The old library site",
    "Foodbank appeal",
    "GP surgery closure",
    "Cost of living plan",
    "Meet your local team",
    "Town hall Q&A",
    "Potholes on Mill Lane",
    "Register to vote",
)
_ORDINARY = SUPPORTIVE + QUESTIONS + COMPLAINTS
# Some comments run on for a second line, so lengths vary as real ones do.
_SECOND_LINE_SHARE = 0.05
_COMMENTS_PER_THREAD = 50
_COMMENT_DAYS = 21
_REPLY_SHARE = 0.2
_EDIT_NOTES = (" [edited]", " Edit: sorted now, thanks.", " Edit: still waiting.", " (updated)")

_STRANDS = (
    "doorstep",
    "leaflets",
    "direct_mail",
    "phone_bank",
    "data_entry",
    "voter_registration",
    "postal_votes",
    "digital",
    "press",
    "volunteers",
    "training",
    "fundraising",
)
_OWNERS = (
    "Campaign Co-ordinator",
    "Data Officer",
    "Volunteer Co-ordinator",
    "Press Officer",
    "Treasurer",
    "Training Officer",
    "Postal Vote Lead",
    "Digital Officer",
)

_PLACES = (
    "Fernbridge",
    "Hollowmere",
    "Ashcombe",
    "Saltgate",
    "Kingsley",
    "Millbrook",
    "Brackenfield",
    "Otterdale",
    "Rushby",
    "Quayside",
    "Larkspur",
    "Wealden",
    "Thornbury",
    "Harrowgate",
    "Elmstead",
    "Cobble Hill",
    "Marsh End",
    "Ferrybank",
    "Stonecross",
    "Windle",
)
_QUARTERS = ("Central", "North", "South", "East", "West", "Park", "Village", "Green")

_STAGES = (
    "idea",
    "drafting",
    "candidate_consent",
    "regional_review",
    "approved",
    "pitched",
    "published",
    "spiked",
)
_GATED = {"approved", "pitched", "published"}
_FORMATS = (
    "press_release",
    "photo_call",
    "op_ed",
    "public_letter",
    "story_idea",
    "broadcast_bid",
    "statement",
)
_OUTLETS = (
    "Fernbridge Gazette",
    "Hollowmere Advertiser",
    "Wealdshire Evening Post",
    "BBC Radio Hollowmere",
    "Fernbridge FM",
    "Valeside TV News",
)


def comments_feed(n: int, seed: int = 1, today: date = _DEFAULT_TODAY) -> dict[str, Any]:
    """`n` comments over the three weeks before `today` 09:00 UTC, ids c-000001 (oldest) on.

    About 450 bytes of JSON each. About 1% carry the hostile texts the app must
    show literally; a fifth are replies to an earlier comment in their thread.
    """
    rng = random.Random(seed)
    end = int(datetime(today.year, today.month, today.day, 9, tzinfo=UTC).timestamp())
    start = end - _COMMENT_DAYS * 86400
    threads = []
    for t in range(max(1, n // _COMMENTS_PER_THREAD)):
        platform, channel = _CHANNELS[t % len(_CHANNELS)]
        threads.append((platform, channel, f"t-{t + 1:05d}", f"{rng.choice(_THREAD_TOPICS)} ({t + 1})"))
    people = [
        {
            "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            "url": f"https://example.invalid/u/{p + 1}",
        }
        for p in range(max(1, min(n, 20000) // 4))
    ]
    # Times are drawn first and sorted so ids run oldest to newest, and a reply
    # can only point at a comment with a smaller id.
    stamps = sorted(rng.randrange(start, end) for _ in range(n))
    replies_in: list[list[str]] = [[] for _ in threads]
    items = []
    for i, stamp in enumerate(stamps, start=1):
        t = rng.randrange(len(threads))
        platform, channel, thread_id, thread_title = threads[t]
        comment_id = f"c-{i:06d}"
        roll = rng.random()
        # Like many exports, state is given only when it is not the default, visible.
        state = None
        if roll < 0.01:
            text = rng.choice(HOSTILE_TEXT)
        elif roll < 0.05:
            text = rng.choice(SPAM)
            state = "hidden"
        elif roll < 0.08:
            text = rng.choice(ABUSIVE)
            if roll < 0.065:
                state = "removed"
        else:
            text = rng.choice(_ORDINARY)
            if rng.random() < _SECOND_LINE_SHARE:
                text = f"{text} {rng.choice(_ORDINARY)}"
        clp: dict[str, Any] = {
            "type": "comment",
            "platform": platform,
            "channel": channel,
            "thread_id": thread_id,
            "thread_title": thread_title,
        }
        if state:
            clp["state"] = state
        earlier = replies_in[t]
        if earlier and rng.random() < _REPLY_SHARE:
            clp["in_reply_to"] = earlier[rng.randrange(len(earlier))]
        earlier.append(comment_id)
        items.append(
            {
                "id": comment_id,
                "url": f"https://example.invalid/{platform}/{thread_id}/{comment_id}",
                "content_text": text,
                "date_published": time.strftime(STAMP_FORMAT, time.gmtime(stamp)),
                "authors": [people[rng.randrange(len(people))]],
                "_clp": clp,
            }
        )
    items.reverse()  # newest first, as feed readers expect
    return envelope("bench-comments", f"Benchmark: {n} comments", polling_day_after(today), items)


def milestones_feed(n: int, seed: int = 1, today: date = _DEFAULT_TODAY) -> dict[str, Any]:
    """`n` milestones between six months ago and polling day, ids m-000001 on.

    A mix of finished, overdue, behind and future work, with some dependencies on
    earlier milestones.
    """
    rng = random.Random(seed)
    polling_day = polling_day_after(today)
    to_poll = (polling_day - today).days
    items = []
    for i in range(1, n + 1):
        strand = _STRANDS[i % len(_STRANDS)]
        start = today + timedelta(days=rng.randint(-180, to_poll - 14))
        due = min(polling_day, start + timedelta(days=rng.randint(7, 120)))
        days_left = (due - today).days
        horizon = "short" if days_left < 42 else "medium" if days_left < 120 else "long"
        clp: dict[str, Any] = {
            "type": "milestone",
            "strand": strand,
            "horizon": horizon,
            "owner": rng.choice(_OWNERS),
            "start": start.isoformat(),
            "due": due.isoformat(),
        }
        if rng.random() < 0.7:
            target = rng.choice((10, 50, 200, 1000, 5000))
            span = max(1, (due - start).days)
            elapsed = min(1.0, max(0.0, (today - start).days / span))
            # Progress straggles behind the calendar by a random amount.
            achieved = int(target * elapsed * rng.uniform(0.3, 1.1))
            clp["target"] = target
            clp["achieved"] = min(target, achieved)
        clp["status"] = _milestone_status(rng, start, due, today, clp)
        if i > 1 and rng.random() < 0.1:
            earlier = rng.sample(range(1, i), min(i - 1, rng.randint(1, 2)))
            clp["depends_on"] = [f"m-{d:06d}" for d in sorted(earlier)]
        items.append(
            {
                "id": f"m-{i:06d}",
                "title": f"{strand.replace('_', ' ').capitalize()} milestone {i}",
                "content_text": f"Generated {strand} milestone number {i} for benchmarking.",
                "_clp": clp,
            }
        )
    return envelope("bench-plan", f"Benchmark: {n} milestones", polling_day, items)


def _milestone_status(rng: random.Random, start: date, due: date, today: date, clp: dict[str, Any]) -> str:
    """A plausible status as a publisher would set it, sometimes out of date."""
    if rng.random() < 0.02:
        return "dropped"
    if clp.get("target") is not None and clp["achieved"] >= clp["target"]:
        return "done"
    if due < today:
        return rng.choice(("done", "done", "behind", "at_risk", "on_track"))
    if start > today:
        return "not_started"
    return rng.choice(("on_track", "on_track", "on_track", "at_risk", "behind"))


def activity_feed(branches: int, weeks: int, seed: int = 1, today: date = _DEFAULT_TODAY) -> dict[str, Any]:
    """`branches` × `weeks` activity rows for the weeks up to and including today's.

    Every third branch is a target ward, helped by the branch before it.
    """
    rng = random.Random(seed)
    this_monday = today - timedelta(days=today.weekday())
    names = [_branch_name(b) for b in range(branches)]
    items = []
    for b, name in enumerate(names):
        target_ward = b % 3 == 1
        twin = None
        if target_ward:
            twin = names[b - 1]
        elif b % 3 == 0 and b + 1 < branches:
            twin = names[b + 1]
        effort = rng.uniform(0.3, 1.3) * (1.8 if target_ward else 1.0)
        for weeks_ago in range(weeks - 1, -1, -1):
            monday = this_monday - timedelta(weeks=weeks_ago)
            monday_evening = datetime(monday.year, monday.month, monday.day, 21, tzinfo=UTC)
            week = iso_week(monday)
            clp: dict[str, Any] = {
                "type": "activity",
                "branch": name,
                "ward": name,
                "target_ward": target_ward,
                "week": week,
                "metrics": weekly_metrics(rng, effort, rng.uniform(0.4, 1.0)),
            }
            if twin:
                clp["twinned_with"] = twin
            items.append(
                {
                    "id": f"a-{slug(name)}-{week}",
                    "title": f"{name}, {week}",
                    "date_modified": rfc3339(monday_evening + timedelta(days=6)),
                    "_clp": clp,
                }
            )
    return envelope(
        "bench-activity",
        f"Benchmark: {branches} branches x {weeks} weeks",
        polling_day_after(today),
        items,
    )


def _branch_name(index: int) -> str:
    """A unique, plausible branch name: place and quarter, numbered once those run out."""
    place = _PLACES[index % len(_PLACES)]
    quarter = _QUARTERS[(index // len(_PLACES)) % len(_QUARTERS)]
    lap = index // (len(_PLACES) * len(_QUARTERS))
    return f"{place} {quarter}" + (f" {lap + 1}" if lap else "")


def press_feed(n: int, seed: int = 1, today: date = _DEFAULT_TODAY) -> dict[str, Any]:
    """`n` press cards across every stage and format, ids p-000001 on.

    Cards at approved, pitched or published carry consent and regional sign-off;
    regional_review cards carry consent only.
    """
    rng = random.Random(seed)
    now = datetime(today.year, today.month, today.day, 9, tzinfo=UTC)
    items = []
    for i in range(1, n + 1):
        stage = _STAGES[i % len(_STAGES)]
        press_format = _FORMATS[i % len(_FORMATS)]
        created = now - timedelta(hours=rng.randint(24, 24 * 90))
        modified = created
        clp: dict[str, Any] = {
            "type": "press",
            "format": press_format,
            "stage": stage,
            "candidate": CANDIDATE,
            "owner": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            "outlets": rng.sample(_OUTLETS, rng.randint(0, 3)),
        }
        if stage in _GATED or stage == "regional_review":
            modified = created + (now - created) * rng.uniform(0.2, 0.5)
            clp["consent"] = {"by": CANDIDATE, "at": rfc3339(modified)}
        if stage in _GATED:
            modified += (now - modified) * rng.uniform(0.2, 0.8)
            clp["regional_signoff"] = {"by": REGIONAL_COMMS, "at": rfc3339(modified)}
            if stage != "published" and rng.random() < 0.3:
                embargo = datetime(today.year, today.month, today.day, 0, 1, tzinfo=UTC)
                clp["embargo"] = rfc3339(embargo + timedelta(days=rng.randint(1, 5)))
        items.append(
            {
                "id": f"p-{i:06d}",
                "title": f"{press_format.replace('_', ' ').capitalize()} {i}",
                "content_text": f"Generated {press_format} at {stage} for benchmarking.",
                "date_published": rfc3339(created),
                "date_modified": rfc3339(modified),
                "_clp": clp,
            }
        )
    return envelope("bench-press", f"Benchmark: {n} press cards", polling_day_after(today), items)


def mutate_comments(feed: dict[str, Any], fraction: float, seed: int = 2) -> dict[str, Any]:
    """A copy of `feed` where `fraction` of the items have new text and a newer date_modified.

    The input is left as it was. Unchanged items are shared with it rather than
    copied, which keeps a 50,000-item re-sync benchmark fast: treat both as read-only.
    """
    rng = random.Random(seed)
    items = list(feed["items"])
    # Every edit is stamped after the newest time in the feed, so each is newer
    # than the item's previous state. RFC 3339 UTC strings sort as times.
    newest = max(
        (item.get("date_modified") or item.get("date_published") or "" for item in items),
        default="",
    )
    if newest:
        base = datetime.fromisoformat(newest.replace("Z", "+00:00"))
    else:
        base = datetime(_DEFAULT_TODAY.year, _DEFAULT_TODAY.month, _DEFAULT_TODAY.day, tzinfo=UTC)
    for index in rng.sample(range(len(items)), round(len(items) * fraction)):
        changed = dict(items[index])
        changed["content_text"] = f"{changed.get('content_text', '')}{rng.choice(_EDIT_NOTES)}"
        changed["date_modified"] = rfc3339(base + timedelta(seconds=rng.randint(60, 3600)))
        items[index] = changed
    return {**feed, "items": items}
