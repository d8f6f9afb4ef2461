"""`clp-tui report`: the meeting report-back, checked by what it says (in Markdown and HTML),
by what it must never say (commenters' names, comment text) and by what it must never do
(run script, load anything, form links from feed text)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clp_tui.config import Config
from clp_tui.data.board import load_milestones
from clp_tui.data.branches import last_weeks, load_branches
from clp_tui.data.decision_log import decide
from clp_tui.data.report import build_report, weeks_between
from clp_tui.data.store import Store
from clp_tui.documents.charts import nice_ticks
from clp_tui.documents.report import render_html, render_markdown

from .conftest import (
    HOSTILE_MILESTONE,
    IMPRINTED_CARD,
    NEEDS_IMPRINT_MILESTONE,
    QUIET_BRANCH,
    REPO,
    TODAY,
    Cli,
    Fixture,
    assert_inert,
    markdown_as_html,
    read_html,
)


def expected_facts(store: Store) -> tuple[list[str], list[str]]:
    """What the dashboard itself says: milestones overdue or behind, and quiet branches."""
    needs_help = [m.title for m in load_milestones(store, TODAY) if m.rag in ("overdue", "behind")]
    rows, _ = load_branches(store)
    quiet = [r.branch for r in rows if r.quiet(last_weeks(TODAY, 2))]
    return needs_help, quiet


def assert_no_personal_data(text: str, built: Fixture) -> None:
    for name in built.commenter_names():
        assert name not in text, f"commenter {name!r} named in the report"
    for comment in built.comment_texts():
        assert comment not in text, f"comment text {comment[:40]!r} in the report"


def test_markdown_lists_what_needs_help_and_names_no_commenter(store: Store, config: Config, built: Fixture) -> None:
    markdown = render_markdown(build_report(store, config, TODAY))
    needs_help, quiet = expected_facts(store)
    assert len(needs_help) >= 5 and HOSTILE_MILESTONE in needs_help
    assert {"Otterdale", "St Aldwyn's", QUIET_BRANCH} <= set(quiet)

    # Read it as a reader would: rendered (GitHub-style), then as text.
    page = read_html(markdown_as_html(markdown))
    assert_inert(page)  # feed text formed no link, image or HTML
    section = page.text.split("Falling behind: needs help")[1].split("Done since")[0]
    for title in needs_help:
        assert title in section
    quiet_section = page.text.split("Quiet branches")[1].split("Twinning")[0]
    for branch in quiet:
        assert f"{branch}: nothing recorded in the last two weeks" in quiet_section
    assert "164 days to polling day (6 May 2027)" in page.text
    assert_no_personal_data(markdown, built)
    assert_no_personal_data(page.text, built)


def test_markdown_sections(store: Store, config: Config) -> None:
    page = read_html(markdown_as_html(render_markdown(build_report(store, config, TODAY))))
    text = page.text
    # Marked done here today: the decision log's time counts, and says so.
    done = text.split("Done since 26 Oct 2026")[1].split("Coming up")[0]
    assert "Winter fundraising appeal launched Treasurer 23 Nov 2026 here" in done
    coming = text.split("Coming up in the next four weeks")[1].split("Branch activity")[0]
    assert "Christmas card delivery" in coming and "Freepost leaflet" not in coming
    assert "Branch activity, 2026-W44 to 2026-W48" in text
    assert "Hollowmere North ★ Fernbridge Central" in text  # twinning
    assert "Doorstep: target wards first pass" in text.split("Doors against the doorstep target")[1]
    # Press: waiting on the candidate / the region, and the imprint flags.
    waiting = text.split("Waiting on consent or sign-off")[1].split("Imprints")[0]
    assert "Priya backs Saltgate food bank appeal" in waiting and "the candidate's consent" in waiting
    assert "Statement on flooding at Mill Lane" in waiting and "regional sign-off" in waiting
    imprints = text.split("Imprints")[1].split("Moderation in numbers")[0]
    assert "Saltgate action day press Published it is published" in imprints
    assert NEEDS_IMPRINT_MILESTONE in imprints and IMPRINTED_CARD not in imprints
    moderation = text.split("Moderation in numbers")[1]
    assert "escalated (to the GLU) 2" in moderation and "not reviewed yet" in moderation


def test_html_is_one_inert_file_with_the_same_facts(store: Store, config: Config, built: Fixture) -> None:
    document = render_html(build_report(store, config, TODAY))
    assert document.startswith("<!DOCTYPE html>")
    page = read_html(document)
    assert_inert(page)
    assert "<script" not in document.lower()
    # The only URLs are feed text shown as text (a hostile owner and branch name here).
    assert set(re.findall(r"\w+://[^\s<)]+", document)) == {"http://x.invalid", "https://evil.invalid/x"}
    needs_help, quiet = expected_facts(store)
    section = page.text.split("Falling behind: needs help")[1].split("Done since")[0]
    for title in needs_help:
        assert title in section
    for branch in quiet:
        assert f"{branch}: nothing recorded in the last two weeks" in page.text
    assert_no_personal_data(document, built)
    # Two charts, drawn inline, with a print stylesheet.
    assert page.tags.count("svg") == 2
    assert "@media print" in "".join(page.styles)
    assert "Doors knocked per week" in page.text and "Doors still to knock against the doorstep target" in page.text


def test_report_window_and_empty_cache(store: Store, config: Config, tmp_path: Path) -> None:
    narrow = build_report(store, config, TODAY, since=TODAY)
    assert narrow.weeks == ["2026-W48"]
    assert [d.milestone.id for d in narrow.done] == ["m-014"]
    empty = build_report(Store(tmp_path / "empty.db"), config, TODAY)
    for text in (read_html(markdown_as_html(render_markdown(empty))).text, read_html(render_html(empty)).text):
        assert "No feed gives a polling day." in text and "No branch activity in the feeds." in text
        assert "Nothing is overdue or behind." in text


def test_weeks_and_ticks() -> None:
    assert weeks_between(dt.date(2026, 12, 28), dt.date(2027, 1, 4)) == ["2026-W53", "2027-W01"]
    assert nice_ticks(2229) == [0, 500, 1000, 1500, 2000, 2500]
    assert nice_ticks(0) == [0.0, 1.0]


def test_cli_report_markdown_to_stdout_and_html_to_file(cli: Cli, built: Fixture) -> None:
    done = cli("report", "--as-of", TODAY.isoformat())
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Report to the CLP meeting: Fernbridge and Hollowmere")
    assert_no_personal_data(done.stdout, built)

    out = cli.home / "meeting.html"
    done = cli("report", "--as-of", TODAY.isoformat(), "--since", "2026-11-01", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout
    page = read_html(out.read_text(encoding="utf-8"))  # html chosen from the extension
    assert_inert(page)
    assert "Covers 1 Nov 2026 to 23 Nov 2026" in page.text


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--since", "2026-12-01", "--as-of", "2026-11-23"], 2, "is after the report date"),
        (["--since", "last tuesday"], 2, "is not a date like 2026-11-23"),
    ],
)
def test_cli_report_refuses_bad_dates(cli: Cli, args: list[str], code: int, message: str) -> None:
    done = cli("report", *args)
    assert done.returncode == code
    assert message in done.stderr


def test_cli_report_without_a_cache(cli: Cli) -> None:
    cli.db.unlink()
    done = cli("report")
    assert done.returncode == 1 and "run `clp-tui sync` first" in done.stderr
    assert not cli.db.exists()


def test_the_new_commands_do_not_load_textual() -> None:
    code = (
        "import sys, clp_tui.cli, clp_tui.commands.report, clp_tui.commands.export, clp_tui.commands.purge, "
        "clp_tui.data.report, clp_tui.data.decision_log, clp_tui.data.evidence, clp_tui.data.imprint, "
        "clp_tui.data.retention, clp_tui.documents.report, clp_tui.documents.pack, clp_tui.documents.decisions; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.strip() == "[]"


def test_a_card_past_the_gate_is_called_out(store: Store, config: Config) -> None:
    # p-08 waits on the candidate; a move to Approved without consent must not pass quietly.
    decide(store, [("press", "p-08")], "stage", "approved", officer="Pat Officer")
    report = build_report(store, config, TODAY)
    assert [(w.card.id, w.waits_on) for w in report.gate_breaches] == [
        ("p-08", ["the candidate's consent", "regional sign-off"])
    ]
    assert "p-08" not in {w.card.id for w in report.waiting}
    text = read_html(render_html(report)).text
    assert "Past the gate without consent or sign-off" in text
