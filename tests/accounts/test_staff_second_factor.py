"""Issue 11, items 3 and 4: whoever holds a staff role comes under the second factor, and
until they enrol it a password alone cannot touch the account's e-mail, password or the
staff area; every such change is e-mailed to the old address and kept in the history."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.roles import Role, is_staff_member
from tests.accounts.factories import UserFactory
from tests.accounts.totp import current_totp_code

PASSWORD = "pass-for-tests-123"


def _logged_in(user):
    client = Client()
    response = client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def _enrolled(user):
    return Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


@pytest.fixture
def chair_by_groups(regional_org):
    """A chair made the README's way: the admin's "Users → groups", no service call."""
    user = UserFactory(username="chair_by_groups")
    user.groups.add(Group.objects.get(name=Role.CHAIR))
    return user


# --- Item 3: one rule of who is staff ----------------------------------------------------


@pytest.mark.django_db
def test_a_role_given_through_groups_turns_on_staff_status(chair_by_groups):
    chair_by_groups.refresh_from_db()
    assert chair_by_groups.is_staff
    assert is_staff_member(chair_by_groups)


@pytest.mark.django_db
def test_a_role_given_from_the_groups_side_turns_on_staff_status_and_taking_it_away_turns_it_off(regional_org):
    user = UserFactory(username="via_group_page")
    group = Group.objects.get(name=Role.REGIONAL_STAFF)
    group.user_set.add(user)
    user.refresh_from_db()
    assert user.is_staff
    group.user_set.remove(user)
    user.refresh_from_db()
    assert not user.is_staff


@pytest.mark.django_db
def test_a_group_that_is_no_role_does_not_make_staff(db):
    user = UserFactory(username="club")
    user.groups.add(Group.objects.create(name="book club"))
    user.refresh_from_db()
    assert not user.is_staff
    assert not is_staff_member(user)


@pytest.mark.django_db
def test_is_staff_alone_counts_as_staff(db):
    assert is_staff_member(UserFactory(username="hand_made", is_staff=True))


@pytest.mark.django_db
def test_a_chair_given_the_role_through_groups_must_enrol_before_the_admin_and_the_staff_pages(
    mfa_required, chair_by_groups
):
    client = Client()
    client.force_login(chair_by_groups)
    for url in ("/admin/", "/admin/appeals/appeal/", "/dashboard/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp"), url


@pytest.mark.django_db
def test_a_chair_given_the_role_through_groups_enters_the_admin_after_enrolling(mfa_required, chair_by_groups):
    _enrolled(chair_by_groups)
    client = Client()
    client.force_login(chair_by_groups)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_ticking_a_role_group_in_the_user_admin_turns_on_staff_status(superuser, regional_org):
    target = UserFactory(username="ticked")
    client = Client()
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[target.pk])
    form = {
        "username": target.username,
        "email": target.email,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "is_active": "on",
        "groups": [Group.objects.get(name=Role.CHAIR).pk],
        "date_joined_0": "01.01.2025",
        "date_joined_1": "10:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-organisation": regional_org.pk,
        "profile-0-position": "",
        "profile-0-phone": "",
        "profile-0-user": target.pk,
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert target.is_staff


# --- Item 4: nothing but enrolment before the second factor ------------------------------


@pytest.mark.django_db
def test_unenrolled_staff_cannot_add_an_e_mail_address(mfa_required, regional_staff):
    client = _logged_in(regional_staff)
    response = client.post("/accounts/email/", {"action_add": "", "email": "attacker@evil.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert not EmailAddress.objects.filter(email="attacker@evil.example").exists()


@pytest.mark.django_db
def test_unenrolled_staff_cannot_make_another_address_primary_or_remove_theirs(mfa_required, regional_staff):
    EmailAddress.objects.create(user=regional_staff, email="second@example.kz", verified=True, primary=False)
    client = _logged_in(regional_staff)
    client.post("/accounts/email/", {"action_primary": "", "email": "second@example.kz"})
    client.post("/accounts/email/", {"action_remove": "", "email": regional_staff.email})
    primary = EmailAddress.objects.get(user=regional_staff, primary=True)
    assert primary.email == regional_staff.email


@pytest.mark.django_db
def test_unenrolled_staff_cannot_change_the_password(mfa_required, regional_staff):
    client = _logged_in(regional_staff)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-new-long-pass-987", "password2": "a-new-long-pass-987"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    regional_staff.refresh_from_db()
    assert regional_staff.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_member_still_manages_their_own_e_mail(mfa_required, member):
    client = _logged_in(member)
    assert client.get("/accounts/email/").status_code == 200


@pytest.mark.django_db
def test_enrolment_asks_for_the_password_again_even_right_after_login(mfa_required, regional_staff):
    client = _logged_in(regional_staff)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(
        reverse("account_reauthenticate") + "?next=" + reverse("mfa_activate_totp"), {"password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def _enrol_totp(client):
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = current_totp_code(secret)
    return client.post(reverse("mfa_activate_totp"), {"code": code})


@pytest.mark.django_db(transaction=True)
def test_enrolling_the_second_factor_is_e_mailed_and_kept_in_the_history(mfa_required, regional_staff):
    # A real commit: allauth sends the notice and the signal on commit, inside the request.
    client = _logged_in(regional_staff)
    mail.outbox.clear()
    response = _enrol_totp(client)
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=regional_staff, type=Authenticator.Type.TOTP).exists()
    assert [m.to for m in mail.outbox] == [[regional_staff.email]]
    assert LogEntry.objects.filter(object_id=str(regional_staff.pk), change_message__contains="second factor").exists()
    # …and the staff area opens now.
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_new_primary_address_is_e_mailed_to_the_old_one_and_kept_in_the_history(mfa_required, regional_staff):
    _enrolled(regional_staff)
    EmailAddress.objects.create(user=regional_staff, email="new@example.kz", verified=True, primary=False)
    client = Client()
    client.force_login(regional_staff)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    mail.outbox.clear()
    client.post("/accounts/email/", {"action_primary": "", "email": "new@example.kz"})
    assert EmailAddress.objects.get(user=regional_staff, primary=True).email == "new@example.kz"
    assert [m.to for m in mail.outbox] == [[regional_staff.email]]
    assert "new@example.kz" in mail.outbox[0].body
    assert LogEntry.objects.filter(object_id=str(regional_staff.pk), change_message__contains="e-mail address").exists()


@pytest.mark.django_db
def test_an_enrolled_staff_member_cannot_add_an_unverified_address(mfa_required, regional_staff):
    # allauth's own rule once a second factor is on: a new address would be a way around it.
    _enrolled(regional_staff)
    client = Client()
    client.force_login(regional_staff)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post("/accounts/email/", {"action_add": "", "email": "extra@example.kz"})
    assert not EmailAddress.objects.filter(email="extra@example.kz").exists()


@pytest.mark.django_db
def test_an_added_address_is_e_mailed_to_the_primary_one(member):
    client = _logged_in(member)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    mail.outbox.clear()
    client.post("/accounts/email/", {"action_add": "", "email": "extra@example.kz"})
    assert EmailAddress.objects.filter(user=member, email="extra@example.kz").exists()
    notices = [m for m in mail.outbox if m.to == [member.email]]
    assert notices and "extra@example.kz" in notices[0].body


@pytest.mark.django_db
def test_a_password_change_is_e_mailed_and_kept_in_the_history(mfa_required, regional_staff):
    _enrolled(regional_staff)
    client = Client()
    client.force_login(regional_staff)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    mail.outbox.clear()
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-new-long-pass-987", "password2": "a-new-long-pass-987"},
    )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[regional_staff.email]]
    assert LogEntry.objects.filter(object_id=str(regional_staff.pk), change_message__contains="password").exists()


@pytest.mark.django_db
def test_an_administrator_changing_a_staff_address_tells_the_old_one(superuser, regional_staff):
    client = Client()
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[regional_staff.pk])
    old = regional_staff.email
    form = {
        "username": regional_staff.username,
        "email": "changed@example.kz",
        "first_name": regional_staff.first_name,
        "last_name": regional_staff.last_name,
        "is_active": "on",
        "is_staff": "on",
        "groups": list(regional_staff.groups.values_list("pk", flat=True)),
        "date_joined_0": "01.01.2025",
        "date_joined_1": "10:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": regional_staff.profile.pk,
        "profile-0-organisation": regional_staff.profile.organisation_id,
        "profile-0-position": "",
        "profile-0-phone": "",
        "profile-0-user": regional_staff.pk,
    }
    mail.outbox.clear()
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [m.to for m in mail.outbox] == [[old]]
    assert "changed@example.kz" in mail.outbox[0].body


@pytest.mark.django_db
def test_turning_the_second_factor_off_closes_the_staff_area_again(mfa_required, regional_staff):
    authenticator = _enrolled(regional_staff)
    client = Client()
    client.force_login(regional_staff)
    assert client.get("/admin/").status_code == 200
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("mfa_deactivate_totp"), {})
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_an_administrator_setting_a_staff_password_tells_the_owner(superuser, regional_staff):
    client = Client()
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[regional_staff.pk])  # the name Django gives it
    mail.outbox.clear()
    response = client.post(url, {"password1": "a-new-long-pass-987", "password2": "a-new-long-pass-987", "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [m.to for m in mail.outbox] == [[regional_staff.email]]


@pytest.mark.django_db
def test_the_migration_gives_staff_status_to_who_got_a_role_through_groups_before(regional_org):
    from importlib import import_module

    from django.apps import apps

    user = UserFactory(username="old_chair")
    user.groups.add(Group.objects.get(name=Role.CHAIR))
    type(user).objects.filter(pk=user.pk).update(is_staff=False)
    import_module("accounts.migrations.0003_role_holders_are_staff").role_holders_are_staff(apps, None)
    user.refresh_from_db()
    assert user.is_staff


@pytest.mark.django_db
def test_an_authenticator_deleted_in_the_admin_is_told_to_its_owner_and_kept_in_the_history(superuser, regional_staff):
    authenticator = _enrolled(regional_staff)
    client = Client()
    client.force_login(superuser)
    mail.outbox.clear()
    url = reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
    assert [m.to for m in mail.outbox] == [[regional_staff.email]]
    assert LogEntry.objects.filter(object_id=str(regional_staff.pk), change_message__contains="second factor").exists()
