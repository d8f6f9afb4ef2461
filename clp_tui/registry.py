"""The dashboard's screens, listed once.

Every place that names screens reads this list: the App's modes and its `1`-`4`
keys, the tabs in the status header, meeting mode's cycle, the command
palette, `clp-tui snapshot --screen` and the CLI's choices. It imports no
Textual, so the command line can offer the names without loading the UI; the
screen classes are imported only when the dashboard asks for them.

Adding a screen: write `clp_tui/screens/NAME.py` with a `DashboardScreen`
subclass, then add one `ScreenEntry` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True, slots=True)
class ScreenEntry:
    name: str  # the mode name, the `--screen` value, the binding id's suffix
    key: str  # the key that switches to it
    tab: str  # its label in the header's tabs
    title: str  # its name in the palette and in help
    item_kind: str  # the kind of item it shows (the palette jumps to items of this kind here)
    noun: str  # one item of that kind, in the palette
    in_meeting_cycle: bool  # shown in turn by meeting mode (the inbox never is)
    class_name: str  # in clp_tui/screens/NAME.py, imported on demand

    @property
    def tab_label(self) -> str:
        return f"{self.key} {self.tab}"

    def screen_class(self) -> Any:
        return getattr(import_module(f"clp_tui.screens.{self.name}"), self.class_name)

    def screen_factory(self) -> Callable[[], Any]:
        """Makes the screen, importing its module only then (the App's MODES)."""
        return lambda: self.screen_class()()


SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry("board", "1", "Board", "Campaign board", "milestone", "Milestone", True, "BoardScreen"),
    ScreenEntry("branches", "2", "Branches", "Branch activity", "activity", "Branch", True, "BranchesScreen"),
    ScreenEntry("inbox", "3", "Inbox", "Moderation inbox", "comment", "Comment", False, "InboxScreen"),
    ScreenEntry("press", "4", "Press", "Press kanban", "press", "Press card", True, "PressScreen"),
)
SCREEN_NAMES: tuple[str, ...] = tuple(s.name for s in SCREENS)
BY_NAME = {s.name: s for s in SCREENS}
BY_KIND = {s.item_kind: s for s in SCREENS}
