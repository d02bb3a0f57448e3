from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Organisations and social pages")

    def ready(self):
        from branches import figures
        from unionportal.figures import registry

        registry.register(figures.SOURCE)
