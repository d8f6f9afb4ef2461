"""The schema from `clp-tui schema`, run by a real JSON Schema validator, refuses
what the contract refuses — and `--kind` refuses more, as a configured kind does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from clp_tui.data.contract import json_schema

CONFORMANCE = Path(__file__).resolve().parent / "conformance"


def feed(*items: dict) -> dict:
    return {"version": "https://jsonfeed.org/version/1.1", "title": "Fernbridge plan", "items": list(items)}


def valid(kind: str | None, document: dict) -> bool:
    return jsonschema.Draft202012Validator(json_schema(kind)).is_valid(document)


@pytest.mark.parametrize("kind", [None, "milestone", "activity", "comment", "press"])
def test_every_variant_is_a_valid_2020_12_schema(kind: str | None) -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema(kind))


def test_an_item_that_names_its_type_must_follow_that_types_rules() -> None:
    assert valid(None, feed({"id": "m1", "_clp": {"type": "milestone", "due": "2027-01-01"}}))
    assert not valid(None, feed({"id": "m2", "_clp": {"type": "milestone"}}))  # no due
    assert not valid(None, feed({"id": "p1", "_clp": {"type": "press", "format": "op_ed", "stage": "nowhere"}}))
    assert not valid(
        None,
        feed(
            {
                "id": "a1",
                "_clp": {"type": "activity", "branch": "Saltgate", "week": "2026-W60", "metrics": {"doors": 3}},
            }
        ),
    )


def test_kind_makes_untyped_items_follow_that_kind() -> None:
    untyped = feed({"id": "m3", "title": "Leaflet round"})
    assert valid(None, untyped)
    assert not valid("milestone", untyped)
    assert valid("milestone", feed({"id": "m4", "_clp": {"due": "2027-02-01"}}))
    assert not valid("milestone", feed({"id": "m5", "_clp": {"type": "comment"}}))


def test_negative_metrics_and_bad_envelopes_are_refused() -> None:
    bad_metric = {"id": "a2", "_clp": {"branch": "Otterdale", "week": "2026-W48", "metrics": {"doors": -1}}}
    assert not valid("activity", feed(bad_metric))
    assert not valid(None, {"version": "https://example.org/feed", "title": "x", "items": []})
    assert not valid(None, {"version": "https://jsonfeed.org/version/1.1", "items": []})


@pytest.mark.parametrize("path", sorted(CONFORMANCE.glob("*.json")), ids=lambda p: p.name)
def test_real_world_feeds_pass_as_comment_and_press(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert valid("comment", document)
    assert valid("press", document)


def test_the_command_prints_the_kind_variant(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "clp_tui.cli", "schema", "--kind", "activity"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["properties"]["items"]["items"] == {"$ref": "#/$defs/ActivityItem"}
    assert "_clp" in printed["$defs"]["ActivityItem"]["required"]
