"""Fixtures for the report, export, imprint and purge tests.

One real cache is built per session: the demo world of 23 November 2026, plus a
few hostile and edge-case items of our own, served by tests/feedserver.py's FeedServer on
127.0.0.1 and synced with the real fetcher, parser and store; then officers'
decisions are recorded through the Store. Each test gets its own copy of that
SQLite file under tmp_path, so tests that purge or export cannot affect others.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from feedserver import FeedServer, config_toml
from frozen import CLOCK, ENV, TODAY
from markdown_it import MarkdownIt

from clp_tui.config import Config, parse_config
from clp_tui.data.decision_log import decide
from clp_tui.data.store import Store
from clp_tui.data.sync import sync_feeds
from clp_tui.demo.world import FEEDS, DemoWorld

REPO = Path(__file__).resolve().parents[2]
OFFICER = "Pat Officer"
IMPRINT = "Promoted by Sam Agent on behalf of Priya Okonkwo-Hart, both at 1 High Street, Fernbridge FB1 1AA"

HOSTILE_ID = "c-hostile"
HOSTILE_AUTHOR = "Zed Uniquename-4411"
HOSTILE_AUTHOR_URL = "javascript:alert('zed')"
HOSTILE_TEXT = "<script>alert(1)</script> [x](javascript:alert(1)) \x1b[2J\nsecond line ```` ~~~ </pre>"
HOSTILE_THREAD = "fb-1002"
ESCALATION_REASON = "Threatening language; refer to GLU <ref 77>"
# A reviewed comment well past any retention period, and an escalated one whose pack is exported.
OLD_APPROVED_ID = "c-old-approved"
OLD_ESCALATED_ID = "c-old-escalated"
OLD_UNREVIEWED_ID = "c-old-unreviewed"
OLD_AUTHORS = {
    OLD_APPROVED_ID: "Olive Oldpost-9902",
    OLD_ESCALATED_ID: "Ernest Keptwhole-3317",
    OLD_UNREVIEWED_ID: "Una Unread-5150",
}
OLD_TEXT = "An old comment from 2020 naming someone at 3 Acacia Avenue"

# Items of our own that the report must escape and list.
HOSTILE_MILESTONE = "[Evil](javascript:alert(1)) <img src=x onerror=alert(2)> *sign* the | pledge"
QUIET_BRANCH = "<b>Quietville</b> [home](https://evil.invalid/x)"
IMPRINTED_CARD = "Candidate's column on buses, with imprint"
NEEDS_IMPRINT_MILESTONE = "Digital ad run on social media"


def _comment(
    item_id: str, text: str, author: str, when: str, thread: str = HOSTILE_THREAD, url: str | None = None
) -> dict[str, Any]:
    return {
        "id": item_id,
        "url": f"https://example.invalid/facebook/{thread}/{item_id}",
        "content_text": text,
        "date_published": when,
        "authors": [{"name": author, "url": url or f"https://example.invalid/profile/{item_id}"}],
        "_clp": {
            "type": "comment",
            "platform": "facebook",
            "channel": "Fernbridge Labour",
            "thread_id": thread,
            "thread_title": "Save the 42 bus: sign the petition",
            "state": "visible",
        },
    }


def build_feeds(world: DemoWorld) -> dict[str, dict[str, Any]]:
    """The demo feeds with our own additions."""
    feeds = {name: world.feed(name) for name, _ in FEEDS}
    feeds["comments"]["items"].append(
        _comment(HOSTILE_ID, HOSTILE_TEXT, HOSTILE_AUTHOR, "2026-11-20T18:30:00Z", url=HOSTILE_AUTHOR_URL)
    )
    for item_id in (OLD_APPROVED_ID, OLD_ESCALATED_ID, OLD_UNREVIEWED_ID):
        feeds["comments"]["items"].append(
            _comment(item_id, OLD_TEXT, OLD_AUTHORS[item_id], "2020-03-01T09:00:00Z", "old-1")
        )
    feeds["plan"]["items"] += [
        {
            "id": "m-hostile",
            "title": HOSTILE_MILESTONE,
            "content_text": "A milestone whose title tries to be markup.",
            "date_modified": "2026-11-01T10:00:00Z",
            "_clp": {
                "type": "milestone",
                "strand": "volunteers",
                "owner": "<i>Owner</i> [o](http://x.invalid)",
                "start": "2026-10-01",
                "due": "2026-11-10",
                "status": "on_track",
            },
        },
        {
            "id": "m-imprint",
            "title": NEEDS_IMPRINT_MILESTONE,
            "content_text": "Paid Facebook adverts in the target wards.",
            "date_modified": "2026-11-01T10:00:00Z",
            "_clp": {
                "type": "milestone",
                "strand": "digital",
                "owner": "Digital Officer",
                "start": "2026-11-01",
                "due": "2026-12-20",
                "needs_imprint": True,
            },
        },
    ]
    for week in ("2026-W44", "2026-W45"):
        feeds["activity"]["items"].append(
            {
                "id": f"a-quietville-{week}",
                "title": f"Quietville, {week}",
                "date_modified": "2026-11-08T21:00:00Z",
                "_clp": {
                    "type": "activity",
                    "branch": QUIET_BRANCH,
                    "ward": "Quiet Ward",
                    "week": week,
                    "metrics": {"doors": 40, "contacts": 10},
                },
            }
        )
    feeds["press"]["items"].append(
        {
            "id": "p-imprinted",
            "title": IMPRINTED_CARD,
            # Different case and line breaks: the check ignores both.
            "content_text": "Buses matter.\n\n" + IMPRINT.upper().replace(" on behalf", "\n on   behalf"),
            "date_published": "2026-11-10T09:00:00Z",
            "_clp": {
                "type": "press",
                "format": "op_ed",
                "stage": "published",
                "candidate": "Priya Okonkwo-Hart",
                "consent": {"by": "Priya Okonkwo-Hart", "at": "2026-11-09"},
                "regional_signoff": {"by": "Regional Comms", "at": "2026-11-09"},
            },
        }
    )
    return feeds


def config_text(urls: dict[str, str], imprint: str = IMPRINT, retain_days: int = 90) -> str:
    """The report tests' config.toml: an officer with a role, a retention period, an imprint."""
    return config_toml(
        [{"name": name, "url": urls[name], "kind": kind} for name, kind in FEEDS],
        {"deadline": 10},
        officer={"name": OFFICER, "role": "Communications & Social Media Officer"},
        moderation={"retain_days": retain_days},
        campaign={"imprint": imprint},
    )


@dataclass
class Fixture:
    """What the session build leaves behind: the feeds as served and the decisions made."""

    template: Path
    feeds: dict[str, dict[str, Any]]
    urls: dict[str, str]

    def commenter_names(self) -> set[str]:
        return {a["name"] for item in self.feeds["comments"]["items"] for a in item.get("authors", [])}

    def comment_texts(self) -> set[str]:
        return {item["content_text"] for item in self.feeds["comments"]["items"]}


def _decide(store: Store) -> None:
    """Officers' decisions, through the same Store calls the dashboard makes."""
    comments = [r["id"] for r in store.query("SELECT id FROM items WHERE feed = 'comments' ORDER BY id")]
    plain = [c for c in comments if c.startswith("c-0")]
    decide(store, [("comments", c) for c in plain[:40]], "moderation", "approved", officer=OFFICER)
    decide(store, [("comments", c) for c in plain[40:50]], "moderation", "hidden", officer=OFFICER, reason="spam")
    decide(store, [("comments", c) for c in plain[50:55]], "moderation", "needs_reply", officer=OFFICER)
    decide(store, [("comments", HOSTILE_ID)], "moderation", "hidden", officer=OFFICER, reason="first look")
    decide(store, [("comments", HOSTILE_ID)], "moderation", "escalated", officer=OFFICER, reason=ESCALATION_REASON)
    decide(store, [("comments", OLD_APPROVED_ID)], "moderation", "approved", officer=OFFICER)
    decide(store, [("comments", OLD_ESCALATED_ID)], "moderation", "escalated", officer=OFFICER, reason="old threat")
    # A milestone marked done here today, and a press card moved on.
    decide(store, [("plan", "m-014")], "status", "done", officer=OFFICER, reason="appeal went out")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fixture]:
    folder = tmp_path_factory.mktemp("report-template")
    feeds = build_feeds(DemoWorld(TODAY))
    bodies = {name: json.dumps(doc).encode() for name, doc in feeds.items()}
    with FeedServer() as server:
        urls = {name: server.feed(name, body) for name, body in bodies.items()}
        config = parse_config(config_text(urls))
        db = folder / "template.db"
        store = Store(db, clock=CLOCK)
        reports = asyncio.run(sync_feeds(store, config))
        assert all(r.status == "ok" and not r.failed for r in reports), [r.as_json() for r in reports]
        with store.write() as conn:  # a cache that has held the old comments since 2020 (retention counts from then)
            old = (OLD_APPROVED_ID, OLD_ESCALATED_ID, OLD_UNREVIEWED_ID)
            conn.execute("UPDATE items SET first_seen = published WHERE id IN (?, ?, ?)", old)
        _decide(store)
        store.close()
        # The server stays up for the session, so a test can sync again.
        yield Fixture(template=db, feeds=copy.deepcopy(feeds), urls=urls)


@pytest.fixture
def db(built: Fixture, tmp_path: Path) -> Path:
    # SQLite's backup API: a consistent copy, the write-ahead log included.
    path = tmp_path / "cache.db"
    source, target = sqlite3.connect(built.template), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return path


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    s = Store(db, clock=CLOCK)
    yield s
    s.close()


@pytest.fixture
def config(built: Fixture) -> Config:
    return parse_config(config_text(built.urls))


@dataclass
class Cli:
    """`python -m clp_tui.cli` with HOME (and the XDG folders) in tmp_path and this test's files."""

    home: Path
    config: Path
    db: Path

    def __call__(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "CLP_"))}
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_DATA_HOME=str(self.home / ".local" / "share"),
            PYTHONPATH=str(REPO),
            PYTHONDONTWRITEBYTECODE="1",
            **ENV,
        )
        argv = [sys.executable, "-m", "clp_tui.cli", *args, "--config", str(self.config), "--db", str(self.db)]
        return subprocess.run(
            argv, capture_output=True, text=True, encoding="utf-8", env=env, cwd=self.home, timeout=timeout
        )


@pytest.fixture
def cli(tmp_path: Path, db: Path, built: Fixture) -> Cli:
    home = tmp_path / "home"
    home.mkdir()
    config = tmp_path / "config.toml"
    config.write_text(config_text(built.urls), encoding="utf-8")
    return Cli(home=home, config=config, db=db)


# -- reading the documents back ----------------------------------------------------------


class HtmlFacts(HTMLParser):
    """What a browser would see in a document: tags, attributes, text, styles, <pre> blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.chunks: list[str] = []
        self.styles: list[str] = []
        self.pres: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, name, value) for name, value in attrs]
        if tag == "pre":
            self.pres.append("")
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if "style" in self._open:
            self.styles.append(data)
        elif "title" not in self._open or "svg" in self._open:
            self.chunks.append(data)
        if "pre" in self._open:
            self.pres[-1] += data

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


def read_html(document: str) -> HtmlFacts:
    facts = HtmlFacts()
    facts.feed(document)
    facts.close()
    return facts


def assert_inert(facts: HtmlFacts) -> None:
    """No script, nothing loaded or linked from anywhere, no event handlers."""
    forbidden = {
        "script",
        "iframe",
        "object",
        "embed",
        "img",
        "link",
        "a",
        "form",
        "base",
        "image",
        "use",
        "foreignobject",
        "audio",
        "video",
        "source",
    }
    assert not forbidden & set(facts.tags), forbidden & set(facts.tags)
    for tag, name, value in facts.attrs:
        assert not name.startswith("on"), (tag, name)
        assert name not in ("href", "src", "xlink:href", "srcset", "action"), (tag, name)
        # Only the column alignment a Markdown renderer writes for a table.
        assert name != "style" or re.fullmatch(r"text-align:(left|right|center)", value or ""), (tag, value)
        assert "javascript:" not in (value or "").lower(), (tag, name, value)
        assert "://" not in (value or ""), (tag, name, value)
    css = "".join(facts.styles)
    assert "url(" not in css and "@import" not in css


def markdown_as_html(text: str) -> str:
    """Markdown rendered the way GitHub does (tables, strikethrough, bare-URL links)."""
    return MarkdownIt("gfm-like").render(text)
