"""The cases added by issue 16 (performance, step 2), run by bench/run.py:

* [8] two `clp-tui sync` processes started together on one new cache: rows written
  in total (counted by triggers) and what each reported;
* [9] growth past 50,000: the inbox's first screen and `j` at 500,000 comments
  against the same at 50,000 (comments-only caches, both made by `clp-tui sync`);
* [10] a dashboard left alone for 60 s with 4 feeds polled every 10 s, all 304;
* [11] process start to first paint in a real pseudo-terminal, against the bare app.

A mixin of `Bench` (bench/run.py), whose helpers it uses.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

from common import CLP, HERE, MAX_BYTES, PY, Row, check, copy_db, median, p95, remove_db, say, write_config
from proc import run

from clp_tui.demo.bulk import comments_feed

BIG = 500_000
IDLE_LIMIT_PERCENT = 0.5
GROWTH_LIMIT = 1.1
PAINT_LIMIT = 1.25
PAINT_SIZE = "140x45"
# What the first screen shows once its data is drawn: the board's list title, and the
# floor's last visible row.
PAINT_MARKER = "milestones by horizon"
FLOOR_MARKER = "Comment number 40 about"

_COUNT_WRITES = """
CREATE TABLE bench_written (what TEXT);
CREATE TRIGGER bench_ins AFTER INSERT ON items BEGIN INSERT INTO bench_written VALUES ('insert'); END;
CREATE TRIGGER bench_upd AFTER UPDATE ON items BEGIN INSERT INTO bench_written VALUES ('update'); END;
CREATE TRIGGER bench_del AFTER DELETE ON items BEGIN INSERT INTO bench_written VALUES ('delete'); END;
"""


class Step2Cases:
    """Cases [8]-[11]; mixed into bench/run.py's Bench."""

    # -- [8] two syncs at once -----------------------------------------------------------

    def case_race(self: Any) -> None:

        n = self.args.items
        say(f"\n[8] two `clp-tui sync` started together on one new cache, {n:,} comments")
        config = write_config(self.tmp / "race.toml", [("comments", self.server.url("comments"), "comment")])
        db = self.tmp / "race.db"
        remove_db(db)
        # The cache and its tables first (as any earlier command would have made them),
        # then triggers that count every row written, inside the syncs' own transactions.
        make = f"from clp_tui.data.store import Store; Store({str(db)!r}).close()"
        check(run([PY, "-c", make], env=self.env, cwd=self.tmp), "create the race cache")
        conn = sqlite3.connect(db)
        conn.executescript(_COUNT_WRITES)
        conn.close()
        argv = self.sync_argv(config, db)
        procs = [
            subprocess.Popen(
                argv, env=self.env, cwd=self.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=300) for p in procs]
        for p, (out, err) in zip(procs, outputs, strict=True):
            if p.returncode != 0:
                raise SystemExit(f"race sync failed (exit {p.returncode}):\n{out}\n{err[-3000:]}")
        conn = sqlite3.connect(db)
        written = dict(conn.execute("SELECT what, count(*) FROM bench_written GROUP BY what").fetchall())
        logged = conn.execute("SELECT added, updated, unchanged FROM sync_log ORDER BY seq").fetchall()
        conn.close()
        total = sum(written.values())
        for line in (o.strip() for o, _ in outputs):
            say(f"      {line}")
        say(f"    rows written: {written}; sync_log (added, updated, unchanged): {logged}")
        self.extra["race"] = {"written": written, "logged": logged, "stdout": [o for o, _ in outputs]}
        self.add(Row("8 two syncs: rows written in total", "", "", float(total), float(n), " rows", note=f"{written}"))
        second_unchanged = sorted(logged) == [(0, 0, n), (n, 0, 0)]
        self.add(
            Row(
                "8 the second reports every row unchanged",
                "",
                "",
                float(second_unchanged),
                None,
                "",
                note=f"sync_log {logged}",
                passed=second_unchanged,
            )
        )

    # -- [9] growth to 500,000 -----------------------------------------------------------

    def case_big(self: Any) -> None:

        n = self.args.items
        big = self.args.big
        say(f"\n[9] growth: the inbox at {big:,} comments against {n:,}")
        started = time.perf_counter()
        self.bodies["comments-big"] = json.dumps(comments_feed(big)).encode()
        url = self.server.url("comments-big")
        config = write_config(self.tmp / "big.toml", [("comments", url, "comment")])
        text = config.read_text(encoding="utf-8").replace(
            f"max_bytes = {MAX_BYTES}", "max_bytes = 1000000000\nmax_items = 10000000"
        )
        config.write_text(text, encoding="utf-8")
        db = self.tmp / "big.db"
        r = check(run(self.sync_argv(config, db), env=self.env, cwd=self.tmp), "sync of the big feed")
        del self.bodies["comments-big"]
        say(
            f"    made the {big:,}-comment cache in {time.perf_counter() - started:.1f} s "
            f"(sync {r.seconds:.1f} s, peak RSS {r.maxrss_mib:.0f} MiB); kept in {db.name} for this run"
        )
        small_config = self.tmp / f"sync-{n}.toml"
        runs = self.timed(
            [
                (
                    f"snapshot inbox[{n // 1000}k comments]",
                    self.snapshot_argv("inbox", small_config, self.synced, self.tmp / "inbox-small.svg"),
                    None,
                ),
                (
                    f"snapshot inbox[{big // 1000}k comments]",
                    self.snapshot_argv("inbox", config, db, self.tmp / "inbox-big.svg"),
                    None,
                ),
            ]
        )
        small, large = runs[f"snapshot inbox[{n // 1000}k comments]"], runs[f"snapshot inbox[{big // 1000}k comments]"]
        self.ratio_row(f"9 snapshot inbox {big // 1000}k vs {n // 1000}k", large, small, GROWTH_LIMIT)

        # `j` at both sizes, alternating processes so a busy spell hits both. The ratio is of
        # the medians of each process's own p95: a p95 of a few milliseconds pooled from two
        # processes per size moved by a third between runs with nothing in `j` growing.
        frames: dict[int, list[float]] = {n: [], big: []}
        round_p95: dict[int, list[float]] = {n: [], big: []}
        for _ in range(self.args.big_rounds):
            for size, cfg, cache in ((n, small_config, self.synced), (big, config, db)):
                copy = self.tmp / f"keys-{size}.db"
                copy_db(cache, copy)
                argv = [PY, str(HERE / "keys.py"), "inbox", str(cfg), str(copy), "--j", "0", "--a", "0"]
                argv += ["--frames", str(self.args.big_frames)]
                out = check(run(argv, env=self.env, cwd=self.tmp), f"keys at {size:,}")
                presses = json.loads(out.stdout)["frame_j"]
                frames[size] += presses
                round_p95[size].append(p95(presses))
        small_p95, big_p95 = median(round_p95[n]), median(round_p95[big])
        self.extra["growth_keys"] = {str(k): v for k, v in frames.items()}
        self.extra["growth_keys_round_p95"] = {str(k): v for k, v in round_p95.items()}
        self.add(
            Row(
                f"9 j p95 at {big // 1000}k vs {n // 1000}k",
                "",
                "",
                big_p95 / small_p95,
                GROWTH_LIMIT,
                "x",
                note=f"median of {len(round_p95[n])} processes' p95 {big_p95:.1f} ms vs {small_p95:.1f} ms; "
                f"pooled p95 {p95(frames[big]):.1f} vs {p95(frames[n]):.1f}, p50 {median(frames[big]):.1f} vs "
                f"{median(frames[n]):.1f} ms; {len(frames[n])} presses each",
            )
        )

    # -- [10] idle -----------------------------------------------------------------------

    def case_idle(self: Any) -> None:

        seconds = self.args.idle_seconds
        say(f"\n[10] the dashboard left alone for {seconds:g} s: 4 feeds polled every 10 s, all answering 304")
        lines = []
        for name, kind in (
            ("comments", "comment"),
            ("plan", "milestone"),
            ("activity", "activity"),
            ("press", "press"),
        ):
            url = self.server.url(name)
            lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', f'kind = "{kind}"', "refresh = 10", ""]
        config = self.tmp / "idle.toml"
        config.write_text("\n".join([*lines, "[network]", f"max_bytes = {MAX_BYTES}", ""]), encoding="utf-8")
        db = self._idle_db()
        argv = [PY, str(HERE / "idle.py"), str(config), str(db), "--seconds", str(seconds)]
        out = check(run(argv, env=self.env, cwd=self.tmp, timeout=seconds + 120), "idle dashboard")
        result = json.loads(out.stdout)
        self.extra["idle"] = result
        say(f"    {result}")
        answers = result.get("answers", {})
        self.add(
            Row(
                "10 idle: CPU s / wall s",
                "",
                "",
                result["core_percent"],
                IDLE_LIMIT_PERCENT,
                "%",
                note=f"{result['cpu_seconds']:.3f} s CPU in {result['wall_seconds']:.1f} s; "
                f"{result['frames']} frames; polls answered {answers}",
            )
        )
        all_304 = bool(answers) and set(answers) == {"not_modified"}
        self.add(
            Row(
                "10 idle: every poll answered 304",
                "",
                "",
                float(all_304),
                None,
                "",
                note=f"{answers}",
                passed=all_304,
            )
        )
        quiet = result["screen_reloads"] == 0 and result["store_queries"] == 0
        self.add(
            Row(
                "10 idle: no screen re-query after a 304",
                "",
                "",
                float(quiet),
                None,
                "",
                note=f"{result['screen_reloads']} screen reloads, {result['store_queries']} queries on the UI thread",
                passed=quiet,
            )
        )

    def _idle_db(self: Any) -> Path:
        """A copy of the full cache in a folder of its own (the dashboard watches the cache's folder)."""

        folder = self.tmp / "idle"
        folder.mkdir(exist_ok=True)
        return copy_db(self.full_db, folder / "idle.db")

    # -- [11] start to first paint -------------------------------------------------------

    def case_paint(self: Any) -> None:

        say(f"\n[11] process start to first paint in a pseudo-terminal ({PAINT_SIZE}), full cache")
        folder = self.tmp / "paint"
        folder.mkdir(exist_ok=True)
        paint = [PY, str(HERE / "paint.py")]
        floor = [*paint, FLOOR_MARKER, PAINT_SIZE, "--", PY, str(HERE / "floor_textual.py"), "--app"]
        product = [*paint, PAINT_MARKER, PAINT_SIZE, "--", CLP, "--config", str(self.full_config)]
        product += ["--db", str(folder / "paint.db")]

        def fresh(_round: int) -> None:
            copy_db(self.full_db, folder / "paint.db")

        runs = self.timed(
            [("first paint: bare Textual app", floor, None), ("first paint: clp-tui", product, fresh)],
            repeat=self.args.paint_repeat,
        )
        # paint.py reports the time to the marker (its own start-up is the same for both).
        for series in runs.values():
            for r in series.runs:
                measured = json.loads(r.stdout)
                r.seconds, r.cpu_seconds = measured["seconds"], measured["cpu_seconds"]
        self.ratio_row(
            "11 dashboard start to first paint vs bare Textual",
            runs["first paint: clp-tui"],
            runs["first paint: bare Textual app"],
            PAINT_LIMIT,
        )
