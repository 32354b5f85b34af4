"""Charts drawn on the server as inline SVG (no chart library, no JS): the reputation graph on
profiles and the daily bar chart of the admin dashboard.

Only numbers and dates computed here reach the template, which writes the <svg> itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

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


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str  # the value and its day, shown as a tooltip and read by screen readers


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right: int
    baseline: float
    bars: list[Bar]
    y_ticks: list[tuple[float, str]]
    x_labels: list[tuple[float, str, str]]
    summary: str


def daily_bar_chart(days: list[tuple[date, int]], noun: str) -> BarChart:
    """One bar per day (oldest first), on the same canvas and axes style as the reputation graph."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    high = max([value for _, value in days] + [1])
    slot = plot_w / max(1, len(days))
    base = TOP + plot_h
    bars = []
    for n, (day, value) in enumerate(days):
        height = round(plot_h * value / high, 1)
        bars.append(Bar(round(LEFT + n * slot + slot * 0.15, 1), round(base - height, 1),
                        round(slot * 0.7, 1), height, f"{_day_label(day)}: {value:,} {noun}"))
    ticks = sorted({0, high // 2, high}, reverse=True)
    total = sum(value for _, value in days)
    busiest = max(days, key=lambda item: item[1]) if days else None
    summary = (f"{total:,} {noun} in the last {len(days)} days"
               + (f", most on {_day_label(busiest[0])} ({busiest[1]:,})." if busiest and busiest[1] else "."))
    labels = ([(LEFT, _day_label(days[0][0]), "start"), (WIDTH - RIGHT, _day_label(days[-1][0]), "end")]
              if days else [])
    return BarChart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, base, bars,
                    [(round(TOP + plot_h * (high - v) / high, 1), f"{v:,}") for v in ticks], labels, summary)


def _day_label(day: date) -> str:
    return f"{day:%d %b}".lstrip("0")
