from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaReportsConfig(AppConfig):
    name = "media_reports"
    verbose_name = _("Mass media")

    def ready(self):
        from media_reports import figures
        from unionportal.figures import registry

        registry.register(figures.SOURCE)
