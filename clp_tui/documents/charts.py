"""The meeting report's charts, as inline SVG drawn from numbers and week labels only:
doors per week (stacked bars) and doors still to knock against the doorstep target."""

from __future__ import annotations

import datetime as dt
import html
import math

from clp_tui.data.branches import iso_week
from clp_tui.data.burndown import Burndown
from clp_tui.data.datewords import day_words
from clp_tui.data.report import WeekBar
from clp_tui.documents.words import num

CHART_CSS = """
.bar-target { fill: #b3001b; } .bar-other { fill: #c9c9c4; stroke: #5b5b58; stroke-width: .5; }
.line-actual { fill: none; stroke: #b3001b; stroke-width: 2.5; } .dot-actual { fill: #b3001b; }
.line-ideal { fill: none; stroke: #1d1d1b; stroke-width: 1.5; stroke-dasharray: 6 4; }
.axis { stroke: #1d1d1b; stroke-width: 1; } .grid { stroke: #e3e2dd; stroke-width: 1; }
.today { stroke: #8a5a00; stroke-width: 1.5; stroke-dasharray: 2 3; }
@media print { .bar-target { fill: #555; } .line-actual { stroke: #000; } .dot-actual { fill: #000; } }
"""

_W, _H = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 14, 42


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top`."""
    raw = top / count
    # Nothing to show, or a feed's extreme figures: below 1e-300 the step underflows to 0
    # (a target of 2.5e-323), and sums of 1e308s are infinite.
    if not 1e-300 < raw < math.inf:
        return [0.0, 1.0]
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [step * n for n in range(math.ceil(top / step - 1e-9) + 1)]


def _week_label(week: str) -> str:
    return week[5:]  # "2026-W47" -> "W47"


def _axes(ticks: list[float], labels: list[tuple[float, str]]) -> list[str]:
    plot_h = _H - _TOP - _BOTTOM
    top = ticks[-1]
    parts = []
    for t in ticks:
        y = _TOP + plot_h * (1 - t / top)
        parts.append(f'<line class="grid" x1="{_LEFT}" y1="{y:.1f}" x2="{_W - _RIGHT}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{num(t)}</text>')
    parts.append(f'<line class="axis" x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{_W - _RIGHT}" y2="{_TOP + plot_h}"/>')
    parts.append(f'<line class="axis" x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{_TOP + plot_h}"/>')
    # At most 14 labels, counted back from the last week so it always has one.
    step = max(1, math.ceil(len(labels) / 14))
    for n, (x, text) in enumerate(labels):
        if (len(labels) - 1 - n) % step == 0:
            parts.append(f'<text x="{x:.1f}" y="{_H - _BOTTOM + 16}" text-anchor="middle">{html.escape(text)}</text>')
    return parts


def _svg(name: str, title: str, desc: str, parts: list[str]) -> str:
    return (
        f'<svg viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" role="img" aria-labelledby="{name}-t {name}-d">'
        f'<title id="{name}-t">{html.escape(title)}</title><desc id="{name}-d">{html.escape(desc)}</desc>'
        + "".join(parts)
        + "</svg>"
    )


def svg_weekly_bars(bars: list[WeekBar]) -> str:
    """Doors per week, one stacked bar per week: target wards below, other branches above."""
    if not bars:
        return ""
    ticks = nice_ticks(max((b.all for b in bars), default=0))
    top = ticks[-1]
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    band = plot_w / len(bars)
    width = band * 0.7
    parts: list[str] = []
    labels = []
    for n, b in enumerate(bars):
        x = _LEFT + band * n + (band - width) / 2
        base = _TOP + plot_h
        t_h, o_h = plot_h * b.target / top, plot_h * b.other / top
        parts.append(
            f'<rect class="bar-target" x="{x:.1f}" y="{base - t_h:.1f}" width="{width:.1f}" height="{t_h:.1f}"/>'
        )
        parts.append(
            f'<rect class="bar-other" x="{x:.1f}" y="{base - t_h - o_h:.1f}" width="{width:.1f}" height="{o_h:.1f}"/>'
        )
        parts.append(
            f'<text x="{x + width / 2:.1f}" y="{base - t_h - o_h - 4:.1f}" text-anchor="middle">{num(b.all)}</text>'
        )
        labels.append((x + width / 2, _week_label(b.week)))
    legend_y = _H - 8
    parts.append(f'<rect class="bar-target" x="{_LEFT}" y="{legend_y - 9}" width="10" height="10"/>')
    parts.append(f'<text x="{_LEFT + 14}" y="{legend_y}">target wards</text>')
    parts.append(f'<rect class="bar-other" x="{_LEFT + 110}" y="{legend_y - 9}" width="10" height="10"/>')
    parts.append(f'<text x="{_LEFT + 124}" y="{legend_y}">other branches</text>')
    desc = "; ".join(f"{b.week}: {num(b.all)} doors ({num(b.target)} in target wards)" for b in bars)
    return _svg("weekly-doors", "Doors knocked per week", desc, _axes(ticks, labels) + parts)


def svg_burndown(b: Burndown, as_of: dt.date) -> str:
    """Doors still to knock at the end of each week against an even pace to the due date."""
    ticks = nice_ticks(b.target)
    top = ticks[-1]
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    count = len(b.weeks)
    step = plot_w / max(count, 1)

    def x(n: float) -> float:
        return _LEFT + step * n

    def y(value: float) -> float:
        return _TOP + plot_h * (1 - value / top)

    # Week n's figures sit at the end of week n; point 0 is the start, with nothing knocked.
    ideal = [f"{x(0):.1f},{y(b.target):.1f}"] + [f"{x(n + 1):.1f},{y(v):.1f}" for n, v in enumerate(b.ideal)]
    actual = [(x(0), y(b.target))] + [(x(n + 1), y(v)) for n, v in enumerate(b.remaining) if v is not None]
    parts = [f'<polyline class="line-ideal" points="{" ".join(ideal)}"/>']
    parts.append(f'<polyline class="line-actual" points="{" ".join(f"{px:.1f},{py:.1f}" for px, py in actual)}"/>')
    parts += [f'<circle class="dot-actual" cx="{px:.1f}" cy="{py:.1f}" r="3"/>' for px, py in actual[1:]]
    current = iso_week(as_of)
    if current in b.weeks:
        tx = x(b.weeks.index(current) + 1)
        parts.append(f'<line class="today" x1="{tx:.1f}" y1="{_TOP}" x2="{tx:.1f}" y2="{_TOP + plot_h}"/>')
        parts.append(f'<text x="{tx - 4:.1f}" y="{_TOP + 10}" text-anchor="end">this week</text>')
    labels = [(x(n + 0.5), _week_label(w)) for n, w in enumerate(b.weeks)]
    legend_y = _H - 8
    parts.append(f'<line class="line-actual" x1="{_LEFT}" y1="{legend_y - 4}" x2="{_LEFT + 22}" y2="{legend_y - 4}"/>')
    parts.append(f'<text x="{_LEFT + 28}" y="{legend_y}">still to knock</text>')
    parts.append(
        f'<line class="line-ideal" x1="{_LEFT + 130}" y1="{legend_y - 4}" x2="{_LEFT + 152}" y2="{legend_y - 4}"/>'
    )
    parts.append(f'<text x="{_LEFT + 158}" y="{legend_y}">even pace to the due date</text>')
    left = [v for v in b.remaining if v is not None]
    desc = (
        f"Target {num(b.target)} doors from {day_words(b.start)} to {day_words(b.due)}; {num(b.knocked)} knocked so far, "
        f"{num(left[-1] if left else b.target)} still to knock."
    )
    return _svg("burndown", "Doors still to knock against the doorstep target", desc, _axes(ticks, labels) + parts)
