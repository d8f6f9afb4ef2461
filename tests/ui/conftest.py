"""Fixtures for the UI tests: the demo world on a real loopback FeedServer, a real
config.toml, one real sync into a real SQLite cache, and a ClpApp with a fixed clock
and no background polling (live=False)."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from feedserver import FeedServer, config_toml
from frozen import CLOCK, NOW, TODAY  # noqa: F401 - NOW and TODAY are imported from here by the UI tests

from clp_tui.app import ClpApp
from clp_tui.config import Config, parse_config
from clp_tui.data.store import Store
from clp_tui.data.sync import sync_feeds
from clp_tui.demo.world import DemoWorld

SIZE = (120, 40)
KINDS = {"plan": "milestone", "activity": "activity", "comments": "comment", "press": "press"}
OFFICER = "Test Officer"


def config_text(urls: dict[str, str], kinds: dict[str, str], keys: dict[str, str] | None = None) -> str:
    """The UI tests' config.toml: an officer, one watch word, the suite's short timeouts."""
    feeds = [{"name": name, "url": url, "kind": kinds[name]} for name, url in urls.items()]
    tables: dict[str, dict[str, Any]] = {"officer": {"name": OFFICER}, "moderation": {"watch_words": ["locked up"]}}
    if keys:
        tables["keys"] = keys
    return config_toml(feeds, **tables)


@dataclass
class Env:
    """What a UI test gets: the config, the cache, the server and a way to rewrite the config."""

    tmp_path: Path
    config: Config
    db: Path
    config_path: Path
    server: FeedServer
    urls: dict[str, str]
    kinds: dict[str, str]

    def __iter__(self):  # (config, db_path), as the brief asks
        return iter((self.config, self.db))

    def app(self, start: str | None = None, **kwargs: Any) -> ClpApp:
        """A ClpApp on this cache with the fixed clock and no polling. `start` opens it on
        that screen (board, branches, inbox, press) rather than the board, which saves a
        screen's worth of compose per test; test_shell.py presses 1-4 for real."""
        kwargs.setdefault("clock", CLOCK)
        kwargs.setdefault("live", False)
        if start is not None:
            assert start in ClpApp.MODES, start
        return ClpApp(self.config, self.db, mode=start, **kwargs)

    def app_with(self, config: Config, **kwargs: Any) -> ClpApp:
        """A ClpApp as `app()` makes, on another config (e.g. one read back from the file)."""
        kwargs.setdefault("clock", CLOCK)
        kwargs.setdefault("live", False)
        return ClpApp(config, self.db, **kwargs)

    def with_display_theme(self, theme: str) -> Config:
        """The config file with `[display] theme = theme` added, as an officer would write it."""
        text = self.config_path.read_text(encoding="utf-8") + f'\n[display]\ntheme = "{theme}"\n'
        self.config_path.write_text(text, encoding="utf-8")
        self.config = parse_config(text, str(self.config_path))
        return self.config

    def with_keys(self, keys: dict[str, str]) -> Config:
        text = config_text(self.urls, self.kinds, keys)
        self.config_path.write_text(text, encoding="utf-8")
        self.config = parse_config(text, str(self.config_path))
        return self.config

    def store(self) -> Store:
        """A Store of the test's own: another connection, as a second officer would have."""
        return Store(self.db, clock=CLOCK)


def _sync(db: Path, config: Config) -> None:
    store = Store(db, clock=CLOCK)
    try:
        # On a thread of its own: make_env() may be called from inside an async test.
        with ThreadPoolExecutor(max_workers=1) as pool:
            reports = pool.submit(asyncio.run, sync_feeds(store, config)).result()
    finally:
        store.close()
    bad = [r for r in reports if r.status not in ("ok", "not_modified")]
    assert not bad, [r.as_json() for r in bad]


def build_env(tmp_path: Path, extra: dict[str, tuple[str, dict[str, Any]]] | None = None) -> Iterator[Env]:
    """Serve DemoWorld(2026-11-23, seed=7) (plus any `extra` feeds: name -> (kind, document)),
    write config.toml, sync once into cache.db."""
    world = DemoWorld(TODAY, seed=7)
    extra = extra or {}
    docs = {name: world.feed(name) for name in KINDS}
    docs.update({name: doc for name, (_, doc) in extra.items()})
    kinds = {**KINDS, **{name: kind for name, (kind, _) in extra.items()}}

    with FeedServer() as server:
        urls = {name: server.feed(name, json.dumps(docs[name]).encode()) for name in kinds}
        config_path = tmp_path / "config.toml"
        text = config_text(urls, kinds)
        config_path.write_text(text, encoding="utf-8")
        config = parse_config(text, str(config_path))
        db = tmp_path / "cache.db"
        _sync(db, config)
        yield Env(tmp_path, config, db, config_path, server, urls, kinds)


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Crash reports and any default paths land under tmp_path, never in the real HOME."""
    monkeypatch.setenv("HOME", str(tmp_path))
    for name, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        monkeypatch.setenv(name, str(tmp_path / sub))


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    yield from build_env(tmp_path)


@pytest.fixture
def make_env(tmp_path: Path) -> Iterator[Callable[..., Env]]:
    """`make_env(extra={"evil": ("comment", feed_doc)})` for tests that need more feeds."""
    gens: list[Iterator[Env]] = []

    def make(extra: dict[str, tuple[str, dict[str, Any]]] | None = None) -> Env:
        gen = build_env(tmp_path, extra)
        gens.append(gen)
        return next(gen)

    yield make
    for gen in gens:
        gen.close()


# -- helpers shared by the test files ------------------------------------------------------------


def decisions(db: Path, field: str | None = None) -> list[dict[str, Any]]:
    """Every row of the decision log (optionally one field), oldest first, via a fresh Store."""
    store = Store(db)
    try:
        sql = "SELECT * FROM decisions" + (" WHERE field = ?" if field else "") + " ORDER BY seq"
        return [dict(r) for r in store.query(sql, (field,) if field else ())]
    finally:
        store.close()


def state(db: Path, field: str) -> dict[tuple[str, str], Any]:
    """decision_state for one field: (feed, item id) -> decoded value."""
    store = Store(db)
    try:
        rows = store.query("SELECT feed, item_id, value FROM decision_state WHERE field = ?", (field,))
        return {(r["feed"], r["item_id"]): json.loads(r["value"]) for r in rows}
    finally:
        store.close()


async def settle(pilot, until: Callable[[], bool] | None = None, timeout: float = 5.0) -> None:
    """Let the writer thread land its work and the UI repaint: wait until `until()` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    await asyncio.sleep(0)
    while until is not None and not until():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the UI to settle")
        await asyncio.sleep(0.01)  # the app runs meanwhile; no forced repaint per poll
    await pilot.pause()


def plain(widget) -> str:
    """The text a Static shows, as plain text (a rich Table is rendered to text)."""
    content = widget.content if hasattr(widget, "content") else widget.render()
    if hasattr(content, "plain"):
        return content.plain
    if isinstance(content, str):
        return content
    from rich.console import Console

    with open(os.devnull, "w") as sink:
        console = Console(width=max(widget.size.width, 40), record=True, file=sink)
        console.print(content)
        return console.export_text()


def row_text(rowlist, index: int) -> str:
    """The plain text of one RowList row as its source renders it."""
    width = rowlist.scrollable_content_region.width or 100
    return "".join(t.plain for t in rowlist.source.render_row(index, width, rowlist.row_height))


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def burst(pilot, *keys: str) -> None:
    """Deliver keys the way the terminal driver does when several arrive in one read
    (key repeat, a fast typist, a paste): all queued at once, nothing awaited between."""
    from textual import events
    from textual.keys import _character_to_key

    app = pilot.app
    for key in keys:
        char = key if len(key) == 1 else {"space": " "}.get(key)
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        event = events.Key(name, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def type_text(pilot, text: str) -> None:
    """Type `text` into whatever has focus, as one burst of key events, then settle."""
    burst(pilot, *text)
    await pilot.pause()
