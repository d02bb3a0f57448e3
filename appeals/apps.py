from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("Appeals")

    def ready(self):
        # The receivers that queue the e-mails of appeals/signals.py.
        from appeals import figures, tasks  # noqa: F401
        from unionportal.figures import registry

        registry.register(figures.SOURCE)

        from appeals.models import FaqEntry
        from unionportal.caching import bump_on_change

        # /appeal/faq/ shows the published entries.
        bump_on_change("faq", FaqEntry)
