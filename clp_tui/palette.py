"""The command palette's jump provider: find any milestone, branch, comment or
press card by its text and go straight to it."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from clp_tui.data.jump import find_items
from clp_tui.data.text import one_line
from clp_tui.registry import BY_KIND, SCREENS

if TYPE_CHECKING:
    from clp_tui.app import ClpApp

_LIMIT = 12


class JumpProvider(Provider):
    """Searches the cache with SQL (the inbox may hold 50,000 comments)."""

    @property
    def clp(self) -> ClpApp:
        return self.app  # type: ignore[return-value]

    def _find(self, words: list[str]) -> list[tuple[str, str, str, str]]:
        return find_items(self.clp.store, words, limit=_LIMIT)

    async def search(self, query: str) -> Hits:
        words = [w.lower() for w in query.split() if w]
        if not words:
            return
        rows = await asyncio.to_thread(self._find, words)
        for feed, item_id, label, kind in rows:
            screen = BY_KIND[kind]
            text = f"{screen.noun}: {one_line(label, 100)}"
            if self.clp.meeting and kind == "comment":
                continue
            yield Hit(
                1.0 / (1 + len(text)),
                Content(text),  # plain: feed text never becomes markup here
                partial(self.clp.jump_to, screen.name, (feed, item_id)),
                text=text,
                help=f"{feed}",
            )

    async def discover(self) -> Hits:
        for screen in SCREENS:
            yield DiscoveryHit(screen.title, partial(self.clp.switch_mode, screen.name), help="Go to this screen")
