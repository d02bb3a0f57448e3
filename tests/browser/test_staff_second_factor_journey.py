"""A chair given the role the README's way ("Users → groups") signs in with a password,
is sent to enrol the second factor, proves the password again, scans the secret and
reaches the admin; the e-mail page stays closed until then."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.accounts.totp import current_totp_code


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


def test_a_chair_set_up_through_groups_enrols_the_second_factor_before_the_admin(page, login, mfa_required, regional_org):
    chair = UserFactory(username="chair_groups", first_name="Айгуль", last_name="Ракишева")
    chair.groups.add(Group.objects.get(name=Role.CHAIR))
    login(chair)

    page.goto("/accounts/email/")
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    # Enrolment begins by asking for the password again, even right after signing in.
    page.fill("input[name=password]", "pass-for-tests-123")
    page.click("form:has(input[name=password]) button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))

    secret = page.locator("input#authenticator_secret").input_value()
    page.fill("input[name=code]", current_totp_code(secret))
    page.click("form:has(input[name=code]) button[type=submit]")
    # The activation's answer, before the next page is asked for (which would cancel it).
    expect(page).not_to_have_url(re.compile(r"/2fa/totp/activate/"))

    page.goto("/admin/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    # The account's e-mail page opens now that the second factor is on.
    page.goto("/accounts/email/")
    expect(page).to_have_url(re.compile(r"/accounts/email/$"))
