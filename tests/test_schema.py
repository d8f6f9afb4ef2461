"""`clp-tui schema`: the JSON Schema publishers validate against, generated from
the same structs the parser uses."""

from __future__ import annotations

import json

import pytest

from clp_tui.data.contract import PRESS_STAGES


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory, cli_class) -> dict:
    home = tmp_path_factory.mktemp("home")
    result = cli_class(home=home, config=home / "c.toml", db=home / "c.db")("schema", files=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_schema_is_a_2020_12_schema_of_the_envelope(schema: dict) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert {"version", "title", "items"} <= set(schema["required"])
    assert schema["properties"]["version"]["pattern"] == r"^https://jsonfeed\.org/version/1"
    assert {"next_url", "_clp"} <= set(schema["properties"])


def test_schema_defines_every_kind_of_item(schema: dict) -> None:
    defs = schema["$defs"]
    for name in ("MilestoneItem", "ActivityItem", "CommentItem", "PressItem"):
        assert name in defs
    refs = [entry["$ref"] for entry in schema["properties"]["items"]["items"]["anyOf"]]
    assert refs == [f"#/$defs/{n}" for n in ("MilestoneItem", "ActivityItem", "CommentItem", "PressItem")]
    assert "Item" not in defs and "Feed" not in defs


def _ext(schema: dict, item: str) -> dict:
    """The `_clp` definition an item type points at."""
    clp = schema["$defs"][item]["properties"]["_clp"]
    ref = next(option["$ref"] for option in clp["anyOf"] if "$ref" in option)
    return schema["$defs"][ref.rsplit("/", 1)[1]]


def test_schema_states_the_contracts_required_fields_and_choices(schema: dict) -> None:
    milestone = _ext(schema, "MilestoneItem")
    assert milestone["required"] == ["due"]
    assert milestone["properties"]["due"]["format"] == "date"
    assert milestone["properties"]["target"]["anyOf"][0]["minimum"] == 0
    activity = _ext(schema, "ActivityItem")
    assert sorted(activity["required"]) == ["branch", "metrics", "week"]
    assert activity["properties"]["week"]["pattern"].startswith("^[0-9]{4}-W")
    press = _ext(schema, "PressItem")
    assert sorted(press["required"]) == ["format", "stage"]
    assert sorted(press["properties"]["stage"]["enum"]) == sorted(PRESS_STAGES)
    comment = _ext(schema, "CommentItem")
    assert sorted(comment["properties"]["state"]["anyOf"][0]["enum"]) == ["hidden", "removed", "visible"]


def test_schema_item_ids_may_be_strings_or_numbers(schema: dict) -> None:
    id_types = {option.get("type") for option in schema["$defs"]["CommentItem"]["properties"]["id"]["anyOf"]}
    assert {"string", "integer", "number"} <= id_types
