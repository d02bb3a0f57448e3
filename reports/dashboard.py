"""The dashboard's content, built from a figure book: rows of cells (value, link) that the
template only prints, and the charts of those rows."""

from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext as _

from reports.charts import bar_chart, column_chart
from reports.formatting import fmt
from reports.metrics import FACET_LABELS, METRICS, metric
from reports.ranking import regional_and_branches
from reports.selectors import FigureBook

SUMMARY_ALWAYS = ["publications", "press_republican", "appeals", "media_appearances"]
BRANCH_COLUMNS = [
    "publications",
    "press_republican",
    "media_appearances",
    "appeals",
    "appeals_median_hours",
    "appeals_satisfaction_pct",
    "giveaways",
    "followers_gained",
    "outreach_visits",
]
CHART_SERIES = ["publications", "press_republican", "media_appearances"]


@dataclass
class Cell:
    value: float | None
    url: str | None = None
    unit: str = ""

    @property
    def text(self) -> str:
        return fmt(self.value, unit=self.unit)

    def __str__(self) -> str:
        # The cell's HTML, built here rather than in the template (a page has hundreds of
        # cells): safe, so `{{ cell }}` prints it as it is.
        if self.url and self.value is not None:
            return format_html('<a href="{}">{}</a>', self.url, self.text)
        return conditional_escape(self.text)

    __html__ = __str__


@dataclass
class Row:
    label: str
    cells: list[Cell]


def summary_rows(book: FigureBook) -> list[Row]:
    present = book.metrics()
    rows = []
    for spec in METRICS:
        if spec.key not in present and spec.key not in SUMMARY_ALWAYS:
            continue
        if not spec.is_additive and len(book.organisations) != 1:
            continue  # a median or a share is shown per branch, never summed
        cells = [Cell(book.total(spec.key, y), book.url(spec.key, y), spec.unit) for y in book.years]
        rows.append(Row(str(spec.label), cells))
    return rows


def _organisation_row(book: FigureBook, year: int, rank, org, activity) -> dict:
    cells = []
    for key in BRANCH_COLUMNS:
        spec = metric(key)
        cells.append(Cell(book.value(org.pk, key, year), book.url(key, year, org=org), spec.unit))
    return {"rank": rank, "organisation": org, "cells": cells, "activity": activity, "activity_text": fmt(activity)}


def branch_rows(book: FigureBook, year: int) -> tuple[dict | None, list[dict]]:
    """(the regional organisation's own row or None, the branches ranked by activity)."""
    regional, ranked = regional_and_branches(book, year)
    rows = [_organisation_row(book, year, rank, org, activity) for rank, org, activity in ranked]
    return (_organisation_row(book, year, None, *regional) if regional else None), rows


def breakdowns(book: FigureBook) -> list[dict]:
    """Per metric and facet (publications by channel, appeals by topic …), the three years."""
    tables = []
    ordered = [m.key for m in METRICS] + sorted(book.metrics() - {m.key for m in METRICS})
    for key in ordered:
        if key not in book.metrics():
            continue
        spec = metric(key)
        for facet in book.facets(key):
            rows = []
            for value in book.facet_values(key, facet):
                dimension = f"{facet}:{value}"
                cells = [
                    Cell(book.total(key, y, dimension), book.url(key, y, dimension=dimension), spec.unit)
                    for y in book.years
                ]
                rows.append(Row(book.dimension_label(key, facet, value), cells))
            rows.sort(key=lambda r: -(r.cells[-1].value or 0))
            title = _("%(metric)s by %(facet)s") % {"metric": spec.label, "facet": FACET_LABELS.get(facet, facet)}
            tables.append({"id": f"{key}-{facet}", "title": title, "rows": rows, "metric": key, "facet": facet})
    return tables


def charts(book: FigureBook, year: int, ranked: list[dict], tables: list[dict]) -> dict:
    series = [(str(metric(k).label), [book.total(k, y) for y in book.years]) for k in CHART_SERIES]
    result = {
        "years": column_chart(
            label=_("Publications, republican press and media appearances by year"),
            categories=book.years,
            series=series,
            chart_id="chart-years",
        ),
        "years_rows": [Row(name, [Cell(v) for v in values]) for name, values in series],
        "branches": bar_chart(
            label=_("Activity of the branches in %(year)s") % {"year": year},
            items=[(row["organisation"].name, row["activity"]) for row in ranked],
            chart_id="chart-branches",
        ),
    }
    channels = next((t for t in tables if t["id"] == "publications-channel"), None)
    if channels:
        result["channels"] = bar_chart(
            label=_("Publications by channel in %(year)s") % {"year": year},
            items=[(row.label, row.cells[-1].value) for row in channels["rows"]],
            chart_id="chart-channels",
        )
    return result


def dashboard_context(book: FigureBook, year: int) -> dict:
    regional, ranked = branch_rows(book, year)
    tables = breakdowns(book)
    return {
        "summary": summary_rows(book),
        "regional": regional,
        "branches": ranked,
        "branch_columns": [metric(k) for k in BRANCH_COLUMNS],
        "breakdowns": tables,
        "charts": charts(book, year, ranked, tables),
    }
