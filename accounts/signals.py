"""Receivers that keep accounts consistent whatever path a change takes.

Role groups may be given in the admin ("Users → groups", or a group's own page) without
`accounts.services`; the m2m signal brings `is_staff` in line so the admin opens and the
two-factor rule applies. Security-relevant account changes made through allauth (e-mail,
password, second factor) are written to the admin history by `accounts.services`.
"""

from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role


def sync_staff_on_group_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    from accounts.services import user_sync_staff_status

    if action == "pre_clear" and reverse:
        # After the clear the group's members are gone: remember who they were.
        instance._cleared_user_ids = list(instance.user_set.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    removed = action != "post_add"
    if not reverse:
        # user.groups.add/remove/set/clear: `instance` is the user, `pk_set` group ids.
        if pk_set is not None and not Group.objects.filter(pk__in=pk_set, name__in=Role.values).exists():
            return
        user_sync_staff_status(user=instance, role_removed=removed)
        return
    # group.user_set.add/remove: `instance` is the group, `pk_set` user ids.
    if instance.name not in Role.values:
        return
    if pk_set is None:
        pk_set = getattr(instance, "_cleared_user_ids", [])
    users = User.objects.filter(pk__in=pk_set)
    for user in users:
        user_sync_staff_status(user=user, role_removed=removed)


# --- allauth: a staff account's e-mail, password or second factor changed -------------
# allauth itself e-mails the notices (ACCOUNT_EMAIL_NOTIFICATIONS: the password and second
# factor to the primary address, an e-mail change to the address it replaced, a removal
# to the primary); these receivers add the admin history, and the notice allauth lacks
# (an address added).


def record_password_change(sender, request, user, **kwargs):
    from accounts.services import user_record_security_change

    user_record_security_change(user=user, change="password")


def record_email_change(sender, request, user, **kwargs):
    from accounts.services import user_record_security_change

    user_record_security_change(user=user, change="email")


def notify_email_added(sender, request, user, email_address, **kwargs):
    from allauth.account.models import EmailAddress

    from accounts.services import user_notify_security_change

    primary = EmailAddress.objects.filter(user=user, primary=True).exclude(pk=email_address.pk).first()
    old = primary.email if primary else (user.email if user.email != email_address.email else "")
    user_notify_security_change(
        request=request, user=user, template_prefix="account/email/email_added", email=old,
        context={"added_email": email_address.email},
    )


def record_second_factor_change(sender, request, user, **kwargs):
    from accounts.services import user_record_security_change

    user_record_security_change(user=user, change="second_factor")
    if request is not None and hasattr(request, "session"):
        # The middleware remembers "has a second factor" for the session; ask again.
        request.session.pop("mfa_checked_for", None)


def connect_allauth_receivers():
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals

    password = {"changed": account_signals.password_changed, "set": account_signals.password_set, "reset": account_signals.password_reset}
    email = {"changed": account_signals.email_changed, "added": account_signals.email_added, "removed": account_signals.email_removed}
    second_factor = {
        "added": mfa_signals.authenticator_added,
        "removed": mfa_signals.authenticator_removed,
        "reset": mfa_signals.authenticator_reset,
    }
    for name, signal in password.items():
        signal.connect(record_password_change, dispatch_uid=f"accounts.record_password_{name}")
    for name, signal in email.items():
        signal.connect(record_email_change, dispatch_uid=f"accounts.record_email_{name}")
    for name, signal in second_factor.items():
        signal.connect(record_second_factor_change, dispatch_uid=f"accounts.record_second_factor_{name}")
    account_signals.email_added.connect(notify_email_added, dispatch_uid="accounts.notify_email_added")
