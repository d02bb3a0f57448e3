"""The connectors' state in the admin: last success, last error and the next scheduled run."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from unionportal.admin_base import PortalAdmin
from unionportal.connectors import next_run
from unionportal.models import ConnectorState


@admin.register(ConnectorState)
class ConnectorStateAdmin(PortalAdmin):
    list_display = ["name", "last_success_at", "last_error_at", "short_error", "last_summary", "next_run_at"]
    readonly_fields = ["name", "last_run_at", "last_success_at", "last_error_at", "last_error", "last_summary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("what went wrong"))
    def short_error(self, obj):
        return obj.last_error[:200]

    @admin.display(description=_("next run"))
    def next_run_at(self, obj):
        return next_run(obj.name)
