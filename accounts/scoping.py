"""Branch scoping in one place: which organisations' records a user may see and edit.

Admin querysets, staff views, exports and object checks all call `scope_queryset` or
`user_can_access_object`, so the rule is written once. A model opts in by naming the path
to its owning organisation in `BRANCH_SCOPE_FIELD` (e.g. "organisation" or
"social_page__organisation").
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.roles import Role, is_regional, user_has_role


def user_organisation_id(user) -> int | None:
    if not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    return profile.organisation_id if profile else None


def scoped_organisation_ids(user):
    """None when the user sees every organisation; otherwise a queryset of ids (a subquery)."""
    from branches.models import Organisation

    if is_regional(user):
        return None
    branch_id = user_organisation_id(user)
    if branch_id is None or not user_has_role(user, Role.BRANCH_EDITOR):
        return Organisation.objects.none().values("pk")
    return Organisation.objects.filter(Q(pk=branch_id) | Q(parent_id=branch_id)).values("pk")


def scope_queryset(queryset: QuerySet, user, *, field: str | None = None) -> QuerySet:
    """Narrow `queryset` to the records `user` may see. Adds no query of its own."""
    field = field or getattr(queryset.model, "BRANCH_SCOPE_FIELD", None)
    if field is None:
        raise ValueError(f"{queryset.model.__name__} has no BRANCH_SCOPE_FIELD")
    ids = scoped_organisation_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


def user_can_access_object(user, obj) -> bool:
    if is_regional(user):
        return True
    model = type(obj)
    return scope_queryset(model._default_manager.filter(pk=obj.pk), user).exists()


def get_object_for_user(queryset: QuerySet, user, **lookup):
    """The one access helper for a scoped object: 404 when absent, 403 when not the user's."""
    from django.shortcuts import get_object_or_404

    obj = get_object_or_404(queryset, **lookup)
    if not user_can_access_object(user, obj):
        raise PermissionDenied
    return obj
