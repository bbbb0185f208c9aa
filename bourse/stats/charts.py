"""Bar charts drawn on the server as SVG: no script, no external service.

A chart is decoration beside its table: the table (same numbers) is what
assistive technologies and the CSV read. The SVG has ``role="img"`` and a
title that says so. Colours keep a 3:1 contrast with the white background
(WCAG 1.4.11); text is dark grey on white.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

COLOURS = ("#0d6efd", "#a23b72", "#198754")  # blue, plum, green: >= 3:1 on white
TEXT = "#212529"
GRID = "#adb5bd"


def _axis_step(value: float) -> int:
    """A whole step (1, 2, 5 × 10^n) such that four steps reach ``value``."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude * 4 >= value:
                return step * magnitude
        magnitude *= 10


def _svg(chart_id: str, title: str, width: int, height: int, body) -> str:
    return format_html(
        '<svg class="stats-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{id}-titre" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-titre">{title}</title>{body}</svg>',
        w=width,
        h=height,
        id=chart_id,
        title=title,
        body=body,
    )


def column_chart(chart_id: str, title: str, labels: list[str], series: list[tuple]) -> str:
    """Vertical bars, one group per label; ``series`` = [(name, values), …]."""
    width, height = 760, 280
    left, right, top, bottom = 44, 10, 16 + (18 if len(series) > 1 else 0), 46
    plot_w, plot_h = width - left - right, height - top - bottom
    step = _axis_step(max((v for _n, values in series for v in values), default=0))
    top_value = 4 * step
    count = max(len(labels), 1)
    group_w = plot_w / count
    bar_w = max(group_w * 0.8 / len(series), 1)
    parts = []
    for i in range(5):  # grid lines and their values
        value = step * i
        y = top + plot_h - plot_h * i / 4
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{}" stroke-width="0.5"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="{}">{}</text>',
                left,
                width - right,
                GRID,
                left - 4,
                f"{y + 4:.1f}",
                TEXT,
                value,
                y=f"{y:.1f}",
            )
        )
    label_every = max(1, round(count / 12))
    for index, label in enumerate(labels):
        x0 = left + group_w * index + group_w * 0.1
        for s, (_name, values) in enumerate(series):
            value = values[index]
            bar_h = plot_h * value / top_value
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    f"{x0 + s * bar_w:.1f}",
                    f"{top + plot_h - bar_h:.1f}",
                    f"{bar_w:.1f}",
                    f"{bar_h:.1f}",
                    COLOURS[s % len(COLOURS)],
                )
            )
        if index % label_every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="{}">{}</text>',
                    f"{left + group_w * (index + 0.5):.1f}",
                    height - bottom + 16,
                    TEXT,
                    label,
                )
            )
    if len(series) > 1:  # legend
        for s, (name, _values) in enumerate(series):
            x = left + s * 220
            parts.append(
                format_html(
                    '<rect x="{}" y="4" width="12" height="12" fill="{}"/>'
                    '<text x="{}" y="14" font-size="12" fill="{}">{}</text>',
                    x,
                    COLOURS[s % len(COLOURS)],
                    x + 16,
                    TEXT,
                    name,
                )
            )
    return _svg(chart_id, title, width, height, mark_safe("".join(parts)))  # noqa: S308


def bar_chart(chart_id: str, title: str, items: list[tuple[str, float, str]]) -> str:
    """Horizontal bars: [(label, value, value shown), …], largest first as given."""
    row_h, width = 24, 760
    # Room for the longest label (about 7 px a character at 12 px), within reason.
    label_w = min(max((len(label) for label, _v, _s in items), default=10) * 7 + 12, 440)
    height = max(len(items), 1) * row_h + 8
    top_value = max((value for _l, value, _s in items), default=0) or 1
    plot_w = width - label_w - 60
    rows = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="12" text-anchor="end" fill="{}">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
        (
            (
                label_w - 6,
                i * row_h + 20,
                TEXT,
                label,
                label_w,
                i * row_h + 6,
                f"{plot_w * value / top_value:.1f}",
                row_h - 8,
                COLOURS[0],
                f"{label_w + plot_w * value / top_value + 6:.1f}",
                i * row_h + 20,
                TEXT,
                shown,
            )
            for i, (label, value, shown) in enumerate(items)
        ),
    )
    return _svg(chart_id, title, width, height, rows)
