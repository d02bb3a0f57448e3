from django.urls import path

from polls import views

app_name = "polls"

urlpatterns = [
    path("", views.poll_list, name="list"),
    path("<slug:slug>/", views.poll_answer, name="answer"),
    path("<slug:slug>/b/<slug:unit_slug>/", views.poll_answer, name="unit"),
    path("<slug:slug>/b/<slug:unit_slug>/qr.svg", views.unit_qr, name="unit_qr"),
    path("<slug:slug>/t/<str:code>/", views.poll_answer, name="invited"),
    path("<slug:slug>/counted/", views.thanks, name="thanks"),
    path("<slug:slug>/results/", views.results, name="results"),
]
