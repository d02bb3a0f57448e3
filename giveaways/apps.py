from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GiveawaysConfig(AppConfig):
    name = "giveaways"
    verbose_name = _("Giveaways")
