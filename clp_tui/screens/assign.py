"""Assignment on every screen: `A` gives the item under the cursor to a registered
officer picked from a list (data/assignments.py keeps it as a decision), and the
assignee's dashboard tells them when someone else gives them something."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clp_tui.data.assignments import FIELD, Assignment, assignments
from clp_tui.data.store import StoreError
from clp_tui.data.text import one_line

if TYPE_CHECKING:
    from clp_tui.app import ClpApp
    from clp_tui.screens.base import DashboardScreen

NOBODY = "-"


def pick_assignee(screen: DashboardScreen) -> None:
    """The picker for the item under the cursor; the choice is recorded as a decision."""
    from clp_tui.data.officers import list_officers
    from clp_tui.screens.dialogs import AskChoice

    key = screen.presence_key()
    if key is None:
        screen.notify("Nothing to assign here: put the cursor on a comment, milestone or card.", timeout=4)
        return
    officers = list_officers(screen.clp.store)
    if not officers:
        screen.notify(
            "No officers are registered on this server: `clp-tui officers add NAME --key FILE.pub` adds one.",
            severity="warning",
            timeout=8,
        )
        return
    current = screen.assignments.get(key)
    choices = [(o.id, f"{o.name}{' (you)' if o.id == screen.clp.officer_id else ''}") for o in officers]
    choices.append((NOBODY, "Nobody (take the assignment off)"))
    label = one_line(screen.item_label(key), 60)

    def chosen(officer_id: str | None) -> None:
        if officer_id is None:
            return
        officer = next((o for o in officers if o.id == officer_id), None)
        value = {"id": officer.id, "name": officer.name} if officer else None
        screen.decide([key], FIELD, value, reason="assigned" if officer else "unassigned", confirmed=True)

    prompt = f"Who takes this on?\n{label}"
    screen.app.push_screen(
        AskChoice("Assign", prompt, choices, current=current.officer_id if current else None), chosen
    )


def mine(app: ClpApp, a: Assignment) -> bool:
    return a.officer_id == app.officer_id if app.officer_id else a.name == app.officer_name


class AssignmentWatch:
    """The App's memory of what is assigned to its officer, to tell them of new ones."""

    def __init__(self) -> None:
        self.seen_seq: int | None = None  # None until the first read: what was there is not news

    def read(self, screen: DashboardScreen) -> dict[tuple[str, str], Assignment]:
        app = screen.clp
        try:
            found = assignments(app.store)
        except StoreError:
            return {}
        latest = max((a.seq for a in found.values()), default=0)
        if self.seen_seq is not None:
            new = [
                (k, a) for k, a in found.items() if a.seq > self.seen_seq and mine(app, a) and a.by != app.officer_name
            ]
            for key, a in new[:3]:
                label = one_line(screen.item_label(key), 50)
                app.notify(
                    f"{one_line(a.by, 40)} assigned you: {label}", title="Assigned to you", markup=False, timeout=10
                )
        self.seen_seq = max(latest, self.seen_seq or 0)
        return found
