"""Officers over a real OpenSSH server on loopback: each key logs in as its officer
(forced command), read-only commands run, anything else is refused."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from pathlib import Path

from clp_tui.data.presence import presence_path

from .tmux import Terminal


def test_a_forced_command_refuses_a_shell(clp_server) -> None:
    result = clp_server.run("sam-patel", "bash", "-c", "id")
    assert result.returncode == 2
    assert "uid=" not in result.stdout + result.stderr
    assert "not allowed over SSH" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_read_only_command_runs_as_the_officer(clp_server) -> None:
    result = clp_server.run("ann-lee", "list comments --json")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 8
    officers = clp_server.run("ann-lee", "officers list --json")
    assert [json.loads(line)["id"] for line in officers.stdout.splitlines()] == ["ann-lee", "sam-patel"]


def test_two_officers_triage_one_inbox_and_the_log_says_who_did_what(clp_server, tmp_path) -> None:
    sam = Terminal(tmp_path / "tmux.sock", "sam", clp_server.dashboard_argv("sam-patel"))
    ann = Terminal(tmp_path / "tmux.sock", "ann", clp_server.dashboard_argv("ann-lee"))
    try:
        for officer, name in ((sam, "Sam Patel"), (ann, "Ann Lee")):
            officer.wait_for(lambda s, name=name: name in s.splitlines()[0], f"{name} in the header")
            officer.keys("3")
            officer.wait_for(lambda s: "comment number 1" in s, "the inbox")
        sam.keys("a")  # approves comment 1, the first unreviewed
        ann.wait_for(lambda s: "comment number 1" not in s, "Sam's approval reach Ann's inbox")
        ann.keys("j", "x")  # comment 3 (Sam's cursor is now on comment 2)
        ann.wait_for(lambda s: "comment number 3" not in s.split("╰")[0], "Ann's hide land")
        log = json.loads(clp_server.run("sam-patel", "export decisions --format json").stdout)
        who = {(d["item_id"], d["value"]): (d["officer"], d["officer_id"]) for d in log}
        assert who == {("c1", "approved"): ("Sam Patel", "sam-patel"), ("c3", "hidden"): ("Ann Lee", "ann-lee")}
    finally:
        sam.close()
        ann.close()


def test_each_sees_the_other_and_is_asked_before_deciding_what_the_other_is_on(clp_server, tmp_path) -> None:
    sam = Terminal(tmp_path / "tmux.sock", "sam", clp_server.dashboard_argv("sam-patel"))
    ann = Terminal(tmp_path / "tmux.sock", "ann", clp_server.dashboard_argv("ann-lee"))
    try:
        for officer in (sam, ann):
            officer.wait_for(lambda s: "Board" in s, "the dashboard")
            officer.keys("3")
        sam.keys("j")  # Sam on comment 2, Ann on comment 1
        screen = ann.wait_for(lambda s: "+Sam Patel" in s.splitlines()[0], "Sam online in Ann's header")
        assert screen.splitlines()[0].index("Ann Lee") < screen.splitlines()[0].index("+Sam Patel")
        row = ann.wait_for(lambda s: any("SP" in line and "comment number 2" in line for line in s.splitlines()), "SP")
        assert not any("SP" in line and "comment number 1" in line for line in row.splitlines())
        ann.keys("j")
        ann.wait_for(lambda s: "Sam Patel is looking at this" in s, "Sam in Ann's preview")
        sam.wait_for(lambda s: "+Ann Lee" in s.splitlines()[0], "Ann online in Sam's header")
        ann.keys("x")  # hide what Sam is looking at: Ann is asked first, and says no
        ann.wait_for(lambda s: "Sam Patel is looking at this now — hide anyway?" in s, "the collision prompt")
        ann.keys("Enter")
        ann.wait_for(lambda s: "nothing recorded" in s, "the prompt answered")
        assert json.loads(clp_server.run("ann-lee", "export decisions --format json").stdout) == []
        sam.keys("q")
        ann.wait_for(lambda s: "+Sam Patel" not in s.splitlines()[0], "Sam gone once he quit")
    finally:
        sam.close()
        ann.close()


def sam_beat(presence: Path) -> bool:
    if not presence.exists():
        return False
    with contextlib.closing(sqlite3.connect(presence)) as conn:
        return bool(conn.execute("SELECT 1 FROM presence WHERE officer_id = 'sam-patel'").fetchall())


def test_who_was_there_first_is_in_the_header_though_they_never_move(clp_server, tmp_path) -> None:
    """Sam logs in and sits on the board; Ann logs in after him. Her first screen is painted
    before presence is read, and Sam never moves (his beats change nothing): her header must
    still name him within 2 s of her dashboard opening."""
    sam = Terminal(tmp_path / "tmux.sock", "sam", clp_server.dashboard_argv("sam-patel"))
    try:
        sam.wait_for(lambda s: "Board" in s, "Sam's dashboard")
        presence = presence_path(clp_server.cli.db)
        deadline = time.monotonic() + 10
        while not sam_beat(presence):  # Sam is in the presence file before Ann's dashboard reads it
            assert time.monotonic() < deadline, "Sam's dashboard never beat"
            time.sleep(0.1)
        ann = Terminal(tmp_path / "tmux.sock", "ann", clp_server.dashboard_argv("ann-lee"))
        try:
            ann.wait_for(lambda s: "Board" in s, "Ann's dashboard")
            ann.wait_for(lambda s: "+Sam Patel" in s.splitlines()[0], "Sam in Ann's header", timeout=2)
        finally:
            ann.close()
    finally:
        sam.close()


def test_the_dashboard_without_a_terminal_says_to_ask_for_one(clp_server) -> None:
    result = clp_server.run("sam-patel")  # ssh -T: no terminal
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr and "ssh -t" in result.stderr
