"""Several officers and processes on one cache at once.

Real processes (the `clp-tui` command, and dashboards driven by Textual's Pilot in
child interpreters) against one SQLite file, with a loopback feed server whose
feeds change on every request so that every sync writes.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from feedserver import FeedServer, Route, activity, comment, config_toml, feed_bytes
from procwait import finish_all

from clp_tui.app import ClpApp
from clp_tui.config import parse_config
from clp_tui.data.store import SCHEMA_VERSION

from .children import child_env

DECISIONS = 6  # per officer
TROUBLE = ("locked", "busy", "NOT recorded", "Traceback", "failed")


def _comments() -> bytes:
    return feed_bytes(
        [comment(f"fb{i:02d}", f"facebook comment {i}", platform="facebook") for i in range(12)]
        + [comment(f"x{i:02d}", f"x comment {i}", platform="x") for i in range(12)]
    )


def _changing_grid(server: FeedServer):
    """Every request gets different figures, so every sync really writes."""

    def answer(request) -> Route:
        n = len(server.log())
        return Route(
            body=feed_bytes(
                [
                    activity(f"a{b}", branch=f"Branch {b}", week="2026-W47", metrics={"doors": n * 10 + b})
                    for b in range(40)
                ]
            )
        )

    return answer


@pytest.fixture
def shared(server: FeedServer, tmp_path: Path) -> tuple[Path, Path, list[dict[str, str]]]:
    server.route("/comments", body=_comments())
    server.route("/grid", dynamic=_changing_grid(server))
    feeds = [
        {"name": "inbox", "url": server.url("/comments"), "kind": "comment", "refresh": 5},
        {"name": "grid", "url": server.url("/grid"), "kind": "activity", "refresh": 5},
    ]
    config = tmp_path / "config.toml"
    config.write_text(config_toml(feeds), encoding="utf-8")
    return config, tmp_path / "cache.db", feeds


# Imports first, then wait for the starting gun, so that every process opens the cache at once.
_ON_GO = r"""
import asyncio, json, sys, time
from pathlib import Path
import clp_tui.cli, clp_tui.data.store, clp_tui.data.sync, clp_tui.app
go, what, config, db = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
if what == "sync":
    sys.exit(clp_tui.cli.main(["sync", "--config", config, "--db", db]))

async def dashboard() -> None:
    from clp_tui.config import load_config
    app = clp_tui.app.ClpApp(load_config(Path(config)), Path(db), live=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        for _ in range(500):
            await pilot.pause(0.02)
            if app.screen.source.total == 24:
                break
        print("\n" + json.dumps({"shown": app.screen.source.total, "notes": [str(n.message) for n in app._notifications],
                          "errors": [r["last_error"] for r in app._feed_rows if r.get("last_error")]}))
asyncio.run(dashboard())
"""


def test_three_processes_starting_at_once_on_a_new_cache(shared, tmp_path: Path) -> None:
    config, _, _ = shared
    home = tmp_path / "home"
    home.mkdir()
    for round_ in range(2):
        db = tmp_path / f"fresh{round_}.db"
        go = tmp_path / f"go{round_}"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _ON_GO, str(go), what, str(config), str(db)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=child_env(home),
                cwd=home,
            )
            for what in ("sync", "sync", "dashboard")
        ]
        for p in procs:  # every child has imported and is waiting
            assert p.stdout.readline() == "ready\n"
        go.touch()
        results = finish_all(procs)
        for code, out, err in results:
            assert code == 0, (round_, out, err)
            assert not any(word in out + err for word in TROUBLE if word != "failed"), (round_, out, err)
        shown = json.loads(results[2][1].splitlines()[-1])
        assert shown["shown"] == 24 and not shown["errors"], shown
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("SELECT version, count(*) FROM migrations GROUP BY version").fetchall() == [
                (v, 1) for v in range(1, SCHEMA_VERSION + 1)
            ]
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT count(*) FROM items WHERE kind = 'comment'").fetchone()[0] == 24
        finally:
            conn.close()


_SYNC_LOOP = r"""
import sys, time, io, contextlib
from pathlib import Path
from clp_tui.cli import main
stop, config, db = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
runs, bad = 0, []
while not stop.exists():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["sync", "--force", "--config", config, "--db", db])
    runs += 1
    if code != 0:
        bad.append(out.getvalue())
print(runs, len(bad))
for line in bad[:5]:
    print(line)
"""

_OFFICER_B = r"""
import asyncio, json, sys
DECISIONS = int(sys.argv[3])
from pathlib import Path
from clp_tui.app import ClpApp
from clp_tui.config import load_config

async def main() -> None:
    config = load_config(Path(sys.argv[1]))
    config.officer.name = "Officer B"
    app = ClpApp(config, Path(sys.argv[2]), live=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        screen._set_filter("platform:x")
        await pilot.pause()
        for n in range(DECISIONS):
            await pilot.press("a")
            for _ in range(500):
                await pilot.pause(0.01)
                mine = app.store.query("SELECT count(*) FROM decisions WHERE officer = 'Officer B'")[0][0]
                if mine == n + 1 and screen.source.total == 12 - n - 1:
                    break
        screen._set_filter("")
        screen.view = "all"
        seen = {}
        for _ in range(1500):  # until officer A's ten decisions show on this dashboard
            await pilot.pause(0.02)
            screen.refresh_data()
            rows = [screen.source.get(i) for i in range(screen.source.total)]
            seen = {r.id: (r.decision, r.decided_by) for r in rows if r.decision}
            if len(seen) >= 2 * DECISIONS:
                break
        print(json.dumps({"seen": seen, "notes": [str(n.message) for n in app._notifications],
                          "errors": [r["last_error"] for r in app._feed_rows if r.get("last_error")]}))

asyncio.run(main())
"""


async def test_two_syncs_and_two_dashboards_on_one_cache(shared, tmp_path: Path) -> None:
    config_path, db, feeds = shared
    home = tmp_path / "home"
    home.mkdir()
    stop = tmp_path / "stop"
    env = child_env(home)
    loops = [
        subprocess.Popen(
            [sys.executable, "-c", _SYNC_LOOP, str(stop), str(config_path), str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=home,
        )
        for _ in range(2)
    ]
    officer_b = None
    try:
        await asyncio.sleep(0.5)
        officer_b = subprocess.Popen(
            [sys.executable, "-c", _OFFICER_B, str(config_path), str(db), str(DECISIONS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=home,
        )
        config = parse_config(config_path.read_text(), str(config_path))
        config.officer.name = "Officer A"
        app = ClpApp(config, db, live=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("3")
            for _ in range(500):  # the first sync may still be under way
                await pilot.pause(0.02)
                if app.screen.source.total == 24 or app.screen.source.total < 24 and app.screen.source.total > 12:
                    break
            screen = app.screen
            screen._set_filter("platform:facebook")
            await pilot.pause()
            for n in range(DECISIONS):
                await pilot.press("x")
                for _ in range(500):
                    await pilot.pause(0.01)
                    mine = app.store.query("SELECT count(*) FROM decisions WHERE officer = 'Officer A'")[0][0]
                    if mine == n + 1 and screen.source.total == 12 - n - 1:
                        break
            screen._set_filter("")
            screen.view = "all"
            seen: dict[str, tuple[str, str]] = {}
            for _ in range(1500):  # until officer B's decisions show here too
                await pilot.pause(0.02)
                rows = [screen.source.get(i) for i in range(screen.source.total)]
                seen = {r.id: (r.decision, r.decided_by) for r in rows if r.decision}
                if len(seen) >= 2 * DECISIONS:
                    break
            notes = [str(n.message) for n in app._notifications]
            errors = [r["last_error"] for r in app._feed_rows if r.get("last_error")]
        out_b, err_b = await asyncio.to_thread(officer_b.communicate, timeout=90)
    finally:
        stop.touch()
        for proc in [*loops, *([officer_b] if officer_b else [])]:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
    results = [p.communicate() for p in loops]

    conn = sqlite3.connect(db)
    try:
        expected = {
            i: (json.loads(v), o) for i, v, o in conn.execute("SELECT item_id, value, officer FROM decision_state")
        }
    finally:
        conn.close()
    # Each officer decided on six comments of their own platform, and nothing else was decided.
    assert sorted(expected.values()) == [("approved", "Officer B")] * DECISIONS + [("hidden", "Officer A")] * DECISIONS
    assert all(i.startswith("fb" if o == "Officer A" else "x") for i, (_, o) in expected.items())
    # Officer A's dashboard shows both officers' decisions...
    assert seen == expected, seen
    assert not any(word in " ".join(notes + errors) for word in TROUBLE), (notes, errors)
    # ...and so does officer B's.
    assert officer_b.returncode == 0, err_b
    b = json.loads(out_b)
    assert {k: tuple(v) for k, v in b["seen"].items()} == expected, b
    assert not any(word in " ".join(b["notes"] + b["errors"]) for word in TROUBLE), b
    # The syncs ran all along, and none of them met a locked database.
    for out, err in results:
        runs, failures = map(int, out.split("\n")[0].split())
        assert runs >= 2 and failures == 0, out
        assert not any(word in err for word in TROUBLE), err
    # No decision lost: every one in the log and current, the file sound.
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 2 * DECISIONS
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM sync_log WHERE outcome = 'error'").fetchone()[0] == 0
    finally:
        conn.close()
