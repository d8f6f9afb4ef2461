"""Finding 13: a config nested too deeply is a config error (one line, exit 2), not a
crash report. Before: 100,000 brackets made tomllib recurse until Python gave up,
and every command printed "something went wrong inside clp-tui" and exited 1."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "body",
    ["a = " + "[" * 100_000 + "]" * 100_000, "a = " + "{b = " * 3_000 + "1" + "}" * 3_000],
    ids=["arrays", "inline-tables"],
)
def test_deeply_nested_toml_is_a_config_error(cli, body: str) -> None:
    cli.config.write_text(body + "\n", encoding="utf-8")
    done = cli("list", "comments")
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line == f"clp-tui: config error: {cli.config}: not valid TOML: arrays or tables are nested too deeply"
