"""Status shown as symbol + word + colour, never colour alone (colour-blind
officers, monochrome projectors). Everything returns rich Text built from
plain strings, so feed text placed next to these is never read as markup."""

from __future__ import annotations

import os

from rich.text import Text

RAG = {
    "overdue": ("✖", "OVERDUE", "bold white on red"),
    "behind": ("▼", "BEHIND", "bold red"),
    "at_risk": ("!", "AT RISK", "bold yellow"),
    "on_track": ("✓", "ON TRACK", "green"),
    "done": ("●", "DONE", "dim green"),
    "dropped": ("–", "DROPPED", "dim"),
}

DECISION = {
    None: ("○", "new", "bold"),
    "approved": ("✓", "approved", "green"),
    "hidden": ("⊘", "hidden", "yellow"),
    "escalated": ("⚑", "GLU", "bold white on red"),
    "needs_reply": ("↩", "reply", "cyan"),
}

HEALTH = {
    "ok": ("✓", "green"),
    "stale": ("⚠", "yellow"),
    "error": ("✖", "bold red"),
    "never": ("…", "dim"),
}


# Statuses that ask for attention. Their colour alone is not enough: under NO_COLOR the
# terminal shows red as a dark grey, the dimmest thing on screen.
WARNINGS = {"overdue", "behind", "at_risk"}


def no_color() -> bool:
    """True when the officer asked for no colour (https://no-color.org), as Textual reads it."""
    return "NO_COLOR" in os.environ


def warning(style: str) -> str:
    """`style` for a warning (BEHIND, QUIET, ⚠IMPRINT, an embargo, a falling trend): bold
    always, and reverse video under NO_COLOR so it stands out without its colour."""
    if no_color():
        return "bold reverse"
    return style if "bold" in style.split() else f"bold {style}"


def rag_badge(rag: str, width: int = 10) -> Text:
    symbol, word, style = RAG.get(rag, ("?", rag.upper(), ""))
    return Text(f"{symbol} {word}".ljust(width), style=warning(style) if rag in WARNINGS else style)


def decision_badge(decision: str | None, width: int = 10) -> Text:
    symbol, word, style = DECISION.get(decision, ("?", str(decision), ""))
    return Text(f"{symbol} {word}".ljust(width), style=style)


def progress_bar(fraction: float | None, width: int = 10) -> Text:
    """A bar and a percentage; '—' when there is nothing to measure."""
    if fraction is None:
        return Text("—".ljust(width + 5), style="dim")
    fraction = min(max(fraction, 0.0), 1.0)
    filled = round(fraction * width)
    bar = Text("█" * filled, style="bold")
    bar.append("░" * (width - filled), style="dim")
    bar.append(f" {fraction * 100:3.0f}%")
    return bar


# Five shades from nothing to the busiest cell of the view, each with its number. In
# the terminal's own 16 colours (an ANSI theme) they are ANSI colours, which the
# terminal's palette decides; otherwise `heat_styles` blends the theme's colours.
HEAT_ANSI = ("dim", "green", "black on green", "bold black on green", "bold black on bright_green")


def heat_styles(variables: dict[str, str], ansi: bool) -> tuple[str, ...]:
    """The five heat shades for a theme (its CSS variables): from its background towards
    its success colour, each number in the background's contrasting text colour."""
    if ansi:
        return HEAT_ANSI
    from textual.color import Color

    background = Color.parse(variables.get("background", "#000000"))
    neutral = background.blend(Color.parse(variables.get("foreground", "#FFFFFF")), 0.2)
    hot = Color.parse(variables.get("success", "#00AA00"))
    # A little: a neutral grey; then three steps towards the theme's success colour.
    cells = [neutral, background.blend(hot, 0.4), background.blend(hot, 0.7), hot]
    styles = ["dim"]
    for n, cell in enumerate(cells):
        styles.append(f"{'bold ' if n == 3 else ''}{cell.get_contrast_text(1.0).hex} on {cell.hex}")
    return tuple(styles)


def short_number(value: float) -> str:
    """A count in at most about six characters, however large a feed says it is."""
    if value < 100_000:
        return f"{value:,.0f}"
    for unit, size in (("k", 1e3), ("M", 1e6), ("G", 1e9)):
        if value < size * 1000:
            return f"{value / size:,.0f}{unit}"
    return "≥1T"


def heat_cell(value: float | None, peak: float, width: int = 6, styles: tuple[str, ...] = HEAT_ANSI) -> Text:
    if value is None:
        return Text("·".center(width), style="dim")
    level = 0 if value <= 0 or peak <= 0 else 1 + min(int(value / peak * 4), 3)
    shown = short_number(value)
    return Text(shown.rjust(width - 1) + " ", style=styles[level])
