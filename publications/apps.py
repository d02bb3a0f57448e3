from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = _("Publications")

    def ready(self):
        from publications import figures
        from unionportal.figures import registry

        registry.register(figures.SOURCE)

        from publications import models
        from unionportal.caching import bump_on_change

        # The news pages, the home page and a branch's page show these.
        bump_on_change("publications", models.Publication, models.Rubric, models.Topic, models.PublicationImage, models.Repost)
