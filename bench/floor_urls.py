"""The portal's own URLs, then the floor views (bench/floor_views.py) after them, so that
every portal address resolves exactly as deployed."""

from django.urls import path

from bench import floor_views
from unionportal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    *portal_urlpatterns,
    path("bench-floor/insert/", floor_views.insert_only, name="bench_floor_insert"),
    path("bench-floor/service/", floor_views.service_only, name="bench_floor_service"),
]
