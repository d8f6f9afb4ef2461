"""Refreshing the dashboard's CSS without parsing it again when nothing in it changed.

Textual's `App.refresh_css` sets the stylesheet's variables (which empties its cache of
parsed sources), parses app.tcss and every widget's DEFAULT_CSS again from scratch, then
restyles every widget. It runs when a theme changes, and also the first time each
mode's screen is shown, whether or not anything changed: before the first paint that
was a whole second parse (~5 ms on the bench machine), and the emptied cache made the
next parse (the first new widget's DEFAULT_CSS) a third. When the app's CSS variables
are the ones the stylesheet was parsed with, parsing again gives the same rules: this
refresh then keeps the parsed rules and does the rest of Textual's refresh, the
restyling, as Textual (8.2) does it. Any other time it is Textual's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App, ScreenError


def refresh_css(app: App[Any], animate: bool, textual_refresh: Callable[[bool], None]) -> None:
    stylesheet = app.stylesheet
    if stylesheet._variables != app.get_css_variables():
        textual_refresh(animate)  # a new theme: every stylesheet parsed with its colours
        return
    # Textual 8.2's App.refresh_css from here on, less set_variables() and reparse().
    stylesheet.update(app, animate=animate)
    try:
        if app.screen.is_mounted:
            app.screen._refresh_layout(app.size)
            app.screen._css_update_count = app._css_update_count
    except ScreenError:
        pass
    for screen in app.screen_stack:
        if screen != app.screen:
            stylesheet.update(screen, animate=animate)
            screen._css_update_count = app._css_update_count
