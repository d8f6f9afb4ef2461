"""Textual's Footer, rebuilt once per burst of binding changes and only when what it shows changed.

Textual's Footer re-creates every key widget (and applies CSS to each) whenever the
screen says its bindings changed: after each focus move, each screen change, and
once more when the app goes idle. Moving between the kanban's columns, or opening a
screen, caused up to five rebuilds of ~25 keys showing the same thing; this one
rebuilds at most once per refresh and not at all when the keys on show are the same,
and restyles each new key once rather than twice.

`?` Help and `q` Quit come first, whatever the screen: a narrow terminal cuts the
footer at its right-hand end, and those two keys must never be what is cut.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

# Actions whose keys the footer shows first, in this order (by action, so a remapped key moves too).
PINNED = ("help", "quit")


class Footer(TextualFooter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rebuild_pending = False
        self._shown: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        for key in keys:
            if isinstance(key, FooterKey):
                # A key starts compact, then takes the footer's `compact` once mounted. Left
                # to its watcher, each key was restyled to compact and back, ~0.5 ms apiece
                # before the first paint; set here, it is styled compact as it mounts and
                # restyled once, by the same steps to the same picture.
                key.set_reactive(FooterKey.compact, True)
                key.add_class("-compact", update=False)
        pinned = sorted(
            (w for w in keys if getattr(w, "action", None) in PINNED),
            key=lambda w: PINNED.index(w.action),  # type: ignore[attr-defined]
        )
        yield from pinned
        yield from (w for w in keys if w not in pinned)

    def bindings_changed(self, screen: Screen) -> None:
        # As Textual's own (8.2), but coalesced: `_bindings_ready` is what its compose() checks.
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild_if_changed)

    def shown_keys(self) -> tuple[Any, ...]:
        """What the footer would show: each shown binding, whether it is enabled, its tooltip."""
        keys = tuple(
            (binding.key, binding.action, binding.description, binding.key_display, enabled, tooltip)
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )
        return (self.compact, self.show_command_palette, keys)

    async def _rebuild_if_changed(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return
        shown = self.shown_keys()
        if shown == self._shown:
            return
        self._shown = shown
        await self.recompose()
