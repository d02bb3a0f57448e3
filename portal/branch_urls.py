"""`/branches/`: the registry's own pages, and a branch's page assembled here from the
registry, the publications log and the media part (namespace "branches", as before)."""

from django.urls import path

from branches.urls import urlpatterns as registry_urlpatterns
from portal import views

app_name = "branches"

urlpatterns = [
    *registry_urlpatterns,
    path("<slug:slug>/", views.branch_detail, name="detail"),
]
