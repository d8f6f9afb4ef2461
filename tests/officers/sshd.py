"""A real OpenSSH server for the tests: `sshd -D -e` on 127.0.0.1 on a free port with
its own host key, config and AuthorizedKeysFile, logging in as the user running the
suite; and a client that logs in with an officer's own key. Needs root (sshd must be
able to switch to the user and open a pty) and openssh-server; `python3 dev.py test`
installs it when it is missing and it can."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from frozen import ENV

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
HOW = "install openssh-server and tmux (apt-get install openssh-server tmux) and run the suite as root; `python3 dev.py test` does both"


def skip_unless_possible() -> None:
    if not Path(SSHD).exists() or shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        pytest.skip(f"no OpenSSH server here: {HOW}")
    if shutil.which("tmux") is None:
        pytest.skip(f"no tmux here: {HOW}")
    if os.geteuid() != 0:
        pytest.skip(f"a test sshd needs root to log in and open terminals: {HOW}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path: Path, comment: str) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)], check=True)
    return path


@dataclass
class Sshd:
    root: Path
    port: int
    authorized_keys: Path
    process: subprocess.Popen[bytes] | None = None
    user: str = field(default_factory=lambda: pwd.getpwuid(os.getuid()).pw_name)

    def start(self, extra_env: dict[str, str]) -> None:
        host_key = keygen(self.root / "host_ed25519", "test host")
        self.authorized_keys.touch(mode=0o600)
        env = {**ENV, **extra_env}
        config = self.root / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {host_key}",
                    f"AuthorizedKeysFile {self.authorized_keys}",
                    f"PidFile {self.root / 'sshd.pid'}",
                    "StrictModes no",
                    "UsePAM no",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PubkeyAuthentication yes",
                    "PermitRootLogin prohibit-password",
                    f"AllowUsers {self.user}",
                    "PrintMotd no",
                    "PrintLastLog no",
                    "LogLevel VERBOSE",
                    "SetEnv " + " ".join(f"{k}={v}" for k, v in env.items()),
                ]
            )
            + "\n"
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation
        log = open(self.root / "sshd.log", "wb")  # noqa: SIM115 - kept open for sshd's life
        self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=log)
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("sshd did not start: " + (self.root / "sshd.log").read_text()) from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def ssh_argv(self, key: Path, *command: str, tty: bool = False) -> list[str]:
        return [
            "ssh",
            *(["-tt"] if tty else ["-T"]),
            "-F",
            "/dev/null",
            "-i",
            str(key),
            "-p",
            str(self.port),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            f"UserKnownHostsFile={self.root / 'known_hosts'}",
            "-o",
            "LogLevel=ERROR",
            f"{self.user}@127.0.0.1",
            *command,
        ]

    def run(self, key: Path, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.ssh_argv(key, *command), capture_output=True, text=True, timeout=60)
