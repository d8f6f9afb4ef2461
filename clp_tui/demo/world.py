"""A fictional Constituency Labour Party whose four feeds change as the demo runs.

`DemoWorld` builds the campaign plan, the branch activity grid, the social-media
comment inbox and the press pipeline of "Fernbridge and Hollowmere", a made-up
constituency, as JSON Feed 1.1 documents in the shape of the CLP feed contract.
`tick()` moves it on one step so a dashboard pointed at it has something new to
show on every refresh.

Everything is derived from `(today, seed)` through one `random.Random`, never
the wall clock, so a demo, a screenshot test or a bug report can be replayed.
Every person named here is invented.
"""

from __future__ import annotations

import copy
import random
import re
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
CONSTITUENCY = "Fernbridge and Hollowmere"
CANDIDATE = "Priya Okonkwo-Hart"
HOME_PAGE = "https://example.invalid/"

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

# Polling day must be far enough off for a whole campaign plan to run up to it.
_MIN_DAYS_TO_POLL = 150


def rfc3339(moment: datetime) -> str:
    """Format an aware datetime as an RFC 3339 UTC timestamp with a trailing Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_week(day: date) -> str:
    """The ISO week a day falls in, as `YYYY-Www` (e.g. 2026-W48)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def polling_day_after(today: date) -> date:
    """The first Thursday in May at least ~5 months (150 days) after `today`.

    English local and general elections are usually held on the first Thursday in May.
    """
    year = today.year
    while True:
        may_day = date(year, 5, 1)
        thursday = may_day + timedelta(days=(3 - may_day.weekday()) % 7)
        if (thursday - today).days >= _MIN_DAYS_TO_POLL:
            return thursday
        year += 1


def envelope(name: str, title: str, polling_day: date, items: list[dict[str, Any]]) -> dict[str, Any]:
    """A JSON Feed 1.1 document with the CLP extension, as every demo feed is served."""
    return {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": f"{HOME_PAGE}{name}",
        "_clp": {
            "constituency": CONSTITUENCY,
            "polling_day": polling_day.isoformat(),
            "snapshot": True,
        },
        "items": items,
    }


def slug(text: str) -> str:
    """A lower-case, hyphenated form of a name, for ids and URLs."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- the campaign plan -------------------------------------------------------


@dataclass(frozen=True)
class _Day:
    """A plan date relative to today or to polling day, so the plan moves with the calendar."""

    days: int
    from_poll: bool = False

    def resolve(self, today: date, polling_day: date) -> date:
        return (polling_day if self.from_poll else today) + timedelta(days=self.days)


def _t(days: int) -> _Day:
    return _Day(days)


def _p(days: int) -> _Day:
    return _Day(days, from_poll=True)


class _Milestone(NamedTuple):
    key: str  # a name for `depends_on` in this table; items get ids m-001…
    title: str
    strand: str
    horizon: str
    owner: str
    start: _Day
    due: _Day
    status: str
    target: int | None
    achieved: int | None
    depends_on: tuple[str, ...]
    text: str


# Hand-written so the board shows every case a co-ordinator meets: finished work,
# overdue and behind items, optimistic statuses the dashboard's own RAG should
# contradict, dependencies, a dropped item and the long run-up to polling day.
# Columns: key, title, strand, horizon, owner, start, due, status, target,
# achieved, depends_on, description.
# fmt: off
_PLAN: tuple[_Milestone, ...] = (
    _Milestone("gc-plan", "Campaign plan agreed by GC", "volunteers", "short",
               "Campaign Co-ordinator", _t(-185), _t(-170), "done", None, None, (),
               "The General Committee agrees the year's campaign plan and target wards."),
    _Milestone("targets", "Target wards chosen", "data_entry", "short",
               "Campaign Co-ordinator", _t(-180), _t(-165), "done", None, None, ("gc-plan",),
               "Four target wards picked from last year's results and canvass data."),
    _Milestone("data-audit", "Canvass data audit", "data_entry", "short",
               "Data Officer", _t(-175), _t(-140), "done", 38000, 38000, (),
               "Every voter record checked for duplicates and stale canvass codes."),
    _Milestone("summer-news", "Summer newsletter delivered", "leaflets", "short",
               "Leaflet Co-ordinator", _t(-160), _t(-130), "done", 22000, 22000, (),
               "Four-page newsletter through every door in the constituency."),
    _Milestone("summer-recruit", "Summer volunteer recruitment", "volunteers", "short",
               "Volunteer Co-ordinator", _t(-150), _t(-110), "done", 60, 64, (),
               "Sixty new regular volunteers signed up at summer events."),
    _Milestone("doorstep-training", "Doorstep training for new members", "training", "short",
               "Training Officer", _t(-120), _t(-90), "done", 40, 40, (),
               "Two evening sessions on canvassing, safety and recording data."),
    _Milestone("dinner", "Autumn fundraising dinner", "fundraising", "short",
               "Treasurer", _t(-100), _t(-60), "done", 3000, 3450, (),
               "Ticketed dinner at the Fernbridge Labour Club; the target is pounds raised."),
    _Milestone("phone-setup", "Phone bank software set up", "phone_bank", "short",
               "Data Officer", _t(-60), _t(-45), "done", None, None, (),
               "Dialler accounts, scripts and call lists ready for remote callers."),
    _Milestone("video-standing", "Video: why I'm standing", "digital", "short",
               "Digital Officer", _t(-45), _t(-30), "done", None, None, (),
               "Two-minute video of the candidate for every platform."),
    _Milestone("winter-artwork", "Leaflet artwork signed off", "leaflets", "short",
               "Press Officer", _t(-40), _t(-20), "done", None, None, (),
               "Winter leaflet and survey artwork approved by the candidate and region."),
    _Milestone("fete-stall", "Otterdale village fete stall", "volunteers", "short",
               "Otterdale branch", _t(-50), _t(-35), "dropped", None, None, (),
               "Dropped when the fete was cancelled for the weather."),
    _Milestone("pv-letter", "Postal vote letter to over-65s", "direct_mail", "short",
               "Postal Vote Lead", _t(-40), _t(-12), "behind", 4200, 2600, (),
               "A postal vote application to every over-65 in the target wards."),
    _Milestone("data-backlog", "Branch data entry backlog cleared", "data_entry", "short",
               "Data Officer", _t(-30), _t(-9), "on_track", 1800, 1150, (),
               "All canvass sheets from the autumn entered into the system."),
    _Milestone("winter-appeal", "Winter fundraising appeal launched", "fundraising", "short",
               "Treasurer", _t(-20), _t(-5), "not_started", None, None, (),
               "Email and letter appeal to members and past donors."),
    _Milestone("safeguarding", "Safeguarding training for canvass leads", "training", "short",
               "Training Officer", _t(-45), _t(-20), "at_risk", 24, 17, (),
               "Every canvass session lead completes the party's safeguarding course."),
    _Milestone("first-pass", "Doorstep: target wards first pass", "doorstep", "medium",
               "Campaign Co-ordinator", _t(-100), _t(30), "at_risk", 5000, 2100, ("targets",),
               "Knock every door on the target wards' priority lists once."),
    _Milestone("lapsed-calls", "Phone bank: lapsed members", "phone_bank", "short",
               "Membership Secretary", _t(-45), _t(15), "behind", 900, 210, ("phone-setup",),
               "Call members whose subscriptions lapsed this year and invite them back."),
    _Milestone("student-reg", "Voter registration: student halls", "voter_registration", "short",
               "Jess Amadi (Fernbridge Central captain)", _t(-30), _t(20), "at_risk", 600, 95, (),
               "Registration stalls and door-to-door in the Fernbridge College halls."),
    _Milestone("saltgate-survey", "Leaflet: Saltgate cost-of-living survey", "leaflets", "short",
               "Nia Brightwater (Saltgate captain)", _t(-21), _t(7), "on_track", 6500, 1800,
               ("winter-artwork",),
               "Survey leaflet with a freepost reply card to every Saltgate household."),
    _Milestone("street-captains", "Recruit 12 new street captains", "volunteers", "medium",
               "Volunteer Co-ordinator", _t(-40), _t(35), "at_risk", 12, 4, (),
               "One captain for each priority estate in the target wards."),
    _Milestone("photo-shoot", "Candidate photo shoot", "press", "short",
               "Press Officer", _t(-10), _t(10), "at_risk", None, None, (),
               "Portraits and street scenes for the spring literature."),
    _Milestone("weekly-posts", "Weekly social posts", "digital", "medium",
               "Digital Officer", _t(-25), _t(55), "on_track", 36, 12, ("video-standing",),
               "Three posts a week across Facebook, Instagram and X."),
    _Milestone("xmas-cards", "Christmas card delivery", "leaflets", "short",
               "Leaflet Co-ordinator", _t(-3), _t(25), "on_track", 9000, 1200, ("winter-artwork",),
               "The candidate's Christmas card to members and supporters."),
    _Milestone("pv-drive", "Postal vote application drive", "postal_votes", "long",
               "Postal Vote Lead", _t(-60), _p(-30), "on_track", 3000, 1000, (),
               "Sign up supporters for postal votes on the doorstep and by post."),
    _Milestone("data-48h", "Canvass data entered within 48 hours", "data_entry", "long",
               "Data Officer", _t(-90), _p(-7), "on_track", None, None, (),
               "Standing rule: every session's sheets entered within two days."),
    _Milestone("undecided-calls", "Phone bank: target ward undecideds", "phone_bank", "medium",
               "Campaign Co-ordinator", _t(-14), _t(60), "on_track", 2500, 480, ("phone-setup",),
               "Call back every undecided voter from the first doorstep pass."),
    _Milestone("press-column", "Monthly column in the Fernbridge Gazette", "press", "long",
               "Press Officer", _t(-60), _p(-14), "on_track", 6, 2, (),
               "A monthly column under the candidate's name."),
    _Milestone("donor-calls", "Donor follow-up calls", "fundraising", "short",
               "Treasurer", _t(-20), _t(20), "on_track", 80, 44, ("dinner",),
               "Thank-you calls to everyone who gave at the autumn dinner."),
    _Milestone("induction", "Induction evening for new members", "training", "short",
               "Training Officer", _t(5), _t(21), "not_started", 30, 0, (),
               "Welcome evening and first canvass for members who joined this autumn."),
    _Milestone("hn-second-pass", "Doorstep: Hollowmere North second pass", "doorstep", "medium",
               "Joe Ferreira (Hollowmere North captain)", _t(7), _t(70), "not_started", 3200, 0,
               ("first-pass",),
               "Second knock on supporters and undecideds in Hollowmere North."),
    _Milestone("market-stalls", "Register-to-vote stalls at markets", "voter_registration",
               "medium", "Voter Registration Lead", _t(-7), _t(40), "on_track", 8, 1, (),
               "Stalls at the Fernbridge and Hollowmere Saturday markets."),
    _Milestone("election-fund", "Election fund target", "fundraising", "long",
               "Treasurer", _t(-30), _p(-30), "on_track", 15000, 4200, (),
               "Raise the constituency's share of the election budget, in pounds."),
    _Milestone("manifesto-leaflet", "Local manifesto leaflet drafted", "leaflets", "long",
               "Campaign Co-ordinator", _p(-130), _p(-90), "not_started", None, None,
               ("first-pass",),
               "Local pledges drawn from the doorstep survey results."),
    _Milestone("freepost-artwork", "Freepost artwork signed off", "press", "long",
               "Press Officer", _p(-85), _p(-65), "not_started", None, None,
               ("manifesto-leaflet", "photo-shoot"),
               "The freepost election address approved by the candidate and region."),
    _Milestone("freepost", "Freepost leaflet", "leaflets", "long",
               "Campaign Co-ordinator", _p(-70), _p(-28), "not_started", 41000, 0,
               ("freepost-artwork",),
               "The election address delivered by Royal Mail to every elector."),
    _Milestone("pv-reminder", "Postal vote reminder mailing", "direct_mail", "long",
               "Postal Vote Lead", _p(-40), _p(-21), "not_started", 3000, 0, ("pv-drive",),
               "A reminder letter to every postal voter who backs us."),
    _Milestone("reg-deadline", "Registration deadline push", "voter_registration", "long",
               "Voter Registration Lead", _p(-40), _p(-12), "not_started", 1000, 0,
               ("market-stalls",),
               "The last push before the registration deadline, twelve working days out."),
    _Milestone("pv-deadline", "Postal vote application deadline push", "postal_votes", "long",
               "Postal Vote Lead", _p(-25), _p(-11), "not_started", 500, 0, ("pv-drive",),
               "Final postal vote sign-ups before the application deadline."),
    _Milestone("committee-rooms", "Committee rooms booked", "volunteers", "long",
               "Campaign Co-ordinator", _p(-60), _p(-30), "not_started", 6, 0, (),
               "A committee room within walking distance of each target ward."),
    _Milestone("rota", "Polling day volunteer rota filled", "volunteers", "long",
               "Volunteer Co-ordinator", _p(-45), _p(-7), "not_started", 220, 0,
               ("street-captains",),
               "Every shift on polling day covered, from 7am to close of poll."),
    _Milestone("gotv-calls", "Get-out-the-vote phone bank", "phone_bank", "long",
               "Campaign Co-ordinator", _p(-7), _p(-1), "not_started", 6000, 0,
               ("undecided-calls",),
               "Reminder calls to every promise in the target wards."),
    _Milestone("knock-up", "Polling day knock-up", "doorstep", "long",
               "Campaign Co-ordinator", _p(0), _p(0), "not_started", 12000, 0,
               ("rota", "committee-rooms"),
               "Knock up every promise who has not yet voted."),
)
# fmt: on


# --- the branches ------------------------------------------------------------


class _Branch(NamedTuple):
    name: str
    ward: str
    target_ward: bool
    twinned_with: str | None
    scale: float  # rough size of the branch's campaigning, 1.0 a typical branch


# Three safe branches each help one target ward; the fourth target ward is on its own.
_BRANCHES: tuple[_Branch, ...] = (
    _Branch("Fernbridge Central", "Fernbridge Central", False, "Hollowmere North", 1.3),
    _Branch("Fernbridge East", "Fernbridge East", False, None, 0.8),
    _Branch("Fernbridge West", "Fernbridge West & Quayside", False, None, 0.6),
    _Branch("Hollowmere North", "Hollowmere North", True, "Fernbridge Central", 1.1),
    _Branch("Hollowmere South", "Hollowmere South", False, None, 0.7),
    _Branch("Ashcombe", "Ashcombe", False, "Saltgate", 0.9),
    _Branch("Saltgate", "Saltgate", True, "Ashcombe", 1.2),
    _Branch("Kingsley Moor", "Kingsley Moor", True, "Millbrook", 0.9),
    _Branch("Millbrook", "Millbrook", False, "Kingsley Moor", 0.8),
    _Branch("Brackenfield", "Brackenfield", True, None, 1.0),
    _Branch("Otterdale", "Otterdale & Rushby", False, None, 0.4),
    _Branch("St Aldwyn's", "St Aldwyn's", False, None, 0.3),
)

_ACTIVITY_WEEKS = 12
# Two branches gone quiet, each shown a different way the contract allows:
# rows of zeros, or no rows at all.
_ZERO_BRANCH, _ZERO_WEEKS = "Otterdale", 3
_SILENT_BRANCH, _SILENT_WEEKS = "St Aldwyn's", 2
_QUIET = {_ZERO_BRANCH, _SILENT_BRANCH}
_TARGET_WARD_EFFORT = 1.8
METRIC_KEYS = (
    "doors",
    "contacts",
    "leaflets",
    "calls",
    "volunteers",
    "voter_registrations",
    "postal_vote_requests",
)


# --- the comment inbox -------------------------------------------------------


class _Thread(NamedTuple):
    thread_id: str
    platform: str
    channel: str
    title: str


_NOTICEBOARD = "Fernbridge & Hollowmere Community Noticeboard"
_THREADS: tuple[_Thread, ...] = (
    _Thread("fb-1001", "facebook", "Fernbridge Labour", "Priya's surgery dates for December"),
    _Thread("fb-1002", "facebook", "Fernbridge Labour", "Save the 42 bus: sign the petition"),
    _Thread("fb-1003", "facebook", "Fernbridge Labour", "Photos from Saturday's Saltgate action day"),
    _Thread("fb-1004", "facebook", "Fernbridge Labour", "Volunteer evening at Fernbridge Central"),
    _Thread("fg-2001", "facebook_group", _NOTICEBOARD, "Bins missed again on Kingsley Road?"),
    _Thread("fg-2002", "facebook_group", _NOTICEBOARD, "What's happening with the old library?"),
    _Thread("x-3001", "x", "@FernbridgeLab", "Priya at Fernbridge Foodbank this morning"),
    _Thread("x-3002", "x", "@FernbridgeLab", "Our statement on the Hollowmere GP surgery closure"),
    _Thread("x-3003", "x", "@FernbridgeLab", "Cost of living: our plan for Fernbridge"),
    _Thread("ig-4001", "instagram", "fernbridgelabour", "Canvassing in the rain"),
    _Thread("ig-4002", "instagram", "fernbridgelabour", "Meet your local team: Brackenfield"),
    _Thread("yt-5001", "youtube", "Fernbridge Labour", "Priya Okonkwo-Hart: why I'm standing"),
    _Thread("yt-5002", "youtube", "Fernbridge Labour", "Town hall Q&A, full recording"),
    _Thread("nd-6001", "nextdoor", "Hollowmere North", "Potholes on Mill Lane"),
    _Thread("nd-6002", "nextdoor", "Saltgate", "Register to vote: deadline reminder"),
)

SUPPORTIVE = (
    "Great to see Priya out in Saltgate on Saturday, actually listening for once.",
    "Thanks for sorting the streetlight on Ferry Road so quickly.",
    "Count me in for the next action day!",
    "Brilliant turnout at the foodbank collection, well done all.",
    "My nan got her postal vote form thanks to your team, much appreciated.",
    "This is exactly what Hollowmere needs. Keep going.",
    "Signed the petition and shared it with the school gate group.",
    "Lovely photos! Happy to deliver leaflets on my road if you need someone.",
    "Finally someone talking about the buses.",
    "Priya came to our residents' meeting and stayed till the end. Respect.",
    "Well said. Losing the GP surgery would be a disaster for the older folk round here.",
    "Proud to be a member in Fernbridge today.",
    "The youth club would not still be open without you lot pushing the council.",
    "Good to see real local people standing up for the area.",
    "Shared with my street's WhatsApp group.",
    "Thank you for coming back about my housing query, it's sorted now.",
    "Keep up the good work, you've got my vote.",
    "Really enjoyed the town hall meeting, please do more of these.",
    "Saltgate deserves better and it's good to see someone fighting for it.",
    "That survey leaflet was the first time anyone asked what we think.",
)
QUESTIONS = (
    "When is the next surgery in Hollowmere?",
    "Is there a surgery in Brackenfield any time soon? Can't get into town in the day.",
    "How do I apply for a postal vote? I'll be away in May.",
    "Are you still looking for volunteers on Saturdays?",
    "Where can I read the full plan for the bus routes?",
    "Is the 42 actually being cut or is it just rumours?",
    "Who do I contact about the flooding on Mill Lane?",
    "Can I register to vote if I've only just moved here?",
    "What time does the town hall meeting start?",
    "Will the community centre have step-free access for the meeting?",
    "Does anyone know if the library is coming back or not?",
    "How do I join the branch? The website link doesn't work for me.",
)
COMPLAINTS = (
    "Bins on Kingsley Road not collected for the third week running. Disgrace.",
    "The 42 was forty minutes late again this morning and then didn't stop.",
    "Nobody ever comes round our estate except at election time.",
    "Potholes on Mill Lane are wrecking cars. Who is responsible?",
    "Recycling bins left in the road after collection, every single week.",
    "Why is the library still shut? The kids have nowhere to go.",
    "Council tax up again and the services keep getting worse.",
    "Your leaflet came through my door twice after I'd said no thanks.",
    "Parking at the station has been a nightmare since the new scheme.",
    "The buses after 7pm are a joke. How are people meant to get home from work?",
    "Fly-tipping behind the Saltgate shops for a month now and nothing done.",
)
SPAM = (
    "Earn £500 a day from home!!! Message me or visit https://example.invalid/get-rich",
    "Crypto giveaway ends tonight 🚀🚀 https://example.invalid/claim-now",
    "Cheap followers and likes, check my profile 👉 example.invalid/followers",
    "Phone unlocking, best prices in Fernbridge, DM me https://example.invalid/unlock",
    "I made £3,200 last week with this one trick https://example.invalid/trick",
)
ABUSIVE = (
    "You lot should be locked up.",
    "Absolute clowns, the lot of you. Useless.",
    "Priya is a liar and everyone round here knows it.",
    "Idiots. Nobody is going to vote for you.",
    "Keep knocking on my door and see what happens.",
)
_REPLIES = (
    "Agreed.",
    "Same on our street.",
    "That's not what they said at the meeting at all.",
    "Thanks for sharing this.",
    "Have you reported it to the council? They do eventually come out.",
    "Exactly this.",
    "Not my experience, to be fair.",
    "I asked the same thing last week and got a reply within a day.",
)
# Each of these appears exactly once among the first comments: moderators must
# see them, and the app must show them literally, never as markup, links,
# actions or terminal control sequences.
_DOXXING = "Her campaign manager lives at 14 Larkspur Close, Fernbridge FB3 9QZ. Go round and tell him what you think."
HOSTILE_TEXT = (
    "[bold red]FREE[/] money [@click=app.quit]click[/]",
    "Nice post \x1b[2J\x1b]0;pwned\x07 see you at the meeting",
    "Agenda attached: minutes\u202efdp.exe",
    "All the details are [link=https://example.invalid]here[/link]",
)
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

# fmt: off
FIRST_NAMES = (
    "Aisha", "Ben", "Callum", "Chloe", "Dev", "Eleanor", "Fatima", "Gareth", "Hannah", "Imran",
    "Jade", "Kieran", "Leah", "Marcus", "Niamh", "Owen", "Pooja", "Rhys", "Sian", "Tariq", "Una",
    "Vikram", "Wendy", "Yusuf", "Zoe", "Bernard", "Carol", "Dennis", "Maureen", "Trevor", "Kelly",
    "Darren", "Shona", "Ellis", "Amara", "Tomasz", "Agnieszka", "Kwame", "Bethan", "Rosie",
)
SURNAMES = (
    "Pemberton", "Okafor", "Hargreaves", "Whitlock", "Pennington", "Bramley", "Thornton",
    "Castell", "Mistry", "Fairbairn", "Okoro", "Yardley", "Kershaw", "Quigley", "Barraclough",
    "Fenwick", "Holloway", "Ransome", "Choudhury", "Tremlett", "Garside", "Oyelaran", "Nowak",
    "McAllister", "Dunmore", "Pryce", "Brierley", "Cartwright", "Hebden", "Lomax", "Sutcliffe",
    "Varley", "Wainwright", "Kowalski", "Begum", "Lister", "Rowntree", "Entwistle", "Docherty",
    "Pugh",
)
# fmt: on
_COMMENTERS = 90


# --- the press pipeline ------------------------------------------------------


class _Press(NamedTuple):
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


_REGIONAL_COMMS = "Owen Latimer (Regional Communications)"
_GAZETTE, _ADVERTISER, _POST = (
    "Fernbridge Gazette",
    "Hollowmere Advertiser",
    "Wealdshire Evening Post",
)
_RADIO, _FM, _TV = "BBC Radio Hollowmere", "Fernbridge FM", "Valeside TV News"
# Cards past the gate carry both consent and sign-off, as the contract requires;
# regional_review cards have consent only; earlier ones neither.
# Columns: title, format, stage, owner, outlets, created, consent, signoff,
# embargo, synopsis.
# fmt: off
_PRESS: tuple[_Press, ...] = (
    _Press("Photo call at the reopened Ferry Road play park", "photo_call", "idea",
           "Maya Thornbury", (_GAZETTE,), 2, None, None, None,
           "Priya with parents and children on the play park's first weekend."),
    _Press("Volunteer who has delivered 10,000 leaflets", "story_idea", "idea",
           "Callum Reddish", (_ADVERTISER,), 4, None, None, None,
           "Profile of a retired postman who has walked every street in Millbrook."),
    _Press("Priya on bus cuts for the breakfast show", "broadcast_bid", "idea",
           "Maya Thornbury", (_RADIO,), 1, None, None, None,
           "Bid for a breakfast slot on the proposed cut to the 42 route."),
    _Press("GP surgery petition passes 2,000 signatures", "press_release", "drafting",
           "Maya Thornbury", (_GAZETTE, _ADVERTISER), 5, None, None, None,
           "The petition against closing Hollowmere's GP surgery reaches 2,000 names."),
    _Press("Why Hollowmere needs its library back", "op_ed", "drafting",
           "Ruth Adeyemi-Clarke", (_ADVERTISER,), 8, None, None, None,
           "The case for reopening the library as a community hub."),
    _Press("Open letter to the operator of route 42", "public_letter", "drafting",
           "Callum Reddish", (_GAZETTE,), 6, None, None, None,
           "Letter asking the bus operator to keep the evening 42 services."),
    _Press("Statement on the council's winter gritting plan", "statement", "drafting",
           "Maya Thornbury", (), 3, None, None, None,
           "Response to gritting routes that leave Kingsley Moor off the list."),
    _Press("Priya backs Saltgate food bank appeal", "press_release", "candidate_consent",
           "Ruth Adeyemi-Clarke", (_GAZETTE, _FM), 9, None, None, None,
           "The candidate joins the food bank's Christmas appeal and asks residents to give."),
    _Press("A fair deal for private renters in Fernbridge", "op_ed", "candidate_consent",
           "Callum Reddish", (_POST,), 12, None, None, None,
           "Column on damp, repairs and rents in the town's private lets."),
    _Press("Christmas toy collection at Fernbridge station", "photo_call", "candidate_consent",
           "Maya Thornbury", (_GAZETTE, _TV), 7, None, None, None,
           "Volunteers and the candidate collecting toys for the children's ward."),
    _Press("New year action day in four target wards", "press_release", "regional_review",
           "Maya Thornbury", (_GAZETTE,), 10, 3, None, None,
           "Announcing the January action day and inviting residents to meet the team."),
    _Press("Statement on flooding at Mill Lane", "statement", "regional_review",
           "Ruth Adeyemi-Clarke", (_ADVERTISER, _RADIO), 4, 1, None, None,
           "Calling on the council to clear the drains before the next storm."),
    _Press("Save the Otterdale post office", "public_letter", "regional_review",
           "Callum Reddish", (_POST,), 15, 6, None, None,
           "Letter to the postal operator signed by residents and local businesses."),
    _Press("500 new voters registered in student halls", "press_release", "approved",
           "Maya Thornbury", (_GAZETTE, _FM), 11, 5, 3, 2,
           "Students at Fernbridge College sign up to vote after a month of stalls."),
    _Press("Priya at the Hollowmere youth club", "photo_call", "approved",
           "Ruth Adeyemi-Clarke", (_ADVERTISER,), 9, 4, 2, 3,
           "The candidate plays pool and talks funding with the youth club's members."),
    _Press("Fernbridge FM phone-in with the candidate", "broadcast_bid", "approved",
           "Callum Reddish", (_FM,), 14, 8, 6, None,
           "An hour answering listeners' questions on the evening show."),
    _Press("Buses are a lifeline, not a luxury", "op_ed", "pitched",
           "Maya Thornbury", (_POST, _GAZETTE), 16, 9, 7, 1,
           "Why cutting the 42 would cut people off from work, school and hospital."),
    _Press("Brackenfield cost-of-living survey launched", "press_release", "pitched",
           "Ruth Adeyemi-Clarke", (_GAZETTE, _RADIO), 13, 7, 5, None,
           "The candidate asks every Brackenfield household how rising bills hit them."),
    _Press("Twinned branches: Kingsley Moor and Millbrook", "story_idea", "pitched",
           "Callum Reddish", (_ADVERTISER,), 18, 12, 10, None,
           "Millbrook volunteers spending their Saturdays on Kingsley Moor doorsteps."),
    _Press("Priya Okonkwo-Hart selected as candidate", "press_release", "published",
           "Maya Thornbury", (_GAZETTE, _ADVERTISER, _RADIO), 95, 92, 91, None,
           "Local members choose a Fernbridge nurse and school governor as their candidate."),
    _Press("Statement on the Hollowmere GP surgery closure", "statement", "published",
           "Ruth Adeyemi-Clarke", (_ADVERTISER, _TV), 24, 23, 22, None,
           "The closure would leave 6,000 patients without a surgery in walking distance."),
    _Press("Saltgate action day", "photo_call", "published",
           "Callum Reddish", (_GAZETTE,), 12, 10, 9, None,
           "Forty volunteers knocking on doors across Saltgate in one afternoon."),
    _Press("Letter to the Integrated Care Board on the GP closure", "public_letter", "published",
           "Maya Thornbury", (_POST,), 30, 27, 26, None,
           "Asking the health board to publish its consultation on the closure."),
    _Press("Response to the opposition's leaflet", "statement", "spiked",
           "Ruth Adeyemi-Clarke", (), 20, 19, None, None,
           "Rebuttal of claims about the candidate's record; region advised against it."),
    _Press("The candidate's charity fun run", "story_idea", "spiked",
           "Callum Reddish", (_GAZETTE,), 35, None, None, None,
           "A 10k for the hospice; dropped when the run moved outside the constituency."),
)
# fmt: on
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

    def _day(self, when: _Day) -> date:
        return when.resolve(self.today, self.polling_day)

    def _earlier(self, max_days: int) -> str:
        """A timestamp up to `max_days` before the demo clock starts."""
        seconds = self._rng.randint(600, max_days * 86400)
        return rfc3339(self._clock - timedelta(seconds=seconds))

    def _build_plan(self) -> list[dict[str, Any]]:
        ids = {m.key: f"m-{n:03d}" for n, m in enumerate(_PLAN, start=1)}
        items = []
        for m in _PLAN:
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
        for branch in _BRANCHES:
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
        self, branch: _Branch, monday: date, metrics: dict[str, int], modified: datetime
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
        texts.append((_DOXXING, "abusive"))
        for kind in rng.choices(_TEXT_KINDS, _TEXT_WEIGHTS, k=_INITIAL_COMMENTS - len(texts)):
            texts.append((rng.choice(_TEXT_POOLS[kind]), kind))
        rng.shuffle(texts)
        # Each thread's post went up some time in the last three weeks; its
        # comments follow it, so replies can only point at earlier comments.
        start = self._clock - timedelta(days=_COMMENT_DAYS)
        posted = {t.thread_id: start + timedelta(seconds=rng.randint(0, (_COMMENT_DAYS - 2) * 86400)) for t in _THREADS}
        placed = []
        for text, kind in texts:
            thread = rng.choice(_THREADS)
            span = int((self._clock - posted[thread.thread_id]).total_seconds())
            when = posted[thread.thread_id] + timedelta(seconds=rng.randint(60, span - 60))
            placed.append((when, thread, text, kind))
        placed.sort(key=lambda entry: entry[0])
        for when, thread, text, kind in placed:
            state = "hidden" if kind in {"spam", "abusive"} and rng.random() < 0.4 else "visible"
            self._append_comment(thread, text, when, state)

    def _append_comment(self, thread: _Thread, text: str, when: datetime, state: str) -> None:
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
        for n, p in enumerate(_PRESS, start=1):
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
                clp["regional_signoff"] = {"by": _REGIONAL_COMMS, "at": rfc3339(latest)}
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
            thread = rng.choice(_THREADS)
            if rng.random() < 0.15:
                text = rng.choice(_REPLIES)
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
