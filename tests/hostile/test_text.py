"""Hostile text from feeds, shown everywhere clp-tui shows text.

One cache is built per module from tests/hostile/hostile_text.py's `hostile_docs()`:
every text field of every kind (ids, titles, bodies, names, channels, branches,
metric names, feed titles, the constituency) carries Rich markup, ANSI CSI and
OSC sequences, C1 controls, BEL, backspace, CR, bidi overrides, zero-width and
combining characters, emoji, HTML and a spreadsheet formula; one comment is
20,000 characters long; officers' decisions carry the same text as reasons.

The rule: the text is shown literally, or with visible placeholders for
controls (clp_tui.data.text.clean); it never styles, never links, never acts,
and no raw control byte reaches a terminal, a file or a picture.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from feedserver import FeedServer, config_toml
from markdown_it import MarkdownIt
from textual.widgets import Input

from clp_tui.app import ClpApp
from clp_tui.config import Config, parse_config
from clp_tui.data.decision_log import decide
from clp_tui.data.store import Store
from clp_tui.data.sync import sync_feeds
from clp_tui.data.text import clean
from clp_tui.screens.base import DashboardScreen

from .children import child_env
from .hostile_text import (
    EVIL,
    HOSTILE,
    LONG_COMMENT,
    MARKUP_LITERALS,
    RAW_CONTROLS,
    assert_inert,
    feed_body,
    hostile_docs,
)

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
SIZE = (120, 40)
OFFICER = "Officer [bold]Ofc[/] \x1b[31mRed"
ESCALATED = ("comments", "c-long")


class Cache:
    def __init__(self, folder: Path, config_path: Path, config: Config) -> None:
        self.folder = folder
        self.config_path = config_path
        self.config = config
        self.db = folder / "cache.db"
        self.home = folder / "home"
        self.home.mkdir()

    def clp(self, *args: str, timeout: float = 60) -> tuple[int, str, bytes]:
        """Run clp-tui; (exit code, stderr, stdout bytes exactly as written)."""
        import subprocess
        import sys

        argv = [sys.executable, "-m", "clp_tui.cli", *args, "--config", str(self.config_path), "--db", str(self.db)]
        run = subprocess.run(argv, capture_output=True, env=child_env(self.home), cwd=self.home, timeout=timeout)
        return run.returncode, run.stderr.decode("utf-8", "replace"), run.stdout


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cache]:
    folder = tmp_path_factory.mktemp("hostile-text")
    with FeedServer() as server:
        feeds = []
        for name, (kind, doc) in hostile_docs().items():
            server.route(f"/{name}", body=feed_body(doc))
            feeds.append({"name": name, "url": server.url(f"/{name}"), "kind": kind})
        text = config_toml(feeds, None, officer={"name": OFFICER}, moderation={"watch_words": ["QUITMARK"]})
        config_path = folder / "config.toml"
        config_path.write_text(text, encoding="utf-8")
        config_path.chmod(0o600)
        cache = Cache(folder, config_path, parse_config(text, str(config_path)))
        store = Store(cache.db)
        try:
            reports = asyncio.run(sync_feeds(store, cache.config))
            assert [r.status for r in reports] == ["ok"] * 4, [r.error for r in reports]
            # An officer may paste a comment into a reason: the log carries hostile text too.
            decide(store, [ESCALATED], "moderation", "escalated", officer=OFFICER, reason=EVIL)
            press_id = store.query("SELECT id FROM items WHERE kind = 'press' AND id LIKE 'p-[%'")[0][0]
            decide(store, [("press", press_id)], "stage", "candidate_consent", officer=OFFICER, reason=EVIL)
            decide(store, [("plan", "m-far")], "status", "at_risk", officer=OFFICER, reason=EVIL)
        finally:
            store.close()
        yield cache


# -- the dashboard -------------------------------------------------------------------------------


def svg_text(svg: str) -> str:
    """The characters an SVG screenshot shows, entities decoded, in document order."""
    return html.unescape("".join(re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S))).replace("\xa0", " ")


def screen_lines(app: ClpApp) -> list[tuple[str, list]]:
    """(text, segments) of each line of the current screen as the compositor paints it."""
    lines = []
    for strip in app.screen._compositor.render_strips():
        segments = list(strip)
        lines.append(("".join(s.text for s in segments), segments))
    return lines


def assert_no_feed_styles(app: ClpApp, where: str) -> None:
    """No cell above the footer carries an action or a link: markup in feed text made neither."""
    lines = screen_lines(app)
    for y, (_, segments) in enumerate(lines[:-1]):
        for segment in segments:
            style = segment.style
            if style is None:
                continue
            assert not style.link, f"{where}: a link on line {y}: {segment.text!r}"
            actions = {k: v for k, v in (style.meta or {}).items() if k == "@click"}  # (scrollbars have @mouse.*)
            assert not actions, f"{where}: an action {actions} on line {y}: {segment.text!r}"


def check_shot(app: ClpApp, where: str, *, literals: tuple[str, ...] = MARKUP_LITERALS) -> str:
    svg = app.export_screenshot()
    for ch in RAW_CONTROLS + ("\r",):
        assert ch not in svg, f"{where}: raw {ch!r} in the screenshot"
    shown = svg_text(svg)
    for literal in literals:
        assert literal in shown, f"{where}: {literal!r} is not shown literally"
    assert_no_feed_styles(app, where)
    return shown


async def test_every_screen_shows_hostile_text_literally_and_inertly(cache: Cache) -> None:
    app = ClpApp(cache.config, cache.db, live=False, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        for key, mode in zip("1234", ("board", "branches", "inbox", "press"), strict=True):
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode
            if mode == "press":  # the cursor starts in the empty Idea column: go to the card
                for _ in range(7):
                    if "QUITMARK" in str(getattr(app.screen.query_one("#press-detail"), "content", "")):
                        break
                    await pilot.press("l")
                    await pilot.pause()
            shown = check_shot(app, mode)
            assert "␛[2J" in shown and "⟨U+202E⟩" in shown and "␇" in shown, mode

        # The inbox, every comment (the escalated one too): the 20,000-character comment in the detail pane.
        await pilot.press("3")
        screen = app.screen
        while screen.view != "all":
            await pilot.press("f")
        await pilot.pause()
        index = next(i for i in range(screen.source.total) if screen.source.get(i).id == "c-long")
        screen.rows.cursor = index
        await pilot.pause(0.2)
        shown = check_shot(app, "inbox, long comment", literals=("LONGSTART twenty thousand",))
        assert clean(LONG_COMMENT) == LONG_COMMENT and len(screen.current().body) == 20_000

        # Dialogs quote feed text: the escalation reason prompt and a milestone's status.
        await pilot.press("home")
        await pilot.press("e")
        await pilot.pause()
        check_shot(app, "escalate dialog", literals=())
        await pilot.press("escape")
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        check_shot(app, "status dialog", literals=())
        await pilot.press("escape")

        # The command palette searches every item's text.
        await pilot.press("ctrl+p")
        await pilot.pause()
        app.screen.query_one(Input).value = "BOLDMARK"
        await pilot.pause(0.5)
        check_shot(app, "command palette", literals=("BOLDMARK",))
        await pilot.press("escape")
        await pilot.pause()

        # The filter line echoes what is typed: typed markup stays literal too.
        await pilot.press("3")
        await pilot.press("slash")
        await pilot.pause()
        app.screen.query_one("#filter", Input).value = "[@click=app.quit]FILTERMARK[/]"
        await pilot.press("enter")
        await pilot.pause()
        check_shot(app, "filter line", literals=("[@click=app.quit]FILTERMARK[/]",))
        assert app.is_running


async def test_clicking_where_feed_markup_would_act_does_nothing(cache: Cache) -> None:
    app = ClpApp(cache.config, cache.db, live=False, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        clicked = 0
        for key, mode in zip("1234", ("board", "branches", "inbox", "press"), strict=True):
            await pilot.press(key)
            if mode == "press":
                await pilot.press("l", "l")  # to the column holding the hostile card
            elif mode == "inbox":  # the comment rows themselves, each one
                for row in (4, 3, 2, 1):  # ending on the first, whose detail shows QUITMARK
                    await pilot.click("#inbox-list", offset=(60, row))  # on the comment text
                    clicked += 1
                    assert not app._exit and app.return_code is None, f"a click on comment row {row} quit the app"
            await pilot.pause(0.2)  # the detail pane follows the cursor after a short debounce
            hits = [
                (y, m.start()) for y, (text, _) in enumerate(screen_lines(app)) for m in re.finditer("QUITMARK", text)
            ]
            assert hits, f"no QUITMARK on the {mode} screen"
            for y, x in hits[:2]:
                # Where "[@click=app.quit]QUITMARK[/]" would act if it were read as markup.
                await pilot.click(offset=(x, y))
                clicked += 1
                assert not app._exit and app.return_code is None, f"a click on {mode} line {y} quit the app"
                if not isinstance(app.screen, DashboardScreen):  # a click may open a dialog: close it
                    await pilot.press("escape")
        assert clicked >= 8
        # Still alive and still answering keys.
        await pilot.press("2")
        await pilot.pause()
        assert app.current_mode == "branches" and app.is_running and not app._exit
    assert app.return_code in (None, 0)
    store = Store(cache.db)
    try:  # and nothing was decided by a click
        assert store.query("SELECT count(*) FROM decisions")[0][0] == 3
    finally:
        store.close()


# -- the commands --------------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["milestones", "activity", "comments", "press"])
def test_list_text_and_json_are_inert_and_json_keeps_the_data_exactly(cache: Cache, what: str) -> None:
    code, err, out = cache.clp("list", what)
    assert code == 0, err
    text = out.decode()
    assert_inert(text, f"list {what}")
    kind = {"milestones": "milestone", "activity": "activity", "comments": "comment", "press": "press"}[what]
    assert len(text.splitlines()) == len(
        Store(cache.db).query("SELECT 1 FROM items WHERE kind = ? AND archived = 0", (kind,))
    )
    code, err, out = cache.clp("list", what, "--json")
    assert code == 0, err
    assert_inert(out.decode(), f"list {what} --json")
    records = [json.loads(line) for line in out.decode().splitlines()]
    raw = {r["id"]: json.loads(r["raw"]) for r in Store(cache.db).query("SELECT id, raw FROM items")}
    for record in records:
        published = raw[record["id"]]
        for key, value in published.items():
            if key != "id":
                assert record[key] == value, (what, key)  # JSON escapes, the data is byte for byte


def test_the_comment_list_line_shows_placeholders_not_controls(cache: Cache) -> None:
    code, _, out = cache.clp("list", "comments")
    lines = out.decode().splitlines()
    evil = next(line for line in lines if line.startswith("comments/c-[bold]BOLDMARK"))
    assert "␛[2J" in evil and "[bold]BOLDMARK[/bold]" in evil


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_the_report_escapes_feed_text(cache: Cache, fmt: str) -> None:
    code, err, out = cache.clp("report", "--format", fmt, "--as-of", "2026-11-23")
    assert code == 0, err
    document = out.decode()
    assert_inert(document, f"report {fmt}")
    rendered = MarkdownIt("commonmark").render(document) if fmt == "markdown" else document
    lowered = rendered.lower()
    assert "<script" not in lowered and "<img" not in lowered  # as text only, never as tags
    assert 'href="javascript' not in lowered and "href='javascript" not in lowered
    assert "HTMLMARK" in rendered  # shown, as text
    assert "numeric id" not in document  # a comment's words never reach the meeting report


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_decision_export_is_inert(cache: Cache, fmt: str) -> None:
    code, err, out = cache.clp("export", "decisions", "--format", fmt)
    assert code == 0, err
    text = out.decode()
    assert_inert(text, f"export decisions {fmt}", allow_cr=fmt == "csv")
    if fmt == "json":
        rows = json.loads(text)
        assert [r["reason"] for r in rows] == [EVIL] * 3  # exact, through JSON escapes
        assert rows[0]["officer"] == OFFICER
    else:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        assert [r["reason"] for r in rows] == [clean(EVIL)] * 3  # placeholders, formula-safe
        assert all(not r["item_id"].startswith(("=", "+", "-", "@")) for r in rows)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_evidence_pack_is_inert(cache: Cache, fmt: str) -> None:
    target = cache.folder / f"pack.{fmt}"
    code, err, out = cache.clp("export", "escalation", "/".join(ESCALATED), "--output", str(target))
    assert code == 0, err
    assert_inert(out.decode(), "export escalation output")
    document = target.read_text(encoding="utf-8")
    assert_inert(document, f"pack {fmt}")
    assert "LONGSTART" in document  # the whole comment is the evidence
    rendered = MarkdownIt("commonmark").render(document) if fmt == "md" else document
    assert "<script" not in rendered.lower()


@pytest.mark.parametrize("screen", ["board", "branches", "inbox", "press"])
def test_snapshots_are_inert(cache: Cache, screen: str) -> None:
    target = cache.folder / f"{screen}.svg"
    code, err, out = cache.clp("snapshot", "--screen", screen, "--size", "120x40", "--output", str(target))
    assert code == 0, err
    svg = target.read_text(encoding="utf-8")
    assert_inert(svg, f"snapshot {screen}")
    assert "<script" not in svg.lower()
    assert "[bold]BOLDMARK[/bold]" in svg_text(svg)


def test_sync_and_check_feed_output_is_inert(cache: Cache) -> None:
    for args in (("sync", "--force"), ("sync", "--json", "--force")):
        code, err, out = cache.clp(*args)
        assert code in (0, 1) and "Traceback" not in err, err
        assert_inert(out.decode() + err, " ".join(args))
    url = cache.config.feeds[2].url
    for args in (("check-feed", url), ("check-feed", url, "--json")):
        code, err, out = cache.clp(*args)
        assert code in (0, 1) and "Traceback" not in err, err
        assert_inert(out.decode() + err, " ".join(args))


def test_hostile_pieces_are_all_exercised() -> None:
    """Guard for the corpus itself: every piece is in EVIL, and clean() changes the dangerous ones."""
    for name, piece in HOSTILE.items():
        assert piece in EVIL
        if any(ch in piece for ch in RAW_CONTROLS + ("\r",)):
            assert not any(ch in clean(piece) for ch in RAW_CONTROLS + ("\r",)), name
