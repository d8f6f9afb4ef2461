"""The decision writer: one thread that writes officers' decisions in the order
they were made, and says how each went with a message.

A screen asks for a write (`decide`, `undo`, `run`); the write runs on the
writer thread, off the event loop; then the screen that asked receives
`WriteLanded` or `WriteFailed`. A screen that does not handle `WriteFailed`
lets it bubble to the App, which tells the officer the decision was not
recorded. The undo stack lives here and is only touched on the writer thread,
so `u` straight after `a` undoes that `a`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump

from clp_tui.data.decision_log import decide, undo
from clp_tui.data.store import Store, StoreError

Key = tuple[str, str]


class WriteLanded(Message):
    """A write is in the cache. `action`: decide | undo | write; `result` is what the
    write returned (for undo: how many decisions were undone, or None: nothing to undo)."""

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
        self._undo: list[list[int]] = []

    def decide(
        self,
        origin: MessagePump,
        items: Iterable[Key],
        field: str,
        value: Any,
        *,
        officer: str,
        reason: str | None = None,
    ) -> None:
        keys = list(items)

        def job() -> list[int]:
            seqs = decide(self.store, keys, field, value, officer=officer, reason=reason)
            self._undo.append(seqs)
            return seqs

        self._submit(origin, "decide", keys, job)

    def undo(self, origin: MessagePump, *, officer: str) -> None:
        def job() -> int | None:
            if not self._undo:
                return None
            return undo(self.store, self._undo.pop(), officer=officer)

        self._submit(origin, "undo", [], job)

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
                origin.post_message(WriteLanded(action, keys, result))

        self._pool.submit(run)
