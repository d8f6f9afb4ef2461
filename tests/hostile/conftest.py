"""Fixtures for the adversarial suite.

Everything here is real: TCP sockets on 127.0.0.1 (tests/feedserver.py's FeedServer
for well-formed HTTP, servers.py's `RawServer` for servers that misbehave below HTTP),
a TLS server with a self-signed certificate made by the `openssl` command, SQLite
files under tmp_path, and `clp-tui` run as a subprocess (children.py). Hostile text
and the feeds built from it are in hostile_text.py. The fixtures of tests/conftest.py
(server, other_server, db, cli, sync_now, sql) are available too.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1 and localhost, self-signed, made with the openssl CLI."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A private HOME for child processes (not the `cli` fixture's, which makes its own)."""
    folder = tmp_path / "child-home"
    folder.mkdir()
    return folder
