"""Who may see which organisations' records: written once, as a method of the querysets.

Every record that belongs to an organisation names the path to it in `BRANCH_SCOPE_FIELD`
("organisation", "giveaway__organisation", …) and has `objects = ScopedManager()`, so
`Model.objects.for_user(user)` reads the same in a view, an admin, an export and a
selector. A branch editor sees the family of their organisation (it and everything under
it, `Organisation.objects.family`); the chair, regional staff and superusers see
everything; anyone else sees nothing.

It lives here, beside the tree, so that `accounts` (below) knows nothing of organisations.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404

from accounts.roles import Role, is_regional, user_has_role


def user_organisation_id(user) -> int | None:
    """The organisation on the user's profile, or None."""
    if not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    return profile.organisation_id if profile else None


def visible_organisation_ids(user) -> models.QuerySet | None:
    """None when the user sees every organisation; otherwise a queryset of ids (a subquery,
    so narrowing by it adds no query of its own)."""
    from branches.models import Organisation

    if is_regional(user):
        return None
    organisation_id = user_organisation_id(user)
    if organisation_id is None or not user_has_role(user, Role.BRANCH_EDITOR):
        return Organisation.objects.none().values("pk")
    return Organisation.objects.family(organisation_id).values("pk")


class ScopedQuerySet(models.QuerySet):
    """A queryset of records that belong to an organisation."""

    def for_user(self, user) -> ScopedQuerySet:
        """The records `user` may see. Adds no query of its own."""
        field = getattr(self.model, "BRANCH_SCOPE_FIELD", None)
        if field is None:
            raise TypeError(f"{self.model.__name__} has no BRANCH_SCOPE_FIELD")
        ids = visible_organisation_ids(user)
        if ids is None:
            return self
        return self.filter(**{f"{field}__in": ids})


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


def user_can_access_object(user, obj) -> bool:
    if is_regional(user):
        return True
    return type(obj)._default_manager.filter(pk=obj.pk).for_user(user).exists()


def get_object_for_user(queryset: models.QuerySet, user, **lookup):
    """The one access helper for a scoped object: 404 when absent, 403 when not the user's."""
    obj = get_object_or_404(queryset, **lookup)
    if not user_can_access_object(user, obj):
        raise PermissionDenied
    return obj
