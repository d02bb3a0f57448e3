from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"
    verbose_name = _("Messaging")

    def ready(self):
        # Appeals announce an answer with a signal and never import messaging (the layers
        # contract); the receivers queue the answer to the member's chat.
        from messaging import checks, receivers  # noqa: F401
