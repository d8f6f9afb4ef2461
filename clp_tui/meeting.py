"""Meeting mode: the dashboard on a projector. High contrast, read-only, no
commenters' names or words, and the screens taking turns on their own.

A *locked* meeting mode (each browser session of `clp-tui serve`) cannot be left:
not by `M`, a key remapped to it in `[keys]`, the command palette or an action
run by name. Its palette offers no theme (which would write the config) and no
screenshot (a file on the server)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from textual.theme import Theme

from clp_tui.registry import SCREENS

if TYPE_CHECKING:
    from textual.app import App, SystemCommand
    from textual.timer import Timer

# High contrast for a projector at the back of a room; symbols still carry every status.
MEETING_THEME = Theme(
    name="clp-meeting",
    primary="#FFFFFF",
    secondary="#FFD700",
    accent="#FFD700",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    warning="#FFD700",
    error="#FF5555",
    success="#55FF55",
    dark=True,
)

# The screens meeting mode shows in turn (the inbox shows counts only, so it is left out).
CYCLE = tuple(s.name for s in SCREENS if s.in_meeting_cycle)


def next_in_cycle(current: str) -> str:
    """The screen after `current` (from a screen outside the cycle: the first)."""
    if current not in CYCLE:
        return CYCLE[0]
    return CYCLE[(CYCLE.index(current) + 1) % len(CYCLE)]


def notice(on: bool) -> str:
    return "Meeting mode: read-only, no names or comments on screen." if on else "Meeting mode off."


LOCKED_NOTICE = "Meeting mode stays on: this dashboard is shown in a web browser (clp-tui serve)."
# What the command palette may offer a locked session (Textual's own system commands).
LOCKED_SYSTEM_COMMANDS = frozenset({"Quit", "Keys"})


class MeetingMode:
    """Meeting mode on an App: its theme, its class (for the stylesheet), its read-only
    bindings and the timer that cycles the screens."""

    def __init__(self, app: App[Any], on: bool, *, cycling: bool, locked: bool = False) -> None:
        self.app = app
        self.locked = locked  # served to a browser: on, and it stays on
        self.on = on or locked
        self.cycling = cycling  # a live dashboard cycles; a snapshot or a test does not
        self.paused = False
        self._timer: Timer | None = None
        self.normal_theme = ""

    def mount(self, cycle_seconds: float) -> None:
        self.app.register_theme(MEETING_THEME)
        self.normal_theme = self.app.theme
        self.restart(cycle_seconds)
        self.apply()

    def restart(self, cycle_seconds: float) -> None:
        """(Re)start the cycle timer, e.g. after the config changed its period."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_interval(cycle_seconds, self._cycle, pause=not (self.on and self.cycling))

    def allows(self, action: str) -> bool:
        """The App's check_action: pausing only in a meeting. `M` stays live when locked,
        so that pressing it says why nothing changes."""
        return self.on if action == "pause_cycle" else True

    def system_commands(self, commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
        """The palette's system commands; a locked session gets only quitting and the keys."""
        return (c for c in commands if not self.locked or c.title in LOCKED_SYSTEM_COMMANDS)

    def toggle(self) -> None:
        if self.locked:  # however it was asked for: a key, a remapped key, an action by name
            self.app.notify(LOCKED_NOTICE, severity="warning", timeout=3)
            return
        self.on = not self.on
        self.apply()
        self.app.notify(notice(self.on), timeout=3)

    def apply(self) -> None:
        """High contrast, read-only, no personal data, and the screens cycling on their own."""
        app = self.app
        app.set_class(self.on, "meeting")
        app.theme = MEETING_THEME.name if self.on else self.normal_theme
        self.paused = False
        if self._timer is not None:
            if self.on and self.cycling:
                self._timer.resume()
            else:
                self._timer.pause()
        app.refresh_bindings()

    def toggle_pause(self) -> None:
        self.paused = not self.paused
        self.app.notify("Cycling paused." if self.paused else "Cycling resumed.", timeout=2)

    def _cycle(self) -> None:
        if self.on and not self.paused:
            self.app.switch_mode(next_in_cycle(self.app.current_mode))
