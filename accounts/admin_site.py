"""The portal's admin site: who may enter is decided by `accounts.roles.is_staff_member`."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from accounts.roles import is_staff_member


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request):
        # Django's own check reads only `is_staff`; a role given through groups must open
        # the admin too (and so come under the two-factor rule of the same function).
        return is_staff_member(request.user)


class PortalAdminConfig(AdminConfig):
    """Replaces `django.contrib.admin` in INSTALLED_APPS so `admin.site` is a PortalAdminSite."""

    default_site = "accounts.admin_site.PortalAdminSite"
