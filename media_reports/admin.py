"""The staff area of the media part. Outlets and programmes are shared reference data;
speakers, appearances and subscriptions belong to an organisation and are branch-scoped."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from branches.admin_base import BranchScopedAdmin
from branches.linkcheck import DEAD_AFTER_FAILURES
from media_reports.forms import MediaAppearanceAdminForm
from media_reports.imports import AppearanceImporter, SubscriptionImporter
from media_reports.models import MediaAppearance, NewspaperSubscription, Outlet, Programme, Speaker
from unionportal.admin_base import PortalAdmin
from unionportal.spreadsheet_admin import SpreadsheetImportMixin


class ProgrammeInline(admin.TabularInline):
    model = Programme
    extra = 0


@admin.register(Outlet)
class OutletAdmin(PortalAdmin):
    list_display = ["name", "kind", "level"]
    list_filter = ["kind", "level"]
    search_fields = ["name"]
    inlines = [ProgrammeInline]


@admin.register(Programme)
class ProgrammeAdmin(PortalAdmin):
    list_display = ["name", "outlet"]
    list_filter = ["outlet"]
    list_select_related = ["outlet"]
    search_fields = ["name", "outlet__name"]


@admin.register(Speaker)
class SpeakerAdmin(BranchScopedAdmin):
    list_display = ["name", "role", "organisation"]
    # The organisations of the (scoped) speakers, not the whole registry.
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organisation"]
    search_fields = ["name", "role"]


class DeadLinkFilter(admin.SimpleListFilter):
    title = _("link check")
    parameter_name = "dead_link"

    def lookups(self, request, model_admin):
        return [("yes", _("dead links"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(link_failures__gte=DEAD_AFTER_FAILURES)
        return queryset


@admin.register(MediaAppearance)
class MediaAppearanceAdmin(SpreadsheetImportMixin, BranchScopedAdmin):
    spreadsheet_importer = AppearanceImporter
    form = MediaAppearanceAdminForm
    list_display = ["date", "title", "outlet", "programme", "kind", "organisation", "link_badge"]
    list_filter = ["kind", "outlet__level", "outlet__kind", "language", DeadLinkFilter]
    list_select_related = ["outlet", "programme__outlet", "organisation"]
    search_fields = ["title", "outlet__name", "programme__name", "speakers__name"]
    date_hierarchy = "date"
    filter_horizontal = ["speakers"]
    autocomplete_fields = ["outlet", "programme"]
    fieldsets = [
        (None, {"fields": ["date", "outlet", "programme", "kind", "title", "speakers", "organisation", "language"]}),
        (_("Link and clipping"), {"fields": ["link", "duration_minutes", "clipping"]}),
        (_("Audience"), {"fields": ["audience_estimate", "audience_source"]}),
        (
            _("Link check"),
            {"fields": ["link_status_code", "link_final_url", "link_checked_at", "link_error", "link_failures"]},
        ),
    ]
    readonly_fields = ["link_status_code", "link_final_url", "link_checked_at", "link_error", "link_failures"]

    @admin.display(description=_("link"))
    def link_badge(self, obj):
        if not obj.link:
            return "—"
        if obj.link_is_dead:
            return format_html(
                '<strong class="dead-link" title="{}">⚠ {}</strong>', obj.link_error, _("dead link")
            )
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', obj.link, _("open"))


@admin.register(NewspaperSubscription)
class NewspaperSubscriptionAdmin(SpreadsheetImportMixin, BranchScopedAdmin):
    spreadsheet_importer = SubscriptionImporter
    list_display = ["year", "organisation", "outlet", "copies"]
    list_filter = ["year", "outlet"]
    list_select_related = ["organisation", "outlet"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "outlet":
            from media_reports.choices import PRINT_KINDS

            kwargs["queryset"] = Outlet.objects.filter(kind__in=PRINT_KINDS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
