from django.urls import path

from publications import views

app_name = "publications"

urlpatterns = [
    path("", views.news_list, name="list"),
    path("<int:pk>/", views.news_detail, name="detail"),
    path("feed/", views.news_feed, name="feed"),
    path("staff/quick/", views.quick_entry, name="quick"),
    path("staff/month/", views.month_entry, name="month"),
    path("staff/import/", views.import_view, name="import"),
    path("staff/export.<str:fmt>", views.export_view, name="export"),
    path("staff/counts/", views.counts_view, name="counts"),
]
