"""The three staff roles and the permissions each one carries.

Roles are Django groups, made by a data migration. Their model permissions are re-synced
after every migrate, so a model added by any app gets the right permissions without a new
data migration:

- chair: views everything;
- regional staff: adds, changes, deletes and views everything in the domain apps;
- branch editor: everything on the records that belong to an organisation (models with
  `BRANCH_SCOPE_FIELD`), restricted to their branch by `Model.objects.for_user` (`branches.scoping`); view only on the
  shared reference data (outlets, rubrics …).

A model may override this with a `ROLE_PERMISSIONS = {"branch_editor": {"view"}, …}` attribute.
"""

from django.apps import apps as global_apps
from django.db import models
from django.utils.translation import gettext_lazy as _

DOMAIN_APPS = ("branches", "publications", "appeals", "media_reports", "giveaways", "messaging", "polls", "reports")


class Role(models.TextChoices):
    CHAIR = "chair", _("Chair")
    REGIONAL_STAFF = "regional_staff", _("Regional staff")
    BRANCH_EDITOR = "branch_editor", _("Branch editor")


ALL_ACTIONS = {"view", "add", "change", "delete"}


def default_actions(role: str, model) -> set[str]:
    override = getattr(model, "ROLE_PERMISSIONS", None)
    if override is not None and role in override:
        return set(override[role])
    if role == Role.CHAIR:
        return {"view"}
    if role == Role.REGIONAL_STAFF:
        return set(ALL_ACTIONS)
    if getattr(model, "BRANCH_SCOPE_FIELD", None):
        return set(ALL_ACTIONS)
    return {"view"}


def _last_app_with_models():
    return [config for config in global_apps.get_app_configs() if config.models_module is not None][-1]


def sync_role_permissions(sender=None, apps=global_apps, **kwargs):
    """Give each role group exactly the permissions its role carries. Idempotent.

    `migrate` and `flush` send post_migrate once per app; the permissions of every app exist
    only after the last app's turn, so the groups are set then, once, not some 35 times."""
    if sender is not None and sender is not _last_app_with_models():
        return
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        ContentType = apps.get_model("contenttypes", "ContentType")
    except LookupError:
        return
    real_models = [m for m in global_apps.get_models() if m._meta.app_label in DOMAIN_APPS]
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for model in real_models:
            ct = ContentType.objects.filter(app_label=model._meta.app_label, model=model._meta.model_name).first()
            if ct is None:
                continue
            codenames = [f"{action}_{model._meta.model_name}" for action in default_actions(role, model)]
            wanted.extend(Permission.objects.filter(content_type=ct, codename__in=codenames))
        group.permissions.set(wanted)


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        user._role_names = cached
    return cached


def user_has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_regional(user) -> bool:
    """Sees every organisation's records: superusers, the chair and regional staff."""
    return user.is_authenticated and (user.is_superuser or user_has_role(user, Role.CHAIR, Role.REGIONAL_STAFF))


def is_staff_member(user) -> bool:
    """THE rule of who is staff: a superuser, a user with `is_staff`, or anyone holding a
    staff role group, however it was given (the service, the admin form, "Users → groups").

    The two-factor middleware, the admin site's `has_permission`, `staff_required` and the
    role helpers all ask this, so a role given by any path brings the second factor with it.
    """
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.is_staff or user_roles(user))
    )
