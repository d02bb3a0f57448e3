"""The staff area: who gets in, two-factor for staff, and no self-promotion."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from branches.models import SocialPage
from tests.branches.factories import SocialPageFactory


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_admin_sends_visitors_to_the_portal_login():
    client = Client()
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_admin_follows_the_chosen_language(regional_staff):
    body = _client(regional_staff).get("/kk/admin/").content.decode()
    assert 'lang="kk"' in body


@pytest.mark.django_db
def test_staff_without_two_factor_are_sent_to_set_it_up_when_required(settings, regional_staff):
    settings.MFA_REQUIRED_FOR_STAFF = True
    response = _client(regional_staff).get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_staff_with_two_factor_enter_the_admin_when_required(settings, regional_staff):
    settings.MFA_REQUIRED_FOR_STAFF = True
    Authenticator.objects.create(user=regional_staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert _client(regional_staff).get("/admin/").status_code == 200


@pytest.mark.django_db
def test_two_factor_is_not_demanded_when_the_setting_is_off(settings, regional_staff):
    settings.MFA_REQUIRED_FOR_STAFF = False
    assert _client(regional_staff).get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_branch_editor_cannot_move_a_page_to_another_branch(editor_a, branch_a, branch_b):
    page = SocialPageFactory(organisation=branch_a)
    url = reverse("admin:branches_socialpage_change", args=[page.pk])
    response = _client(editor_a).post(
        url, {"organisation": branch_b.pk, "platform": "instagram", "url": page.url, "handle": page.handle, "is_official": "on"}
    )
    assert response.status_code == 200  # the form re-renders: branch B is not a valid choice
    assert "organisation" in response.context["adminform"].form.errors
    assert SocialPage.objects.get(pk=page.pk).organisation == branch_a


@pytest.mark.django_db
def test_only_a_superuser_can_grant_superuser_status(superuser, regional_staff, member):
    regional_staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    response = _client(regional_staff).get(reverse("admin:accounts_user_change", args=[member.pk]))
    assert response.status_code == 200
    assert "is_superuser" not in response.context["adminform"].form.fields
    response = _client(superuser).get(reverse("admin:accounts_user_change", args=[member.pk]))
    assert "is_superuser" in response.context["adminform"].form.fields


@pytest.mark.django_db
def test_signup_can_be_closed_from_the_environment(settings):
    settings.ACCOUNT_ALLOW_REGISTRATION = False
    closed = Client().get("/accounts/signup/")
    assert "account/signup_closed.html" in [t.name for t in closed.templates]
    settings.ACCOUNT_ALLOW_REGISTRATION = True
    opened = Client().get("/accounts/signup/")
    assert "account/signup_closed.html" not in [t.name for t in opened.templates]
    assert "password1" in opened.context["form"].fields


@pytest.mark.django_db
def test_staff_pages_outside_the_admin_also_demand_two_factor_when_required(settings, regional_staff):
    settings.MFA_REQUIRED_FOR_STAFF = True
    response = _client(regional_staff).get(reverse("appeals:attachment", args=[1]))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_public_pages_do_not_demand_two_factor_of_staff(settings, regional_staff):
    settings.MFA_REQUIRED_FOR_STAFF = True
    assert _client(regional_staff).get(reverse("appeals:submit")).status_code == 200
