"""Fixtures for the officers tests: a cache with comments, two registered officers with
their own keys, and (for the SSH tests) a real sshd on loopback; see sshd.py."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from feedserver import FeedServer, comment, feed_bytes

from .sshd import Sshd, free_port, keygen, skip_unless_possible

COMMENTS = [comment(f"c{i}", f"comment number {i}") for i in range(1, 9)]


@dataclass
class Server:
    """The CLP's server: sshd, the cache, and each officer's private key by id."""

    sshd: Sshd
    keys: dict[str, Path]
    cli: object

    def dashboard_argv(self, officer: str) -> list[str]:
        return self.sshd.ssh_argv(self.keys[officer], tty=True)

    def run(self, officer: str, *command: str):
        return self.sshd.run(self.keys[officer], *command)


@pytest.fixture
def clp_server(tmp_path: Path, cli, server: FeedServer) -> Iterator[Server]:
    skip_unless_possible()
    server.route("/c", body=feed_bytes(COMMENTS))
    cli.write_config(  # a shared server as docs/ssh.md sets it up: its cron job syncs, no dashboard polls
        [{"name": "inbox", "url": server.url("/c"), "kind": "comment"}],
        {"dashboard_polls": False},
        officer={"name": "Laptop Default"},
    )
    assert cli("sync").returncode == 0
    sshd = Sshd(tmp_path / "sshd", free_port(), tmp_path / "sshd" / "authorized_keys")
    sshd.root.mkdir()
    keys = {}
    for officer_id, name in (("sam-patel", "Sam Patel"), ("ann-lee", "Ann Lee")):
        key = keygen(tmp_path / officer_id, f"{officer_id}@laptop")
        added = cli("officers", "add", name, "--key", f"{key}.pub", "--authorized-keys", str(sshd.authorized_keys))
        assert added.returncode == 0, added.stderr
        keys[officer_id] = key
    home = cli.home
    sshd.start(
        {
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_STATE_HOME": str(home / ".local/state"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
        }
    )
    try:
        yield Server(sshd, keys, cli)
    finally:
        sshd.stop()
