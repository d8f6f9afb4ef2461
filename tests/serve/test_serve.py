"""`clp-tui serve`: a browser page on loopback, and no public address without saying so."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HOME": str(tmp_path)}
    return subprocess.Popen(
        [sys.executable, "-m", "clp_tui.cli", "--db", str(tmp_path / "cache.db"), "serve", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_serve_refuses_a_public_address_without_the_flag(tmp_path: Path) -> None:
    proc = _run(tmp_path, "--host", "0.0.0.0", "--port", str(_free_port()))
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert b"refusing to serve on 0.0.0.0" in err
    assert b"--i-know-this-is-public" in err
    assert b"Traceback" not in err


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_serve_on_loopback_answers_with_the_page(tmp_path: Path, host: str) -> None:
    port = _free_port()
    proc = _run(tmp_path, "--host", host, "--port", str(port))
    try:
        deadline = time.monotonic() + 20
        body = b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    body = response.read()
                    break
            except OSError:
                time.sleep(0.2)
        assert b"<html" in body.lower()
        assert b"meeting mode" in body.lower()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
