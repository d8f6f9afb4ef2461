"""First use and bad input: what a new officer meets before anything works."""

from __future__ import annotations

from pathlib import Path

from clp_tui.data.text import plural


def test_a_misspelt_key_gets_the_closest_right_one(cli) -> None:
    cli.config.write_text(
        '[network]\ndeadlin = 5\n[[feeds]]\nname = "a"\nkind = "comment"\nurl = "https://x.org/f"\ntoken_evn = "T"\n'
    )
    result = cli("sync")
    assert result.returncode == 2
    assert "network.deadlin: unknown key; did you mean 'deadline'?" in result.stderr
    cli.config.write_text("[network]\nzzzz = 5\n")
    assert "this table's keys are: connect_timeout, read_timeout, deadline" in cli("sync").stderr
    cli.config.write_text('[[feeds]]\nname = "a"\nkind = "comment"\nurl = "https://x.org/f"\ntoken_evn = "T"\n')
    assert "feeds[0].token_evn: unknown key; did you mean 'token_env'?" in cli("sync").stderr


def test_a_config_error_never_prints_a_control_sequence(cli) -> None:
    cli.config.write_text('[network]\n"\\u001b]0;owned\\u0007" = 5\n')
    result = cli("sync")
    assert result.returncode == 2 and "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "␛]0;owned␇" in result.stderr


def test_list_with_a_mistyped_db_refuses_and_creates_nothing(cli, tmp_path: Path) -> None:
    cli.write_config([])
    typo = tmp_path / "cahce.db"
    result = cli("list", "comments", "--config", str(cli.config), "--db", str(typo), files=False)
    assert result.returncode == 1
    assert f"no cache at {typo}" in result.stderr and not typo.exists()


def test_counts_read_as_english() -> None:
    assert plural(1, "comment") == "1 comment"
    assert plural(2, "comment") == "2 comments"
    assert plural(1200, "branch", "branches") == "1,200 branches"
