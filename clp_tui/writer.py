"""The decision writer: one thread that writes officers' decisions in the order
they were made, and says how each went with a message.

A screen asks for a write (`decide`, `undo`, `run`); the write runs on the
writer thread, off the event loop; then the screen that asked receives
`WriteLanded` or `WriteFailed`. A screen that does not handle `WriteFailed`
lets it bubble to the App, which tells the officer the decision was not
recorded. The undo and redo stacks live here, one pair per screen (an officer's
`u` on the inbox never undoes a milestone set on the board), and are only
touched on the writer thread, so `u` straight after `a` undoes that `a`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump

from clp_tui.data.decision_log import decide, decisions_by_seq, undo
from clp_tui.data.outbox import Plan
from clp_tui.data.store import Store, StoreError

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Change:
    """What one decision set, so an undo can say what it undid and a redo can set it again."""

    key: Key
    field: str
    value: Any
    reason: str | None


class WriteLanded(Message):
    """A write is in the cache. `action`: decide | undo | redo | write; `result` is what
    the write returned (for undo and redo: the Changes undone or made again, or None:
    nothing to undo or redo)."""

    def __init__(self, action: str, keys: list[Key], result: Any) -> None:
        super().__init__()
        self.action = action
        self.keys = keys
        self.result = result


class WriteFailed(Message):
    """A write could not be saved; `error` says why, for the officer."""

    def __init__(self, action: str, keys: list[Key], error: str) -> None:
        super().__init__()
        self.action = action
        self.keys = keys
        self.error = error


class DecisionWriter:
    """The one writer of decisions for a dashboard."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clp-decisions")
        self._undo: dict[str, list[list[int]]] = {}
        self._redo: dict[str, list[list[Change]]] = {}
        self.plan: Plan | None = None  # feeds whose decisions join the outbox (outbox_worker.py)

    def undoable(self, scope: str) -> int:
        """How many decisions `u` could still undo on that screen (read on any thread)."""
        return len(self._undo.get(scope, ()))

    def decide(
        self,
        origin: MessagePump,
        items: Iterable[Key],
        field: str,
        value: Any,
        *,
        officer: str,
        reason: str | None = None,
        scope: str = "",
        officer_id: str | None = None,
    ) -> None:
        keys = list(items)

        def job() -> list[int]:
            seqs = decide(
                self.store, keys, field, value, officer=officer, reason=reason, plan=self.plan, officer_id=officer_id
            )
            self._undo.setdefault(scope, []).append(seqs)
            self._redo.pop(scope, None)  # a new decision ends the redo trail
            return seqs

        self._submit(origin, "decide", keys, job)

    def undo(self, origin: MessagePump, *, officer: str, scope: str = "", officer_id: str | None = None) -> None:
        def job() -> list[Change] | None:
            stack = self._undo.get(scope)
            if not stack:
                return None
            seqs = stack.pop()
            changes = [
                Change((r["feed"], r["item_id"]), r["field"], r["value"], r["reason"])
                for r in decisions_by_seq(self.store, seqs)
            ]
            undo(self.store, seqs, officer=officer, officer_id=officer_id)
            self._redo.setdefault(scope, []).append(changes)
            return changes

        self._submit(origin, "undo", [], job)

    def redo(self, origin: MessagePump, *, officer: str, scope: str = "", officer_id: str | None = None) -> None:
        def job() -> list[Change] | None:
            stack = self._redo.get(scope)
            if not stack:
                return None
            changes = stack.pop()
            seqs: list[int] = []
            for change in changes:
                seqs += decide(
                    self.store,
                    [change.key],
                    change.field,
                    change.value,
                    officer=officer,
                    reason=change.reason,
                    plan=self.plan,
                    officer_id=officer_id,
                )
            self._undo.setdefault(scope, []).append(seqs)
            return changes

        self._submit(origin, "redo", [], job)

    def run(self, origin: MessagePump, job: Callable[[], Any], keys: Iterable[Key] = ()) -> None:
        """Any other write (a new local card, say), in turn with the decisions."""
        self._submit(origin, "write", list(keys), job)

    def drained(self) -> Future[None]:
        """Resolves once every write asked for so far has run and its message is posted."""
        return self._pool.submit(lambda: None)

    def close(self) -> None:
        """Wait for queued writes to land (a decision made just before `q` is kept)."""
        self._pool.shutdown(wait=True)

    def _submit(self, origin: MessagePump, action: str, keys: list[Key], job: Callable[[], Any]) -> None:
        def run() -> None:
            try:
                result = job()
            except StoreError as exc:
                origin.post_message(WriteFailed(action, keys, str(exc)))
            except Exception as exc:  # noqa: BLE001 - any failure is told to the officer, never lost
                origin.post_message(WriteFailed(action, keys, f"could not save: {exc}"))
            else:
                touched = [change.key for change in result] if action in ("undo", "redo") and result else keys
                origin.post_message(WriteLanded(action, touched, result))

        self._pool.submit(run)
