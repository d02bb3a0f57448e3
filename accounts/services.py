"""Actions on users: giving a person a role and a branch, keeping `is_staff` true to the
roles, and the audit trail of staff accounts' e-mail, password and second factor."""

import json

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Profile, User
from accounts.roles import Role, is_staff_member
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
    user_sync_staff_status(user=user, role_removed=not role)
    profile, _created = Profile.objects.get_or_create(user=user)
    profile.organisation = organisation
    profile.save(update_fields=["organisation"])
    return user


def user_sync_staff_status(*, user: User, role_removed: bool = False) -> User:
    """Make `is_staff` follow the roles: on with any staff role, off when the last one goes.

    Called by `user_assign_role`, the user admin and the groups m2m signal, so however a
    role is given ("Users → groups", the service, a group's member list) the flag agrees
    and the admin's login opens. A superuser keeps `is_staff`. A user an administrator
    made staff by hand without a role keeps it until a role is taken away
    (`role_removed`): `is_staff_member` counts them as staff, second factor included.
    """
    if hasattr(user, "_role_names"):
        del user._role_names
    has_role = user.groups.filter(name__in=Role.values).exists()
    if has_role or user.is_superuser:
        wanted = True
    else:
        wanted = user.is_staff and not role_removed
    if wanted != user.is_staff:
        user.is_staff = wanted
        User.objects.filter(pk=user.pk).update(is_staff=wanted)
    return user


# What the admin history says changed, in English as Django stores its own change
# messages; LogEntry.get_change_message translates each name on display.
SECURITY_FIELDS = {
    "email": gettext_noop("e-mail address"),
    "password": gettext_noop("password"),
    "second_factor": gettext_noop("second factor"),
}


def user_record_security_change(*, user: User, change: str, actor: User | None = None) -> LogEntry | None:
    """Write a change of a staff user's e-mail, password or second factor to the admin
    history (the user's "History" page), whoever made it and by whatever path.

    `change` is a key of SECURITY_FIELDS. Members' own changes are not recorded: the
    admin history is the staff's audit trail. No address, code or secret goes in.
    """
    if not is_staff_member(user):
        return None
    actor = actor or user
    return LogEntry.objects.create(
        user_id=actor.pk,
        content_type_id=ContentType.objects.get_for_model(User, for_concrete_model=False).pk,
        object_id=str(user.pk),
        object_repr=str(user)[:200],
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": [SECURITY_FIELDS[change]]}}]),
    )


def user_notify_security_change(*, request, user: User, template_prefix: str, email: str, context=None) -> None:
    """E-mail a security notice (allauth's templates) to `email`: the address the user
    had BEFORE the change, so the owner hears of it even when the change took the address."""
    from allauth.account.adapter import get_adapter

    if email:
        get_adapter(request).send_notification_mail(template_prefix, user, context=context or {}, email=email)
