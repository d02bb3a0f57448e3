from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GiveawaysConfig(AppConfig):
    name = "giveaways"
    verbose_name = _("Giveaways")

    def ready(self):
        from giveaways import figures
        from unionportal.figures import registry

        registry.register(figures.SOURCE)
