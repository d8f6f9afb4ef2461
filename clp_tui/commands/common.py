"""What the commands share: the config and cache they were pointed at, the
"no cache yet" refusal, and writing a document to a file or standard output."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
import tempfile
from pathlib import Path

from clp_tui.config import Config, Officer, config_warnings, default_config_path, default_db_path, load_config


class IdentityError(Exception):
    """`--as` names no registered officer; the message says what to do."""


def config_of(args: argparse.Namespace) -> Config:
    """The config `--config` names (or the default), with its warnings on standard error.
    Under `--as OFFICER_ID` the registered officer's name and role replace `[officer]`
    (and `args.officer_id` is set), so everything done carries who did it."""
    path = getattr(args, "config", None)
    config = load_config(path)
    for warning in config_warnings(path or default_config_path()):
        print(f"warning: {warning}", file=sys.stderr)
    if officer_ref := getattr(args, "as_officer", None):
        officer = registered_officer(db_path_of(args), officer_ref)
        config.officer = Officer(name=officer.name, role=officer.role or config.officer.role)
        args.officer_id = officer.id
    return config


def registered_officer(db_path: Path, officer_id: str):  # type: ignore[no-untyped-def]
    """The officer `--as` names, or IdentityError."""
    from clp_tui.data.officers import find_officer, valid_id
    from clp_tui.data.store import Store

    ask = "ask whoever runs this server to run `clp-tui officers add` for you"
    if not valid_id(officer_id) or not db_path.exists():
        raise IdentityError(f"no officer {officer_id!r} is registered here; {ask}")
    officer = find_officer(Store(db_path), officer_id)
    if officer is None or officer.id != officer_id:
        raise IdentityError(f"no officer {officer_id!r} is registered here (removed?); {ask}")
    return officer


def db_path_of(args: argparse.Namespace) -> Path:
    return getattr(args, "db", None) or default_db_path()


def cache_missing(db_path: Path) -> bool:
    """True, having said so, when there is no cache to read (read commands never create one)."""
    if db_path.exists():
        return False
    print(f"clp-tui: no cache at {db_path}; run `clp-tui sync` first", file=sys.stderr)
    return True


def format_for(fmt: str | None, output: Path | None) -> str:
    """The --format given, else one the output file's extension implies, else Markdown."""
    if fmt:
        return fmt
    if output is not None and output.suffix.lower() in (".html", ".htm"):
        return "html"
    return "markdown"


def write_document(text: str, output: Path | None, *, private: bool = False, replace: bool = False) -> bool:
    """Write to `output` (or standard output). `private` files are readable by their owner
    only: they hold personal data. A new file is created exclusively (O_EXCL): a file
    already there, or a symlink planted under its name, is refused, never written through.
    `replace` (the commands' --force) writes a new file beside it and renames it into
    place, so a symlink or someone else's file there is replaced, not written into.
    Returns False, having said why, if it could not."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return True
    output = Path(output)
    if output.is_symlink():
        print(f"clp-tui: {output} is a symbolic link; refusing to write through it", file=sys.stderr)
        return False
    mode = 0o600 if private else 0o644
    try:
        if replace and output.exists():
            _replace(text, output, mode)
        else:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(output, flags, mode)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
    except OSError as exc:
        if exc.errno == errno.EEXIST:
            print(f"clp-tui: {output} already exists; give another name, or add --force to replace it", file=sys.stderr)
        elif exc.errno == errno.ELOOP:
            print(f"clp-tui: {output} is a symbolic link; refusing to write through it", file=sys.stderr)
        else:
            print(f"clp-tui: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def _replace(text: str, output: Path, mode: int) -> None:
    """Write a new file beside `output` (exclusively, with `mode`) and rename it over `output`."""
    if output.is_dir():
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(output))
    fd, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temporary, output)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
