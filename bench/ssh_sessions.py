#!/usr/bin/env python3
"""One small server, many officers: N dashboards logged in at once over a real sshd on
loopback, each with its own key and forced command, while `clp-tui sync` runs in a loop
against feeds that keep changing. The server is set up as docs/ssh.md says, with
`[network] dashboard_polls = false` (the sync loop is the cron job); with
`--dashboards-poll` the first dashboard polls for everyone as well. Measures, per session: RSS (the dashboard process's
resident set), CPU while the officer does nothing, and key-to-frame latency (a key
typed into one session's terminal until the first bytes of the repaint come back
through ssh) while the others sit idle.

    sudo .venv/bin/python bench/ssh_sessions.py                # 20 sessions
    sudo .venv/bin/python bench/ssh_sessions.py --sessions 5 --idle 10 --keys 40

Needs root, openssh-server and tmux (as the SSH tests do: tests/officers/sshd.py).
Prints a table and, with --json FILE, writes the figures. bench/run.py runs it as
its `ssh` case when asked (`--ssh`).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from officers.sshd import Sshd, free_port, keygen  # noqa: E402

from clp_tui.demo.bulk import comments_feed, milestones_feed, mutate_comments, press_feed  # noqa: E402
from clp_tui.demo.server import FeedServer  # noqa: E402

CLP = str(Path(sys.executable).parent / "clp-tui")
RSS_LIMIT_MIB = 60.0
IDLE_CPU_LIMIT = 0.5  # % of one core, per session
HZ = os.sysconf("SC_CLK_TCK")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


class Feeds:
    """The demo feeds, with the comments changing every `every` seconds (a live CLP)."""

    def __init__(self, comments: int, every: float) -> None:
        self.docs = {
            "comments": comments_feed(comments),
            "plan": milestones_feed(60),
            "press": press_feed(40),
        }
        self.bodies = {name: json.dumps(doc).encode() for name, doc in self.docs.items()}
        self.every, self.round = every, 0
        self._stop = threading.Event()
        self.server = FeedServer(lambda name: self.bodies.get(name))

    def start(self) -> None:
        self.server.start()
        threading.Thread(target=self._change, daemon=True).start()

    def _change(self) -> None:
        while not self._stop.wait(self.every):
            self.round += 1
            changed = mutate_comments(self.docs["comments"], 0.01, seed=self.round)
            self.bodies["comments"] = json.dumps(changed).encode()

    def stop(self) -> None:
        self._stop.set()
        self.server.stop()


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def dashboards() -> dict[str, int]:
    """officer id -> pid of each dashboard started by a forced command."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [w.decode(errors="replace") for w in argv]
        if "--as" in words and any(w.endswith("clp-tui") or w.endswith("cli.py") for w in words[:2]):
            found[words[words.index("--as") + 1]] = int(entry.name)
    return found


class PtySession:
    """One session in a terminal of the bench's own, to time keys to frames."""

    def __init__(self, argv: list[str], cols: int = 80, rows: int = 24) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["TERM"] = "xterm-256color"
            os.execvp(argv[0], argv)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.seen = b""

    def read_for(self, seconds: float) -> bytes:
        got = b""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    got += os.read(self.fd, 65536)
                except OSError:
                    break
        self.seen = (self.seen + got)[-200_000:]
        return got

    def wait_for(self, text: bytes, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            if time.monotonic() > deadline:
                raise SystemExit(f"the timed session never showed {text!r}")
            self.read_for(0.2)

    def drain(self, quiet: float = 0.15) -> None:
        while self.read_for(quiet):
            pass

    def key_to_frame(self, key: bytes, timeout: float = 5.0) -> float:
        """ms from writing the key to the first bytes of the answer."""
        self.drain()
        started = time.perf_counter()
        os.write(self.fd, key)
        ready, _, _ = select.select([self.fd], [], [], timeout)
        elapsed = (time.perf_counter() - started) * 1000
        if not ready:
            raise SystemExit(f"no frame within {timeout} s of {key!r}")
        self.read_for(0.0)
        return elapsed

    def close(self) -> None:
        os.write(self.fd, b"q")
        time.sleep(0.5)
        try:
            os.kill(self.pid, 15)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


def run(
    sessions: int, idle: float, keys: int, comments: int, change_every: float = 10.0, dashboards_poll: bool = False
) -> dict[str, Any]:
    if os.geteuid() != 0 or not shutil.which("tmux") or not Path("/usr/sbin/sshd").exists():
        raise SystemExit("needs root, openssh-server and tmux (apt-get install openssh-server tmux)")
    root = Path(tempfile.mkdtemp(prefix="clp-ssh-bench-"))
    home = root / "home"
    home.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "CLP_"))},
        "HOME": str(home),
        "PYTHONPYCACHEPREFIX": str(root / "pycache"),
    }
    feeds = Feeds(comments, every=change_every)
    feeds.start()
    config, db = root / "config.toml", root / "cache.db"
    lines = []
    for name, kind in (("comments", "comment"), ("plan", "milestone"), ("press", "press")):
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{feeds.server.url(name)}"', f'kind = "{kind}"', ""]
    network = f"[network]\nmax_bytes = 52428800\ndashboard_polls = {str(dashboards_poll).lower()}\n"
    config.write_text("\n".join(lines) + network, encoding="utf-8")
    clp = [CLP, "--config", str(config), "--db", str(db)]
    subprocess.run([*clp, "sync"], env=env, check=True, capture_output=True)
    # Bytecode compiled before anyone logs in, as `pip install` leaves it on a real server:
    # else the first dashboard compiles every module it imports and keeps ~9 MiB more heap.
    compiled = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    site = Path(__import__("textual").__file__).parents[1]  # the environment's site-packages
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", str(site), str(ROOT / "clp_tui")], env=compiled
    )
    sshd = Sshd(root / "sshd", free_port(), root / "sshd" / "authorized_keys")
    sshd.root.mkdir()
    keys_by_officer = {}
    for n in range(sessions):
        officer = f"officer-{n + 1:02d}"
        key = keygen(root / officer, officer)
        add = [*clp, "officers", "add", f"Officer {n + 1:02d}", "--key", f"{key}.pub"]
        subprocess.run([*add, "--authorized-keys", str(sshd.authorized_keys)], env=env, check=True, capture_output=True)
        keys_by_officer[officer] = key
    sshd.start({"HOME": str(home), "PYTHONPYCACHEPREFIX": str(root / "pycache"), "PATH": os.environ["PATH"]})
    sock = root / "tmux.sock"
    syncing = threading.Event()

    def sync_loop() -> None:
        while not syncing.is_set():
            subprocess.run([*clp, "sync"], env=env, capture_output=True)
            syncing.wait(5.0)

    timed: PtySession | None = None
    try:
        officers = list(keys_by_officer)
        # Officers log in one after another (each once the one before has its dashboard),
        # as they do: the first polls the feeds for all, the others find it there.
        timed = PtySession(sshd.ssh_argv(keys_by_officer[officers[0]], tty=True))
        timed.wait_for(b"Board", 120)
        for officer in officers[1:]:
            argv = " ".join(sshd.ssh_argv(keys_by_officer[officer], tty=True))
            tmux = ["tmux", "-S", str(sock)]
            subprocess.run([*tmux, "new-session", "-d", "-s", officer, "-x", "80", "-y", "24", argv], check=True)
            deadline = time.monotonic() + 120
            while (
                "Board"
                not in subprocess.run(
                    [*tmux, "capture-pane", "-p", "-t", officer], capture_output=True, text=True
                ).stdout
            ):
                if time.monotonic() > deadline:
                    raise SystemExit(f"{officer}'s dashboard never opened")
                timed.read_for(0.2)
            timed.drain(0.05)
        deadline = time.monotonic() + 180
        while len(dashboards()) < sessions:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {len(dashboards())} of {sessions} dashboards started")
            timed.read_for(0.5)
        # The timed session's terminal reads what its dashboard writes throughout, as a
        # real terminal does (a pty nobody reads fills, and its dashboard would wait).
        timed.read_for(10)  # every dashboard past its first paint and first poll
        threading.Thread(target=sync_loop, daemon=True).start()
        timed.read_for(5)
        pids = dashboards()
        before = {o: cpu_ticks(p) for o, p in pids.items()}
        started = time.monotonic()
        timed.read_for(idle)
        seconds = time.monotonic() - started
        cpu = {o: 100.0 * (cpu_ticks(p) - before[o]) / HZ / seconds for o, p in pids.items()}
        rss = {o: rss_mib(p) for o, p in pids.items()}
        os.write(timed.fd, b"3")  # the inbox
        timed.wait_for(b"Inbox", 10)
        timed.drain(0.5)
        latencies = [timed.key_to_frame(b"j" if n % 4 < 2 else b"k") for n in range(keys)]
        return {
            "sessions": len(pids),
            "dashboards_poll": dashboards_poll,
            "comments": comments,
            "change_every_s": change_every,
            "idle_seconds": round(seconds, 1),
            "rss_by_session": {o: round(v, 1) for o, v in sorted(rss.items())},
            "cpu_by_session": {o: round(v, 2) for o, v in sorted(cpu.items())},
            "rss_mib": {"min": min(rss.values()), "median": statistics.median(rss.values()), "max": max(rss.values())},
            "idle_cpu_percent": {"median": statistics.median(cpu.values()), "max": max(cpu.values())},
            "key_to_frame_ms": {"median": statistics.median(latencies), "p95": p95(latencies), "n": len(latencies)},
            "syncs_changed_feeds": feeds.round,
            "limits": {"rss_mib": RSS_LIMIT_MIB, "idle_cpu_percent": IDLE_CPU_LIMIT},
        }
    finally:
        syncing.set()
        if timed is not None:
            timed.close()
        subprocess.run(["tmux", "-S", str(sock), "kill-server"], capture_output=True)
        sshd.stop()
        feeds.stop()
        shutil.rmtree(root, ignore_errors=True)


def report(figures: dict[str, Any]) -> str:
    rss, cpu, keys = figures["rss_mib"], figures["idle_cpu_percent"], figures["key_to_frame_ms"]
    ok_rss = "ok" if rss["max"] <= RSS_LIMIT_MIB else "OVER"
    ok_cpu = "ok" if cpu["max"] <= IDLE_CPU_LIMIT else "OVER"
    return "\n".join(
        [
            f"{figures['sessions']} sessions over ssh, {figures['comments']:,} comments, sync every 5 s,"
            f" the comments feed changing every {figures['change_every_s']:g} s ({figures['syncs_changed_feeds']} changes),"
            + (" the first dashboard polling too" if figures["dashboards_poll"] else " no dashboard polling"),
            f"RSS per session       min {rss['min']:.1f}, median {rss['median']:.1f}, max {rss['max']:.1f} MiB"
            f"  (limit {RSS_LIMIT_MIB:g}: {ok_rss})",
            f"idle CPU per session  median {cpu['median']:.2f} %, max {cpu['max']:.2f} % of a core"
            f" over {figures['idle_seconds']} s  (limit {IDLE_CPU_LIMIT:g}: {ok_cpu})",
            f"key to frame          median {keys['median']:.1f} ms, p95 {keys['p95']:.1f} ms ({keys['n']} keys, j/k)",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of idle CPU measured")
    parser.add_argument("--keys", type=int, default=100, help="keys timed in one session")
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--change-every", type=float, default=10.0, help="seconds between changes to the comments feed")
    parser.add_argument(
        "--dashboards-poll", action="store_true", help="the first dashboard polls too (dashboard_polls = true)"
    )
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    figures = run(args.sessions, args.idle, args.keys, args.comments, args.change_every, args.dashboards_poll)
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    over = figures["rss_mib"]["max"] > RSS_LIMIT_MIB or figures["idle_cpu_percent"]["max"] > IDLE_CPU_LIMIT
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
