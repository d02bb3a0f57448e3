from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/<int:year>.docx", views.report_docx, name="report_docx"),
    path("report/<int:year>.pdf", views.report_pdf, name="report_pdf"),
    path("report/<int:year>/text/", views.narrative_edit, name="narrative_edit"),
    path("figures/<int:year>.xlsx", views.figures_xlsx, name="figures_xlsx"),
]
