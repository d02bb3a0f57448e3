"""Follower growth as an inline SVG line chart (no JavaScript), with its table.

The markup is built from numbers and dates only, escaped by format_html, so it is safe in
the public page and in the admin.
"""

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD_X, PAD_Y = 640, 220, 56, 24


def chart_points(records) -> list[tuple[float, float]]:
    """SVG coordinates of (date, count) records, oldest first."""
    if not records:
        return []
    first, last = records[0].date, records[-1].date
    span_days = max((last - first).days, 1)
    low = min(r.count for r in records)
    high = max(r.count for r in records)
    span_count = max(high - low, 1)
    points = []
    for r in records:
        x = PAD_X + (r.date - first).days / span_days * (WIDTH - 2 * PAD_X)
        y = HEIGHT - PAD_Y - (r.count - low) / span_count * (HEIGHT - 2 * PAD_Y)
        points.append((round(x, 1), round(y, 1)))
    return points


def follower_chart_svg(records, *, with_table: bool = False, title: str = "") -> SafeString:
    records = list(records)
    if not records:
        return format_html('<p class="meta">{}</p>', _("No follower counts recorded yet."))
    points = chart_points(records)
    polyline = " ".join(f"{x},{y}" for x, y in points)
    low, high = min(r.count for r in records), max(r.count for r in records)
    label = title or _("Followers from %(first)s to %(last)s: %(low)s to %(high)s") % {
        "first": records[0].date.isoformat(), "last": records[-1].date.isoformat(), "low": low, "high": high,
    }
    dots = format_html_join("", '<circle cx="{}" cy="{}" r="2.5"><title>{}: {}</title></circle>',
                            ((x, y, r.date.isoformat(), r.count) for (x, y), r in zip(points, records, strict=True)))
    svg = format_html(
        '<svg class="follower-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{label}" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
        '<title>{label}</title>'
        '<line x1="{px}" y1="{base}" x2="{right}" y2="{base}" stroke="#999" />'
        '<line x1="{px}" y1="{py}" x2="{px}" y2="{base}" stroke="#999" />'
        '<text x="{tx}" y="{base}" font-size="11" text-anchor="end" dominant-baseline="middle">{low}</text>'
        '<text x="{tx}" y="{py}" font-size="11" text-anchor="end" dominant-baseline="middle">{high}</text>'
        '<text x="{px}" y="{datey}" font-size="11">{first}</text>'
        '<text x="{right}" y="{datey}" font-size="11" text-anchor="end">{last}</text>'
        '<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="{polyline}" />'
        '<g fill="#1f5fa8">{dots}</g></svg>',
        w=WIDTH, h=HEIGHT, label=label, px=PAD_X, py=PAD_Y, base=HEIGHT - PAD_Y, right=WIDTH - PAD_X,
        tx=PAD_X - 6, low=low, high=high, datey=HEIGHT - 6, first=records[0].date.isoformat(),
        last=records[-1].date.isoformat(), polyline=polyline, dots=dots,
    )
    if not with_table:
        return svg
    table = render_to_string("branches/_follower_table.html", {"records": records})
    return mark_safe(svg + table)  # noqa: S308 - both parts are escaped above / by the template
