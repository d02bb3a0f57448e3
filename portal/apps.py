from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The pages that put several parts of the portal together: the home page and a
    branch's page. It sits at the top, so the parts below never import each other for them."""

    name = "portal"
    verbose_name = _("Portal pages")

    def ready(self):
        from django.contrib import admin

        from unionportal.admin_base import make_every_admin_strict

        # The last app to load: every admin module, the libraries' too, is registered by now.
        make_every_admin_strict(admin.site)
