"""`clp-tui feed from-csv`: the spreadsheets a CLP already keeps become feeds that
pass `check-feed` and sync; a row that cannot be read is named by line and left out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from feedserver import FeedServer

from clp_tui.data.feedcsv import feed_from_csv
from clp_tui.data.parse import Problem
from clp_tui.data.sync import parse_pages

MILESTONES = """\
id,title,due,strand,horizon,owner,start,status,target,achieved,depends_on,description
doors-1,"Knock 5,000 doors",2030-04-30,doorstep,short,Organiser,2030-01-06,on_track,"5,000",2100,,First pass of the target wards
postal,Postal vote drive,2030-04-10,postal_votes,medium,Agent,,,,,doors-1; leaflets-1,
leaflets-1,Leaflet round 1,2030-03-01,leaflets,,,,done,12000,12000,,
"""

ACTIVITY = """\
branch,ward,target_ward,twinned_with,week,doors,contacts,leaflets,custom metric
Northside,Abbey,yes,Southside,2030-W10,310,95,1200,4
Southside,Castle,,Northside,2030-W10,120,40,,
Northside,Abbey,x,,2030-W11,280.5,80,900,
"""

PRESS = """\
id,title,format,stage,candidate,owner,outlets,embargo,consent_by,consent_at,signoff_by,signoff_at,description
pr-1,Bus route saved,press_release,approved,Jo Bloggs,Comms,Echo; Radio Anytown,2030-03-03T00:01:00Z,Jo Bloggs,2030-03-01,Regional office,2030-03-02,Quote from Jo
pr-2,Photo at the library,photo_call,idea,,,,,,,,,
pr-3,Letter on housing,public_letter,drafting,Jo Bloggs,Comms,Echo,,,,,,"Draft, with ""quotes"" and commas"
"""

CASES = {"milestone": (MILESTONES, 3), "activity": (ACTIVITY, 3), "press": (PRESS, 3)}


def from_csv(cli, tmp_path: Path, kind: str, text: str, title: str | None = "Our sheet"):
    source = tmp_path / f"{kind}.csv"
    source.write_text(text, encoding="utf-8")
    args = ["feed", "from-csv", "--kind", kind, str(source)]
    if title:
        args[4:4] = ["--title", title]
    return cli(*args, files=False)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, cli_class) -> dict[str, dict]:
    """Each good sheet converted once for the module: kind -> {stdout, stderr, returncode}."""
    home = tmp_path_factory.mktemp("home")
    cli = cli_class(home=home, config=home / "config.toml", db=home / "cache.db")
    results = {}
    for kind, (text, _) in CASES.items():
        result = from_csv(cli, home, kind, text)
        results[kind] = {"stdout": result.stdout, "stderr": result.stderr, "returncode": result.returncode}
    return results


def errors_in(feed_text: str, kind: str) -> list[Problem]:
    """What check-feed would call an error (the same parser, in this process)."""
    parsed = parse_pages([feed_text.encode()], kind)
    return [p for p in parsed.problems if p.severity == "error"]


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_sheet_round_trips_through_check_feed(cli, tmp_path: Path, made: dict, kind: str) -> None:
    text, count = CASES[kind]
    result = made[kind]
    assert result["returncode"] == 0, result["stderr"]
    assert result["stderr"] == ""
    feed = tmp_path / f"{kind}.json"
    feed.write_text(result["stdout"], encoding="utf-8")
    doc = json.loads(result["stdout"])
    assert doc["title"] == "Our sheet" and len(doc["items"]) == count
    checked = cli("check-feed", str(feed), "--kind", kind, "--json", files=False)
    assert checked.returncode == 0, checked.stdout
    *problems, summary = map(json.loads, checked.stdout.splitlines())
    assert [p for p in problems if p["severity"] == "error"] == []
    assert summary["items_taken"] == count and summary["errors"] == 0


def test_milestone_columns_become_typed_fields(made: dict) -> None:
    items = {i["id"]: i for i in json.loads(made["milestone"]["stdout"])["items"]}
    assert items["doors-1"]["_clp"] == {
        "type": "milestone",
        "due": "2030-04-30",
        "strand": "doorstep",
        "horizon": "short",
        "owner": "Organiser",
        "start": "2030-01-06",
        "status": "on_track",
        "target": 5000,
        "achieved": 2100,
    }
    assert items["doors-1"]["title"] == "Knock 5,000 doors"
    assert items["doors-1"]["content_text"] == "First pass of the target wards"
    assert items["postal"]["_clp"]["depends_on"] == ["doors-1", "leaflets-1"]


def test_activity_columns_become_metrics_and_ids(made: dict) -> None:
    items = json.loads(made["activity"]["stdout"])["items"]
    assert [i["id"] for i in items] == ["northside-2030-W10", "southside-2030-W10", "northside-2030-W11"]
    first = items[0]["_clp"]
    assert first["metrics"] == {"doors": 310, "contacts": 95, "leaflets": 1200, "custom metric": 4}
    assert (first["target_ward"], first["twinned_with"], first["ward"]) == (True, "Southside", "Abbey")
    assert "target_ward" not in items[1]["_clp"]
    assert items[2]["_clp"]["metrics"]["doors"] == 280.5


def test_press_columns_become_signoffs_and_lists(made: dict) -> None:
    items = {i["id"]: i for i in json.loads(made["press"]["stdout"])["items"]}
    ext = items["pr-1"]["_clp"]
    assert ext["consent"] == {"by": "Jo Bloggs", "at": "2030-03-01"}
    assert ext["regional_signoff"] == {"by": "Regional office", "at": "2030-03-02"}
    assert ext["outlets"] == ["Echo", "Radio Anytown"]
    assert items["pr-3"]["content_text"] == 'Draft, with "quotes" and commas'


def test_a_generated_feed_syncs_into_the_cache(made: dict, tmp_path: Path, server: FeedServer, sync_now, sql) -> None:
    server.route("/press.json", body=made["press"]["stdout"].encode())
    (report,) = sync_now(tmp_path / "c.db", [{"name": "press", "url": server.url("/press.json"), "kind": "press"}])
    assert report.status == "ok" and report.counts.added == 3 and report.counts.skipped == 0
    assert sorted(sql(tmp_path / "c.db", "SELECT id, stage, owner FROM items")) == [
        ("pr-1", "approved", "Comms"),
        ("pr-2", "idea", None),
        ("pr-3", "drafting", "Comms"),
    ]


def test_the_title_defaults_to_the_file_name_and_a_bom_is_ignored(cli, tmp_path: Path) -> None:
    made = from_csv(cli, tmp_path, "press", "\ufeff" + PRESS, title=None)
    assert made.returncode == 0
    assert json.loads(made.stdout)["title"] == "press"


# -- rows that cannot be read ------------------------------------------------------------

BAD_ROWS = {
    # case: (kind, sheet, what the message says, ids that remain)
    "press gate": (
        "press",
        PRESS + "pr-4,Leaked,statement,published,,,,,,,,,\n",
        "line 5: stage published needs consent_by and signoff_by",
        ["pr-1", "pr-2", "pr-3"],
    ),
    "empty required cell": (
        "milestone",
        MILESTONES + "m-9,No date,,doorstep,,,,,,,,\n",
        "line 5: due empty",
        ["doors-1", "postal", "leaflets-1"],
    ),
    "negative number": (
        "activity",
        ACTIVITY + "Eastside,,,,2030-W10,-5,,,\n",
        "line 5: doors must not be negative",
        ["northside-2030-W10", "southside-2030-W10", "northside-2030-W11"],
    ),
    "UK date": (
        "milestone",
        MILESTONES + "m-9,Count night,31/12/2030,,,,,,,,,\n",
        "line 5: due",
        ["doors-1", "postal", "leaflets-1"],
    ),
    "bad week": (
        "activity",
        ACTIVITY + "Eastside,,,,2030-W5,10,,,\n",
        "line 5: week",
        ["northside-2030-W10", "southside-2030-W10", "northside-2030-W11"],
    ),
    "unknown stage": (
        "press",
        PRESS + "pr-4,Rumour,statement,leaked,,,,,,,,,\n",
        "line 5: stage",
        ["pr-1", "pr-2", "pr-3"],
    ),
    "not a number": (
        "activity",
        ACTIVITY + "Eastside,,,,2030-W12,NaN,,,\n",
        "line 5: doors",
        ["northside-2030-W10", "southside-2030-W10", "northside-2030-W11"],
    ),
    "infinite": (
        "milestone",
        MILESTONES + "m-9,Infinite,2030-01-01,,,,,,inf,,,\n",
        "line 5: target",
        ["doors-1", "postal", "leaflets-1"],
    ),
    "duplicate id": (
        "press",
        PRESS + "pr-2,Same id again,statement,idea,,,,,,,,,\n",
        "line 5: duplicate id 'pr-2'",
        ["pr-1", "pr-2", "pr-3"],
    ),
    "bad embargo": (
        "press",
        PRESS + "pr-4,Embargoed,statement,idea,,,,tomorrow 9am,,,,,\n",
        "line 5: embargo",
        ["pr-1", "pr-2", "pr-3"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_bad_row_is_named_by_line_and_left_out_and_the_rest_is_a_valid_feed(case: str) -> None:
    kind, sheet, message, ids = BAD_ROWS[case]
    feed, errors = feed_from_csv(sheet, kind, "t")
    (line,) = errors
    assert message in line and line.endswith("row left out")
    text = json.dumps(feed, ensure_ascii=False, allow_nan=False)  # still valid JSON
    assert [i["id"] for i in feed["items"]] == ids
    assert errors_in(text, kind) == []


def test_the_command_reports_each_bad_row_on_stderr_and_exits_1(cli, tmp_path: Path) -> None:
    sheet = PRESS + "pr-4,Leaked,statement,published,,,,,,,,,\npr-5,Rumour,statement,leaked,,,,,,,,,\n"
    made = from_csv(cli, tmp_path, "press", sheet)
    assert made.returncode == 1
    source = tmp_path / "press.csv"
    assert made.stderr.splitlines() == [
        f"{source}: line 5: stage published needs consent_by and signoff_by filled in; row left out",
        f"{source}: line 6: stage: Invalid enum value 'leaked'; row left out",
    ]
    assert [i["id"] for i in json.loads(made.stdout)["items"]] == ["pr-1", "pr-2", "pr-3"]


@pytest.mark.parametrize(
    ("kind", "sheet", "message"),
    [
        ("press", "id,title,format\npr-1,x,statement\n", "missing column(s) stage"),
        ("milestone", "", "empty or has no header"),
    ],
)
def test_an_unusable_sheet_is_exit_2_with_one_line(cli, tmp_path: Path, kind: str, sheet: str, message: str) -> None:
    made = from_csv(cli, tmp_path, kind, sheet)
    assert made.returncode == 2
    (line,) = made.stderr.splitlines()
    assert message in line and f"{kind}.csv" in line
    assert made.stdout == ""


def test_a_missing_or_binary_file_is_exit_2(cli, tmp_path: Path) -> None:
    missing = cli("feed", "from-csv", "--kind", "press", str(tmp_path / "nope.csv"), files=False)
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    binary = tmp_path / "sheet.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00\x81")
    result = cli("feed", "from-csv", "--kind", "press", str(binary), files=False)
    assert result.returncode == 2 and "cannot read" in result.stderr
    assert "Traceback" not in missing.stderr + result.stderr
