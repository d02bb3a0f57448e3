from django.urls import path

from branches import views

app_name = "branches"

urlpatterns = [
    path("", views.branch_list, name="list"),
    path("registry/export/", views.registry_export, name="export"),
    path("registry/import/", views.registry_import, name="import"),
    path("<slug:slug>/", views.branch_detail, name="detail"),
]
