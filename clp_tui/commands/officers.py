"""`clp-tui officers add|list|remove`: the officers of a shared server, one per SSH key.
`add` records the officer and gives their key a forced-command line in the service
account's authorized_keys, so logging in opens the dashboard as them (docs/ssh.md)."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from clp_tui import exits
from clp_tui.commands.common import db_path_of
from clp_tui.config import default_config_path
from clp_tui.data.text import one_line


def default_authorized_keys() -> Path:
    return Path.home() / ".ssh" / "authorized_keys"


def clp_tui_argv() -> list[str]:
    """How the forced command starts clp-tui: this install's own `clp-tui`, by absolute path."""
    beside = Path(sys.executable).parent / "clp-tui"
    found = beside if beside.exists() else (Path(p) if (p := shutil.which("clp-tui")) else None)
    if found is not None:
        return [str(found.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "clp_tui.cli"]


def _fail(message: str) -> int:
    print(f"clp-tui: {one_line(message, 300)}", file=sys.stderr)
    return exits.USAGE


def add(args: argparse.Namespace) -> int:
    from clp_tui.data import ssh_keys
    from clp_tui.data.officers import OfficerError, new_officer, save_officer
    from clp_tui.data.store import Store

    try:
        key = ssh_keys.parse_public_key(Path(args.key).read_text(encoding="utf-8", errors="replace"))
    except OSError as exc:
        return _fail(f"cannot read {args.key}: {exc.strerror or exc}")
    except ssh_keys.KeyError_ as exc:
        return _fail(f"{args.key}: {exc}")
    keys_path = Path(args.authorized_keys or default_authorized_keys()).absolute()
    db_path = db_path_of(args).absolute()
    config = Path(getattr(args, "config", None) or default_config_path()).absolute()
    store = Store(db_path)
    try:
        officer = new_officer(store, args.name, args.role or "", key.fingerprint, key.type)
        if ssh_keys.has_key(keys_path, key.fingerprint):
            raise OfficerError(f"that key ({key.fingerprint}) is already in {keys_path}; remove that line first")
        argv = [*clp_tui_argv(), "--as", officer.id, "--config", str(config), "--db", str(db_path)]
        line = ssh_keys.forced_line(key, argv, officer.id)
        save_officer(store, officer, then=lambda: ssh_keys.append_line(keys_path, line))
    except (OfficerError, ssh_keys.KeyError_) as exc:
        return _fail(str(exc))
    print(
        f"added {one_line(officer.name, 80)} as {officer.id} ({key.fingerprint}); "
        f"their key now opens the dashboard as them (line added to {keys_path})"
    )
    return exits.OK


def list_(args: argparse.Namespace) -> int:
    from clp_tui.commands.common import cache_missing
    from clp_tui.data.officers import list_officers
    from clp_tui.data.store import Store
    from clp_tui.data.text import json_line

    db_path = db_path_of(args)
    if cache_missing(db_path):
        return exits.FAILED
    officers = list_officers(Store(db_path))
    if args.json:
        for officer in officers:
            print(json_line(officer.as_dict()))
        return exits.OK
    if not officers:
        print("no officers registered; add one with `clp-tui officers add NAME --key FILE.pub`")
    for o in officers:
        role = f" ({one_line(o.role, 40)})" if o.role else ""
        print(f"{o.id:<20} {one_line(o.name, 40)}{role}  {o.fingerprint}  added {o.added_at[:10]}")
    return exits.OK


def remove(args: argparse.Namespace) -> int:
    from clp_tui.commands.common import cache_missing
    from clp_tui.data import ssh_keys
    from clp_tui.data.officers import delete_officer, find_officer
    from clp_tui.data.store import Store

    db_path = db_path_of(args)
    if cache_missing(db_path):
        return exits.FAILED
    store = Store(db_path)
    officer = find_officer(store, args.name)
    if officer is None:
        return _fail(f"no officer called {args.name!r} is registered (see `clp-tui officers list`)")
    keys_path = Path(args.authorized_keys or default_authorized_keys()).absolute()
    removed: list[int] = []
    try:
        delete_officer(
            store, officer.id, then=lambda: removed.append(ssh_keys.remove_key(keys_path, officer.fingerprint))
        )
    except ssh_keys.KeyError_ as exc:
        return _fail(str(exc))
    print(
        f"removed {one_line(officer.name, 80)} ({officer.id}): {removed[0]} line(s) taken out of {keys_path}; "
        "their past decisions keep their name"
    )
    return exits.OK


def run(args: argparse.Namespace) -> int:
    return {"add": add, "list": list_, "remove": remove}[args.officers_command](args)
