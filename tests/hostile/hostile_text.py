"""Hostile text for the adversarial suite: terminal controls, markup, bidi overrides
and other tricks, each with a visible marker; one feed per kind built from them; and
the check that none of it reaches output raw."""

from __future__ import annotations

import json
from typing import Any

from feedserver import JSONFEED

# Each piece carries a visible marker so a test can find it wherever it is shown.
HOSTILE: dict[str, str] = {
    "bold": "[bold]BOLDMARK[/bold]",
    "close": "CLOSEMARK[/]",
    "link": "[link=https://e.vl/]LINKMARK[/link]",
    "click": "[@click=app.quit]QUITMARK[/]",
    "csi": "CSIMARK\x1b[2J\x1b[H\x1b[31mred\x1b[0m",
    "c1": "C1MARK\x9b2J\x9d0;title\x9c",
    "osc_title": "OSCMARK\x1b]0;pwned-title\x07",
    "osc8": "\x1b]8;;https://evil.example/\x1b\\HYPERMARK\x1b]8;;\x1b\\",
    "bel": "BELMARK\x07\x07",
    "backspace": "BSMARK\x08\x08\x08XYZ",
    "cr": "CRMARK\rOVERWRITE",
    "rtl": "RTLMARK\u202egnp.exe\u202c",
    "isolate": "ISOMARK\u2067x\u2069",
    "zero_width": "ZW\u200bMA\u200cR\u200dK\ufeff",
    "combining": "ZALGO" + "\u0351\u0310\u0300\u0301\u0302\u0303" * 8,
    "emoji": "EMOJI👩‍👩‍👧‍👦🏴‍☠️🇬🇧",
    "html": "<script>alert('HTMLMARK')</script><img src=x onerror=alert(2)>",
    "csv": '=HYPERLINK("https://evil.example","CSVMARK")',
    "separators": "SEPMARK\u2028LS\u2029PS",
    "del_nul": "NULMARK\x7f\x00end",
}
EVIL = " ".join(HOSTILE.values())
# The markup that must survive literally wherever feed text is shown in full.
MARKUP_LITERALS = (
    "[bold]BOLDMARK[/bold]",
    "CLOSEMARK[/]",
    "[@click=app.quit]QUITMARK[/]",
    "[link=https://e.vl/]LINKMARK[/link]",
)
# Bytes that must never leave clp-tui when they came from a feed: terminal
# controls (ESC, BEL, backspace, NUL, DEL), C1 controls (CSI, OSC, ST) and bidi overrides.
RAW_CONTROLS = ("\x1b", "\x07", "\x08", "\x00", "\x7f", "\x9b", "\x9c", "\x9d", "\u202e", "\u2067")
LONG_COMMENT = ("LONGSTART " + "twenty thousand characters of comment " * 600)[:20_000]


def assert_inert(text: str, where: str, *, allow_cr: bool = False) -> None:
    """No raw control byte from a feed in `text` (CSV may end its lines with CR LF)."""
    for ch in RAW_CONTROLS:
        assert ch not in text, f"{where}: raw {ch!r} in output"
    if not allow_cr:
        assert "\r" not in text, f"{where}: raw CR in output"


def hostile_docs() -> dict[str, tuple[str, dict[str, Any]]]:
    """One feed per kind (name -> (kind, JSON Feed document)) with hostile text in
    every text field, ids included, plus extreme but valid numbers and dates."""
    e = EVIL
    plan = {
        "version": JSONFEED,
        "title": e,
        "_clp": {"constituency": e, "polling_day": "2027-05-06"},
        "items": [
            {
                "id": "m-\x1b[2J" + HOSTILE["click"],
                "title": e,
                "content_text": e + "\n" + LONG_COMMENT,
                "_clp": {
                    "type": "milestone",
                    "due": "2026-12-01",
                    "start": "2026-11-01",
                    "strand": e,
                    "owner": e,
                    "target": 1e308,
                    "achieved": 1e307,
                    "depends_on": [e, "m-far"],
                    "status": "at_risk",
                },
            },
            {
                "id": "m-far",
                "title": "far future " + HOSTILE["bold"],
                "_clp": {
                    "type": "milestone",
                    "due": "9999-12-31",
                    "strand": "doorstep",
                    "target": 5e-324,
                    "achieved": 0,
                },
            },
            {
                "id": "m-1970",
                "title": "epoch " + HOSTILE["link"],
                "date_published": "1970-01-01T00:00:00Z",
                "_clp": {"type": "milestone", "due": "1970-01-01", "strand": e},
            },
        ],
    }
    grid = {
        "version": JSONFEED,
        "title": e,
        "items": [
            {
                "id": f"a{n}-{e}",
                "title": e,
                "_clp": {
                    "type": "activity",
                    "branch": e,
                    "ward": e,
                    "twinned_with": e,
                    "target_ward": True,
                    "week": week,
                    "metrics": {"doors": 1e308, e: 3, "leaflets": 0},
                },
            }
            for n, week in enumerate(("2026-W47", "2026-W48", "2026-W46"))
        ]
        + [
            # Two 1e308s in one week add up to infinity.
            {
                "id": "second",
                "_clp": {"type": "activity", "branch": "Second", "week": "2026-W47", "metrics": {"doors": 1e308}},
            },
            # Weeks the pattern allows but the calendar does not have.
            {
                "id": "year0",
                "_clp": {
                    "type": "activity",
                    "branch": HOSTILE["close"],
                    "week": "0000-W01",
                    "metrics": {"doors": 5e-324},
                },
            },
            {
                "id": "w53",
                "_clp": {"type": "activity", "branch": HOSTILE["close"], "week": "2025-W53", "metrics": {"doors": 1}},
            },
        ],
    }
    comments = {
        "version": JSONFEED,
        "title": e,
        "items": [
            {
                "id": "c-" + e,
                "url": "https://evil.example/" + e,
                "title": e,
                "content_text": e,
                "date_published": "2026-11-23T09:00:00Z",
                "authors": [{"name": e, "url": "javascript:alert(1)//" + e}],
                "_clp": {
                    "type": "comment",
                    "platform": e,
                    "channel": e,
                    "thread_id": "t1",
                    "thread_title": e,
                    "in_reply_to": "c-long",
                },
            },
            {
                "id": "c-long",
                "content_text": LONG_COMMENT,
                "date_published": "2026-11-22T09:00:00Z",
                "authors": [{"name": HOSTILE["click"]}],
                "_clp": {"type": "comment", "platform": "facebook", "thread_id": "t1", "thread_title": e},
            },
            {
                "id": "c-far",
                "content_html": "<p>" + e.replace("<", "&lt;") + "</p><script>x</script>",
                "date_published": "9999-12-31T23:59:59-23:59",
                "_clp": {"type": "comment", "platform": "x", "state": "hidden"},
            },
            {
                "id": "c-1970",
                "content_text": "epoch " + HOSTILE["click"],
                "date_published": "1970-01-01T00:00:00Z",
                "authors": [{"name": "\u202eevil"}],
                "_clp": {"type": "comment", "platform": "youtube"},
            },
            {
                "id": 12345,
                "content_text": "numeric id " + HOSTILE["bold"],
                "date_published": "2026-11-20T09:00:00Z",
                "_clp": {"type": "comment", "platform": "instagram"},
            },
        ],
    }
    press = {
        "version": JSONFEED,
        "title": e,
        "items": [
            {
                "id": "p-" + e,
                "title": e,
                "content_text": e,
                "_clp": {
                    "type": "press",
                    "format": "statement",
                    "stage": "drafting",
                    "candidate": e,
                    "owner": e,
                    "outlets": [e, e],
                    "consent": {"by": e, "at": e},
                    "embargo": "9999-12-31T23:59:59-23:59",
                },
            },
            {
                "id": "p-gate",
                "title": "gated " + HOSTILE["click"],
                "_clp": {
                    "type": "press",
                    "format": "op_ed",
                    "stage": "published",
                    "candidate": e,
                    "regional_signoff": {"by": e},
                    "embargo": "0001-01-01T00:00:00+23:59",
                },
            },
        ],
    }
    return {
        "plan": ("milestone", plan),
        "grid": ("activity", grid),
        "comments": ("comment", comments),
        "press": ("press", press),
    }


def feed_body(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()
