from django.urls import path

from media_reports import views

app_name = "media_reports"

urlpatterns = [
    path("", views.appearance_list, name="list"),
    path("<int:pk>/", views.appearance_detail, name="detail"),
    path("export/", views.appearance_export, name="export"),
    path("import/", views.appearance_import, name="import"),
]
