"""The registry's own pages. A branch's page (`branches:detail`) shows other parts' records
too, so it is assembled in `portal` (see `portal/branch_urls.py`, mounted at /branches/)."""

from django.urls import path
from django.views.decorators.http import require_safe
from django.views.generic import RedirectView

from branches import views

app_name = "branches"

urlpatterns = [
    path("", views.branch_list, name="list"),
    path("registry/export/", views.registry_export, name="export"),
    # The old import page's address: the import is the admin's (upload, preview, confirm).
    path(
        "registry/import/",
        require_safe(
            RedirectView.as_view(pattern_name="admin:branches_organisation_spreadsheet_import", query_string=True)
        ),
        name="import",
    ),
]
