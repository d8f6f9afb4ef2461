"""Cases 1-3 of bench/run.py: the cold sync of the 50,000-comment feed against a
stdlib floor, the unchanged (304) re-sync against a bare httpx conditional GET, and
the re-sync with 1 % of the comments changed against a cold sync of the same body.

A mixin of `Bench` (bench/run.py), whose helpers it uses.
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.request
from pathlib import Path
from typing import Any

from common import CLP, HERE, PY, RESYNC_LIMIT, Row, Series, check, copy_db, remove_db, say, write_config
from proc import run


class SyncCases:
    """Cases [1]-[3]; mixed into bench/run.py's Bench."""

    def sync_argv(self: Any, config: Path, db: Path) -> list[str]:
        return [CLP, "sync", "--config", str(config), "--db", str(db)]

    def cold_sync(self: Any, size: int, label: str) -> tuple[Series, Series, Path]:
        """Cold sync of one comments feed of `size` items vs the stdlib floor. Returns a synced db copy."""
        name = "comments" if size == self.args.items else f"comments-{size}"
        url = self.server.url(name)
        config = write_config(self.tmp / f"sync-{size}.toml", [("comments", url, "comment")])
        db = self.tmp / f"cold-{size}.db"
        floor_db = self.tmp / f"floor-{size}.db"
        runs = self.timed(
            [
                (
                    f"floor_sync[{label}]",
                    [PY, str(HERE / "floor_sync.py"), url, str(floor_db)],
                    lambda n: remove_db(floor_db),
                ),
                (f"clp-tui sync cold[{label}]", self.sync_argv(config, db), lambda n: remove_db(db)),
            ]
        )
        template = copy_db(db, self.tmp / f"synced-{size}.db")
        self.extra.setdefault("sync_output", {})[label] = self.series[f"clp-tui sync cold[{label}]"].runs[-1].stdout
        return runs[f"clp-tui sync cold[{label}]"], runs[f"floor_sync[{label}]"], template

    def case_sync(self: Any) -> None:
        n = self.args.items
        say(f"\n[1] cold sync, {n:,} comments")
        product, floor, self.synced = self.cold_sync(n, f"{n // 1000}k")
        self.cold = product
        self.ratio_row("1 cold sync vs stdlib floor", product, floor, 1.5)

        say(f"\n[2] re-sync unchanged (304), {n:,} comments")
        url = self.server.url("comments")
        config = self.tmp / f"sync-{n}.toml"
        db = copy_db(self.synced, self.tmp / "resync.db")
        request = urllib.request.Request(url, method="HEAD")
        with urllib.request.urlopen(request) as response:
            etag = response.headers["ETag"]
        # A read-only connection held open across the runs, like a dashboard beside `sync`:
        # PRAGMA data_version changes for it whenever another connection commits.
        watcher = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        watcher.execute("SELECT count(*) FROM feeds").fetchone()  # opens the WAL index, as a reader does

        def stamp() -> tuple[Any, ...]:
            files = []
            for suffix in ("", "-wal"):
                try:
                    st = os.stat(f"{db}{suffix}")
                    files.append((st.st_mtime_ns, st.st_size))
                except FileNotFoundError:
                    files.append(None)
            return (watcher.execute("PRAGMA data_version").fetchone()[0], *files)

        before = stamp()
        runs = self.timed(
            [
                ("floor_304 (httpx)", [PY, str(HERE / "floor_304.py"), url, etag], None),
                ("clp-tui sync 304", self.sync_argv(config, db), None),
            ]
        )
        after = stamp()
        watcher.close()
        product = runs["clp-tui sync 304"]
        self.ratio_row("2 re-sync 304 vs httpx conditional GET", product, runs["floor_304 (httpx)"], 1.5)
        not_modified = all("not modified" in r.stdout for r in product.runs)
        self.add(
            Row("2 every re-sync answered 'not modified'", "", "", float(not_modified), None, "", passed=not_modified)
        )
        unchanged = before == after
        self.extra["resync_stamps"] = {"before": before, "after": after}
        self.add(
            Row(
                "2 zero DB writes (data_version, mtimes)",
                "",
                "",
                float(unchanged),
                None,
                "",
                note=f"before {before} after {after}",
                passed=unchanged,
            )
        )
        imports = check(
            run(
                [PY, "-X", "importtime", CLP, "sync", "--config", str(config), "--db", str(db)],
                env=self.env,
                cwd=self.tmp,
            ),
            "importtime sync",
        )
        modules = [
            line.split("|")[-1].strip() for line in imports.stderr.splitlines() if line.startswith("import time:")
        ]
        textual_mods = [m for m in modules if m == "textual" or m.startswith("textual.")]
        self.extra["sync_imports"] = {
            "count": len(modules),
            "textual": textual_mods,
            "heaviest": _heaviest_imports(imports.stderr),
        }
        self.add(
            Row(
                "2 sync process did not import textual",
                "",
                "",
                float(not textual_mods),
                None,
                "",
                note=f"{len(modules)} modules imported",
                passed=not textual_mods,
            )
        )

        say(f"\n[3] re-sync with 1% changed (HTTP 200), {n:,} comments, beside a cold sync of the same body")
        db3 = self.tmp / "mutated.db"
        cold3 = self.tmp / "cold-mutated.db"
        self.bodies["comments"] = self.mutated
        try:
            # The cold sync it is divided by runs in the same rounds, interleaved, as every
            # other floor here: case 1's series, timed minutes earlier, let a change in the
            # machine's state between the two move this ratio (0.37-0.50x on one code).
            runs = self.timed(
                [
                    ("clp-tui sync cold (beside case 3)", self.sync_argv(config, cold3), lambda k: remove_db(cold3)),
                    ("clp-tui sync 1% changed", self.sync_argv(config, db3), lambda k: copy_db(self.synced, db3)),
                ]
            )
        finally:
            self.bodies["comments"] = json.dumps(self.feeds["comments"]).encode()
        product = runs["clp-tui sync 1% changed"]
        self.extra.setdefault("sync_output", {})["mutated"] = product.runs[-1].stdout
        self.ratio_row(
            "3 re-sync 1% changed vs cold sync", product, runs["clp-tui sync cold (beside case 3)"], RESYNC_LIMIT
        )


def _heaviest_imports(stderr: str, top: int = 8) -> list[tuple[str, float]]:
    """Top-level imports by cumulative ms from `-X importtime` output."""
    found = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        if not name.startswith(" ") and "." not in name.strip():
            found.append((name.strip(), int(cumulative) / 1000))
    return sorted(found, key=lambda x: -x[1])[:top]
