"""OpenSSH public keys and the service account's `authorized_keys` file: reading a
key an officer sent, its SHA256 fingerprint (as `ssh-keygen -lf` prints it), the
forced-command line that logs them in as themselves, and rewriting the file.

Rules this module keeps:
- Only a public key is accepted: one line, a known type, and a base64 blob that
  names the same type inside; a private key is refused by name.
- The file is rewritten atomically (a temporary file in the same folder, fsync,
  rename), mode 0600, keeping every line that is not the one being removed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import shlex
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ssh-dss",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)


class KeyError_(ValueError):
    """A key or an authorized_keys file that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class PublicKey:
    type: str
    blob: str  # base64, as written in the file

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.blob)

    @property
    def text(self) -> str:
        return f"{self.type} {self.blob}"


def fingerprint_of(blob_b64: str) -> str:
    """`SHA256:…` of the decoded key, unpadded base64: what `ssh-keygen -lf` prints."""
    digest = hashlib.sha256(base64.b64decode(blob_b64)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def _key_in(tokens: list[str]) -> PublicKey | None:
    """The key in a line's words (after any options), or None."""
    for i, token in enumerate(tokens[:-1]):
        if token in KEY_TYPES:
            return _checked(token, tokens[i + 1])
    return None


def _checked(kind: str, blob: str) -> PublicKey | None:
    try:
        raw = base64.b64decode(blob, validate=True)
        (length,) = struct.unpack(">I", raw[:4])
        inner = raw[4 : 4 + length].decode("ascii")
    except (binascii.Error, struct.error, UnicodeDecodeError, ValueError):
        return None
    return PublicKey(kind, blob) if inner == kind and len(raw) > 4 + length else None


def parse_public_key(text: str) -> PublicKey:
    """The one public key in `text` (a `.pub` file's contents), or KeyError_ saying why not."""
    if "PRIVATE KEY" in text:
        raise KeyError_("that is a PRIVATE key; never share it. Give the .pub file beside it")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise KeyError_("the file is empty; give the officer's .pub file (e.g. ~/.ssh/id_ed25519.pub)")
    if len(lines) > 1:
        raise KeyError_(f"the file holds {len(lines)} lines; give exactly one public key")
    key = _key_in(lines[0].split())
    if key is None:
        raise KeyError_(
            "not an OpenSSH public key (expected a line like `ssh-ed25519 AAAA… name`; "
            "make one with `ssh-keygen -t ed25519`)"
        )
    return key


def key_of_line(line: str) -> PublicKey | None:
    """The key an authorized_keys line grants, or None (a comment, a blank, or garbage)."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    try:
        return _key_in(shlex.split(stripped, posix=True))
    except ValueError:
        return _key_in(stripped.split())


def forced_line(key: PublicKey, argv: list[str], officer_id: str) -> str:
    """The authorized_keys line: no forwarding, a terminal, and only clp-tui as this officer."""
    command = " ".join(shlex.quote(a) for a in argv)
    if '"' in command or "\n" in command:
        raise KeyError_("a path holds a double quote or a newline; move clp-tui, the config or the cache")
    return f'restrict,pty,command="{command}" {key.text} clp-tui:{officer_id}'


def read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyError_(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def has_key(path: Path, fingerprint: str) -> bool:
    return any((k := key_of_line(line)) is not None and k.fingerprint == fingerprint for line in read_lines(path))


def write_lines(path: Path, lines: list[str]) -> None:
    """Replace the file at once (never half-written), owner-only, in its own folder."""
    folder = path.parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".authorized_keys.", dir=folder)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write("".join(line + "\n" for line in lines))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise KeyError_(f"cannot write {path}: {exc.strerror or exc}") from None


def append_line(path: Path, line: str) -> None:
    write_lines(path, [*read_lines(path), line])


def remove_key(path: Path, fingerprint: str) -> int:
    """Drop every line granting this key; every other line is kept as it was. How many went."""
    lines = read_lines(path)
    kept = [line for line in lines if (k := key_of_line(line)) is None or k.fingerprint != fingerprint]
    if len(kept) != len(lines):
        write_lines(path, kept)
    return len(lines) - len(kept)
