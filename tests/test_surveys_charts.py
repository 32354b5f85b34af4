"""The server-side SVG charts: labelled images with their numbers in words, escaped text."""

from __future__ import annotations

from datetime import date

from community import charts


def test_bar_chart_is_a_labelled_image_with_escaped_text():
    svg = str(charts.bar_chart("c1", "Answers to: <b>Office</b>?", [
        charts.Bar('North & "East"', 3, "3 (75%)"), charts.Bar("<script>alert(1)</script>", 1, "1 (25%)")]))
    assert svg.startswith('<svg class="survey-chart"') and 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Answers to: &lt;b&gt;Office&lt;/b&gt;?</title>' in svg
    assert "North &amp; &#34;East&#34;: 3 (75%); &lt;script&gt;alert(1)&lt;/script&gt;: 1 (25%)." in svg
    assert "<script>" not in svg
    widths = [float(part.split('"')[0]) for part in svg.split('width="')[1:]]
    assert abs(widths[0] - 3 * widths[1]) < 0.5  # bars are proportional to the values


def test_long_labels_are_shortened_on_the_bar_but_kept_whole_in_its_title():
    label = "A very long option label that goes on and on"
    svg = str(charts.bar_chart("c2", "Long", [charts.Bar(label, 1, "1")]))
    assert f"<title>{label}: 1</title>" in svg and ">A very long option label th…<" in svg


def test_line_chart_describes_every_day_and_handles_one_point_and_none():
    svg = str(charts.line_chart("r", "Response rate over time",
                                [(date(2026, 11, 2), 0.25), (date(2026, 11, 9), 0.5)],
                                top_value=1.0, fmt=charts.percent))
    assert "From 2 Nov to 9 Nov: 2 Nov 25%, 9 Nov 50%." in svg and "<polyline" in svg
    one = str(charts.line_chart("r", "Responses", [(date(2026, 11, 2), 3)], top_value=3, fmt=charts.count))
    assert one.count("<circle") == 1 and 'text-anchor="middle"' in one
    empty = str(charts.line_chart("r", "Responses", [], top_value=0, fmt=charts.count))
    assert "No data yet." in empty and "<polyline" not in empty
