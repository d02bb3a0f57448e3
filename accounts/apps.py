from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from accounts import checks, signals  # noqa: F401 - checks register themselves
        from accounts.models import User
        from accounts.roles import sync_role_permissions

        # Permissions of models added later by any app reach the role groups on migrate.
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
        signals.connect_allauth_receivers()
        m2m_changed.connect(
            signals.sync_staff_on_group_change, sender=User.groups.through, dispatch_uid="accounts.sync_staff_on_group_change"
        )
