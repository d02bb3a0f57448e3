from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaReportsConfig(AppConfig):
    name = "media_reports"
    verbose_name = _("Mass media")

    def ready(self):
        from media_reports import figures
        from unionportal.figures import registry

        registry.register(figures.SOURCE)

        from media_reports import models
        from unionportal.caching import bump_on_change

        # /press/ and a branch's page show these.
        bump_on_change("media", models.Outlet, models.Programme, models.Speaker, models.MediaAppearance)
