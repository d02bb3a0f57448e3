"""The figures of a year and the two before it as a spreadsheet, narrowed to the branches the
user may see: a summary sheet and every stored figure per organisation."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from reports.metrics import FACET_LABELS, METRICS, metric
from reports.selectors import compared_years, figure_book
from unionportal.spreadsheets import append_xlsx_row


def _append(sheet, values) -> None:
    """Add a row of names and numbers through the one spreadsheet writer: a control
    character (which openpyxl refuses) is dropped, and a name starting with "=" stays text."""
    append_xlsx_row(sheet, values)


def build_workbook(*, user, year: int) -> bytes:
    years = compared_years(year)
    book = figure_book(user=user, years=years)
    workbook = Workbook()

    summary = workbook.active
    summary.title = _("Summary")[:31]
    _append(summary, [_("Indicator"), *years])
    for spec in METRICS:
        if spec.key not in book.metrics() or not spec.is_additive:
            continue
        _append(summary, [str(spec.label), *(book.total(spec.key, y) for y in years)])

    detail = workbook.create_sheet(_("Figures")[:31])
    _append(detail, [_("Organisation"), _("Indicator"), _("Breakdown"), _("Value"), *years])
    keys = sorted({(o, m, d) for (o, m, d, _y) in book.values})
    names = {org.pk: org.name for org in book.organisations}
    positions = {org.pk: index for index, org in enumerate(book.organisations)}
    for org_id, metric_key, dimension in sorted(keys, key=lambda k: (positions.get(k[0], 999), k[1], k[2])):
        facet, _sep, value = dimension.partition(":")
        breakdown = _("total") if dimension == "total" else str(FACET_LABELS.get(facet, facet))
        label = "" if dimension == "total" else book.dimension_label(metric_key, facet, value)
        _append(
            detail,
            [
                names.get(org_id, str(org_id)),
                str(metric(metric_key).label),
                breakdown,
                label,
                *(book.values.get((org_id, metric_key, dimension, y)) for y in years),
            ],
        )

    for sheet in (summary, detail):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 45
        sheet.column_dimensions["B"].width = 30
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
