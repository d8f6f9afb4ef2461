"""`clp-tui init` and `--help` as a user runs them (subprocesses, private HOME): init
writes a private starter config that parses, under HOME by default; help works."""

from __future__ import annotations

import os
import stat

import pytest

from clp_tui.config import parse_config

# -- init --------------------------------------------------------------------------------


def test_init_writes_a_private_starter_config_that_parses(cli) -> None:
    result = cli("init", "--config", str(cli.config), files=False)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(cli.config).st_mode) == 0o600
    config = parse_config(cli.config.read_text(), str(cli.config))
    assert config.feeds == [] and "commented out" in result.stdout
    # The first sync after init asks for a feed; it does not fail on a placeholder address.
    first = cli("sync", "--config", str(cli.config), "--db", str(cli.db), files=False)
    assert first.returncode == 2 and "no feeds configured" in first.stderr
    again = cli("init", "--config", str(cli.config), files=False)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert cli("init", "--config", str(cli.config), "--force", files=False).returncode == 0


def test_the_default_config_lives_under_home(cli) -> None:
    result = cli("init", files=False)
    assert result.returncode == 0
    assert (cli.home / ".config" / "clp-tui" / "config.toml").is_file()


# -- help --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["sync"]])
def test_help_works(cli, command: list[str]) -> None:
    result = cli(*command, "--help", files=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: clp-tui") and "--config" in result.stdout
    assert "Traceback" not in result.stderr
