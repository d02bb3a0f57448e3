"""Charts as inline SVG, drawn on the server: no script to load, nothing to vendor, and
readable without JavaScript. Every chart is shown with a table of its numbers under it, so
the SVG is only a picture of that table (`role="img"` with a label)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from reports.formatting import fmt

BAR = 22
GAP = 8
LABEL_WIDTH = 330
WIDTH = 720


def _joined(parts) -> SafeString:
    """Pieces that format_html already escaped, as one safe string."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _n(number: float) -> str:
    # SVG wants a dot for decimals, whatever the language's number format.
    return f"{number:.1f}"


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(*, label: str, items: list[tuple[str, float | None]], chart_id: str) -> SafeString:
    """Horizontal bars, one per item, longest for the largest value."""
    items = [(name, value or 0) for name, value in items]
    if not items:
        return SafeString("")
    top = max((value for _name, value in items), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 70
    height = len(items) * (BAR + GAP) + GAP
    rows = []
    for index, (name, value) in enumerate(items):
        y = GAP + index * (BAR + GAP)
        length = max(plot * value / top, 1 if value else 0)
        rows.append(
            format_html(
                # The full name shows on hover where the label had to be shortened.
                '<g><title>{}: {}</title><text x="{}" y="{}" class="chart-label" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar chart-series-0"></rect>'
                '<text x="{}" y="{}" class="chart-value">{}</text></g>',
                name,
                fmt(value),
                _n(LABEL_WIDTH - 8),
                _n(y + BAR * 0.72),
                _short(name),
                _n(LABEL_WIDTH),
                _n(y),
                _n(length),
                _n(BAR),
                _n(LABEL_WIDTH + length + 6),
                _n(y + BAR * 0.72),
                fmt(value),
            )
        )
    return format_html(
        '<svg class="chart" id="{}" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        chart_id,
        label,
        WIDTH,
        height,
        _joined(rows),
    )


def column_chart(
    *, label: str, categories: list, series: list[tuple[str, list[float | None]]], chart_id: str
) -> SafeString:
    """Grouped columns: one group per category (a year), one column per series."""
    height, bottom, left = 260, 30, 10
    plot_height = height - bottom - 30
    top = max((v or 0 for _name, values in series for v in values), default=0) or 1
    group_width = (WIDTH - left - 340) / max(len(categories), 1)
    column = min(60, (group_width - 20) / max(len(series), 1))
    parts = []
    for c_index, category in enumerate(categories):
        x0 = left + c_index * group_width + 10
        for s_index, (_name, values) in enumerate(series):
            value = values[c_index] or 0
            h = plot_height * value / top
            x = x0 + s_index * column
            y = height - bottom - h
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar chart-series-{}"></rect>'
                    '<text x="{}" y="{}" class="chart-value" text-anchor="middle">{}</text>',
                    _n(x),
                    _n(y),
                    _n(column - 4),
                    _n(h),
                    s_index,
                    _n(x + (column - 4) / 2),
                    _n(y - 5),
                    fmt(value),
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-label" text-anchor="middle">{}</text>',
                _n(x0 + column * len(series) / 2),
                _n(height - 10),
                category,
            )
        )
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="14" height="14" class="chart-series-{}"></rect>'
        '<text x="{}" y="{}" class="chart-label">{}</text>',
        (
            (WIDTH - 330, 20 + i * 22, i, WIDTH - 310, 32 + i * 22, _short(name, 40))
            for i, (name, _values) in enumerate(series)
        ),
    )
    return format_html(
        '<svg class="chart" id="{}" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">{}{}</svg>',
        chart_id,
        label,
        WIDTH,
        height,
        _joined(parts),
        legend,
    )
