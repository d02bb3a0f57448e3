from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Organisations and social pages")

    def ready(self):
        from branches import figures
        from unionportal.figures import registry

        registry.register(figures.SOURCE)

        from branches import models
        from unionportal.caching import bump_on_change

        # The directory, a branch's page, and every list filtered by organisation show these.
        bump_on_change("branches", models.Organisation, models.SocialPage, models.FollowerCount, models.OutreachVisit)
