"""`clp-tui export decisions` (the decision log, CSV and JSON) and `clp-tui export escalation`
(the GLU evidence pack: the comment verbatim but inert, its thread, its decision trail)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from clp_tui.config import Config
from clp_tui.data.decision_log import DECISION_COLUMNS, add_local_item, decide, decision_rows
from clp_tui.data.evidence import PackError, build_pack
from clp_tui.data.packs import exported_packs
from clp_tui.data.store import Store
from clp_tui.data.text import clean
from clp_tui.documents.decisions import csv_value, decisions_csv
from clp_tui.documents.markdown import md_code, md_fence
from clp_tui.documents.pack import pack_html, pack_markdown

from .conftest import (
    ESCALATION_REASON,
    HOSTILE_AUTHOR,
    HOSTILE_AUTHOR_URL,
    HOSTILE_ID,
    HOSTILE_TEXT,
    HOSTILE_THREAD,
    OFFICER,
    Cli,
    assert_inert,
    markdown_as_html,
    read_html,
)


def log(store: Store) -> list[dict[str, object]]:
    return [dict(r) for r in store.query(f"SELECT {', '.join(DECISION_COLUMNS)} FROM decisions ORDER BY seq")]


# -- the decision log ---------------------------------------------------------------------


def test_cli_csv_round_trip(cli: Cli, store: Store) -> None:
    done = cli("export", "decisions", "--format", "csv")
    assert done.returncode == 0, done.stderr
    back = list(csv.DictReader(io.StringIO(done.stdout, newline="")))
    expected = log(store)
    assert len(back) == len(expected) == 60
    for got, want in zip(back, expected, strict=True):
        stored = {**want, "value": csv_value(json.loads(want["value"])) if want["value"] else None}
        assert got == {k: "" if stored[k] is None else str(stored[k]) for k in DECISION_COLUMNS}
    # Text is written as text, as CSV tools expect, not as the JSON string "done".
    assert back[-1]["value"] == "done"


def test_cli_json_round_trip_to_file(cli: Cli, store: Store) -> None:
    out = cli.home / "decisions.json"
    done = cli("export", "decisions", "--format", "json", "--output", str(out))
    assert done.returncode == 0, done.stderr
    back = json.loads(out.read_text(encoding="utf-8"))
    expected = log(store)
    assert [list(r) for r in back] == [list(DECISION_COLUMNS)] * len(expected)
    assert back == [{**r, "value": json.loads(str(r["value"]))} for r in expected]
    assert out.stat().st_mode & 0o077 == 0  # officers' names and reasons: owner-only


def test_since_and_spreadsheet_formulas(store: Store, cli: Cli) -> None:
    decide(
        store, [("comments", "c-0001")], "moderation", "hidden", officer="=cmd|' /C calc'!A0", reason="@SUM(1+1) spam"
    )
    store.close()
    assert decision_rows(store, since=None)[-1]["officer"] == "=cmd|' /C calc'!A0"
    last = list(csv.DictReader(io.StringIO(decisions_csv(decision_rows(store)), newline="")))[-1]
    assert last["officer"] == "'=cmd|' /C calc'!A0" and last["reason"] == "'@SUM(1+1) spam"
    done = cli("export", "decisions", "--format", "json", "--since", "2099-01-01")
    assert done.returncode == 0 and json.loads(done.stdout) == []


# -- the evidence pack --------------------------------------------------------------------


def test_markdown_pack_is_verbatim_and_inert(store: Store, config: Config) -> None:
    pack = build_pack(store, config, f"comments/{HOSTILE_ID}")
    markdown = pack_markdown(pack)
    assert md_fence(HOSTILE_TEXT) in markdown  # the fence is longer than the text's ```` run
    assert "`````text\n<script>alert(1)</script> [x](javascript:alert(1)) ␛[2J\nsecond line" in markdown
    assert md_code(HOSTILE_AUTHOR) in markdown and md_code(HOSTILE_AUTHOR_URL) in markdown

    page = read_html(markdown_as_html(markdown))
    assert_inert(page)  # nothing in it became a link, a script or HTML
    assert clean(HOSTILE_TEXT) + "\n" in page.pres  # shown exactly, placeholders for controls
    assert "\x1b" not in markdown
    assert HOSTILE_AUTHOR in page.text and HOSTILE_AUTHOR_URL in page.text
    assert ESCALATION_REASON in page.text and "first look" in page.text
    assert "THE ESCALATED COMMENT" in page.text


def test_html_pack_escapes_the_comment(store: Store, config: Config) -> None:
    pack = build_pack(store, config, HOSTILE_ID)  # a bare id that only one feed uses
    document = pack_html(pack)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) ␛[2J" in document
    assert "<script" not in document.lower() and "\x1b" not in document
    page = read_html(document)
    assert_inert(page)
    assert clean(HOSTILE_TEXT) in page.pres
    assert HOSTILE_AUTHOR in page.text and HOSTILE_AUTHOR_URL in page.text
    assert ESCALATION_REASON in page.text  # "<ref 77>" survives as text
    assert (
        f"Prepared by {OFFICER} (Communications & Social Media Officer) for Fernbridge and Hollowmere CLP" in page.text
    )
    assert "https://example.invalid/facebook/fb-1002/c-hostile" in page.text  # the permalink, as text


def test_pack_thread_and_trail(store: Store, config: Config) -> None:
    pack = build_pack(store, config, f"comments/{HOSTILE_ID}")
    thread = store.query(
        "SELECT id FROM items WHERE feed = 'comments' AND thread_id = ? ORDER BY published, id", (HOSTILE_THREAD,)
    )
    ids = [r[0] for r in thread]
    assert pack.thread_total == len(ids) > 1
    here = ids.index(HOSTILE_ID)
    assert [c.id for c in pack.thread] == ids[max(here - 15, 0) : here + 16]
    assert [d["value"] for d in pack.decisions] == ["hidden", "escalated"]
    assert [d["reason"] for d in pack.decisions] == ["first look", ESCALATION_REASON]
    assert pack.comment.first_seen and pack.comment.first_seen.startswith("2026-")


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("comments/c-0001", "is not escalated (its current decision is 'approved')"),
        ("comments/c-0199", "is not escalated (it has no moderation decision)"),
        ("comments/c-9999", "no comment 'comments/c-9999' in the cache"),
        ("plan/m-001", "no comment"),
    ],
)
def test_pack_refused(store: Store, config: Config, ref: str, message: str) -> None:
    with pytest.raises(PackError, match=re.escape(message)):
        build_pack(store, config, ref)


def test_cli_pack_into_a_folder_is_recorded(cli: Cli, store: Store) -> None:
    folder = cli.home / "glu"
    folder.mkdir()
    done = cli("export", "escalation", f"comments/{HOSTILE_ID}", "--output", str(folder), "--format", "html")
    assert done.returncode == 0, done.stderr
    files = list(folder.iterdir())
    assert [f.name for f in files] == [f"glu-evidence-comments-{HOSTILE_ID}-{files[0].name[-13:-5]}.html"]
    assert files[0].stat().st_mode & 0o077 == 0
    assert_inert(read_html(files[0].read_text(encoding="utf-8")))
    assert HOSTILE_AUTHOR not in done.stdout  # the command's own output names no one
    packs = exported_packs(store)
    assert [(p["feed"], p["item_id"], p["format"], p["officer"]) for p in packs] == [
        ("comments", HOSTILE_ID, "html", OFFICER)
    ]
    assert packs[0]["path"] == str(files[0].resolve())


def test_cli_pack_to_a_file_in_markdown(cli: Cli) -> None:
    out = cli.home / "pack.md"
    done = cli("export", "escalation", HOSTILE_ID, "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("# Evidence pack for the Governance and Legal Unit")


@pytest.mark.parametrize("ref", ["comments/c-0001", "nonexistent"])
def test_cli_pack_refused_writes_nothing(cli: Cli, store: Store, ref: str) -> None:
    out = cli.home / "pack.md"
    done = cli("export", "escalation", ref, "--output", str(out))
    assert done.returncode == 1
    assert "escalate it in the inbox first" in done.stderr or "no comment" in done.stderr
    assert not out.exists() and exported_packs(store) == []


def test_ambiguous_bare_id(store: Store, config: Config, tmp_path: Path) -> None:
    add_local_item(store, "comment", HOSTILE_ID, "a local comment with the same id", {}, officer=OFFICER)
    with pytest.raises(PackError, match="matches more than one comment"):
        build_pack(store, config, HOSTILE_ID)
    assert build_pack(store, config, f"comments/{HOSTILE_ID}").comment.feed == "comments"


def test_an_output_with_a_trailing_slash_is_a_new_folder(cli: Cli) -> None:
    """`--output glu/` wrote a file named `glu`: the slash was lost on the way in."""
    done = cli("export", "escalation", HOSTILE_ID, "--output", "glu/")
    assert done.returncode == 0, done.stderr
    folder = cli.home / "glu"
    assert folder.is_dir()
    (pack,) = folder.iterdir()
    assert pack.suffix == ".md" and HOSTILE_ID in pack.name
