from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "polls"
    verbose_name = _("Polls and surveys")

    def ready(self):
        from polls import figures
        from unionportal.figures import registry

        registry.register(figures.SOURCE)
