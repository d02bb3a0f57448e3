from django.contrib import admin

from branches.admin_base import BranchScopedAdmin
from reports.models import ReportNarrative, Rollup, YearlyFigure
from unionportal.admin_base import PortalAdmin


@admin.register(YearlyFigure)
class YearlyFigureAdmin(BranchScopedAdmin):
    """Read-only: the rollup writes these rows (`manage.py rollup_year`)."""

    list_display = ["year", "organisation", "metric", "dimension", "value"]
    list_filter = ["year", "metric"]
    search_fields = ["metric", "dimension", "organisation__name_ru"]
    list_select_related = ["organisation"]
    list_per_page = 100


@admin.register(Rollup)
class RollupAdmin(PortalAdmin):
    list_display = ["year", "computed_at", "row_count", "duration_ms", "skipped_sources"]


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(PortalAdmin):
    list_display = ["year", "language", "section", "updated_at", "updated_by"]
    list_filter = ["year", "language", "section"]
    readonly_fields = ["updated_at", "updated_by"]
