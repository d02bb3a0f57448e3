"""The registry's own pages. A branch's page (`branches:detail`) shows other parts' records
too, so it is assembled in `portal` (see `portal/branch_urls.py`, mounted at /branches/)."""

from django.urls import path

from branches import views

app_name = "branches"

urlpatterns = [
    path("", views.branch_list, name="list"),
    path("registry/export/", views.registry_export, name="export"),
    path("registry/import/", views.registry_import, name="import"),
]
