"""The reputation graph on profiles: an inline SVG drawn on the server (no chart library, no JS).

Only numbers and dates computed here reach the template, which writes the <svg> itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 14, 30


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int                               # where the plot starts (y labels end there)
    right: int                              # where the plot ends
    line: str                               # polyline points "x,y x,y ..."
    area: str                               # the same line closed down to the baseline
    end: tuple[float, float]                # the last point (current reputation)
    y_ticks: list[tuple[float, str]]        # (y, label)
    x_labels: list[tuple[float, str, str]]  # (x, label, text-anchor)
    summary: str                            # what the graph shows, for screen readers


def _label(moment: datetime) -> str:
    return f"{moment:%d %b %Y}".lstrip("0")


def reputation_chart(history: list[tuple[datetime, int]], now: datetime) -> Chart:
    """A step line of reputation from the first moment of ``history`` to ``now``."""
    history = [*history, (max(now, history[-1][0]), history[-1][1])]
    first, last = history[0][0], history[-1][0]
    span = max(1.0, (last - first).total_seconds())
    values = [value for _, value in history]
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(moment: datetime) -> float:
        return round(LEFT + plot_w * (moment - first).total_seconds() / span, 1)

    def y(value: int) -> float:
        return round(TOP + plot_h * (high - value) / (high - low), 1)

    points: list[tuple[float, float]] = []
    for n, (moment, value) in enumerate(history):
        if n:
            points.append((x(moment), points[-1][1]))  # hold the previous value until this moment
        points.append((x(moment), y(value)))
    line = " ".join(f"{px},{py}" for px, py in points)
    base = TOP + plot_h
    ticks = sorted({low, (low + high) // 2, high}, reverse=True)
    summary = (f"Reputation over time: {history[0][1]:,} on {_label(first)}, "
               f"{history[-1][1]:,} on {_label(last)} (highest {max(values):,}).")
    area = f"{LEFT},{base} {line} {points[-1][0]},{base}"
    return Chart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, line, area, points[-1],
                 [(y(v), f"{v:,}") for v in ticks],
                 [(LEFT, _label(first), "start"), (WIDTH - RIGHT, _label(last), "end")], summary)
