"""Charts as inline SVG, drawn on the server: no script to load, nothing to vendor, and
readable without JavaScript. Every chart is shown with a table of its numbers under it, so
the SVG is only a picture of that table (`role="img"` with a label).

Each chart is drawn twice, for a wide screen and for a phone (the stylesheet shows one): an
SVG scales as a whole, so one drawn for 720 px would shrink its 13 px names to 6 px on a
390 px phone. The phone's chart is drawn 340 units wide, the names above their bars, so its
text stays at 13 px or more. A figure that is missing ("no data") gets no bar and says so;
it is never drawn as a zero.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reports.formatting import fmt

BAR = 22
GAP = 8
LABEL_WIDTH = 330
WIDTH = 720
NARROW = 340
LINE = 16  # the height of a line of names at 13 px
WIDE_LINE_CHARS = 38  # what fits in LABEL_WIDTH at 13 px (Cyrillic is wide)
NARROW_LINE_CHARS = 40  # what fits across the phone's chart


def _joined(parts) -> SafeString:
    """Pieces that format_html already escaped, as one safe string."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _n(number: float) -> str:
    # SVG wants a dot for decimals, whatever the language's number format.
    return f"{number:.1f}"


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def wrap(label: str, width: int, lines: int = 2) -> list[str]:
    """`label` in at most `lines` lines of `width` characters, broken between words; only
    a name longer than that is shortened, at its end (the start tells names apart)."""
    out, current = [], ""
    for word in label.split():
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[: lines - 1] + [_short(" ".join(out[lines - 1 :]), width)]
    return [_short(line, width) for line in out] or [""]


def _tspans(lines: list[str], x: float, first_y: float) -> SafeString:
    return format_html_join(
        "", '<tspan x="{}" y="{}">{}</tspan>', ((_n(x), _n(first_y + i * LINE), line) for i, line in enumerate(lines))
    )


def _svg(chart_id, label, width, height, body, *, variant) -> SafeString:
    return format_html(
        '<svg class="chart chart-{}" id="{}" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        variant,
        chart_id if variant == "wide" else f"{chart_id}-narrow",
        label,
        width,
        height,
        body,
    )


def _value_text(value) -> str:
    return _("no data") if value is None else fmt(value)


def bar_chart(*, label: str, items: list[tuple[str, float | None]], chart_id: str) -> SafeString:
    """Horizontal bars, one per item, longest for the largest value; the wide and the phone's."""
    if not items:
        return SafeString("")
    top = max((value or 0 for _name, value in items), default=0) or 1
    return _joined([_bars_wide(label, items, chart_id, top), _bars_narrow(label, items, chart_id, top)])


def _bar(x, y, length, value) -> SafeString:
    if value is None:
        return SafeString("")
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar chart-series-0"></rect>',
        _n(x),
        _n(y),
        _n(max(length, 1 if value else 0)),
        _n(BAR),
    )


def _bars_wide(label, items, chart_id, top) -> SafeString:
    plot = WIDTH - LABEL_WIDTH - 90
    rows, y = [], GAP
    for name, value in items:
        lines = wrap(name, WIDE_LINE_CHARS)
        row_height = max(BAR, len(lines) * LINE + 4)
        length = plot * (value or 0) / top
        bar_y = y + (row_height - BAR) / 2
        text_y = y + row_height / 2 - (len(lines) - 1) * LINE / 2 + 4.5
        rows.append(
            format_html(
                # The full name shows on hover where the label had to be shortened.
                '<g><title>{}: {}</title><text class="chart-label" text-anchor="end">{}</text>{}'
                '<text x="{}" y="{}" class="chart-value{}">{}</text></g>',
                name,
                _value_text(value),
                _tspans(lines, LABEL_WIDTH - 8, text_y),
                _bar(LABEL_WIDTH, bar_y, length, value),
                _n(LABEL_WIDTH + (length if value is not None else 0) + 6),
                _n(bar_y + BAR * 0.72),
                " chart-missing" if value is None else "",
                _value_text(value),
            )
        )
        y += row_height + GAP
    return _svg(chart_id, label, WIDTH, y, _joined(rows), variant="wide")


def _bars_narrow(label, items, chart_id, top) -> SafeString:
    plot = NARROW - 70
    rows, y = [], GAP
    for name, value in items:
        lines = wrap(name, NARROW_LINE_CHARS)
        bar_y = y + len(lines) * LINE + 2
        length = plot * (value or 0) / top
        rows.append(
            format_html(
                '<g><title>{}: {}</title><text class="chart-label">{}</text>{}'
                '<text x="{}" y="{}" class="chart-value{}">{}</text></g>',
                name,
                _value_text(value),
                _tspans(lines, 0, y + 12),
                _bar(0, bar_y, length, value),
                _n((length if value is not None else 0) + 6),
                _n(bar_y + BAR * 0.72),
                " chart-missing" if value is None else "",
                _value_text(value),
            )
        )
        y = bar_y + BAR + GAP + 4
    return _svg(chart_id, label, NARROW, y, _joined(rows), variant="narrow")


def column_chart(
    *, label: str, categories: list, series: list[tuple[str, list[float | None]]], chart_id: str
) -> SafeString:
    """Grouped columns: one group per category (a year), one column per series; the legend
    beside the columns on a wide screen, under them on a phone."""
    return _joined(
        [
            _columns(label, categories, series, chart_id, width=WIDTH, plot_width=WIDTH - 350, variant="wide"),
            _columns(label, categories, series, chart_id, width=NARROW, plot_width=NARROW - 10, variant="narrow"),
        ]
    )


def _columns(label, categories, series, chart_id, *, width, plot_width, variant) -> SafeString:
    plot_height, bottom, left, top_pad = 200, 30, 10, 30
    top = max((v or 0 for _name, values in series for v in values), default=0) or 1
    group_width = plot_width / max(len(categories), 1)
    column = min(60, (group_width - 20) / max(len(series), 1))
    base = top_pad + plot_height
    parts = []
    for c_index, category in enumerate(categories):
        x0 = left + c_index * group_width + 10
        for s_index, (_name, values) in enumerate(series):
            value = values[c_index]
            h = plot_height * (value or 0) / top
            x = x0 + s_index * column
            if value is not None:
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar chart-series-{}"></rect>',
                        _n(x),
                        _n(base - h),
                        _n(column - 4),
                        _n(h),
                        s_index,
                    )
                )
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="chart-value{}" text-anchor="middle">{}</text>',
                    _n(x + (column - 4) / 2),
                    _n(base - h - 5),
                    " chart-missing" if value is None else "",
                    # A missing figure is a dash over the axis, with "no data" on hover.
                    "—" if value is None else fmt(value),
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-label" text-anchor="middle">{}</text>',
                _n(x0 + column * len(series) / 2),
                _n(base + 20),
                category,
            )
        )
    # The legend: beside the columns on a wide screen, under them on a phone; a long name
    # wraps onto a second line rather than being cut.
    chars = 34  # what fits in the legend's 310 units at 13 px
    x, y = (width - 330, 20) if variant == "wide" else (left, base + bottom + 8)
    legend_parts = []
    for index, (name, _values) in enumerate(series):
        lines = wrap(name, chars)
        legend_parts.append(
            format_html(
                '<rect x="{}" y="{}" width="14" height="14" class="chart-series-{}"></rect>'
                '<text class="chart-label">{}</text>',
                x,
                y,
                index,
                _tspans(lines, x + 20, y + 12),
            )
        )
        y += 22 + (len(lines) - 1) * LINE
    legend = _joined(legend_parts)
    height = base + bottom if variant == "wide" else y
    return _svg(chart_id, label, width, height, _joined([*parts, legend]), variant=variant)
