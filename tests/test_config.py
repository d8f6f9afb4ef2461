"""Settings: a good config loads with defaults; a bad one is exit code 2 with one
line that names the file and the key, and never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clp_tui.config import (
    Config,
    ConfigError,
    config_warnings,
    load_config,
    parse_config,
    starter_text,
    token_for,
)

GOOD_FEED = '[[feeds]]\nname = "plan"\nurl = "https://clp.example/plan.json"\nkind = "milestone"\n'


def test_a_minimal_config_gets_every_default() -> None:
    config = parse_config(GOOD_FEED, "c.toml")
    (feed,) = config.feeds
    assert (feed.name, feed.kind, feed.refresh, feed.token_env) == ("plan", "milestone", 60, None)
    assert config.network.max_bytes == 20 * 1024 * 1024 and config.network.max_pages == 50
    assert config.feed("plan") is feed and config.feed("nope") is None


def test_the_starter_config_is_valid_and_every_feed_in_it_is_an_example() -> None:
    """A live placeholder feed made the first `sync` fail; every example is commented out,
    and each one, uncommented, is a valid feed."""
    text = starter_text()
    assert parse_config(text, "starter.toml").feeds == []
    examples = [block for block in text.split("\n\n") if "# [[feeds]]" in block]
    assert len(examples) == 3
    for block in examples:
        uncommented = "\n".join(line.removeprefix("# ") for line in block.splitlines() if line.startswith("# "))
        assert len(parse_config(uncommented[uncommented.index("[[feeds]]") :], "example").feeds) == 1


def test_an_empty_file_is_an_empty_config() -> None:
    assert parse_config("", "c.toml").feeds == []


def test_a_missing_default_config_is_an_empty_one(cli) -> None:
    # No --config: the default path under this test's HOME, which does not exist.
    result = cli("sync", "--db", str(cli.db), files=False)
    assert result.returncode == 2
    assert f"no feeds configured in {cli.home}" in result.stderr


def test_a_file_url_and_a_token_env_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    text = '[[feeds]]\nname = "local-file"\nurl = "file:///srv/feed.json"\nkind = "comment"\ntoken_env = "MY_TOKEN"\n'
    (feed,) = parse_config(text).feeds
    monkeypatch.setenv("MY_TOKEN", "abc")
    assert token_for(feed) == "abc"
    monkeypatch.setenv("MY_TOKEN", "")
    assert token_for(feed) is None


# -- errors: exactly one line, naming file and key ---------------------------------------

BAD_CONFIGS = {
    "unknown top-level key": ('colour = "red"\n', "colour", "unknown key"),
    "unknown key in a table": ("[network]\nread_timout = 5\n", "network.read_timout", "unknown key"),
    "unknown key in a feed": (GOOD_FEED + 'tokn_env = "X"\n', "feeds[0].tokn_env", "unknown key"),
    "wrong type": ('[network]\nread_timeout = "fast"\n', "network.read_timeout", "Expected `float`"),
    "wrong type for a table": ('network = "fast"\n', "network", "Expected `object`"),
    "out of range": ("[network]\nmax_pages = 5000\n", "network.max_pages", "<= 1000"),
    "duplicate feed name": (GOOD_FEED + GOOD_FEED, "feeds[1].name", "duplicate feed name 'plan'"),
    "bad url scheme": (GOOD_FEED.replace("https://", "ftp://"), "feeds[0].url", "scheme 'ftp'"),
    "no url scheme": (GOOD_FEED.replace("https://", ""), "feeds[0].url", "scheme '(none)'"),
    "no host": (GOOD_FEED.replace("https://clp.example", "https://"), "feeds[0].url", "no host name"),
    "bad port": (GOOD_FEED.replace("clp.example", "clp.example:99999"), "feeds[0].url", "not a valid URL"),
    "bad host": (GOOD_FEED.replace("clp.example", "[::1"), "feeds[0].url", "not a valid URL"),
    "reserved name": (GOOD_FEED.replace('"plan"', '"local"'), "feeds[0].name", "reserved"),
    "bad feed name": (GOOD_FEED.replace('"plan"', '"my plan!"'), "feeds[0].name", "regex"),
    "bad kind": (GOOD_FEED.replace('"milestone"', '"tweets"'), "feeds[0].kind", "tweets"),
    "missing url": ('[[feeds]]\nname = "plan"\nkind = "press"\n', "feeds[0].url", "required key is missing"),
    "bad token_env": (GOOD_FEED + 'token_env = "my token"\n', "feeds[0].token_env", "not an environment variable"),
    "not TOML": ("[network\nread_timeout = 5\n", "line 1", "not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_a_bad_config_names_the_file_and_the_key(tmp_path: Path, case: str) -> None:
    text, key, problem = BAD_CONFIGS[case]
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert key in message and problem in message
    assert "\n" not in message


def test_a_missing_config_file_given_explicitly_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml")


def test_a_config_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[officer]\nname = "Sin\xe9ad"\n')
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(path)


@pytest.mark.parametrize(
    "case", ["unknown key in a table", "wrong type", "duplicate feed name", "bad url scheme", "bad port"]
)
def test_the_cli_turns_a_bad_config_into_one_line_and_exit_2(cli, case: str) -> None:
    text, key, problem = BAD_CONFIGS[case]
    cli.config.write_text(text, encoding="utf-8")
    result = cli("sync")
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"clp-tui: config error: {cli.config}: ")
    assert key in line and problem in line
    assert not cli.db.exists()  # nothing was touched


def test_the_cli_reports_a_missing_config_file_in_one_line(cli) -> None:
    result = cli("list", "comments")  # cli.config was never written
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert str(cli.config) in line and "no such file" in line and "clp-tui init" in line


def test_a_world_readable_config_with_a_secret_gets_a_warning(cli) -> None:
    cli.config.write_text('[officer]\nname = "Sam"\n# token = "ghp_abcdefghijklmnopqrst"\n')
    os.chmod(cli.config, 0o644)
    (warning,) = config_warnings(cli.config)
    assert "chmod 600" in warning
    os.chmod(cli.config, 0o600)
    assert config_warnings(cli.config) == []


def test_keys_section_is_free_form() -> None:
    config = parse_config('[keys]\n"inbox.approve" = "y,enter"\n')
    assert isinstance(config, Config) and config.keys == {"inbox.approve": "y,enter"}
