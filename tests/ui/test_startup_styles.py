"""The first screen is styled once (docs/performance.md, issue 16): the terminal's width
classes are on the App before the screen is built (no whole-app restyle on the first
Resize), the stylesheet is not parsed a second time when the first mode's screen is
shown, and each footer key is restyled once as it appears, not twice. A new theme still
parses every stylesheet again with its colours."""

from __future__ import annotations

from collections import Counter

from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.widgets._footer import FooterKey


async def test_the_first_screen_is_styled_once(env, monkeypatch) -> None:
    reparsed: list[int] = []
    restyled: Counter[int] = Counter()
    reparse, update_styles = Stylesheet.reparse, App.update_styles

    def counted_reparse(self: Stylesheet) -> None:
        reparsed.append(1)
        reparse(self)

    def counted_update_styles(self: App, node, animate: bool = True) -> None:  # type: ignore[no-untyped-def]
        restyled[id(node)] += 1
        update_styles(self, node, animate)

    monkeypatch.setattr(Stylesheet, "reparse", counted_reparse)
    monkeypatch.setattr(App, "update_styles", counted_update_styles)
    app = env.app()
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        assert "wide" in app.classes and "narrow" not in app.classes
        assert restyled[id(app)] == 0  # the width's classes came before the screen
        assert reparsed == []
        keys = list(app.screen.query(FooterKey))
        assert keys
        assert max(restyled[id(key)] for key in keys) <= 1

        app.theme = "textual-light"
        await pilot.pause()
        assert reparsed  # a new theme: parsed again, with its colours
