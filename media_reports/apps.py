from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaReportsConfig(AppConfig):
    name = "media_reports"
    verbose_name = _("Mass media")
