"""Demo logins, one per role, so a newcomer can see the portal as each person sees it.

Here at the top rather than in `accounts`: a login of a branch editor names a branch of
the registry, which `accounts` (below `branches`) does not know."""

from allauth.account.models import EmailAddress
from django.conf import settings

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_assign_role
from branches.models import Organisation

DEMO_PASSWORD = "demo-pass-2024"  # noqa: S105 - demo data only, printed by `make run`

DEMO_USERS = [
    # username, first name, last name, role, organisation slug, superuser
    ("admin", "Админ", "Портала", None, "regional", True),
    ("chair", "А.", "Ракишева", Role.CHAIR, "regional", False),
    ("staff", "Специалист", "Аппарата", Role.REGIONAL_STAFF, "regional", False),
    ("editor-temirtau", "Редактор", "Темиртау", Role.BRANCH_EDITOR, "temirtau", False),
    ("editor-shet", "Редактор", "Шет", Role.BRANCH_EDITOR, "shet", False),
]


def load(*, stdout=None) -> None:
    for username, first, last, role, org_slug, is_superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.kz", "is_superuser": is_superuser},
        )
        if created:
            # The shared demo password only on a development machine: a demo load on a
            # production database (the HTTP bench does one) must not open a superuser
            # login whose password is in the README.
            if settings.DEBUG:
                user.set_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            user.save()
        # Verification is mandatory; the demo addresses are taken as confirmed.
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        user_assign_role(user=user, role=role, organisation=Organisation.objects.get(slug=org_slug))
    if stdout:
        password = DEMO_PASSWORD if settings.DEBUG else "none: set one with manage.py changepassword"
        stdout.write(f"Demo logins (password {password}): {', '.join(u[0] for u in DEMO_USERS)}\n")
