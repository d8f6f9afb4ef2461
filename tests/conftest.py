"""Shared fixtures for the data-layer tests: real loopback servers, real SQLite
files under tmp_path, and the real `clp-tui` command run as a subprocess with
HOME (and the XDG folders) pointed at tmp_path so no user's own config is read."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from feedserver import FeedServer, config_toml
from frozen import CLOCK, ENV

from clp_tui.config import parse_config
from clp_tui.data.store import Store
from clp_tui.data.sync import FeedReport, sync_feeds

REPO = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """Freeze clp-tui's clock for the whole run (tests/frozen.py): code that takes the
    default clock, in this process or a child, lives on the suite's day, not today."""
    os.environ.update(ENV)


# -- running things ----------------------------------------------------------------------


def sync(
    db: Path,
    feeds: list[dict[str, Any]],
    network: dict[str, Any] | None = None,
    *,
    force: bool = False,
    env: dict[str, str] | None = None,
) -> list[FeedReport]:
    """Sync in this process: the real fetcher, parser and store, nothing mocked."""
    config = parse_config(config_toml(feeds, network))
    store = Store(db, clock=CLOCK)
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        return asyncio.run(sync_feeds(store, config, force=force))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        store.close()


def rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read with a fresh connection of our own, as another process would."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@dataclass
class Cli:
    """Runs `python -m clp_tui.cli` with a private HOME and the test's config and db."""

    home: Path
    config: Path
    db: Path

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "CLP_"))}
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_DATA_HOME=str(self.home / ".local" / "share"),
            XDG_STATE_HOME=str(self.home / ".local" / "state"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            PYTHONPATH=str(REPO),
            PYTHONDONTWRITEBYTECODE="1",
            **ENV,
        )
        env.update(extra or {})
        return env

    def write_config(self, feeds: list[dict[str, Any]], network: dict[str, Any] | None = None, **tables: Any) -> Path:
        self.config.write_text(config_toml(feeds, network, **tables), encoding="utf-8")
        return self.config

    def __call__(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 30, files: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run a command; `files=True` adds --config and --db for this test."""
        argv = [sys.executable, "-m", "clp_tui.cli", *args]
        if files:
            argv += ["--config", str(self.config), "--db", str(self.db)]
        return subprocess.run(
            argv,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=self.env(env),
            cwd=self.home,
            timeout=timeout,
        )

    def popen(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        argv = [sys.executable, "-m", "clp_tui.cli", *args, "--config", str(self.config), "--db", str(self.db)]
        return subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env(env), cwd=self.home
        )


# -- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


@pytest.fixture
def other_server() -> Iterator[FeedServer]:
    """A second origin (another port on the loopback address)."""
    with FeedServer() as srv:
        yield srv


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cache.db"


@pytest.fixture
def cli(tmp_path: Path, db: Path) -> Cli:
    home = tmp_path / "home"
    home.mkdir()
    return Cli(home=home, config=tmp_path / "config.toml", db=db)


@pytest.fixture(scope="session")
def cli_class() -> type[Cli]:
    """For module-scoped fixtures that run commands: `cli_class(home=, config=, db=)`."""
    return Cli


@pytest.fixture
def sync_now():
    """`sync_now(db, feeds, network=None, force=False, env=None)`: one sync, in this process."""
    return sync


@pytest.fixture
def sql():
    """`sql(db, "SELECT ...")`: rows read through a connection of the test's own."""
    return rows
