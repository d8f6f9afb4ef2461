"""The officers registered on a shared server: one row per SSH key, found by the id
their forced command passes as `--as` (see ssh_keys.py for the key file).

Rules this module keeps:
- An officer's id is their name made into a slug (`Sam Patel` -> `sam-patel`),
  made unique with a number; names are unique too, ignoring case, so
  `officers remove NAME` is never ambiguous.
- A key (by fingerprint) belongs to at most one officer.
- Removing an officer deletes the row only: the decision log keeps the name and
  id each decision was taken under.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from clp_tui.data.store import Store

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True, slots=True)
class Officer:
    id: str
    name: str
    role: str
    fingerprint: str
    key_type: str
    added_at: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def initials(self) -> str:
        return initials_of(self.name)


def initials_of(name: str) -> str:
    """`Sam Patel` -> `SP`; one word gives its first two letters."""
    words = [w for w in re.split(r"[\s\-_.]+", name) if w]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[-1][0]).upper()


def valid_id(text: str) -> bool:
    return bool(_ID.fullmatch(text))


def slug_of(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40]
    return slug or "officer"


def _of(row: Any) -> Officer:
    return Officer(row["id"], row["name"], row["role"], row["fingerprint"], row["key_type"], row["added_at"])


def list_officers(store: Store) -> list[Officer]:
    return [_of(r) for r in store.query("SELECT * FROM officers ORDER BY name COLLATE NOCASE")]


def find_officer(store: Store, ref: str) -> Officer | None:
    """By id, else by name (ignoring case)."""
    rows = store.query("SELECT * FROM officers WHERE id = ? OR name = ? COLLATE NOCASE LIMIT 1", (ref, ref))
    return _of(rows[0]) if rows else None


def by_fingerprint(store: Store, fingerprint: str) -> Officer | None:
    rows = store.query("SELECT * FROM officers WHERE fingerprint = ?", (fingerprint,))
    return _of(rows[0]) if rows else None


class OfficerError(ValueError):
    """An officer who cannot be added or removed; the message says why."""


def new_officer(store: Store, name: str, role: str, fingerprint: str, key_type: str) -> Officer:
    """The officer as they would be added (id chosen), or OfficerError. Nothing written."""
    if not name.strip() or len(name) > 80 or any(ch < " " for ch in name):
        raise OfficerError("give the officer's name, in words, up to 80 characters")
    if (holder := by_fingerprint(store, fingerprint)) is not None:
        raise OfficerError(f"that key ({fingerprint}) is already registered, for {holder.name}")
    if store.query("SELECT 1 FROM officers WHERE name = ? COLLATE NOCASE", (name.strip(),)):
        raise OfficerError(f"an officer called {name.strip()} is already registered; give a fuller name")
    base = slug_of(name)
    taken = {r["id"] for r in store.query("SELECT id FROM officers WHERE id = ? OR id LIKE ?", (base, base + "-%"))}
    officer_id = base
    n = 2
    while officer_id in taken:
        officer_id, n = f"{base}-{n}", n + 1
    return Officer(officer_id, name.strip(), role.strip(), fingerprint, key_type, store.now_stamp())


def save_officer(store: Store, officer: Officer, *, then: Any = None) -> None:
    """Insert the officer; `then()` runs inside the transaction (the key file's write),
    so a failure there leaves no row behind."""
    with store.write() as conn:
        conn.execute(
            "INSERT INTO officers (id, name, role, fingerprint, key_type, added_at) VALUES (?, ?, ?, ?, ?, ?)",
            (officer.id, officer.name, officer.role, officer.fingerprint, officer.key_type, officer.added_at),
        )
        if then is not None:
            then()


def delete_officer(store: Store, officer_id: str, *, then: Any = None) -> None:
    with store.write() as conn:
        conn.execute("DELETE FROM officers WHERE id = ?", (officer_id,))
        if then is not None:
            then()
