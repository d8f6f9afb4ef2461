"""Property tests of the sanitiser with hypothesis: whatever a string holds, clean()
and one_line() leave nothing a terminal would obey, Rich and Textual show it
literally, json_line() keeps the data, and HTML is reduced to text without raising."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text
from textual.content import Content

from clp_tui.data.html_text import html_to_text
from clp_tui.data.text import clean, json_line, one_line

from .fuzz_strategies import FUZZ, json_values

# Everything clean() must never let through: C0 controls (bar tab and newline), DEL,
# C1 controls, bidi embeddings/overrides/isolates, and the line/paragraph separators.
DANGEROUS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")

texts = st.text(max_size=200) | st.text(
    alphabet=st.sampled_from(list("ab [/]=@\x1b\x07\x08\r\n\t\x9b\x9d\u202e\u2067\u200b\u0301\u2028👩‍")), max_size=80
)


@FUZZ
@given(text=texts)
def test_clean_leaves_nothing_a_terminal_would_obey_and_is_idempotent(text: str) -> None:
    cleaned = clean(text)
    assert DANGEROUS.search(cleaned) is None
    assert clean(cleaned) == cleaned
    flat = one_line(text)
    assert DANGEROUS.search(flat) is None and "\n" not in flat and "\t" not in flat
    assert one_line(flat) == flat


@FUZZ
@given(
    text=st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs"),
            blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029",
        ),
        max_size=200,
    )
)
def test_text_without_controls_is_shown_exactly_as_written(text: str) -> None:
    assert clean(text) == text
    assert one_line(text) == text


@FUZZ
@given(text=texts)
def test_cleaned_text_renders_literally_through_rich_and_textual(text: str) -> None:
    cleaned = clean(text)
    # What the widgets are handed: Text and Content objects, never markup strings.
    assert Text(cleaned).plain == cleaned
    assert Content(cleaned).plain == cleaned
    out = io.StringIO()
    Console(file=out, width=60, force_terminal=True, color_system=None, legacy_windows=False).print(Text(cleaned))
    shown = out.getvalue()
    for ch in ("\x1b", "\x07", "\x08", "\r", "\x9b", "\x9d", "\u202e"):
        assert ch not in shown
    # No markup was read: every visible character of the input is still there.
    visible = re.sub(r"\s", "", cleaned)
    assert visible == re.sub(r"\s", "", shown)


@FUZZ
@given(value=json_values | texts)
def test_json_line_is_the_same_data_with_nothing_raw(value: Any) -> None:
    line = json_line(value)
    assert json.loads(line) == value
    assert DANGEROUS.search(line) is None and "\n" not in line


@FUZZ
@given(fragment=st.text(max_size=200) | st.text(alphabet=st.sampled_from(list("<>/&;#x0123abp =\"'")), max_size=80))
def test_html_is_reduced_to_text_without_raising(fragment: str) -> None:
    assert isinstance(html_to_text(fragment), str)
