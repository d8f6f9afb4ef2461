"""`clp-tui officers add|list|remove`, `--as` and the forced command's allowlist, run as a
user runs them (subprocesses, private HOME, a real cache). The keys are real OpenSSH
public keys; their fingerprints are what `ssh-keygen -lf` printed for them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from feedserver import FeedServer, comment, feed_bytes

SAM_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFqyz/G/Jro4u1+I53SOBFWEoOwBjDwniKyKdXN9HZFK sam@laptop"
SAM_FP = "SHA256:aNov8LlvC8o5KfDR99g+03Y71TTNL4wuX/qvY2knfZ0"
ANN_KEY = (
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBGwmm5u1LdRG1shZNnrdbTWr4EeWRP8NrSR7T3dLhFyL9"
    "ATamg9NJOMqyu9mzQouQS2XLK/FgZhZDBuceVF58gM= ann@laptop"
)
ANN_FP = "SHA256:/EbGhA6JLLuRjG9VpDCEopFHTzbdYiHWakjMMo9RVTM"
OTHER_LINE = 'from="10.0.0.1" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherKeyNotOurs admin@box'


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in (("sam", SAM_KEY), ("ann", ANN_KEY)):
        out[name] = tmp_path / f"{name}.pub"
        out[name].write_text(text + "\n")
    return out


@pytest.fixture
def ready(server: FeedServer, cli, tmp_path: Path):
    server.route("/c", body=feed_bytes([comment("c1"), comment("c2")]))
    cli.write_config([{"name": "inbox", "url": server.url("/c"), "kind": "comment"}])
    assert cli("sync").returncode == 0
    auth = tmp_path / "ssh" / "authorized_keys"
    auth.parent.mkdir()
    auth.write_text("# the admin's own key, kept\n" + OTHER_LINE + "\n")
    auth.chmod(0o644)
    return auth


def test_add_writes_a_forced_command_line_and_keeps_other_lines(cli, keys, ready: Path) -> None:
    result = cli(
        "officers", "add", "Sam Patel", "--key", str(keys["sam"]), "--role", "Comms", "--authorized-keys", str(ready)
    )
    assert result.returncode == 0, result.stderr
    assert "sam-patel" in result.stdout and SAM_FP in result.stdout
    lines = ready.read_text().splitlines()
    assert lines[:2] == ["# the admin's own key, kept", OTHER_LINE]
    ours = lines[2]
    assert ours.startswith('restrict,pty,command="') and SAM_KEY.rsplit(" ", 1)[0] in ours
    command = ours.split('"')[1]
    assert command.split()[0].startswith("/")  # an absolute path to clp-tui
    assert f"--as sam-patel --config {cli.config} --db {cli.db}" in command
    assert stat.S_IMODE(ready.stat().st_mode) == 0o600
    listed = [json.loads(line) for line in cli("officers", "list", "--json").stdout.splitlines()]
    assert listed == [
        {
            "id": "sam-patel",
            "name": "Sam Patel",
            "role": "Comms",
            "fingerprint": SAM_FP,
            "key_type": "ssh-ed25519",
            "added_at": listed[0]["added_at"],
        }
    ]


def test_a_key_already_registered_or_not_public_is_refused_in_one_line(cli, keys, ready: Path, tmp_path: Path) -> None:
    assert (
        cli("officers", "add", "Sam Patel", "--key", str(keys["sam"]), "--authorized-keys", str(ready)).returncode == 0
    )
    before = ready.read_text()
    again = cli("officers", "add", "Samuel", "--key", str(keys["sam"]), "--authorized-keys", str(ready))
    assert again.returncode == 2 and "already registered, for Sam Patel" in again.stderr
    private = tmp_path / "id_ed25519"
    private.write_text(
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
    )
    refused = cli("officers", "add", "Ann Lee", "--key", str(private), "--authorized-keys", str(ready))
    assert refused.returncode == 2 and "PRIVATE key" in refused.stderr
    garbage = tmp_path / "junk.pub"
    garbage.write_text("ssh-ed25519 bm90IGEga2V5 x\n")  # base64 of "not a key"
    refused = cli("officers", "add", "Ann Lee", "--key", str(garbage), "--authorized-keys", str(ready))
    assert refused.returncode == 2 and "not an OpenSSH public key" in refused.stderr
    for r in (again, refused):
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert ready.read_text() == before
    assert [o["name"] for o in map(json.loads, cli("officers", "list", "--json").stdout.splitlines())] == ["Sam Patel"]


def test_a_key_already_in_the_file_by_hand_is_refused(cli, keys, ready: Path) -> None:
    ready.write_text(ready.read_text() + ANN_KEY + "\n")
    refused = cli("officers", "add", "Ann Lee", "--key", str(keys["ann"]), "--authorized-keys", str(ready))
    assert refused.returncode == 2 and ANN_FP in refused.stderr and "already in" in refused.stderr


def test_remove_takes_out_only_that_key_and_the_log_keeps_the_name(cli, keys, ready: Path) -> None:
    for name, key in (("Sam Patel", "sam"), ("Ann Lee", "ann")):
        assert cli("officers", "add", name, "--key", str(keys[key]), "--authorized-keys", str(ready)).returncode == 0
    result = cli("officers", "remove", "Sam Patel", "--authorized-keys", str(ready))
    assert result.returncode == 0, result.stderr
    text = ready.read_text()
    assert OTHER_LINE in text and "--as ann-lee" in text and "sam-patel" not in text
    assert stat.S_IMODE(ready.stat().st_mode) == 0o600
    gone = cli("officers", "remove", "Sam Patel", "--authorized-keys", str(ready))
    assert gone.returncode == 2 and "no officer called" in gone.stderr


def test_as_a_removed_or_unknown_officer_is_refused(cli, ready: Path) -> None:
    result = cli("--as", "nobody", "list", "comments")
    assert result.returncode == 2
    assert "no officer 'nobody' is registered" in result.stderr and "officers add" in result.stderr


def test_forced_command_runs_allowlisted_reads_and_refuses_the_rest(cli, keys, ready: Path) -> None:
    assert (
        cli("officers", "add", "Sam Patel", "--key", str(keys["sam"]), "--authorized-keys", str(ready)).returncode == 0
    )
    listed = cli("--as", "sam-patel", env={"SSH_ORIGINAL_COMMAND": "list comments --json"})
    assert listed.returncode == 0, listed.stderr
    assert {json.loads(line)["id"] for line in listed.stdout.splitlines()} == {"c1", "c2"}
    for original in (
        "bash -c id",
        "sync",
        "export decisions --output /tmp/x",
        "list comments --db /tmp/other",
        "officers add Eve --key /tmp/k",
        "report; id",
        "list comments $(id)",
    ):
        refused = cli("--as", "sam-patel", env={"SSH_ORIGINAL_COMMAND": original})
        assert refused.returncode == 2, original
        assert refused.stdout == ""
        assert len(refused.stderr.strip().splitlines()) == 1 and "not allowed over SSH" in refused.stderr, original


def test_exports_carry_the_officer_as_registered(cli, keys, ready: Path) -> None:
    from clp_tui.data.decision_log import decide
    from clp_tui.data.store import Store

    assert (
        cli("officers", "add", "Sam Patel", "--key", str(keys["sam"]), "--authorized-keys", str(ready)).returncode == 0
    )
    store = Store(cli.db)
    decide(store, [("inbox", "c1")], "moderation", "hidden", officer="Sam Patel", officer_id="sam-patel")
    store.close()
    exported = cli("--as", "sam-patel", env={"SSH_ORIGINAL_COMMAND": "export decisions --format json"})
    assert exported.returncode == 0, exported.stderr
    (row,) = json.loads(exported.stdout)
    assert (row["officer"], row["officer_id"], row["value"]) == ("Sam Patel", "sam-patel", "hidden")
