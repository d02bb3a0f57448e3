from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GiveawaysConfig(AppConfig):
    name = "giveaways"
    verbose_name = _("Giveaways")

    def ready(self):
        from giveaways import figures
        from unionportal.figures import registry

        registry.register(figures.SOURCE)

        from giveaways import models
        from unionportal.caching import bump_on_change

        # The public giveaway pages show these (entries and followers they do not list).
        bump_on_change("giveaways", models.Giveaway, models.GiveawayDraw, models.Winner, models.Redraw)
