from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The pages that put several parts of the portal together: the home page and a
    branch's page. It sits at the top, so the parts below never import each other for them."""

    name = "portal"
    verbose_name = _("Portal pages")
