"""Finding 7, the rest: `--output` creates its file exclusively (O_EXCL). A file already
there (planted by someone else in a shared folder, readable by them) or a symlink is
refused in one line; `--force` replaces the file with a new one (renamed into place,
so nobody's open handle or link sees the new contents), never writing through a link.

Before: `report`, `export decisions` and `export escalation` opened an existing file
and wrote into it (keeping whoever else could read it as a reader); `snapshot`
wrote through a symlink.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from feedserver import comment, feed_bytes
from frozen import CLOCK

from clp_tui.data.decision_log import decide
from clp_tui.data.store import Store


@pytest.fixture
def cached(server, cli, sync_now):
    feeds = [{"name": "comments", "url": server.feed("comments", feed_bytes([comment("c-1")])), "kind": "comment"}]
    cli.write_config(feeds, officer={"name": "Test Officer"})
    sync_now(cli.db, feeds)
    store = Store(cli.db, clock=CLOCK)
    decide(store, [("comments", "c-1")], "moderation", "escalated", officer="Test Officer")
    store.close()
    return cli


COMMANDS = {
    "report": ("report", "--output"),
    "decisions": ("export", "decisions", "--output"),
    "pack": ("export", "escalation", "comments/c-1", "--output"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_file_already_there_is_not_written_into(cached, tmp_path: Path, command: str) -> None:
    planted = tmp_path / "shared" / "out.md"
    planted.parent.mkdir()
    planted.write_text("someone else's file\n")
    planted.chmod(0o666)
    before = planted.stat()
    done = cached(*COMMANDS[command], str(planted))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"clp-tui: {planted} already exists; give another name, or add --force to replace it"
    ]
    assert planted.read_text() == "someone else's file\n"
    assert (planted.stat().st_ino, stat.S_IMODE(planted.stat().st_mode)) == (before.st_ino, 0o666)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_force_replaces_it_with_a_new_file(cached, tmp_path: Path, command: str) -> None:
    planted = tmp_path / "out.md"
    planted.write_text("old\n")
    planted.chmod(0o666)
    watcher = open(planted)  # noqa: SIM115 - someone who had it open before
    try:
        done = cached(*COMMANDS[command], str(planted), "--force")
        assert done.returncode == 0, done.stderr
        assert planted.read_text() != "old\n"
        assert watcher.read() == "old\n"  # a new file, not the old one rewritten
    finally:
        watcher.close()
    private = command != "report"
    assert stat.S_IMODE(planted.stat().st_mode) == (0o600 if private else 0o644)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.md.")] == []  # no temporary left


def test_force_does_not_write_through_a_symlink(cached, tmp_path: Path) -> None:
    target = tmp_path / "victim.txt"
    target.write_text("precious\n")
    link = tmp_path / "report.md"
    link.symlink_to(target)
    done = cached("report", "--output", str(link), "--force")
    assert done.returncode == 1
    assert "is a symbolic link; refusing to write through it" in done.stderr
    assert target.read_text() == "precious\n"


def test_a_second_pack_in_the_same_folder_says_so(cached, tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    first = cached("export", "escalation", "comments/c-1", "--output", f"{folder}/")
    assert first.returncode == 0, first.stderr
    again = cached("export", "escalation", "comments/c-1", "--output", f"{folder}/")
    assert again.returncode == 1 and "already exists" in again.stderr and "--force" in again.stderr
    assert len(os.listdir(folder)) == 1


def test_snapshot_does_not_write_through_a_symlink(cached, tmp_path: Path) -> None:
    target = tmp_path / "victim.txt"
    target.write_text("precious\n")
    link = tmp_path / "board.svg"
    link.symlink_to(target)
    done = cached("snapshot", "--screen", "board", "--size", "80x24", "--output", str(link), timeout=120)
    assert done.returncode == 1
    assert "is a symbolic link; refusing to write through it" in done.stderr
    assert target.read_text() == "precious\n"
