"""Finding 13: a cache path that is not a regular file is named for what it is. Before,
a FIFO given as `--db` was reported as "disk I/O error: the disk may be full or
failing", which sends an officer after the wrong problem."""

from __future__ import annotations

import os

import pytest


@pytest.mark.parametrize("command", [("list", "comments"), ("sync",), ("purge",), ("report",)])
def test_a_fifo_as_the_cache_is_refused(cli, tmp_path, command: tuple[str, ...]) -> None:
    cli.write_config([{"name": "inbox", "url": "https://example.org/f.json", "kind": "comment"}])
    fifo = tmp_path / "cache.db"
    os.mkfifo(fifo)
    done = cli(*command, "--config", str(cli.config), "--db", str(fifo), files=False)
    assert done.returncode == 1, (done.returncode, done.stderr)
    (line,) = done.stderr.strip().splitlines()
    assert line == f"clp-tui: {fifo} is a FIFO, not a cache file; give --db the path of a file"
    assert not list(tmp_path.glob("cache.db-*"))


def test_a_folder_as_the_cache_is_refused(cli, tmp_path) -> None:
    cli.write_config([{"name": "inbox", "url": "https://example.org/f.json", "kind": "comment"}])
    folder = tmp_path / "cache.db"
    folder.mkdir()
    done = cli("sync", "--config", str(cli.config), "--db", str(folder), files=False)
    assert done.returncode == 1
    assert f"{folder} is a folder, not a cache file" in done.stderr
