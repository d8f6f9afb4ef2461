"""The demo's spreadsheet: the fictional CLP's street-stall plan as a published CSV.

It is served beside the JSON Feeds and read by the `csv` source, so a new user
sees a sheet's edit reach the board: every few ticks someone "types" a higher
number into the achieved column.
"""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, timedelta

COLUMNS = ("id", "title", "due", "strand", "owner", "start", "status", "target", "achieved", "description")


class DemoSheet:
    """A few milestones kept in a sheet by the CLP's events officer."""

    def __init__(self, today: date) -> None:
        self._lock = threading.Lock()
        self._ticks = 0
        self._rows = [
            [
                "sheet-stalls",
                "Saturday street stalls in Hollowmere",
                today + timedelta(days=21),
                "doorstep",
                "Events Officer",
                today - timedelta(days=14),
                "on_track",
                12,
                5,
                "From the events sheet",
            ],
            [
                "sheet-posters",
                "Window posters up on the high street",
                today + timedelta(days=10),
                "leaflets",
                "Events Officer",
                today - timedelta(days=7),
                "at_risk",
                40,
                9,
                "From the events sheet",
            ],
            [
                "sheet-hustings",
                "Book the hustings hall",
                today + timedelta(days=30),
                "volunteers",
                "Secretary",
                None,
                "not_started",
                None,
                None,
                "From the events sheet",
            ],
        ]

    def tick(self) -> None:
        """Every third tick an officer updates the sheet: one more stall, three more posters."""
        with self._lock:
            self._ticks += 1
            if self._ticks % 3 == 0:
                self._rows[0][8] = min(self._rows[0][8] + 1, self._rows[0][7])
                self._rows[1][8] = min(self._rows[1][8] + 3, self._rows[1][7])

    def csv_bytes(self) -> bytes:
        with self._lock:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(COLUMNS)
            for row in self._rows:
                writer.writerow("" if value is None else value for value in row)
        return out.getvalue().encode()
