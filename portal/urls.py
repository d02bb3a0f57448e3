"""The pages of `portal` that have no namespace: the home page."""

from django.urls import path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
]
