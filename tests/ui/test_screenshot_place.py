"""The palette's screenshot on a server account without ~/Downloads: saved beside the
database (clp_tui/terminal_env.py), where the officer can fetch it with scp."""

from __future__ import annotations

import asyncio
from pathlib import Path

from clp_tui.terminal_env import save_screenshots_where_possible


async def test_the_palette_screenshot_is_saved_beside_the_database_without_downloads(env) -> None:
    app = env.app(start="board")
    save_screenshots_where_possible(app, env.db)
    async with app.run_test(size=(80, 24)) as pilot:
        assert not (Path.home() / "Downloads").exists()
        app.deliver_screenshot("shot.svg")
        target = env.db.parent / "shot.svg"
        for _ in range(200):
            if target.exists() and target.stat().st_size:
                break
            await asyncio.sleep(0.02)
        await pilot.pause()
        assert target.read_text(encoding="utf-8").startswith("<svg")
