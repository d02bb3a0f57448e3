from django.urls import path
from django.views.generic import TemplateView

app_name = "media_reports"

urlpatterns = [
    path("", TemplateView.as_view(template_name="placeholder.html"), name="list"),  # TODO(foundation): replaced by the app
]
