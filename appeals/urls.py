from django.urls import path
from django.views.generic import TemplateView

app_name = "appeals"

urlpatterns = [
    path("", TemplateView.as_view(template_name="placeholder.html"), name="submit"),  # TODO(foundation): replaced by the app
    path("status/", TemplateView.as_view(template_name="placeholder.html"), name="status"),  # TODO(foundation): replaced by the app
]
