"""The decision log as text to hand on: CSV (safe to open in a spreadsheet) or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from clp_tui.data.decision_log import DECISION_COLUMNS
from clp_tui.data.text import clean, json_line

# A spreadsheet runs a cell that starts with one of these as a formula, and some skip
# leading spaces and line breaks first (" =1+1", "\n=HYPERLINK(...)"); item ids and
# reasons can come from outside, so such cells get a leading apostrophe in the CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(cell: Any) -> Any:
    if not isinstance(cell, str):
        return cell
    risky = cell.startswith(_FORMULA_START) or cell.lstrip().startswith(_FORMULA_START)
    cell = clean(cell)  # a CSV is often looked at with `cat`: no terminal controls in it
    return "'" + cell if risky else cell


def csv_value(value: Any) -> Any:
    """A decision's value as a spreadsheet expects it: text as text (approved, not
    "approved"), a number as a number, anything else (a consent: who and when) as JSON."""
    if value is None or isinstance(value, str | int | float) and not isinstance(value, bool):
        return value
    return json.dumps(value, ensure_ascii=False)


def decisions_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The log as CSV with a header row; see `csv_value` for the value column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(DECISION_COLUMNS)
    for r in rows:
        cells = {**r, "value": csv_value(r["value"])}
        writer.writerow(["" if cells[c] is None else csv_safe(cells[c]) for c in DECISION_COLUMNS])
    return buffer.getvalue()


def decisions_json(rows: Iterable[dict[str, Any]]) -> str:
    """The log as a JSON array of objects, one per decision, in log order."""
    return "[\n" + ",\n".join(json_line(r) for r in rows) + "\n]\n"
