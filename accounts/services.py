"""Actions on users: giving a person a role and a branch."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Profile, User
from accounts.roles import Role
from unionportal.exceptions import ApplicationError


@transaction.atomic
def user_assign_role(*, user: User, role: str | None, organisation=None) -> User:
    """Make `user` hold exactly `role` (or none) for `organisation`.

    A branch editor without a branch would see nothing; refuse it instead of leaving a
    login that silently shows empty lists.
    """
    if role == Role.BRANCH_EDITOR and organisation is None:
        raise ApplicationError(_("A branch editor needs a branch."), code="branch_required")
    user.groups.remove(*Group.objects.filter(name__in=Role.values))
    if role:
        user.groups.add(Group.objects.get(name=role))
    user.is_staff = bool(role) or user.is_superuser
    user.save(update_fields=["is_staff"])
    profile, _created = Profile.objects.get_or_create(user=user)
    profile.organisation = organisation
    profile.save(update_fields=["organisation"])
    if hasattr(user, "_role_names"):
        del user._role_names
    return user
