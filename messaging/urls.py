from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("branch/<slug:slug>/qr.svg", views.branch_qr, name="branch_qr"),
    path("branch/<slug:slug>/poster/", views.branch_poster, name="branch_poster"),
    path("digest/<str:token>/", views.digest_switch, name="digest_switch"),
]
