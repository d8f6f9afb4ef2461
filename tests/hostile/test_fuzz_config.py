"""Property tests of the config file with hypothesis: any text is a config or a
ConfigError naming the file, and the secret detector answers quickly whatever it holds."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from clp_tui.config import ConfigError, config_warnings, parse_config

from .fuzz_strategies import FUZZ

toml_like = st.text(max_size=200) | st.lists(
    st.sampled_from(
        [
            "[[feeds]]",
            'name = "a"',
            'url = "http://127.0.0.1/x"',
            'kind = "comment"',
            "refresh = 5",
            "[network]",
            "deadline = 1e400",
            "max_bytes = -1",
            "[keys]",
            '"a" = "b"',
            'token_env = "9X"',
            'url = "ftp://x"',
            'url = "http://[::1"',
            "[officer]",
            "name = 5",
            "feeds = 3",
        ]
    ),
    max_size=12,
).map("\n".join)


@FUZZ
@given(text=toml_like)
def test_any_config_text_is_a_config_or_a_config_error(text: str) -> None:
    try:
        parse_config(text, "fuzz.toml")
    except ConfigError as exc:
        assert str(exc).startswith("fuzz.toml") and "\n" not in str(exc).strip()


@settings(max_examples=50, deadline=2000)
@given(text=st.text(alphabet=st.sampled_from(list("://@a:?&=token Bearer eyJ.-_#\n")), max_size=3000))
def test_the_secret_detector_answers_quickly_whatever_the_file_holds(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_text(text, encoding="utf-8")
        path.chmod(0o644)
        assert isinstance(config_warnings(path), list)
