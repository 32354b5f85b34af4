"""Charts drawn on the server as plain SVG (no chart library, no JavaScript).

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>`` (the numbers in
words, for screen readers), with text labels on the bars and axes. Colours come from the site's CSS
variables through classes (``survey-chart-*`` in static/css/site.css), so they follow the light and
dark themes. Pages show the same numbers in a table beside every chart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH = 600
LABEL_WIDTH = 190  # bar charts: the category labels' column
ROW_HEIGHT, BAR_HEIGHT = 30, 18
LABEL_CHARS = 28


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown at the end of the bar ("3 (60%)")


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _frame(chart_id: str, height: int, title: str, desc: str, body: list[str]) -> Markup:
    head = (f'<svg class="survey-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMinYMin meet">'
            f'<title id="{chart_id}-title">{escape(title)}</title>'
            f'<desc id="{chart_id}-desc">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], *, desc: str = "") -> Markup:
    """Horizontal bars, one row per category, longest bar = the largest value."""
    top, bottom = 8, 8
    height = top + bottom + ROW_HEIGHT * max(1, len(bars))
    most = max((bar.value for bar in bars), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 70  # room for the value text after the longest bar
    words = desc or "; ".join(f"{bar.label}: {bar.text}" for bar in bars) + "."
    body = [f'<line class="survey-chart-axis" x1="{LABEL_WIDTH}" x2="{LABEL_WIDTH}" y1="{top - 4}" '
            f'y2="{height - bottom + 4}"/>']
    for n, bar in enumerate(bars):
        y = top + n * ROW_HEIGHT
        width = round(plot * bar.value / most, 1)
        middle = y + ROW_HEIGHT / 2
        body.append(
            f'<g class="survey-chart-row"><title>{escape(bar.label)}: {escape(bar.text)}</title>'
            f'<text class="survey-chart-label" x="{LABEL_WIDTH - 8}" y="{middle}" dy="0.35em" '
            f'text-anchor="end">{escape(_short(bar.label))}</text>'
            f'<rect class="survey-chart-bar" x="{LABEL_WIDTH}" y="{middle - BAR_HEIGHT / 2}" '
            f'width="{width}" height="{BAR_HEIGHT}" rx="3"/>'
            f'<text class="survey-chart-value" x="{LABEL_WIDTH + width + 6}" y="{middle}" '
            f'dy="0.35em">{escape(bar.text)}</text></g>')
    return _frame(chart_id, height, title, words, body)


def _day(day: date) -> str:
    return f"{day:%d %b}".lstrip("0")


def line_chart(chart_id: str, title: str, points: Sequence[tuple[date, float]], *, top_value: float,
               fmt: Callable[[float], str], desc: str = "") -> Markup:
    """A line over days (one point per day, oldest first) from 0 up to ``top_value``."""
    height, left, right, top, bottom = 220, 56, 16, 14, 34
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    top_value = top_value or 1
    words = desc or "No data yet."
    if points and not desc:
        words = (f"From {_day(points[0][0])} to {_day(points[-1][0])}: "
                 + ", ".join(f"{_day(d)} {fmt(v)}" for d, v in points) + ".")
    body = []
    for share in (0, 0.5, 1):
        y = round(top + plot_h * (1 - share), 1)
        body.append(f'<line class="survey-chart-grid" x1="{left}" x2="{WIDTH - right}" y1="{y}" y2="{y}"/>'
                    f'<text class="survey-chart-tick" x="{left - 6}" y="{y}" dy="0.35em" '
                    f'text-anchor="end">{escape(fmt(top_value * share))}</text>')
    if points:
        span = max(1, (points[-1][0] - points[0][0]).days)

        def xy(day: date, value: float) -> tuple[float, float]:
            x = left + (plot_w * (day - points[0][0]).days / span if len(points) > 1 else plot_w / 2)
            return round(x, 1), round(top + plot_h * (1 - min(value, top_value) / top_value), 1)

        coords = [xy(d, v) for d, v in points]
        body.append('<polyline class="survey-chart-line" points="'
                    + " ".join(f"{x},{y}" for x, y in coords) + '"/>')
        for (x, y), (day, value) in zip(coords, points, strict=True):
            body.append(f'<circle class="survey-chart-dot" cx="{x}" cy="{y}" r="4">'
                        f'<title>{escape(_day(day))}: {escape(fmt(value))}</title></circle>')
        labels = [(coords[0][0], points[0][0], "start")]
        if len(points) > 1:
            labels.append((coords[-1][0], points[-1][0], "end"))
        for x, day, anchor in labels:
            anchor = "middle" if len(points) == 1 else anchor
            body.append(f'<text class="survey-chart-tick" x="{x}" y="{height - 10}" '
                        f'text-anchor="{anchor}">{escape(_day(day))}</text>')
    return _frame(chart_id, height, title, words, body)


def percent(value: float) -> str:
    return f"{_num(value * 100)}%"


def count(value: float) -> str:
    return _num(value)
