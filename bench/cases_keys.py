"""Case 6 of bench/run.py: key to frame in the inbox over 50,000 comments, measured
in-process by bench/keys.py (Pilot, a frame clock on the app), beside a bare DataTable.

A mixin of `Bench` (bench/run.py), whose helpers it uses.
"""

from __future__ import annotations

import json
from typing import Any

from common import HERE, KEY_LIMIT_MS, LANDED_NOTE, PY, Row, check, copy_db, median, p95, say
from proc import run


class KeysCases:
    """Case [6]; mixed into bench/run.py's Bench."""

    def case_keys(self: Any) -> None:
        say(f"\n[6] keypress -> repaint in the inbox, {self.args.items:,} comments (Pilot, in-process)")
        db = copy_db(self.full_db, self.tmp / "keys.db")
        j, a, frames = self.args.j, self.args.a, self.args.frames
        floor = check(
            run(
                [PY, str(HERE / "keys.py"), "floor", "--j", str(j), "--frames", str(frames)], env=self.env, cwd=self.tmp
            ),
            "keys floor",
        )
        inbox = check(
            run(
                [
                    PY,
                    str(HERE / "keys.py"),
                    "inbox",
                    str(self.full_config),
                    str(db),
                    "--j",
                    str(j),
                    "--a",
                    str(a),
                    "--frames",
                    str(frames),
                    "--a-frames",
                    str(self.args.a_frames),
                ],
                env=self.env,
                cwd=self.tmp,
            ),
            "keys inbox",
        )
        f = json.loads(floor.stdout)
        k = json.loads(inbox.stdout)
        self.extra["keys"] = {"inbox": k, "floor": f, "inbox_rss_mib": inbox.maxrss_mib}
        self.keys_rss = inbox.maxrss_mib
        say(f"    screen {k['screen']}, {k['rows']:,} rows; {k['decisions']} decisions recorded")
        say(f"    {'measure':<44} {'p50':>8} {'p95':>8}  (floor: bare DataTable, same loop)")
        for label, key, floor_key in (
            ("pilot press+pause, j", "pilot_j", "pilot_j"),
            ("pilot press+pause, a", "pilot_a", None),
            ("key -> first frame, j", "frame_j", "frame_j"),
            ("key -> settled (preview drawn), j", "settled_j", "settled_j"),
            ("key -> first frame, a (decision saved)", "frame_a", None),
            ("key -> settled, a", "settled_a", None),
            ("CPU per press (key to settled), j", "cpu_j", "cpu_j"),
            ("CPU per press (key to settled), a", "cpu_a", None),
        ):
            values = k[key]
            floor_text = f"   floor p50 {median(f[floor_key]):.1f} p95 {p95(f[floor_key]):.1f}" if floor_key else ""
            say(f"    {label:<44} {median(values):8.1f} {p95(values):8.1f}{floor_text}")
        # The limit is on what a person feels: key to the frame that shows its effect.
        self.add(
            Row(
                "6 j: key -> first frame p95",
                "",
                "",
                p95(k["frame_j"]),
                KEY_LIMIT_MS,
                "ms",
                note=f"p50 {median(k['frame_j']):.1f} ms; bare DataTable p50 {median(f['frame_j']):.1f} "
                f"p95 {p95(f['frame_j']):.1f} ms; CPU/press p50 {median(k['cpu_j']):.1f} ms "
                f"(DataTable {median(f['cpu_j']):.1f})",
            )
        )
        self.add(
            Row(
                "6 j: key -> preview drawn p95 (info)",
                "",
                "",
                p95(k["settled_j"]),
                None,
                "ms",
                note=f"p50 {median(k['settled_j']):.1f} ms; the preview follows the cursor's frame (docs/performance.md)",
            )
        )
        self.add(
            Row(
                "6 a: key -> list repainted p95",
                "",
                "",
                p95(k["frame_a"]),
                KEY_LIMIT_MS,
                "ms",
                note=f"p50 {median(k['frame_a']):.1f} ms; settled p95 {p95(k['settled_a']):.1f} ms "
                f"(the list re-orders {LANDED_NOTE}); CPU/press p50 {median(k['cpu_a']):.1f} ms",
            )
        )
        # Not a limit: `await pilot.press(); await pilot.pause()` measures Pilot's idle
        # detection (20 ms sleeps, three per press+pause) as much as the app. The same loop
        # over the bare DataTable floor is printed beside it; the app's share is the difference.
        self.add(
            Row(
                "6 j: pilot press+pause p95 (info)",
                "",
                "",
                p95(k["pilot_j"]),
                None,
                "ms",
                note=f"p50 {median(k['pilot_j']):.1f}; bare DataTable in the same loop p50 "
                f"{median(f['pilot_j']):.1f} p95 {p95(f['pilot_j']):.1f}",
            )
        )
        self.add(
            Row(
                "6 a: pilot press+pause p95 (info)",
                "",
                "",
                p95(k["pilot_a"]),
                None,
                "ms",
                note=f"p50 {median(k['pilot_a']):.1f}; includes waiting for the write to land",
            )
        )
