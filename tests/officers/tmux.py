"""A terminal the tests can type into and read: one tmux session per dashboard, on a
private tmux server (its own socket), so nothing of the machine's own tmux is touched."""

from __future__ import annotations

import shlex
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


class Terminal:
    def __init__(self, socket: Path, name: str, argv: list[str], *, size: tuple[int, int] = (100, 30)) -> None:
        self.socket, self.name = str(socket), name
        command = " ".join(shlex.quote(a) for a in argv)
        self._tmux(
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            str(size[0]),
            "-y",
            str(size[1]),
            "-e",
            "TERM=xterm-256color",
            command,
        )
        self._tmux("set-option", "-t", name, "remain-on-exit", "on")

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=True).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", self.name, key)

    def text(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, until: Callable[[str], bool], what: str, timeout: float = 30) -> str:
        """The screen once `until(screen)` holds; fails, showing the screen, if it never does."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.text()
            if until(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {what}; the screen was:\n{screen}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-session", "-t", self.name], capture_output=True)
